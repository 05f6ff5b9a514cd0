import 'tsconfig-paths/register';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { resolvePostgresServer } from '@app/persistence';
import { buildProject, dockerEngineAvailable, ROOT, TestInfra, writeInfra } from './support/test-infra';

/**
 * Brings up what the medium tests need, once per run:
 * - Kafka: KAFKA_BROKERS when set; else testcontainers when a Docker engine is present; else the
 *   project's own local broker (deploy/local/kafka.sh), reused if `npm run up` already runs it.
 * - Postgres: DATABASE_URL when set; else testcontainers with Docker; else 127.0.0.1:5432; else
 *   the embedded server.
 * Tests create their own databases and topic prefixes, so any prior state is fine.
 */
export default async function globalSetup(): Promise<void> {
  buildProject();
  const docker = !process.env.KAFKA_BROKERS && !process.env.DATABASE_URL && dockerEngineAvailable();
  const infra: TestInfra = docker ? await withContainers() : await withLocalServices();
  writeInfra(infra);
  process.stderr.write(`\nmedium tests: kafka ${infra.kafkaBrokers} (${infra.kafkaSource}), postgres ${infra.postgresSource}\n`);
}

async function withLocalServices(): Promise<TestInfra> {
  const postgres = await resolvePostgresServer({ dataDir: join(ROOT, '.run', 'postgres') });
  let kafkaBrokers = process.env.KAFKA_BROKERS;
  let kafkaSource: TestInfra['kafkaSource'] = 'KAFKA_BROKERS';
  let stopLocalKafka = false;
  if (!kafkaBrokers) {
    const kafkaScript = join(ROOT, 'deploy', 'local', 'kafka.sh');
    const running = spawnOk('bash', [kafkaScript, 'status']);
    if (!running) execFileSync('bash', [kafkaScript, 'start'], { stdio: 'inherit' });
    kafkaBrokers = `127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`;
    kafkaSource = running ? 'local-running' : 'local-started';
    stopLocalKafka = !running;
  }
  return {
    postgresUrl: postgres.url,
    postgresSource: postgres.source,
    kafkaBrokers,
    kafkaSource,
    cleanup: { stopLocalKafka, containerIds: [] },
  };
}

async function withContainers(): Promise<TestInfra> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const { KAFKA_IMAGE, POSTGRES_IMAGE } = await import('../../deploy/local/images');
  const postgres = await new GenericContainer(POSTGRES_IMAGE)
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .start();
  const kafkaPort = 19092;
  const kafka = await new GenericContainer(KAFKA_IMAGE)
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: `PLAINTEXT://0.0.0.0:${kafkaPort},CONTROLLER://0.0.0.0:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withExposedPorts({ container: kafkaPort, host: kafkaPort })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  return {
    postgresUrl: `postgres://postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/postgres`,
    postgresSource: 'testcontainers',
    kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    kafkaSource: 'testcontainers',
    cleanup: { stopLocalKafka: false, containerIds: [postgres.getId(), kafka.getId()] },
  };
}

function spawnOk(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
