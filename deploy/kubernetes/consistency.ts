import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { allTopicSpecs, CONSUMED_TOPICS, deadLetterTopicOf, Topics } from '@app/contracts';
import { ConfigurationError } from '@app/config';
import { HealthController, MetricsController } from '@app/observability';
import { OAUTH_JWKS_PATH, OAUTH_METADATA_PATH, OAUTH_TOKEN_PATH } from '../../apps/scim-gateway/src/oauth/oauth.options';
import { PROJECT_ROOT } from '../local/stack';
import type { K8sObject } from './layout';
import { definitionFacts, PlatformService, kafkaUserOf, PRE_STOP_SECONDS } from './platform';
import { CONNECTIONS_PER_POD_BEYOND_POOL, DEFAULT_POOL_SIZE } from './postgres';
import { routesOf } from './routes';
import { COMPOSITION_VARIABLES } from './workloads';

/**
 * Keeps rendered manifests consistent with the code they deploy. Each check names what is wrong;
 * an empty list means the manifests agree with:
 * - the config classes: every container's environment (ConfigMaps, Secrets, `$(VAR)` expansion
 *   resolved as the kubelet does) validates into the service's configuration, sets only variables
 *   the class knows, and decides every variable that has no default;
 * - the HTTP surface: probe paths are routes of HealthController, ports are the configured ones,
 *   Services and ServiceMonitors point at named ports that exist, internal URLs at Services;
 * - libs/contracts: a KafkaTopic per topic with its partitions, retention and cleanup policy;
 *   KafkaUsers whose ACLs cover what each service's code reads and writes;
 * - shutdown, autoscaling (partitions bound a group's consumers), disruption budgets, network
 *   policies and Postgres connections.
 */

interface EnvVarSpec {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean }; configMapKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface ContainerSpec {
  name: string;
  command?: string[];
  args?: string[];
  env?: EnvVarSpec[];
  envFrom?: Array<{ configMapRef?: { name: string; optional?: boolean }; secretRef?: { name: string; optional?: boolean } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  startupProbe?: { httpGet?: { path: string; port: string | number } };
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
}
interface PodSpec {
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
  terminationGracePeriodSeconds?: number;
}

/** Secrets that appear once an operator has acted on the manifests. */
function operatorSecrets(objects: K8sObject[]): Map<string, string[]> {
  const made = new Map<string, string[]>();
  for (const o of objects) {
    if (o.kind === 'KafkaUser') made.set(o.metadata.name, ['password', 'sasl.jaas.config']);
    if (o.kind === 'Kafka') made.set(`${o.metadata.name}-cluster-ca-cert`, ['ca.crt']);
  }
  return made;
}

/**
 * Secrets the manifests read that neither they nor an operator create: the operator of the
 * platform makes them (docs/deploy.md lists each). Name → keys read.
 */
export function secretsToCreate(objects: K8sObject[]): Map<string, Set<string>> {
  const rendered = new Set(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name));
  const made = operatorSecrets(objects);
  const needed = new Map<string, Set<string>>();
  for (const pod of podSpecs(objects)) {
    for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (!ref || rendered.has(ref.name) || made.has(ref.name)) continue;
        needed.set(ref.name, new Set([...(needed.get(ref.name) ?? []), ref.key]));
      }
    }
  }
  return needed;
}

function podSpecs(objects: K8sObject[]): Array<{ owner: K8sObject; spec: PodSpec }> {
  return objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job').map((o) => ({ owner: o, spec: (o.spec as { template: { spec: PodSpec } }).template.spec }));
}

const placeholder = (secret: string, key: string) => `placeholder-${secret}-${key}`.replace(/[^a-z0-9-]/g, '-').padEnd(48, 'x');

/**
 * A container's environment as the kubelet builds it: envFrom first, then env in order, each
 * `$(VAR)` replaced by an earlier variable (left as written when there is none). Secret values
 * are placeholders.
 */
export function resolveEnvironment(container: ContainerSpec, objects: K8sObject[], problems: string[], where: string): Record<string, string> {
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap').map((o) => [o.metadata.name, (o.data ?? {}) as Record<string, string>]));
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) {
      const data = configMaps.get(from.configMapRef.name);
      if (data) Object.assign(env, data);
      else if (!from.configMapRef.optional) problems.push(`${where}: envFrom ConfigMap ${from.configMapRef.name} is not in the manifests`);
    }
    if (from.secretRef) problems.push(`${where}: envFrom Secret ${from.secretRef.name}: name each secret variable instead (env with secretKeyRef)`);
  }
  const expand = (value: string) => value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole);
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = expand(e.value);
    else if (e.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.secretKeyRef;
      env[e.name] = placeholder(ref.name, ref.key);
    } else if (e.valueFrom?.configMapKeyRef) {
      const ref = e.valueFrom.configMapKeyRef;
      const value = configMaps.get(ref.name)?.[ref.key];
      if (value !== undefined) env[e.name] = value;
      else if (!ref.optional) problems.push(`${where}: ${e.name} reads ConfigMap ${ref.name} key ${ref.key}, which the manifests do not have`);
    }
  }
  return env;
}

/** The variables a configuration class validates (its properties with decorators, inherited ones too). */
export function knownVariables(configClass: object): Set<string> {
  return new Set(
    getMetadataStorage()
      // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- class-validator's own parameter type
      .getTargetValidationMetadatas(configClass as Function, '', true, false)
      .map((m) => m.propertyName),
  );
}

export interface ConsistencyOptions {
  /** Variables without a default that a deployment may leave unset, with the reason (docs). */
  deliberatelyUnset: Readonly<Record<string, string>>;
}

export function platformProblems(objects: K8sObject[], services: readonly PlatformService[], options: ConsistencyOptions): string[] {
  const problems: string[] = [];
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const servicesByName = new Map(objects.filter((o) => o.kind === 'Service').map((o) => [o.metadata.name, o]));
  const [livenessPath, readinessPath] = ['/health', '/health/ready'];
  const healthRoutes = routesOf(HealthController);
  const metricsRoutes = routesOf(MetricsController);
  for (const route of [livenessPath, readinessPath]) if (!healthRoutes.includes(route)) problems.push(`HealthController no longer serves ${route}`);

  for (const s of services) {
    const deployment = find('Deployment', s.name);
    if (!deployment) {
      problems.push(`${s.name}: no Deployment`);
      continue;
    }
    const pod = (deployment.spec as { template: { spec: PodSpec; metadata: { labels: Record<string, string> } } }).template;
    const app = pod.spec.containers[0];
    const env = resolveEnvironment(app, objects, problems, `${s.name}/${app.name}`);

    // The environment validates into the service's configuration.
    let definition: ReturnType<PlatformService['definition']> | undefined;
    try {
      definition = s.definition(env);
    } catch (err) {
      const list = err instanceof ConfigurationError ? err.problems : [(err as Error).message];
      for (const p of list) problems.push(`${s.name}: configuration refused: ${p}`);
    }
    const configClass = definitionFacts(s).config.constructor;
    const known = knownVariables(configClass);
    for (const name of Object.keys(env)) {
      if (!known.has(name) && !(COMPOSITION_VARIABLES as readonly string[]).includes(name)) problems.push(`${s.name}: sets ${name}, which its configuration does not read`);
    }
    // A variable without a default is a decision (a secret, a feature, an address): make it or say why not.
    const defaults = definitionFacts(s).config as unknown as Record<string, unknown>;
    for (const v of [...known].filter((name) => !(name in env) && defaults[name] === undefined)) {
      if (!(v in options.deliberatelyUnset)) problems.push(`${s.name}: ${v} has no default and the manifests neither set it nor list it as deliberately unset`);
    }
    if (!definition) continue;
    const config = definition.config;

    // The migrate init container runs the same entry point with the same environment.
    const migrate = pod.spec.initContainers?.find((c) => c.name === 'migrate');
    if (!migrate) problems.push(`${s.name}: no migrate init container`);
    else {
      if (JSON.stringify(migrate.command) !== JSON.stringify(app.command) || JSON.stringify(migrate.args) !== JSON.stringify(['migrate']))
        problems.push(`${s.name}: migrate init container must run the app's entry point with the argument migrate`);
      if (JSON.stringify(resolveEnvironment(migrate, objects, [], '')) !== JSON.stringify(env))
        problems.push(`${s.name}: migrate init container has another environment than the app`);
    }
    const entry = app.command?.find((a) => a.startsWith('dist/'));
    const source = entry?.replace(/^dist\//, '').replace(/\.js$/, '.ts');
    if (!source || !existsFile(join(PROJECT_ROOT, source))) problems.push(`${s.name}: entry point ${entry} is not built from a source file of the project`);

    // Ports and probes.
    const httpPort = app.ports?.find((p) => p.name === 'http')?.containerPort;
    if (httpPort !== config.HTTP_PORT) problems.push(`${s.name}: container port http is ${httpPort}, the service listens on HTTP_PORT ${config.HTTP_PORT}`);
    if (config.HTTP_HOST !== '0.0.0.0' && config.HTTP_HOST !== '::') problems.push(`${s.name}: HTTP_HOST ${config.HTTP_HOST} is not reachable from outside the pod`);
    const probes = { readinessProbe: readinessPath, livenessProbe: livenessPath, startupProbe: livenessPath } as const;
    for (const [probe, path] of Object.entries(probes) as Array<[keyof typeof probes, string]>) {
      const get = app[probe]?.httpGet;
      if (!get) problems.push(`${s.name}: no ${probe}`);
      else {
        if (get.path !== path || !healthRoutes.includes(get.path)) problems.push(`${s.name}: ${probe} asks ${get.path}, expected ${path} (served: ${healthRoutes.join(', ')})`);
        const port = typeof get.port === 'number' ? get.port : app.ports?.find((p) => p.name === get.port)?.containerPort;
        if (port !== config.HTTP_PORT) problems.push(`${s.name}: ${probe} port ${get.port} is not the HTTP port`);
      }
    }

    // Graceful termination: endpoints drop the pod (preStop), then the service's own shutdown.
    const preStop = Number(app.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
    const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
    if (preStop !== PRE_STOP_SECONDS) problems.push(`${s.name}: preStop pause is ${preStop} s, expected ${PRE_STOP_SECONDS}`);
    if (grace * 1000 <= preStop * 1000 + config.SHUTDOWN_TIMEOUT_MS)
      problems.push(`${s.name}: terminationGracePeriodSeconds ${grace} leaves no room for preStop ${preStop} s + SHUTDOWN_TIMEOUT_MS ${config.SHUTDOWN_TIMEOUT_MS}`);

    // Service, internal URLs, network policies.
    const svc = servicesByName.get(s.name);
    const svcPort = (svc?.spec as { ports?: Array<{ name: string; port: number; targetPort: string | number }> } | undefined)?.ports?.find((p) => p.name === 'http');
    if (!svc || !svcPort) problems.push(`${s.name}: no Service with an http port`);
    else {
      const selector = (svc.spec as { selector: Record<string, string> }).selector;
      if (!Object.entries(selector).every(([k, v]) => pod.metadata.labels[k] === v)) problems.push(`${s.name}: the Service does not select the Deployment's pods`);
      if (svcPort.targetPort !== 'http' && svcPort.targetPort !== config.HTTP_PORT) problems.push(`${s.name}: the Service targets port ${svcPort.targetPort}`);
    }
    for (const [name, value] of Object.entries(env)) {
      if (!/_SERVICE_URL$/.test(name)) continue;
      const url = new URL(value);
      const target = servicesByName.get(url.hostname);
      const targetPort = (target?.spec as { ports?: Array<{ port: number }> } | undefined)?.ports?.[0]?.port;
      if (!target || String(targetPort) !== url.port) problems.push(`${s.name}: ${name} ${value} is not a Service of the manifests`);
      else if (!ingressAllowed(objects, target, pod.metadata.labels)) problems.push(`${s.name}: network policies block its calls to ${url.hostname} (${name})`);
    }
    if (s.name !== 'scim-gateway' && ingressAllowed(objects, svc, {})) problems.push(`${s.name}: its HTTP port is open to any pod`);
    if (s.name === 'scim-gateway') problems.push(...publicUrlProblems(objects, config as unknown as Record<string, unknown>));

    // Autoscaling and disruption budget.
    const hpa = find('HorizontalPodAutoscaler', s.name);
    if (hpa) {
      const spec = hpa.spec as { scaleTargetRef: { kind: string; name: string }; maxReplicas: number; minReplicas?: number };
      if (spec.scaleTargetRef.kind !== 'Deployment' || spec.scaleTargetRef.name !== s.name) problems.push(`${s.name}: the HorizontalPodAutoscaler scales another target`);
      const partitions = s.kafka.reads.length && definition.consumer ? Math.max(...s.kafka.reads.map((t) => allTopicSpecs().find((x) => x.name === t)?.partitions ?? 0)) : Infinity;
      if (spec.maxReplicas > partitions) problems.push(`${s.name}: maxReplicas ${spec.maxReplicas} exceeds the ${partitions} partitions its group can share`);
    }
    const pdb = find('PodDisruptionBudget', s.name);
    const pdbSelector = (pdb?.spec as { selector?: { matchLabels: Record<string, string> } } | undefined)?.selector?.matchLabels ?? {};
    if (!pdb || !Object.entries(pdbSelector).every(([k, v]) => pod.metadata.labels[k] === v) || Object.keys(pdbSelector).length === 0)
      problems.push(`${s.name}: no PodDisruptionBudget for its pods`);

    // Kafka: the SASL principal is the KafkaUser (when Strimzi makes them), whose ACLs cover the code.
    const kafkaUser = find('KafkaUser', kafkaUserOf(s.name));
    const passwordRef = app.env?.find((e) => e.name === 'KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef;
    if (config.KAFKA_SASL_USERNAME !== kafkaUserOf(s.name) || passwordRef?.name !== kafkaUserOf(s.name))
      problems.push(`${s.name}: Kafka credentials are not those of ${kafkaUserOf(s.name)}`);
    if (objects.some((o) => o.kind === 'Kafka')) {
      if (!kafkaUser) problems.push(`${s.name}: no KafkaUser ${kafkaUserOf(s.name)}`);
      else problems.push(...aclProblems(s, kafkaUser, definition.consumer?.groupId, Boolean(definition.relay)));
    }
  }

  // Topics: one KafkaTopic per topic of libs/contracts, same settings; no others.
  if (objects.some((o) => o.kind === 'Kafka')) {
    const topics = objects.filter((o) => o.kind === 'KafkaTopic');
    for (const spec of allTopicSpecs()) {
      const t = topics.find((o) => (o.spec as { topicName?: string }).topicName === spec.name);
      if (!t) {
        problems.push(`topic ${spec.name} has no KafkaTopic`);
        continue;
      }
      const ts = t.spec as { partitions: number; config: Record<string, unknown> };
      if (ts.partitions !== spec.partitions) problems.push(`KafkaTopic ${spec.name}: ${ts.partitions} partitions, the contracts declare ${spec.partitions}`);
      if (Number(ts.config['retention.ms']) !== spec.retentionMs)
        problems.push(`KafkaTopic ${spec.name}: retention.ms ${String(ts.config['retention.ms'])}, the contracts declare ${spec.retentionMs}`);
      if (ts.config['cleanup.policy'] !== spec.cleanupPolicy)
        problems.push(`KafkaTopic ${spec.name}: cleanup.policy ${String(ts.config['cleanup.policy'])}, the contracts declare ${spec.cleanupPolicy}`);
    }
    for (const t of topics) {
      const name = (t.spec as { topicName?: string }).topicName ?? t.metadata.name;
      if (!allTopicSpecs().some((s) => s.name === name)) problems.push(`KafkaTopic ${name} is not a topic of libs/contracts`);
    }
  }

  // Monitoring: the ServiceMonitor scrapes the metrics route on a port every Service has.
  for (const monitor of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    for (const endpoint of (monitor.spec as { endpoints: Array<{ port: string; path?: string }> }).endpoints) {
      if (!metricsRoutes.includes(endpoint.path ?? '/metrics'))
        problems.push(`ServiceMonitor ${monitor.metadata.name}: ${endpoint.path} is not the metrics route (${metricsRoutes.join(', ')})`);
      for (const s of services) {
        const ports = (servicesByName.get(s.name)?.spec as { ports?: Array<{ name: string }> } | undefined)?.ports ?? [];
        if (!ports.some((p) => p.name === endpoint.port)) problems.push(`ServiceMonitor ${monitor.metadata.name}: ${s.name} has no port ${endpoint.port}`);
      }
    }
  }

  // Postgres: the cluster's roles are the services' credentials, and it has connections for every pod.
  const cluster = objects.find((o) => o.kind === 'Cluster' && o.apiVersion === 'postgresql.cnpg.io/v1');
  if (cluster) {
    const spec = cluster.spec as { managed?: { roles?: Array<{ name: string; passwordSecret?: { name: string } }> }; postgresql?: { parameters?: Record<string, string> } };
    let needed = 0;
    for (const s of services) {
      const app = podSpecs(objects).find((p) => p.owner.metadata.name === s.name)?.spec.containers[0];
      const userRef = app?.env?.find((e) => e.name === 'DATABASE_USER')?.valueFrom?.secretKeyRef;
      const role = spec.managed?.roles?.find((r) => r.passwordSecret?.name === userRef?.name);
      if (!role) problems.push(`${s.name}: its database credentials (${userRef?.name}) are no managed role of the Postgres cluster`);
      else if (role.name !== s.database) problems.push(`${s.name}: role ${role.name} should be named after its database ${s.database}`);
      const max = (find('HorizontalPodAutoscaler', s.name)?.spec as { maxReplicas?: number } | undefined)?.maxReplicas ?? s.replicas.max;
      needed += (max + 1) * ((definitionFacts(s).poolSize ?? DEFAULT_POOL_SIZE) + CONNECTIONS_PER_POD_BEYOND_POOL); // +1: the surge pod of a rollout
    }
    const max = Number(spec.postgresql?.parameters?.max_connections ?? 100);
    if (max < needed + 10) problems.push(`Postgres max_connections ${max} is below the ${needed} the pods may open (plus 10 for the operator)`);
  }
  return problems;
}

/**
 * The gateway's public base URL is what the Ingress routes: its host and the SCIM base path; the
 * OAuth token endpoint, keys and metadata on the issuer's host; nothing else of the gateway.
 */
function publicUrlProblems(objects: K8sObject[], config: Record<string, unknown>): string[] {
  const ingresses = objects.filter((o) => o.kind === 'Ingress');
  if (ingresses.length === 0) return [];
  const publicUrl = config.SCIM_PUBLIC_BASE_URL as string | undefined;
  if (!publicUrl) return ['scim-gateway: an Ingress exposes it but SCIM_PUBLIC_BASE_URL is not set (locations would come from the Host header)'];
  const url = new URL(publicUrl);
  const issuerHost = new URL((config.OAUTH_ISSUER as string | undefined) ?? url.origin).hostname;
  const routed = ingresses
    .flatMap((i) =>
      ((i.spec as { rules?: Array<{ host?: string; http?: { paths: Array<{ path?: string; backend: { service?: { name: string } } }> } }> }).rules ?? []).flatMap((r) =>
        (r.http?.paths ?? []).map((p) => ({ host: r.host, path: p.path, service: p.backend.service?.name })),
      ),
    )
    .filter((r) => r.service === 'scim-gateway');
  const oauthPaths = [OAUTH_TOKEN_PATH, OAUTH_JWKS_PATH, OAUTH_METADATA_PATH];
  const problems: string[] = [];
  for (const r of routed)
    if (r.path !== config.SCIM_BASE_PATH && !oauthPaths.includes(r.path ?? ''))
      problems.push(`Ingress routes ${r.path} to the gateway, which is neither its SCIM_BASE_PATH ${String(config.SCIM_BASE_PATH)} nor an OAuth endpoint`);
  if (!routed.some((r) => r.host === url.hostname && url.pathname.replace(/\/$/, '') === r.path)) {
    problems.push(`scim-gateway: SCIM_PUBLIC_BASE_URL ${publicUrl} is not a host and path the Ingress routes to it`);
  }
  for (const path of oauthPaths)
    if (!routed.some((r) => r.host === issuerHost && r.path === path))
      problems.push(`scim-gateway: the Ingress does not route the OAuth endpoint ${path} on the issuer's host ${issuerHost}`);
  return problems;
}

function existsFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Whether any network policy that selects the target's pods lets a pod with `labels` reach its http port. */
function ingressAllowed(objects: K8sObject[], target: K8sObject | undefined, labels: Record<string, string>): boolean {
  if (!target) return false;
  const targetPods = (target.spec as { selector: Record<string, string> }).selector;
  const selects = (selector: { matchLabels?: Record<string, string> } | undefined, podLabels: Record<string, string>) =>
    Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => podLabels[k] === v);
  for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy')) {
    const spec = policy.spec as {
      podSelector: { matchLabels?: Record<string, string> };
      ingress?: Array<{ from?: Array<{ podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: object }>; ports?: Array<{ port: string | number }> }>;
    };
    // Policies select by labels the Service's selector implies (a subset match is enough here: our pods carry both).
    const podLabels = { ...targetPods, 'app.kubernetes.io/part-of': 'scim-platform' };
    if (!selects(spec.podSelector, podLabels)) continue;
    for (const rule of spec.ingress ?? []) {
      if (rule.ports && !rule.ports.some((p) => p.port === 'http')) continue;
      if (!rule.from) return true;
      if (rule.from.some((peer) => peer.podSelector && !peer.namespaceSelector && selects(peer.podSelector, labels))) return true;
    }
  }
  return false;
}

/** ACLs against the service's code: the topics it names, its consumer group, its relay. */
function aclProblems(s: PlatformService, user: K8sObject, groupId: string | undefined, relay: boolean): string[] {
  const problems: string[] = [];
  const acls =
    (user.spec as { authorization?: { acls?: Array<{ resource: { type: string; name?: string; patternType?: string }; operations: string[] }> } }).authorization?.acls ?? [];
  const allows = (type: string, name: string, operation: string) =>
    acls.some(
      (a) =>
        a.resource.type === type &&
        (a.resource.patternType === 'prefix' ? name.startsWith(a.resource.name ?? '') : a.resource.name === name) &&
        (a.operations.includes(operation) || a.operations.includes('All')),
    );
  const need = (type: string, name: string, operation: string) => {
    if (!allows(type, name, operation)) problems.push(`KafkaUser ${user.metadata.name}: no ${operation} on ${type} ${name}`);
  };
  for (const topic of s.kafka.reads) need('topic', topic, 'Read');
  for (const topic of s.kafka.writes) need('topic', topic, 'Write');
  if (groupId) {
    need('group', groupId, 'Read');
    for (const topic of s.kafka.reads) if (CONSUMED_TOPICS.includes(topic)) need('topic', deadLetterTopicOf(topic), 'Write');
  }
  for (const prefix of s.kafka.groupPrefixes ?? []) need('group', `${prefix}instance`, 'Read');
  if (relay) {
    need('transactionalId', `outbox-relay.${s.name}`, 'Write');
    need('group', `outbox-relay.${s.name}`, 'Read');
    need('topic', Topics.outboxCheckpoints, 'Read');
  }
  // What the code names: every topic an app's source refers to, and every topic it consumes
  // with @EventPattern, is among the declared reads and writes.
  const source = sourceOf(join(PROJECT_ROOT, 'apps', s.name, 'src'));
  const declared = new Set<string>([...s.kafka.reads, ...s.kafka.writes]);
  for (const [, key] of source.matchAll(/@EventPattern\(\s*Topics\.(\w+)/g)) {
    const topic = (Topics as Record<string, string>)[key];
    if (!(s.kafka.reads as readonly string[]).includes(topic)) problems.push(`${s.name}: consumes ${topic} (@EventPattern) but its Kafka access does not read it`);
  }
  for (const [, key] of source.matchAll(/\bTopics\.(\w+)/g)) {
    const topic = (Topics as Record<string, string>)[key];
    if (topic && topic !== Topics.outboxCheckpoints && !declared.has(topic)) problems.push(`${s.name}: its code uses ${topic}, which its Kafka access does not declare`);
  }
  return problems;
}

function sourceOf(dir: string): string {
  let text = '';
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) text += sourceOf(path);
    else if (entry.endsWith('.ts') && !entry.endsWith('.spec.ts')) text += readFileSync(path, 'utf8');
  }
  return text;
}
