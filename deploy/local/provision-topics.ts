/**
 * Creates the platform's topics on the cluster in KAFKA_BROKERS (prefixed with TOPIC_PREFIX if
 * set), connecting as the services do (KAFKA_SASL_*, KAFKA_SSL*: see KafkaConnectionConfig).
 * Used by docker-compose's topics-init job and the Kubernetes external-Kafka overlay's topics Job;
 * `npm run up` calls provisionTopics directly. On Strimzi, KafkaTopic resources replace it.
 */
import 'reflect-metadata';
import { kafkaConnectionOf } from '@app/messaging';
import { ConfigurationError, KafkaConnectionConfig, loadConfig } from '@app/observability';
import { provisionTopics } from './stack';

const fail = (message: string, fields: object) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', message, ...fields })}\n`);
  process.exit(1);
};

let config: KafkaConnectionConfig;
try {
  config = loadConfig(KafkaConnectionConfig, process.env);
} catch (err) {
  fail('invalid configuration', { problems: err instanceof ConfigurationError ? err.problems : [(err as Error).message] });
}
provisionTopics(kafkaConnectionOf(config!), process.env.TOPIC_PREFIX ?? '').then(
  (created) => {
    process.stdout.write(`${JSON.stringify({ level: 'info', message: 'topics provisioned', brokers: config.KAFKA_BROKERS, created })}\n`);
  },
  (err: Error) => fail('topic provisioning failed', { error: err.message }),
);
