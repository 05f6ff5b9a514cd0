/**
 * SCIM protocol errors, RFC 7644 §3.12.
 *
 * Every failure the protocol code reports is a ScimError so the HTTP layer can turn it
 * into the error response body without knowing which module raised it.
 */

export const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The "scimType" keywords of RFC 7644 §3.12, Table 9 (all are used with HTTP 400). */
export const ScimErrorType = {
  invalidFilter: 'invalidFilter',
  tooMany: 'tooMany',
  uniqueness: 'uniqueness',
  mutability: 'mutability',
  invalidSyntax: 'invalidSyntax',
  invalidPath: 'invalidPath',
  noTarget: 'noTarget',
  invalidValue: 'invalidValue',
  invalidVers: 'invalidVers',
  sensitive: 'sensitive',
} as const;
export type ScimErrorType = (typeof ScimErrorType)[keyof typeof ScimErrorType];

/** Error response body, RFC 7644 §3.12: "status" is the HTTP status code as a JSON string. */
export interface ScimErrorResponse {
  readonly schemas: readonly [typeof SCIM_ERROR_SCHEMA];
  readonly status: string;
  readonly scimType?: ScimErrorType;
  readonly detail: string;
}

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimErrorType | undefined,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  toResponse(): ScimErrorResponse {
    // scimType is omitted rather than null when absent: §3.12 makes it OPTIONAL.
    return this.scimType === undefined
      ? { schemas: [SCIM_ERROR_SCHEMA], status: String(this.status), detail: this.detail }
      : { schemas: [SCIM_ERROR_SCHEMA], status: String(this.status), scimType: this.scimType, detail: this.detail };
  }

  static badRequest(scimType: ScimErrorType, detail: string): ScimError {
    return new ScimError(400, scimType, detail);
  }
}
