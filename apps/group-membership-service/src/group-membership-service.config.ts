import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { ServiceBaseConfig } from '@app/config';

export class GroupMembershipServiceConfig extends ServiceBaseConfig {
  /** Service credential of the internal query APIs and /metrics (docs/security.md): at least 32 characters. */
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (npm run up and the tests generate one)' })
  INTERNAL_API_TOKEN!: string;

  override HTTP_PORT = 3102;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  PARTITIONS_CONSUMED_CONCURRENTLY = 4;

  /** Base URL of the user-service's internal API, asked whether new member ids are users. */
  @Matches(/^https?:\/\/[^\s/]+(:\d+)?$/, { message: 'must be an http(s) base URL without a path' })
  USER_SERVICE_URL = 'http://127.0.0.1:3101';

  /** How long a command's reply is kept for re-sending on redelivery (the reply topic keeps an hour). */
  @Type(() => Number)
  @IsInt()
  @Min(60_000)
  COMMAND_REPLY_RETENTION_MS = 3_600_000;
}
