import { Type } from 'class-transformer';
import { IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { ServiceBaseConfig } from '@app/config';

export class UserServiceConfig extends ServiceBaseConfig {
  /** Service credential of the internal query APIs and /metrics (docs/security.md): at least 32 characters. */
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (npm run up and the tests generate one)' })
  INTERNAL_API_TOKEN!: string;

  override HTTP_PORT = 3101;

  /** Records of one partition handled concurrently with other partitions. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  PARTITIONS_CONSUMED_CONCURRENTLY = 4;

  /**
   * How long a command's reply is kept for re-sending when the command is redelivered. The
   * reply topic keeps records for an hour, so no gateway waits longer than that.
   */
  @Type(() => Number)
  @IsInt()
  @Min(60_000)
  COMMAND_REPLY_RETENTION_MS = 3_600_000;
}
