import { ScimError, ScimErrorType, SCIM_ERROR_SCHEMA } from '@app/scim';

describe('ScimError.toResponse (RFC 7644 §3.12)', () => {
  const allTypes = Object.values(ScimErrorType);

  it('defines exactly the ten scimType keywords of Table 9', () => {
    expect(allTypes).toEqual(['invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers', 'sensitive']);
  });

  it.each(allTypes.map((scimType) => ({ name: scimType, scimType })))('$name renders status as a string', ({ scimType }) => {
    const error = new ScimError(400, scimType, `bad ${scimType}`);
    expect(error.toResponse()).toEqual({ schemas: [SCIM_ERROR_SCHEMA], status: '400', scimType, detail: `bad ${scimType}` });
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe(`bad ${scimType}`);
  });

  it('omits scimType when there is none', () => {
    const response = new ScimError(404, undefined, 'Resource 42 not found').toResponse();
    expect(response).toEqual({ schemas: [SCIM_ERROR_SCHEMA], status: '404', detail: 'Resource 42 not found' });
    expect(Object.keys(response)).not.toContain('scimType');
  });

  it('serialises to the wire shape', () => {
    expect(JSON.stringify(ScimError.badRequest('tooMany', 'too many results').toResponse())).toBe(
      '{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"tooMany","detail":"too many results"}',
    );
  });
});
