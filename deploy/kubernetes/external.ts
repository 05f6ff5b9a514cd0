import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { IMAGE, LABEL_PART_OF, PART_OF } from './platform';
import { CONFIG_MAPS, KAFKA_CA_DIR, KAFKA_CA_SECRET } from './workloads';

/**
 * Kafka and Postgres run elsewhere (managed services, another team's clusters): the connection
 * settings to edit, and a Job that creates the contracts' topics with an admin credential.
 * Credentials are Secrets the operator creates (docs/deploy.md); the per-service Kafka principals
 * need the ACLs listed in the strimzi component's kafka-users.yaml.
 */
export const KAFKA_ADMIN_SECRET = 'scim-kafka-admin';

export function externalKafkaConfigMap(): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: CONFIG_MAPS.kafka, labels: { [LABEL_PART_OF]: PART_OF } },
    data: {
      // Edit: the cluster's bootstrap servers; SCRAM-SHA-512 over TLS with the system CAs
      // (or mount a CA as the Secret scim-kafka-cluster-ca-cert and set KAFKA_SSL_CA_FILE).
      KAFKA_BROKERS: 'kafka-1.example.internal:9093,kafka-2.example.internal:9093,kafka-3.example.internal:9093',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SSL: 'true',
    },
  };
}

export function externalPostgresConfigMap(): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: CONFIG_MAPS.postgres, labels: { [LABEL_PART_OF]: PART_OF } },
    // Edit: host:port of the server; DATABASE_OPTIONS is appended to each URL (e.g. `?sslmode=require`).
    data: { DATABASE_HOST: 'postgres.example.internal:5432', DATABASE_OPTIONS: '?sslmode=require' },
  };
}

/** Creates the topics of libs/contracts that are missing and the services' ACLs (idempotent); Strimzi's KafkaTopics and KafkaUsers do this in-cluster. */
export function topicsJob(): IJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'scim-kafka-topics', labels: { [LABEL_PART_OF]: PART_OF, 'app.kubernetes.io/name': 'scim-kafka-topics' } },
    spec: {
      backoffLimit: 6,
      ttlSecondsAfterFinished: 86400,
      template: {
        metadata: { labels: { [LABEL_PART_OF]: PART_OF, 'app.kubernetes.io/name': 'scim-kafka-topics' } },
        spec: {
          restartPolicy: 'OnFailure',
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'provision-topics',
              image: IMAGE,
              command: ['node', '-r', 'tsconfig-paths/register', 'dist/deploy/local/provision-topics.js'],
              envFrom: [{ configMapRef: { name: CONFIG_MAPS.kafka } }, { configMapRef: { name: CONFIG_MAPS.platform } }],
              env: [
                // Grants each service's principal its ACLs (kafka-acls.ts); needs a super user. Set
                // "false" where ACLs are managed elsewhere (the principals then need those ACLs).
                { name: 'KAFKA_PROVISION_ACLS', value: 'true' },
                { name: 'KAFKA_SASL_USERNAME', valueFrom: { secretKeyRef: { name: KAFKA_ADMIN_SECRET, key: 'username' } } },
                { name: 'KAFKA_SASL_PASSWORD', valueFrom: { secretKeyRef: { name: KAFKA_ADMIN_SECRET, key: 'password' } } },
              ],
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'kafka-ca', mountPath: KAFKA_CA_DIR, readOnly: true }],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            },
          ],
          volumes: [{ name: 'kafka-ca', secret: { secretName: KAFKA_CA_SECRET, optional: true } }],
        },
      },
    },
  };
}
