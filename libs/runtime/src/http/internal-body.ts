import { Injectable, PipeTransform } from '@nestjs/common';
import Ajv, { type ValidateFunction } from 'ajv';
import type { InternalBodySchema } from '@app/contracts';
import { ScimError } from '@app/scim';

const ajv = new Ajv({ allErrors: true, strict: false });

/**
 * Checks an internal API body (gateway → owning service) against its JSON Schema from
 * libs/contracts and hands the handler the type derived from that schema:
 * `@Body(new InternalBody(ResourceQueryBody)) query: ResourceQuery`. A body that does
 * not match is a 400 with a SCIM error body naming every problem, which the gateway passes on.
 */
@Injectable()
export class InternalBody<T> implements PipeTransform<unknown, T> {
  private readonly validate: ValidateFunction<T>;

  constructor(schema: InternalBodySchema<T>) {
    this.validate = ajv.compile<T>(schema.jsonSchema);
  }

  transform(value: unknown): T {
    if (this.validate(value)) return value;
    const problems = (this.validate.errors ?? []).map((e) => `${e.instancePath || 'body'} ${e.message ?? 'is not valid'}`);
    throw new ScimError(400, 'invalidValue', `Request body does not match its schema: ${problems.join('; ')}`);
  }
}
