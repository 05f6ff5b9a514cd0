/**
 * Creates the platform's topics on the cluster in KAFKA_BROKERS (prefixed with TOPIC_PREFIX if
 * set), connecting as the services do (KAFKA_SASL_*, KAFKA_SSL*: see KafkaConnectionConfig).
 * With KAFKA_PROVISION_ACLS=true it also grants each service's principal (`<service>-kafka`) the
 * ACLs it needs (deploy/kubernetes/kafka-acls.ts), which takes a super user's credential.
 * Used by docker-compose's kafka-init job and the Kubernetes external-Kafka overlay's Job;
 * `npm run up` calls provisionTopics directly. On Strimzi, KafkaTopic and KafkaUser resources do this.
 */
import 'reflect-metadata';
import { createKafka, kafkaConnectionOf } from '@app/messaging';
import { ConfigurationError, KafkaConnectionConfig, loadConfig } from '@app/config';
import { platformAclEntries } from '../kubernetes/kafka-acls';
import { PLATFORM_SERVICES } from '../kubernetes/platform';
import { provisionTopics } from './stack';

const fail = (message: string, fields: object) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', message, ...fields })}\n`);
  process.exit(1);
};

async function grantAcls(config: KafkaConnectionConfig, prefix: string): Promise<number> {
  const admin = createKafka({ ...kafkaConnectionOf(config), clientId: 'provision' }).admin();
  await admin.connect();
  try {
    const acl = platformAclEntries(PLATFORM_SERVICES, prefix);
    await admin.createAcls({ acl });
    return acl.length;
  } finally {
    await admin.disconnect();
  }
}

async function main(): Promise<void> {
  let config: KafkaConnectionConfig;
  try {
    config = loadConfig(KafkaConnectionConfig, process.env);
  } catch (err) {
    return fail('invalid configuration', { problems: err instanceof ConfigurationError ? err.problems : [(err as Error).message] });
  }
  const prefix = process.env.TOPIC_PREFIX ?? '';
  try {
    const created = await provisionTopics(kafkaConnectionOf(config), prefix);
    const acls = process.env.KAFKA_PROVISION_ACLS === 'true' ? await grantAcls(config, prefix) : 0;
    process.stdout.write(`${JSON.stringify({ level: 'info', message: 'topics provisioned', brokers: config.KAFKA_BROKERS, created, acls })}\n`);
  } catch (err) {
    fail('topic provisioning failed', { error: (err as Error).message });
  }
}

void main();
