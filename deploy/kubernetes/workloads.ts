import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IIoK8sApiAutoscalingV2MetricSpec as MetricSpec } from 'kubernetes-models/autoscaling/v2/MetricSpec';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IIoK8sApiCoreV1Container as Container } from 'kubernetes-models/v1/Container';
import type { IIoK8sApiCoreV1EnvVar as EnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IService } from 'kubernetes-models/v1/Service';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { HealthController } from '@app/observability';
import { OAUTH_JWKS_PATH, OAUTH_METADATA_PATH, OAUTH_TOKEN_PATH } from '../../apps/scim-gateway/src/oauth/oauth.options';
import { ScimGatewayConfig } from '../../apps/scim-gateway/src/scim-gateway.config';
import { routesOf } from './routes';
import {
  COMMON_SETTINGS,
  definitionFacts,
  IMAGE,
  KAFKA_CLUSTER,
  kafkaUserOf,
  LABEL_PART_OF,
  PART_OF,
  PLATFORM_SERVICES,
  PlatformService,
  postgresSecretOf,
  PRE_STOP_SECONDS,
  PUBLIC_HOST,
} from './platform';

/** The objects every deployment has, whatever runs Kafka and Postgres: kustomize's base. */

export const CONFIG_MAPS = { platform: 'scim-platform', kafka: 'scim-kafka', postgres: 'scim-postgres' } as const;
/** Where the Kafka cluster CA is mounted (Strimzi's `<cluster>-cluster-ca-cert` Secret; optional elsewhere). */
export const KAFKA_CA_DIR = '/etc/kafka-ca';
export const KAFKA_CA_SECRET = `${KAFKA_CLUSTER}-cluster-ca-cert`;
/**
 * Variables a container sets only to compose others with Kubernetes' `$(VAR)` expansion
 * (DATABASE_URL from the credentials Secret and the server in the scim-postgres ConfigMap).
 */
export const COMPOSITION_VARIABLES = ['DATABASE_USER', 'DATABASE_PASSWORD', 'DATABASE_HOST', 'DATABASE_OPTIONS', 'POD_IP'] as const;

export function labelsOf(service: PlatformService): Record<string, string> {
  return { 'app.kubernetes.io/name': service.name, [LABEL_PART_OF]: PART_OF };
}

export const selectorOf = (service: PlatformService) => ({ 'app.kubernetes.io/name': service.name });

/** The service's HTTP port: the default of its config class (what `npm run up` and compose use too). */
export function portOf(service: PlatformService): number {
  return definitionFacts(service).config.HTTP_PORT;
}

function secretRef(name: string, key: string, optional = false): EnvVar['valueFrom'] {
  return { secretKeyRef: { name, key, ...(optional && { optional }) } };
}

/** The environment of a service's containers (the app and its migrate init container). */
export function serviceEnv(service: PlatformService): { envFrom: Container['envFrom']; env: EnvVar[] } {
  const env: EnvVar[] = [
    // The pod's own address, for what other pods must reach this very pod at (the gateway's COMMAND_REPLY_URL).
    ...(service.name === 'scim-gateway' ? [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }] : []),
    { name: 'HTTP_PORT', value: String(portOf(service)) },
    { name: 'DATABASE_USER', valueFrom: secretRef(postgresSecretOf(service.name), 'username') },
    { name: 'DATABASE_PASSWORD', valueFrom: secretRef(postgresSecretOf(service.name), 'password') },
    // DATABASE_HOST and DATABASE_OPTIONS come from the scim-postgres ConfigMap (envFrom, expanded first).
    { name: 'DATABASE_URL', value: `postgres://$(DATABASE_USER):$(DATABASE_PASSWORD)@$(DATABASE_HOST)/${service.database}$(DATABASE_OPTIONS)` },
    { name: 'KAFKA_SASL_USERNAME', value: kafkaUserOf(service.name) },
    { name: 'KAFKA_SASL_PASSWORD', valueFrom: secretRef(kafkaUserOf(service.name), 'password') },
    ...Object.entries(service.env).map(([name, value]) => ({ name, value })),
    // Optional: without the Secret the feature is off (no admin API, no ops credential).
    ...Object.entries(service.secrets).map(([name, secret]) => ({ name, valueFrom: secretRef(secret, 'token', true) })),
  ];
  return { envFrom: Object.values(CONFIG_MAPS).map((name) => ({ configMapRef: { name } })), env };
}

function entryPoint(service: PlatformService): string[] {
  return ['node', '-r', 'tsconfig-paths/register', `dist/apps/${service.name}/src/main.js`];
}

const [LIVENESS_PATH, READINESS_PATH] = ((routes) => [routes.find((r) => r === '/health')!, routes.find((r) => r === '/health/ready')!])(routesOf(HealthController));

export function deployment(service: PlatformService): IDeployment {
  const { envFrom, env } = serviceEnv(service);
  const shutdownSeconds = Math.ceil(Number(COMMON_SETTINGS.SHUTDOWN_TIMEOUT_MS) / 1000);
  const securityContext: Container['securityContext'] = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  };
  const mounts = [
    { name: 'kafka-ca', mountPath: KAFKA_CA_DIR, readOnly: true },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: service.name, labels: labelsOf(service) },
    spec: {
      replicas: service.replicas.min,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorOf(service) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: labelsOf(service) },
        spec: {
          serviceAccountName: service.name,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          // The preStop pause lets endpoints drop the pod before SIGTERM; then the service has
          // SHUTDOWN_TIMEOUT_MS to finish its batch and leave its group; then a margin.
          terminationGracePeriodSeconds: PRE_STOP_SECONDS + shutdownSeconds + 5,
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selectorOf(service) } },
          ],
          initContainers: [
            {
              // Applies pending migrations before this version's pods start; a failing migration
              // stops the rollout while the old pods keep serving.
              name: 'migrate',
              image: IMAGE,
              command: entryPoint(service),
              args: ['migrate'],
              envFrom,
              env,
              securityContext,
              volumeMounts: mounts,
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            },
          ],
          containers: [
            {
              name: 'app',
              image: IMAGE,
              command: entryPoint(service),
              ports: [{ name: 'http', containerPort: portOf(service), protocol: 'TCP' }],
              envFrom,
              env,
              securityContext,
              volumeMounts: mounts,
              resources: { requests: { cpu: service.resources.cpu, memory: service.resources.memory }, limits: { memory: service.resources.memoryLimit } },
              // Start-up waits for Postgres and Kafka before it listens: allow a 5-minute outage
              // before the kubelet restarts the wait.
              startupProbe: { httpGet: { path: LIVENESS_PATH, port: 'http' }, periodSeconds: 5, failureThreshold: 60 },
              livenessProbe: { httpGet: { path: LIVENESS_PATH, port: 'http' }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
              // /health/ready answers 503 while the database or Kafka is away: the pod leaves the Service, it is not restarted.
              readinessProbe: { httpGet: { path: READINESS_PATH, port: 'http' }, periodSeconds: 5, timeoutSeconds: 4, failureThreshold: 2 },
              lifecycle: { preStop: { exec: { command: ['sleep', String(PRE_STOP_SECONDS)] } } },
            },
          ],
          volumes: [
            { name: 'kafka-ca', secret: { secretName: KAFKA_CA_SECRET, optional: true } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  };
}

export function service(s: PlatformService): IService {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.name, labels: labelsOf(s) },
    spec: { type: 'ClusterIP', selector: selectorOf(s), ports: [{ name: 'http', port: portOf(s), targetPort: 'http', protocol: 'TCP' }] },
  };
}

export function serviceAccount(s: PlatformService): IServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: s.name, labels: labelsOf(s) }, automountServiceAccountToken: false };
}

export function podDisruptionBudget(s: PlatformService): IPodDisruptionBudget {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: s.name, labels: labelsOf(s) },
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf(s) } },
  };
}

/**
 * CPU-based autoscaling for every service; with `lagMetric`, consumers also scale on their
 * group's consumer lag, an external metric that prometheus-adapter serves (docs/deploy.md).
 */
export function horizontalPodAutoscaler(s: PlatformService, options: { lagMetric?: string; lagPerPod?: number } = {}): IHorizontalPodAutoscaler {
  const metrics: MetricSpec[] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }];
  const groupId = definitionFacts(s).consumer?.groupId;
  if (options.lagMetric && groupId) {
    metrics.push({
      type: 'External',
      external: {
        metric: { name: options.lagMetric, selector: { matchLabels: { group: groupId } } },
        target: { type: 'AverageValue', averageValue: String(options.lagPerPod ?? 1000) },
      },
    });
  }
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: s.name, labels: labelsOf(s) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: s.name },
      minReplicas: s.replicas.min,
      maxReplicas: s.replicas.max,
      metrics,
      // Rebalancing a consumer group costs a pause of every member: scale down slowly.
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] } },
    },
  };
}

export function platformConfigMap(): IConfigMap {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CONFIG_MAPS.platform, labels: { [LABEL_PART_OF]: PART_OF } }, data: { ...COMMON_SETTINGS } };
}

/**
 * Network policies: nothing reaches a platform pod unless allowed below. The gateway's port is
 * the public edge (the Ingress routes only the SCIM base path to it); the user and group
 * services' internal APIs accept only the services that call them. /metrics is allowed to
 * Prometheus by the monitoring component. Egress is not restricted (Kafka, Postgres, DNS).
 */
export function networkPolicies(): INetworkPolicy[] {
  const platformPods = { matchLabels: { [LABEL_PART_OF]: PART_OF } };
  const policies: INetworkPolicy[] = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'scim-platform-default-deny', labels: { [LABEL_PART_OF]: PART_OF } },
      spec: { podSelector: platformPods, policyTypes: ['Ingress'] },
    },
  ];
  for (const s of PLATFORM_SERVICES) {
    const port = [{ protocol: 'TCP' as const, port: 'http' }];
    const from =
      s.name === 'scim-gateway'
        ? undefined // any source: the ingress controller, wherever it runs
        : s.calledBy.map((caller) => ({ podSelector: { matchLabels: selectorOf(PLATFORM_SERVICES.find((c) => c.name === caller)!) } }));
    if (from && from.length === 0) continue; // nobody calls it: only Prometheus (monitoring component)
    policies.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${s.name}-ingress`, labels: labelsOf(s) },
      spec: { podSelector: { matchLabels: selectorOf(s) }, policyTypes: ['Ingress'], ingress: [{ ...(from && { from }), ports: port }] },
    });
  }
  return policies;
}

/** Paths the Ingress routes to the gateway: SCIM, and the OAuth token endpoint with its keys and metadata. */
export function publicGatewayPaths(): Array<{ path: string; pathType: 'Prefix' | 'Exact' }> {
  return [
    { path: new ScimGatewayConfig().SCIM_BASE_PATH, pathType: 'Prefix' },
    ...[OAUTH_TOKEN_PATH, OAUTH_JWKS_PATH, OAUTH_METADATA_PATH].map((path) => ({ path, pathType: 'Exact' as const })),
  ];
}

/** Only the SCIM and OAuth endpoints leave the cluster: not /admin, /health or /metrics. */
export function gatewayIngress(): IIngress {
  const gateway = PLATFORM_SERVICES.find((s) => s.name === 'scim-gateway')!;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'scim-gateway', labels: labelsOf(gateway) },
    spec: {
      tls: [{ hosts: [PUBLIC_HOST], secretName: 'scim-gateway-tls' }],
      rules: [
        {
          host: PUBLIC_HOST,
          http: { paths: publicGatewayPaths().map((p) => ({ ...p, backend: { service: { name: gateway.name, port: { name: 'http' } } } })) },
        },
      ],
    },
  };
}
