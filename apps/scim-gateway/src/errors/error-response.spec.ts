import { BadRequestException, HttpException, MethodNotAllowedException, NotFoundException } from '@nestjs/common';
import { ScimError, SCIM_ERROR_SCHEMA } from '@app/scim';
import { toErrorReply } from './error-response';
import { GatewayError } from './gateway-error';

describe('toErrorReply (RFC 7644 §3.12 bodies)', () => {
  const cases: Array<[string, unknown, { status: number; scimType?: string; detail?: RegExp; headers?: Record<string, string> }]> = [
    ['ScimError keeps status and scimType', ScimError.badRequest('invalidFilter', 'bad filter'), { status: 400, scimType: 'invalidFilter', detail: /^bad filter$/ }],
    ['ScimError 404 has no scimType', new ScimError(404, undefined, 'User 1 not found'), { status: 404, detail: /not found/ }],
    [
      'missing credentials: challenge without error code (RFC 6750 §3.1)',
      GatewayError.missingCredentials('scim'),
      { status: 401, headers: { 'www-authenticate': 'Bearer realm="scim"' } },
    ],
    [
      'invalid token: invalid_token challenge',
      GatewayError.invalidCredentials('scim'),
      { status: 401, headers: { 'www-authenticate': 'Bearer realm="scim", error="invalid_token", error_description="The access token is malformed, unknown or revoked"' } },
    ],
    ['admin realm', GatewayError.missingCredentials('admin'), { status: 401, headers: { 'www-authenticate': 'Bearer realm="admin"' } }],
    ['rate limited: 429 with whole-second Retry-After', GatewayError.rateLimited(10, 0.2), { status: 429, headers: { 'retry-after': '1' } }],
    ['writes in flight: 429 with Retry-After', GatewayError.tooManyWritesInFlight(5, 2), { status: 429, headers: { 'retry-after': '2' } }],
    ['decision pending: 503 with Retry-After', GatewayError.decisionPending('no decision yet', 3), { status: 503, headers: { 'retry-after': '3' } }],
    ['tenant registry unreachable: 503 with Retry-After', GatewayError.temporarilyUnavailable('registry down', 5), { status: 503, headers: { 'retry-after': '5' } }],
    ['an owning service away: 503 with Retry-After', new ScimError(503, undefined, 'user store unavailable'), { status: 503, headers: { 'retry-after': '5' } }],
    ['name taken: 409 uniqueness', GatewayError.tenantNameTaken('acme'), { status: 409, scimType: 'uniqueness' }],
    [
      'invalid input: 400 invalidValue naming each problem',
      GatewayError.invalidInput('connector profile', ['a: x', 'b: y']),
      { status: 400, scimType: 'invalidValue', detail: /a: x; b: y/ },
    ],
    ['method not allowed: 405 with Allow', GatewayError.methodNotAllowed('POST', ['GET']), { status: 405, headers: { allow: 'GET' } }],
    ['unknown route from Nest', new NotFoundException('Cannot GET /scim/v2/Nope'), { status: 404, detail: /Cannot GET/ }],
    ['405 from Nest', new MethodNotAllowedException(), { status: 405 }],
    [
      'ValidationPipe 400 lists every message',
      new BadRequestException(['name must be a string', 'name must be longer']),
      { status: 400, scimType: 'invalidValue', detail: /must be a string; name must be longer/ },
    ],
    ['Fastify body too large (via Nest)', new HttpException('Request body is too large', 413), { status: 413, detail: /larger than the limit of 1024 bytes/ }],
    [
      'Fastify unsupported media type (via Nest)',
      new HttpException('Unsupported Media Type: text/plain', 415),
      { status: 415, detail: /text\/plain; send application\/scim\+json/ },
    ],
  ];

  it.each(cases)('%s', (_name, exception, expected) => {
    const reply = toErrorReply(exception, { bodyLimitBytes: 1024 });
    expect(reply.status).toBe(expected.status);
    expect(reply.body.schemas).toEqual([SCIM_ERROR_SCHEMA]);
    expect(reply.body.status).toBe(String(expected.status));
    expect(reply.body.scimType).toBe(expected.scimType);
    if (expected.detail) expect(reply.body.detail).toMatch(expected.detail);
    expect(reply.headers).toEqual(expected.headers ?? {});
    expect(reply.unexpected).toBe(false);
  });

  it('answers anything unexpected with a bare 500 that leaks no message or stack', () => {
    const reply = toErrorReply(new TypeError("Cannot read properties of undefined (reading 'secret')"), { correlationId: 'c-1' });
    expect(reply).toEqual({
      status: 500,
      body: { schemas: [SCIM_ERROR_SCHEMA], status: '500', detail: 'Internal server error (correlation id c-1)' },
      headers: {},
      unexpected: true,
    });
    expect(JSON.stringify(reply.body)).not.toMatch(/secret|TypeError|at /);
  });

  it('does not echo the text of an InternalServerErrorException', () => {
    const reply = toErrorReply(new HttpException('connect ECONNREFUSED 10.0.0.7:5432', 500));
    expect(reply.body.detail).toBe('Internal server error');
    expect(reply.unexpected).toBe(true);
  });
});
