import { Kafka, logLevel } from 'kafkajs';
import { Directory } from './directory';
import { Subscriber } from './subscriber';

/**
 * The example subscriber as a program: bootstraps a directory of users and groups from the state
 * topics, follows the events, and prints one JSON line per event (applied or skipped) and a count
 * on SIGINT/SIGTERM. `KAFKA_BROKERS` (127.0.0.1:9092), `TOPIC_PREFIX`, `SUBSCRIBER_GROUP` (example-subscriber).
 */
async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: 'example-subscriber', brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), logLevel: logLevel.WARN });
  const directory = new Directory();
  const subscriber = new Subscriber({
    kafka,
    groupId: process.env.SUBSCRIBER_GROUP ?? 'example-subscriber',
    topicPrefix: process.env.TOPIC_PREFIX ?? '',
    directory,
    onEvent: (event, applied) => console.log(JSON.stringify({ applied, id: event.id, type: event.type, tenant: event.tenantid, subject: event.subject })),
  });
  const stop = () => {
    console.log(JSON.stringify({ users: directory.users.size, groups: directory.groups.size, applied: directory.appliedEvents.length, skipped: directory.skippedEvents }));
    subscriber.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await subscriber.start();
  console.log(JSON.stringify({ bootstrapped: true, users: directory.users.size, groups: directory.groups.size }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
