import { parseFormBody, parseTokenRequest } from './token-request';

const FORM = 'application/x-www-form-urlencoded';
const id = '6f1c2a52-8a5b-4f0e-9d8e-2d0a3b5c7e91';
const secret = `scimcs_${'a'.repeat(43)}`;
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${encodeURIComponent(user)}:${encodeURIComponent(pass)}`).toString('base64')}`;

describe('parseTokenRequest (RFC 6749 §4.4.2, §2.3.1)', () => {
  it('takes HTTP Basic client authentication', () => {
    expect(parseTokenRequest(FORM, parseFormBody('grant_type=client_credentials'), basic(id, secret))).toEqual({ ok: true, clientId: id, clientSecret: secret, viaBasic: true });
  });

  it('takes the credentials in the body, and the scim scope', () => {
    const body = parseFormBody(`grant_type=client_credentials&client_id=${id}&client_secret=${secret}&scope=scim`);
    expect(parseTokenRequest(`${FORM}; charset=UTF-8`, body, undefined)).toEqual({ ok: true, clientId: id, clientSecret: secret, viaBasic: false });
  });

  it('decodes form-encoded Basic credentials (a colon in the secret stays in it)', () => {
    expect(parseTokenRequest(FORM, parseFormBody('grant_type=client_credentials'), basic('a b', 'x:y'))).toMatchObject({ clientId: 'a b', clientSecret: 'x:y' });
  });

  it.each([
    ['JSON instead of a form', 'application/json', { grant_type: 'client_credentials' }, undefined, 400, 'invalid_request'],
    ['no grant type', FORM, 'client_id=x&client_secret=y', undefined, 400, 'invalid_request'],
    ['another grant', FORM, 'grant_type=password&username=a&password=b', basic(id, secret), 400, 'unsupported_grant_type'],
    ['a repeated parameter', FORM, 'grant_type=client_credentials&grant_type=client_credentials', basic(id, secret), 400, 'invalid_request'],
    ['another scope', FORM, 'grant_type=client_credentials&scope=scim%20admin', basic(id, secret), 400, 'invalid_scope'],
    ['both ways of client authentication', FORM, `grant_type=client_credentials&client_secret=${secret}`, basic(id, secret), 400, 'invalid_request'],
    ['no client authentication', FORM, 'grant_type=client_credentials', undefined, 401, 'invalid_client'],
    ['an id without a secret', FORM, `grant_type=client_credentials&client_id=${id}`, undefined, 401, 'invalid_client'],
    ['Basic without a colon', FORM, 'grant_type=client_credentials', `Basic ${Buffer.from('nocolon').toString('base64')}`, 401, 'invalid_client'],
    ['two Authorization headers', FORM, 'grant_type=client_credentials', [basic(id, secret), basic(id, secret)], 401, 'invalid_client'],
  ] as const)('refuses %s', (_name, contentType, body, authorization, status, error) => {
    const parsed = parseTokenRequest(contentType, typeof body === 'string' ? parseFormBody(body) : body, authorization as string | string[] | undefined);
    expect(parsed).toMatchObject({ ok: false, status, error });
  });
});
