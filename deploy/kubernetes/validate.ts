import { Cluster } from '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io/v1/Cluster';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { K8sObject } from './layout';
import { strimziProblems } from './strimzi-schema';

/**
 * Validates objects against the OpenAPI schemas of their API: Kubernetes' own (the
 * `kubernetes-models` packages, generated from the Kubernetes OpenAPI spec), the Prometheus
 * operator's and CloudNativePG's (generated from their CRDs), and Strimzi's (strimzi-schema.ts).
 * A kind with no schema here is a problem too: nothing is applied unchecked.
 */
interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

const MODELS: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'networking.k8s.io/v1/Ingress': Ingress,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'postgresql.cnpg.io/v1/Cluster': Cluster,
};

const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^(?=.{1,63}$)[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function schemaProblems(object: K8sObject): string[] {
  const id = `${object.kind} ${object.metadata?.name}`;
  const problems: string[] = [];
  if (!DNS_SUBDOMAIN.test(object.metadata?.name ?? '')) problems.push(`${id}: metadata.name is not a DNS subdomain name`);
  if (object.kind === 'Service' && !DNS_LABEL.test(object.metadata.name)) problems.push(`${id}: a Service's name must be a DNS label`);
  if (object.apiVersion === 'kafka.strimzi.io/v1beta2') return [...problems, ...strimziProblems(object).map((p) => `${id}: ${p}`)];
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return [...problems, `${id}: no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(object as never).validate();
  } catch (err) {
    problems.push(`${id}: ${(err as Error).message}`);
  }
  return problems;
}
