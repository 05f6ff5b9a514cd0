/**
 * Creates the platform's topics on the cluster in KAFKA_BROKERS (prefixed with TOPIC_PREFIX if
 * set). Used by docker-compose's topics-init job; `npm run up` calls provisionTopics directly.
 */
import { provisionTopics } from './stack';

const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
provisionTopics(brokers, process.env.TOPIC_PREFIX ?? '').then(
  (created) => {
    process.stdout.write(`${JSON.stringify({ level: 'info', message: 'topics provisioned', brokers, created })}\n`);
  },
  (err: Error) => {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', message: 'topic provisioning failed', error: err.message })}\n`);
    process.exit(1);
  },
);
