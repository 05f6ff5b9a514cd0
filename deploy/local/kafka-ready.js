// Exits 0 when the broker at argv[2] answers a metadata request, 1 otherwise.
const { Kafka, logLevel } = require('kafkajs');

const broker = process.argv[2] || '127.0.0.1:9092';
const admin = new Kafka({
  clientId: 'kafka-ready',
  brokers: [broker],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 1000,
  retry: { retries: 0 },
}).admin();

admin
  .connect()
  .then(() => admin.describeCluster())
  .then((cluster) => admin.disconnect().then(() => process.exit(cluster.brokers.length > 0 ? 0 : 1)))
  .catch(() => process.exit(1));
