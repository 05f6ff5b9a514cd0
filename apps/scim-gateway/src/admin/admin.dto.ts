import { IsObject, IsOptional, IsString, Length } from 'class-validator';

export class CreateTenantRequest {
  @IsString()
  @Length(1, 200)
  name: string;

  /** The connector profile (tenants/connector-profile.ts); omitted: every default. */
  @IsOptional()
  @IsObject()
  profile?: Record<string, unknown>;
}

export class IssueTokenRequest {
  /** A label for the token, e.g. the Entra app it was pasted into. */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class IssueOAuthClientRequest {
  /** A label for the client, e.g. the Entra app that uses it. */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}
