import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, ValidateBy, ValidateIf } from 'class-validator';

const BROKER_LIST = /^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/;

export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/**
 * How a process reaches Kafka: the brokers and, in production, SASL credentials and TLS. Unset
 * SASL and KAFKA_SSL=false is the local single-node broker (PLAINTEXT). Every service's
 * configuration extends this class (through ServiceBaseConfig); tools that only talk to Kafka
 * (topic provisioning) validate it alone.
 */
export class KafkaConnectionConfig {
  /** Comma-separated host:port list, e.g. `127.0.0.1:9092`. */
  @Matches(BROKER_LIST, { message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS = '127.0.0.1:9092';

  /**
   * SASL mechanism: `scram-sha-512` (Strimzi's KafkaUser and the compose broker), `scram-sha-256`
   * or `plain`. Unset: no SASL. Required as soon as a SASL username or password is given.
   */
  @ValidateIf((c: KafkaConnectionConfig) => c.KAFKA_SASL_MECHANISM !== undefined || c.KAFKA_SASL_USERNAME !== undefined || c.KAFKA_SASL_PASSWORD !== undefined)
  @IsIn(KAFKA_SASL_MECHANISMS, { message: `must be one of ${KAFKA_SASL_MECHANISMS.join(', ')} when SASL credentials are given` })
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;

  @ValidateIf((c: KafkaConnectionConfig) => c.KAFKA_SASL_MECHANISM !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'is required when KAFKA_SASL_MECHANISM is set' })
  KAFKA_SASL_USERNAME?: string;

  @ValidateIf((c: KafkaConnectionConfig) => c.KAFKA_SASL_MECHANISM !== undefined)
  @IsString()
  @IsNotEmpty({ message: 'is required when KAFKA_SASL_MECHANISM is set' })
  KAFKA_SASL_PASSWORD?: string;

  /** `true`: connect with TLS (server certificate verified against KAFKA_SSL_CA_FILE, else the system CAs). */
  @IsIn(['true', 'false'])
  @ValidateBy({
    name: 'tlsWhenCaFile',
    validator: {
      validate: (value, args) => (args?.object as KafkaConnectionConfig).KAFKA_SSL_CA_FILE === undefined || value === 'true',
      defaultMessage: () => 'must be true when KAFKA_SSL_CA_FILE is set',
    },
  })
  KAFKA_SSL: 'true' | 'false' = 'false';

  /** PEM file of the CA that signed the brokers' certificates (Strimzi: the cluster CA's `ca.crt`). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  KAFKA_SSL_CA_FILE?: string;
}
