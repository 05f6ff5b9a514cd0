import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { ServiceBaseConfig } from '@app/observability';

export class UserServiceConfig extends ServiceBaseConfig {
  override HTTP_PORT = 3101;

  /** Records of one partition handled concurrently with other partitions. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  PARTITIONS_CONSUMED_CONCURRENTLY = 4;
}
