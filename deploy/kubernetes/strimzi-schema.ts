import Ajv, { ErrorObject, ValidateFunction } from 'ajv';

/**
 * JSON Schemas of the Strimzi custom resources (kafka.strimzi.io/v1beta2) as far as this
 * platform uses them, written from Strimzi's API reference: types, enums and required fields as
 * Strimzi's CRDs declare them, and `additionalProperties: false` everywhere so a misspelt field
 * fails here instead of being pruned by the API server. (Strimzi's own CRD schemas ship only in
 * its release YAML, which no registry reachable from this project's machines serves.)
 */
const strictObject = (properties: Record<string, object>, required: string[] = []) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  required,
});
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const configMap = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } };
const dnsSubdomain = { type: 'string', maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' };
const metadata = (clusterLabelRequired: boolean) =>
  strictObject(
    {
      name: dnsSubdomain,
      namespace: { type: 'string' },
      labels: clusterLabelRequired ? { ...stringMap, properties: { 'strimzi.io/cluster': dnsSubdomain }, required: ['strimzi.io/cluster'] } : stringMap,
      annotations: stringMap,
    },
    ['name', ...(clusterLabelRequired ? ['labels'] : [])],
  );
const resources = strictObject({ requests: stringMap, limits: stringMap });
const labelSelector = strictObject({ matchLabels: stringMap });
const resourceHead = (kind: string) => ({ apiVersion: { const: 'kafka.strimzi.io/v1beta2' }, kind: { const: kind } });

const listener = strictObject(
  {
    name: { type: 'string', pattern: '^[a-z0-9]{1,11}$' },
    port: { type: 'integer', minimum: 9092 },
    type: { enum: ['internal', 'route', 'loadbalancer', 'nodeport', 'ingress', 'cluster-ip'] },
    tls: { type: 'boolean' },
    authentication: strictObject({ type: { enum: ['tls', 'scram-sha-512', 'oauth', 'custom'] } }, ['type']),
    networkPolicyPeers: { type: 'array', items: strictObject({ podSelector: labelSelector, namespaceSelector: labelSelector }) },
  },
  ['name', 'port', 'type', 'tls'],
);

const kafka = strictObject(
  {
    ...resourceHead('Kafka'),
    metadata: metadata(false),
    spec: strictObject(
      {
        kafka: strictObject(
          {
            version: { type: 'string' },
            metadataVersion: { type: 'string' },
            listeners: { type: 'array', minItems: 1, items: listener },
            authorization: strictObject({ type: { enum: ['simple', 'opa', 'keycloak', 'custom'] }, superUsers: { type: 'array', items: { type: 'string' } } }, ['type']),
            config: configMap,
            resources,
          },
          ['listeners'],
        ),
        entityOperator: strictObject({
          topicOperator: strictObject({ resources, watchedNamespace: { type: 'string' } }),
          userOperator: strictObject({ resources, watchedNamespace: { type: 'string' } }),
        }),
      },
      ['kafka'],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

const kafkaNodePool = strictObject(
  {
    ...resourceHead('KafkaNodePool'),
    metadata: metadata(true),
    spec: strictObject(
      {
        replicas: { type: 'integer', minimum: 0 },
        roles: { type: 'array', minItems: 1, items: { enum: ['controller', 'broker'] } },
        storage: strictObject(
          {
            type: { enum: ['ephemeral', 'persistent-claim', 'jbod'] },
            volumes: {
              type: 'array',
              items: strictObject(
                {
                  id: { type: 'integer', minimum: 0 },
                  type: { enum: ['ephemeral', 'persistent-claim'] },
                  size: { type: 'string' },
                  class: { type: 'string' },
                  deleteClaim: { type: 'boolean' },
                  kraftMetadata: { enum: ['shared'] },
                },
                ['type'],
              ),
            },
          },
          ['type'],
        ),
        resources,
      },
      ['replicas', 'roles', 'storage'],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

const kafkaTopic = strictObject(
  {
    ...resourceHead('KafkaTopic'),
    metadata: metadata(true),
    spec: strictObject(
      {
        topicName: { type: 'string', minLength: 1, maxLength: 249, pattern: '^[A-Za-z0-9._-]+$' },
        partitions: { type: 'integer', minimum: 1 },
        replicas: { type: 'integer', minimum: 1, maximum: 32767 },
        config: configMap,
      },
      ['partitions'],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

const aclOperations = ['Read', 'Write', 'Create', 'Delete', 'Alter', 'Describe', 'ClusterAction', 'AlterConfigs', 'DescribeConfigs', 'IdempotentWrite', 'All'];
const aclRule = strictObject(
  {
    type: { enum: ['allow', 'deny'] },
    resource: {
      oneOf: [
        strictObject({ type: { enum: ['topic', 'group', 'transactionalId'] }, name: { type: 'string', minLength: 1 }, patternType: { enum: ['literal', 'prefix'] } }, [
          'type',
          'name',
        ]),
        strictObject({ type: { const: 'cluster' } }, ['type']),
      ],
    },
    operations: { type: 'array', minItems: 1, items: { enum: aclOperations } },
    host: { type: 'string' },
  },
  ['resource', 'operations'],
);

const kafkaUser = strictObject(
  {
    ...resourceHead('KafkaUser'),
    metadata: metadata(true),
    spec: strictObject(
      {
        authentication: strictObject({ type: { enum: ['tls', 'tls-external', 'scram-sha-512'] } }, ['type']),
        authorization: strictObject({ type: { enum: ['simple'] }, acls: { type: 'array', items: aclRule } }, ['type', 'acls']),
      },
      [],
    ),
  },
  ['apiVersion', 'kind', 'metadata', 'spec'],
);

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validators: Record<string, ValidateFunction> = {
  Kafka: ajv.compile(kafka),
  KafkaNodePool: ajv.compile(kafkaNodePool),
  KafkaTopic: ajv.compile(kafkaTopic),
  KafkaUser: ajv.compile(kafkaUser),
};

export const STRIMZI_KINDS = Object.keys(validators);

/** Problems of one Strimzi object, as `path message` strings; empty when valid. */
export function strimziProblems(object: { kind?: string }): string[] {
  const validate = object.kind ? validators[object.kind] : undefined;
  if (!validate) return [`no Strimzi schema for kind ${object.kind}`];
  if (validate(object)) return [];
  return (validate.errors ?? []).map(
    (e: ErrorObject) =>
      `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty: string }).additionalProperty)})` : ''}`,
  );
}
