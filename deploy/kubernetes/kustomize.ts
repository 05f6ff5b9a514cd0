import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from './layout';

/**
 * Builds a kustomization into its objects, as `kubectl kustomize` does, for the subset of
 * kustomize this tree uses: `resources` (files and directories), `components`, `namespace` and
 * `images`. Anything else in a kustomization is refused rather than ignored, so the test never
 * validates something other than what kubectl would apply. (kustomize itself is a Go program;
 * the manifest test runs where only Node is installed.)
 */
const KUSTOMIZATION_KEYS = new Set(['apiVersion', 'kind', 'resources', 'components', 'namespace', 'images']);
const COMPONENT_KEYS = new Set(['apiVersion', 'kind', 'resources']);

interface ImageOverride {
  name: string;
  newName?: string;
  newTag?: string;
}

export type ReadFile = (path: string) => string;
const readDisk: ReadFile = (path) => readFileSync(path, 'utf8');

function loadKustomization(dir: string, read: ReadFile): Record<string, unknown> {
  const doc = parseAllDocuments(read(join(dir, 'kustomization.yaml')));
  if (doc.length !== 1) throw new Error(`${dir}/kustomization.yaml: expected one document`);
  return doc[0].toJS() as Record<string, unknown>;
}

function parseObjects(file: string, read: ReadFile): K8sObject[] {
  return parseAllDocuments(read(file)).map((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${file} document ${i + 1}: ${doc.errors[0].message}`);
    const o = doc.toJS() as K8sObject;
    if (!o?.apiVersion || !o.kind || !o.metadata?.name) throw new Error(`${file} document ${i + 1}: not a Kubernetes object`);
    return o;
  });
}

const idOf = (o: K8sObject) => `${o.apiVersion.split('/').length > 1 ? o.apiVersion.split('/')[0] : ''}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function kustomizeBuild(dir: string, read: ReadFile = readDisk, isDir: (p: string) => boolean = (p) => existsSync(p) && statSync(p).isDirectory()): K8sObject[] {
  const k = loadKustomization(dir, read);
  const component = k.kind === 'Component';
  const allowed = component ? COMPONENT_KEYS : KUSTOMIZATION_KEYS;
  for (const key of Object.keys(k)) if (!allowed.has(key)) throw new Error(`${dir}/kustomization.yaml: "${key}" is not supported by this renderer`);
  if (component ? k.apiVersion !== 'kustomize.config.k8s.io/v1alpha1' : k.apiVersion !== 'kustomize.config.k8s.io/v1beta1' || k.kind !== 'Kustomization') {
    throw new Error(`${dir}/kustomization.yaml: unexpected apiVersion/kind ${String(k.apiVersion)}/${String(k.kind)}`);
  }
  const objects: K8sObject[] = [];
  const add = (found: K8sObject[]) => {
    for (const o of found) {
      if (objects.some((x) => idOf(x) === idOf(o))) throw new Error(`${dir}: may not add resource with an already registered id: ${idOf(o)}`);
      objects.push(o);
    }
  };
  for (const entry of (k.resources as string[] | undefined) ?? []) {
    const path = resolve(dir, entry);
    add(isDir(path) ? kustomizeBuild(path, read, isDir) : parseObjects(path, read));
  }
  for (const entry of (k.components as string[] | undefined) ?? []) {
    const path = resolve(dir, entry);
    const c = loadKustomization(path, read);
    if (c.kind !== 'Component') throw new Error(`${path}: listed as a component but is a ${String(c.kind)}`);
    add(kustomizeBuild(path, read, isDir));
  }
  if (typeof k.namespace === 'string') for (const o of objects) o.metadata.namespace = k.namespace;
  for (const image of (k.images as ImageOverride[] | undefined) ?? []) for (const o of objects) overrideImage(o, image);
  return objects;
}

function overrideImage(o: K8sObject, image: ImageOverride): void {
  const podSpec = (o.spec as { template?: { spec?: { containers?: Array<{ image: string }>; initContainers?: Array<{ image: string }> } } } | undefined)?.template?.spec;
  for (const c of [...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])]) {
    const [name, tag] = c.image.split(':');
    if (name !== image.name) continue;
    c.image = `${image.newName ?? name}${(image.newTag ?? tag) ? `:${image.newTag ?? tag}` : ''}`;
  }
}
