import type { SchemaProfile } from '@app/contracts';
import type { ConnectorProfile } from './connector-profile';

/**
 * The tenant a request's bearer token belongs to, as the auth guard attaches it to the request.
 * Shared between requests through the token cache: never mutate it.
 */
export interface AuthenticatedTenant {
  readonly id: string;
  readonly name: string;
  /** The token that authenticated the request (for audit and last-used tracking). */
  readonly tokenId: string;
  readonly profile: Readonly<ConnectorProfile>;
  /** schemaProfileOf(profile), computed once per cache entry; put it in user commands. */
  readonly schemaProfile: Readonly<SchemaProfile>;
}
