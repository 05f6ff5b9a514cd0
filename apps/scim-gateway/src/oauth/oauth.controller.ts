import { Controller, Get, Inject, Optional, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentLogger, JsonLogger } from '@app/observability';
import { LOGGER } from '@app/runtime';
import { AccessTokens, SCIM_SCOPE } from './access-tokens';
import { OAuthClientsService } from './oauth-clients.service';
import { OAUTH_JWKS_PATH, OAUTH_METADATA_PATH, OAUTH_OPTIONS, OAUTH_TOKEN_PATH, type OAuthOptions } from './oauth.options';
import { SigningKeyRing } from './signing-key-ring';
import { parseTokenRequest, type OAuthErrorAnswer } from './token-request';

/** Retry-After when the client registry cannot be reached. */
const RETRY_AFTER_SECONDS = 5;

/**
 * The gateway as an OAuth 2.0 authorization server for the client credentials grant:
 *   POST /oauth/v1/token                           → RFC 6749 §5.1 token response (or §5.2 error)
 *   GET  /oauth/v1/jwks                            → RFC 7517 JWK Set of the signing keys
 *   GET  /.well-known/oauth-authorization-server   → RFC 8414 metadata
 * Answers are OAuth JSON, not SCIM errors: these are not SCIM endpoints.
 */
@Controller()
export class OAuthController {
  private readonly log?: ComponentLogger;

  constructor(
    private readonly clients: OAuthClientsService,
    private readonly accessTokens: AccessTokens,
    private readonly keys: SigningKeyRing,
    @Inject(OAUTH_OPTIONS) private readonly options: OAuthOptions,
    @Optional() @Inject(LOGGER) logger?: JsonLogger,
  ) {
    this.log = logger?.child('oauth');
  }

  @Post(OAUTH_TOKEN_PATH)
  async token(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const parsed = parseTokenRequest(request.headers['content-type'], request.body, request.headers.authorization);
    if (!parsed.ok) return sendError(reply, parsed);
    try {
      const client = await this.clients.authenticateClient(parsed.clientId, parsed.clientSecret);
      if (!client) {
        return sendError(reply, { ok: false, status: 401, error: 'invalid_client', description: 'Unknown or revoked client, or a wrong secret', basicChallenge: parsed.viaBasic });
      }
      const minted = await this.accessTokens.mint(client);
      this.clients.noteTokenIssued(client).catch((err: Error) => this.log?.warn('could not note an issued token', { clientId: client.clientId, error: err }));
      // RFC 6749 §5.1: the answer holds a credential, so no cache may keep it.
      return reply
        .status(200)
        .headers({ 'cache-control': 'no-store', pragma: 'no-cache' })
        .send({ access_token: minted.accessToken, token_type: 'Bearer', expires_in: minted.expiresIn, scope: minted.scope });
    } catch (err) {
      this.log?.warn('a token request could not be decided: the client registry or key store is unreachable', { error: err as Error });
      void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
      return sendError(reply, { ok: false, status: 503, error: 'temporarily_unavailable', description: 'Tokens cannot be issued right now; retry later' });
    }
  }

  @Get(OAUTH_JWKS_PATH)
  async jwks(@Res() reply: FastifyReply): Promise<FastifyReply> {
    try {
      return reply.header('cache-control', 'public, max-age=60').send(await this.keys.jwks());
    } catch (err) {
      this.log?.warn('the signing keys could not be loaded', { error: err as Error });
      return reply.status(503).header('retry-after', String(RETRY_AFTER_SECONDS)).send({ error: 'temporarily_unavailable' });
    }
  }

  @Get(OAUTH_METADATA_PATH)
  metadata(): Record<string, unknown> {
    const issuer = this.options.issuer;
    return {
      issuer,
      token_endpoint: `${issuer}${OAUTH_TOKEN_PATH}`,
      jwks_uri: `${issuer}${OAUTH_JWKS_PATH}`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: [SCIM_SCOPE],
      response_types_supported: [],
    };
  }
}

function sendError(reply: FastifyReply, answer: OAuthErrorAnswer): FastifyReply {
  if (answer.status === 401 && answer.basicChallenge) void reply.header('www-authenticate', 'Basic realm="oauth", charset="UTF-8"');
  return reply.status(answer.status).headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).send({ error: answer.error, error_description: answer.description });
}
