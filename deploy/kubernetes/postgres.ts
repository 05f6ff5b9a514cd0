import type { ICluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { LABEL_PART_OF, PART_OF, PLATFORM_SERVICES, POSTGRES_CLUSTER, postgresRoleOf, postgresSecretOf } from './platform';
import { CONFIG_MAPS } from './workloads';

/**
 * Postgres through the CloudNativePG operator: one highly available cluster, a login role per
 * service (its database's name) with the password from the service's `<service>-postgres`
 * Secret. Each service creates its own database at its first migration (the role may CREATEDB)
 * and owns it, so no service can read another's tables.
 */

/** Connections a pod may hold: its pool, the relay's leadership session, the migration's two. */
export const CONNECTIONS_PER_POD_BEYOND_POOL = 3;
export const DEFAULT_POOL_SIZE = 10;
export const MAX_CONNECTIONS = 400;

export function postgresCluster(): ICluster {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Cluster',
    metadata: { name: POSTGRES_CLUSTER, labels: { [LABEL_PART_OF]: PART_OF } },
    spec: {
      instances: 3,
      primaryUpdateStrategy: 'unsupervised',
      storage: { size: '50Gi' },
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '2Gi' } },
      postgresql: { parameters: { max_connections: String(MAX_CONNECTIONS) } },
      enableSuperuserAccess: false,
      managed: {
        roles: PLATFORM_SERVICES.map((s) => ({
          name: postgresRoleOf(s),
          ensure: 'present' as const,
          login: true,
          createdb: true,
          passwordSecret: { name: postgresSecretOf(s.name) },
        })),
      },
      monitoring: { enablePodMonitor: true },
    },
  };
}

/** The read-write Service CloudNativePG puts in front of the primary. */
export function cloudNativePgConfigMap(): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: CONFIG_MAPS.postgres, labels: { [LABEL_PART_OF]: PART_OF } },
    data: { DATABASE_HOST: `${POSTGRES_CLUSTER}-rw:5432`, DATABASE_OPTIONS: '' },
  };
}
