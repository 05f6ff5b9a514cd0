import { DynamicModule, Module } from '@nestjs/common';
import { BearerAuthenticator } from '../auth/bearer-authenticator';
import { AccessTokens } from './access-tokens';
import { OAuthClientRepository } from './oauth-client.repository';
import { OAuthClientsService } from './oauth-clients.service';
import { OAuthController } from './oauth.controller';
import { OAUTH_OPTIONS, type OAuthOptions } from './oauth.options';
import { SigningKeyRepository } from './signing-key.repository';
import { SigningKeyRing } from './signing-key-ring';

/**
 * OAuth 2.0 client credentials as a tenant's second way in (RFC 6749 §4.4, RFC 9068 access
 * tokens): the token endpoint, JWKS and metadata, the clients, and the BearerAuthenticator the
 * SCIM auth guard uses for both kinds of bearer credential. Global (the guard lives in
 * ScimEdgeModule); needs TenantsModule (global) for the verdict cache and token service.
 */
@Module({})
export class OAuthModule {
  static forRoot(options: OAuthOptions): DynamicModule {
    return {
      module: OAuthModule,
      global: true,
      controllers: [OAuthController],
      providers: [
        { provide: OAUTH_OPTIONS, useValue: options },
        OAuthClientRepository,
        SigningKeyRepository,
        {
          provide: SigningKeyRing,
          inject: [SigningKeyRepository],
          useFactory: (store: SigningKeyRepository) =>
            new SigningKeyRing(store, { rotationMs: options.keyRotationSeconds * 1000, tokenTtlMs: options.accessTokenTtlSeconds * 1000 }),
        },
        {
          provide: AccessTokens,
          inject: [SigningKeyRing],
          useFactory: (keys: SigningKeyRing) => new AccessTokens(keys, { issuer: options.issuer, audience: options.audience, ttlSeconds: options.accessTokenTtlSeconds }),
        },
        OAuthClientsService,
        BearerAuthenticator,
      ],
      exports: [OAUTH_OPTIONS, OAuthClientsService, BearerAuthenticator],
    };
  }
}
