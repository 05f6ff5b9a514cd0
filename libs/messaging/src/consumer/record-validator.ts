import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { envelopeOfBinaryRecord, TOPIC_JSON_SCHEMAS, PayloadTopic } from '@app/contracts';
import { NonRetryableError } from './errors';

/**
 * Parses a record's value as JSON and checks it against its topic's JSON Schema from the
 * contracts. A CloudEvent in binary mode (`ce_*` headers) is read back into its envelope first,
 * so handlers see the same event in either binding mode.
 */
export class RecordValidator {
  private readonly ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(extraSchemas: Record<string, object> = {}) {
    for (const [topic, schema] of Object.entries({ ...TOPIC_JSON_SCHEMAS, ...extraSchemas })) {
      this.validators.set(topic, this.ajv.compile({ ...schema, $id: undefined }));
    }
  }

  parse(topic: string, value: Buffer | null, headers: Readonly<Record<string, string>> = {}): unknown {
    let parsed: unknown;
    try {
      parsed = envelopeOfBinaryRecord(headers, value === null ? null : value.toString('utf8'));
      if (parsed === undefined) {
        if (value === null) throw new NonRetryableError('record has no value');
        parsed = JSON.parse(value.toString('utf8'));
      }
    } catch (err) {
      if (err instanceof NonRetryableError) throw err;
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
