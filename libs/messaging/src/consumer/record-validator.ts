import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { TOPIC_JSON_SCHEMAS, PayloadTopic } from '@app/contracts';
import { NonRetryableError } from './errors';

/** Parses a record's value as JSON and checks it against its topic's JSON Schema from the contracts. */
export class RecordValidator {
  private readonly ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(extraSchemas: Record<string, object> = {}) {
    for (const [topic, schema] of Object.entries({ ...TOPIC_JSON_SCHEMAS, ...extraSchemas })) {
      this.validators.set(topic, this.ajv.compile({ ...schema, $id: undefined }));
    }
  }

  parse(topic: string, value: Buffer | null): unknown {
    if (value === null) throw new NonRetryableError('record has no value');
    let parsed: unknown;
    try {
      parsed = JSON.parse(value.toString('utf8'));
    } catch (err) {
      throw new NonRetryableError(`value is not JSON: ${(err as Error).message}`);
    }
    const validate = this.validators.get(topic);
    if (validate && !validate(parsed)) {
      const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
      throw new NonRetryableError(`value does not match the ${topic} schema: ${problems}`);
    }
    return parsed;
  }

  knows(topic: string): topic is PayloadTopic {
    return this.validators.has(topic);
  }
}
