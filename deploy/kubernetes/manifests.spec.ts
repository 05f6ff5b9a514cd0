import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IsOptional, IsString, MinLength } from 'class-validator';
import { loadConfig } from '@app/config';
import { UserServiceConfig } from '../../apps/user-service/src/user-service.config';
import { userServiceDefinition } from '../../apps/user-service/src/user-service.definition';
import { PROJECT_ROOT } from '../local/stack';
import { ConsistencyOptions, platformProblems, secretsToCreate } from './consistency';
import { generatedFilesOnDisk, KUBERNETES_DIR } from './generate';
import { K8sObject, renderFiles } from './layout';
import { kustomizeBuild } from './kustomize';
import { PLATFORM_SERVICES, PlatformService } from './platform';
import { schemaProblems } from './validate';

/**
 * The Kubernetes manifests (deploy/kubernetes), rendered here as `kubectl kustomize` would, are
 * valid against their APIs' OpenAPI schemas and consistent with the code they deploy. No cluster
 * is needed; `npm run k8s:generate` rewrites the files after a change to the code or generator.
 */
const OVERLAYS = ['overlays/in-cluster', 'overlays/external'];
/** Variables without a default that the manifests leave unset on purpose (docs/deploy.md says why). */
const OPTIONS: ConsistencyOptions = {
  deliberatelyUnset: {
    KAFKA_SSL_CA_FILE: 'external Kafka: brokers with a certificate from a public CA need none',
    OAUTH_ISSUER: 'the origin of SCIM_PUBLIC_BASE_URL, which the Ingress serves',
  },
};
const build = (dir: string) => kustomizeBuild(join(KUBERNETES_DIR, dir));
const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o)) as T;
const byKindName = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;
type Container = { name: string; env: Array<{ name: string; value?: string }>; readinessProbe: { httpGet: { path: string } }; ports: Array<{ containerPort: number }> };
const appOf = (objects: K8sObject[], name: string) =>
  (byKindName(objects, 'Deployment', name).spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0];

describe('Kubernetes manifests', () => {
  it('are exactly what the generator writes (run `npm run k8s:generate` after changing code or generator)', () => {
    const expected = renderFiles();
    expect(generatedFilesOnDisk()).toEqual([...expected.keys()].sort());
    for (const [file, text] of expected) expect({ file, text: readFileSync(join(KUBERNETES_DIR, file), 'utf8') }).toEqual({ file, text });
  });

  describe.each(OVERLAYS)('%s', (overlay) => {
    const objects = build(overlay);

    it('validates every object against its OpenAPI schema', () => {
      expect(objects.flatMap(schemaProblems)).toEqual([]);
      expect(objects.every((o) => o.metadata.namespace === 'scim')).toBe(true);
    });

    it('agrees with the code: configuration, routes, ports, topics, ACLs, shutdown, scaling, policies', () => {
      expect(platformProblems(objects, PLATFORM_SERVICES, OPTIONS)).toEqual([]);
    });

    it('lists in docs/deploy.md every Secret the operator creates by hand', () => {
      const docs = readFileSync(join(PROJECT_ROOT, 'docs', 'deploy.md'), 'utf8');
      const secrets = [...secretsToCreate(objects).keys()];
      expect(secrets.length).toBeGreaterThan(0);
      for (const secret of secrets) expect({ secret, documented: docs.includes(secret) }).toEqual({ secret, documented: true });
    });
  });

  it('with the lag autoscaling component instead of CPU only, still validates and agrees', () => {
    const objects = [
      ...build('base').map((o) => ({ ...o, metadata: { ...o.metadata, namespace: 'scim' } })),
      ...['strimzi', 'cloudnative-pg', 'monitoring', 'autoscaling-lag'].flatMap((c) => build(`components/${c}`)),
    ];
    expect(objects.flatMap(schemaProblems)).toEqual([]);
    expect(platformProblems(objects, PLATFORM_SERVICES, OPTIONS)).toEqual([]);
    const hpa = byKindName(objects, 'HorizontalPodAutoscaler', 'user-service').spec as { metrics: Array<{ type: string; external?: { metric: { selector: object } } }> };
    expect(hpa.metrics.map((m) => m.type)).toEqual(['Resource', 'External']);
    expect(hpa.metrics[1].external!.metric.selector).toEqual({ matchLabels: { group: 'user-service' } });
  });

  describe('finds real inconsistencies', () => {
    const objects = build('overlays/in-cluster');
    const problemsOf = (mutate: (o: K8sObject[]) => void, services: readonly PlatformService[] = PLATFORM_SERVICES) => {
      const copy = clone(objects);
      mutate(copy);
      return platformProblems(copy, services, OPTIONS);
    };

    it('an object that breaks its schema', () => {
      const copy = clone(objects);
      (appOf(copy, 'user-service').ports[0] as { containerPort: unknown }).containerPort = 'http';
      expect(copy.flatMap(schemaProblems)).toEqual([expect.stringMatching(/^Deployment user-service: .*containerPort must be integer/)]);
      const topic = clone(byKindName(objects, 'KafkaTopic', 'scim.user-events.v1'));
      (topic.spec as Record<string, unknown>).partitons = 12;
      expect(schemaProblems(topic)).toEqual([expect.stringContaining('must NOT have additional properties (partitons)')]);
    });

    it('a required variable the manifests do not set', () => {
      const problems = problemsOf((o) => {
        const app = appOf(o, 'user-service');
        app.env = app.env.filter((e) => e.name !== 'DATABASE_URL');
      });
      expect(problems).toContainEqual(expect.stringMatching(/^user-service: configuration refused: DATABASE_URL: .*\(not set\)/));
    });

    it('a variable added to a config class: required, or optional without a default', () => {
      class WithRequiredToken extends UserServiceConfig {
        @IsString()
        @MinLength(32)
        INTERNAL_SERVICE_TOKEN: string;
      }
      class WithOptionalToken extends UserServiceConfig {
        @IsOptional()
        @IsString()
        INTERNAL_SERVICE_TOKEN?: string;
      }
      const withConfig = (cls: typeof UserServiceConfig) =>
        PLATFORM_SERVICES.map((s) =>
          s.name === 'user-service' ? { ...s, definition: (env: NodeJS.ProcessEnv) => ({ ...userServiceDefinition(env), config: loadConfig(cls, env) }) } : s,
        );
      expect(problemsOf(() => undefined, withConfig(WithRequiredToken))).toContainEqual(expect.stringMatching(/^user-service: configuration refused: INTERNAL_SERVICE_TOKEN: /));
      expect(problemsOf(() => undefined, withConfig(WithOptionalToken))).toEqual([
        'user-service: INTERNAL_SERVICE_TOKEN has no default and the manifests neither set it nor list it as deliberately unset',
      ]);
    });

    it('a variable no config class reads, and a probe path the services do not serve', () => {
      const problems = problemsOf((o) => {
        appOf(o, 'scim-gateway').env.push({ name: 'USER_SERVCE_URL', value: 'http://user-service:3101' });
        appOf(o, 'audit-log-service').readinessProbe.httpGet.path = '/healthz';
      });
      expect(problems).toEqual([
        'scim-gateway: sets USER_SERVCE_URL, which its configuration does not read',
        'scim-gateway: migrate init container has another environment than the app',
        'audit-log-service: readinessProbe asks /healthz, expected /health/ready (served: /health, /health/ready)',
      ]);
    });

    it('a topic whose KafkaTopic is missing or differs from libs/contracts', () => {
      const problems = problemsOf((o) => {
        o.splice(o.indexOf(byKindName(o, 'KafkaTopic', 'scim.request-records.v1.dlt')), 1);
        (byKindName(o, 'KafkaTopic', 'scim.user-commands.v1').spec as { partitions: number }).partitions = 24;
        (byKindName(o, 'KafkaTopic', 'scim.user-events.v1').spec as { config: Record<string, unknown> }).config['retention.ms'] = 1000;
      });
      expect(problems.sort()).toEqual([
        'KafkaTopic scim.user-commands.v1: 24 partitions, the contracts declare 12',
        'KafkaTopic scim.user-events.v1: retention.ms 1000, the contracts declare 2592000000',
        'topic scim.request-records.v1.dlt has no KafkaTopic',
      ]);
    });

    it('an ACL the code needs, a port mismatch, a blocked internal call and a short grace period', () => {
      const problems = problemsOf((o) => {
        const user = byKindName(o, 'KafkaUser', 'group-membership-service-kafka').spec as { authorization: { acls: Array<{ resource: { name?: string } }> } };
        user.authorization.acls = user.authorization.acls.filter((a) => a.resource.name !== 'scim.user-events.v1');
        appOf(o, 'user-service').ports[0].containerPort = 3000;
        const policy = byKindName(o, 'NetworkPolicy', 'user-service-ingress').spec as { ingress: Array<{ from: unknown[] }> };
        policy.ingress[0].from = policy.ingress[0].from.slice(0, 1); // the gateway only
        (byKindName(o, 'Deployment', 'audit-log-service').spec as { template: { spec: { terminationGracePeriodSeconds: number } } }).template.spec.terminationGracePeriodSeconds =
          15;
      });
      expect(problems).toEqual([
        'user-service: container port http is 3000, the service listens on HTTP_PORT 3101',
        'user-service: readinessProbe port http is not the HTTP port',
        'user-service: livenessProbe port http is not the HTTP port',
        'user-service: startupProbe port http is not the HTTP port',
        'group-membership-service: network policies block its calls to user-service (USER_SERVICE_URL)',
        'KafkaUser group-membership-service-kafka: no Read on topic scim.user-events.v1',
        'audit-log-service: terminationGracePeriodSeconds 15 leaves no room for preStop 5 s + SHUTDOWN_TIMEOUT_MS 15000',
      ]);
    });

    it('more replicas than partitions, and an internal API open to every pod', () => {
      const problems = problemsOf((o) => {
        (byKindName(o, 'HorizontalPodAutoscaler', 'audit-log-service').spec as { maxReplicas: number }).maxReplicas = 13;
        o.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'open', namespace: 'scim' }, spec: { podSelector: {}, ingress: [{}] } });
      });
      expect(problems).toContainEqual('audit-log-service: maxReplicas 13 exceeds the 12 partitions its group can share');
      expect(problems).toContainEqual('user-service: its HTTP port is open to any pod');
    });
  });
});
