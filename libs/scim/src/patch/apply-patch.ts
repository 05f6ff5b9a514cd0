/**
 * PATCH engine, RFC 7644 §3.5.2, with the request shapes Microsoft Entra ID sends with and
 * without the aadOptscim062020 flag ("Known issues and resolutions with SCIM 2.0 protocol
 * compliance of the Microsoft Entra user provisioning service").
 *
 * Pure: the input resource is cloned and never mutated, and a failing operation throws, so
 * either every operation applies or none does.
 */
import { ScimError } from '../errors/scim-error';
import { cloneJson, deleteIgnoringCase, getIgnoringCase, isJsonObject, type JsonObject, type JsonValue } from '../common/json';
import type { FilterExpression } from '../filter/ast';
import { evaluateAnnotatedFilter } from '../filter/evaluate-filter';
import { validateValueFilter } from '../filter/validate-filter';
import { parsePatchPath, type PatchPath } from '../paths/patch-path';
import { findSubAttribute, type AttributeDefinition } from '../schemas/attribute-definition';
import { sameValue } from '../filter/compare';
import { resolveSubAttribute, type ResolvedAttribute, type SchemaContext } from '../schemas/schema-context';
import { coerceAttributeValue, coerceSingleValue, stripUnassigned, type CoerceOptions } from '../resource/coerce';
import { readAttribute, syncSchemas, writeAttribute } from '../resource/resource-access';
import { assertImmutableUnchanged, changedAttributePaths } from './changes';
import { asEntries, enforceSinglePrimary, mergeComplex, mergeEntries, removeEntries } from './multi-valued';
import { normalisePatchOperation, type PatchOperation, type PatchOperationInput, type PatchOperationType } from './patch-request';

export interface PatchOptions {
  /**
   * Accept Microsoft Entra's dialect (default true): "True"/"False" booleans, bare-string
   * manager, JSON-text roles, "" as "clear", a filtered replace that matches no entry
   * creating one, a filtered remove that matches nothing being a no-op. With false, such
   * requests get the RFC's errors (invalidValue, noTarget).
   */
  readonly entraCompat?: boolean;
}

export interface PatchResult {
  readonly resource: JsonObject;
  /** Changed attributes: "displayName", "name.givenName", "<urn>:manager.value", "members". */
  readonly changedPaths: string[];
  /** Attributes the schema does not define; they were skipped, the caller decides whether that is an error. */
  readonly unknownAttributes: string[];
}

interface PatchState {
  readonly context: SchemaContext;
  readonly entraCompat: boolean;
  readonly resource: JsonObject;
  readonly unknown: Set<string>;
  readonly coerce: CoerceOptions;
}

/** One operation; `fromValueKey` marks operations derived from the keys of a path-less value. */
interface Step {
  readonly op: PatchOperationType;
  readonly path: string;
  readonly value?: JsonValue;
  readonly fromValueKey: boolean;
}

export function applyPatch(resource: JsonObject, operations: readonly PatchOperationInput[], context: SchemaContext, options: PatchOptions = {}): PatchResult {
  const entraCompat = options.entraCompat ?? true;
  const normalised = operations.map((op, index) => normalisePatchOperation(op, index));
  const unknown = new Set<string>();
  const state: PatchState = {
    context,
    entraCompat,
    resource: cloneJson(resource),
    unknown,
    coerce: { entraCompat, emptyStringIsUnassigned: entraCompat, unknownAttributes: unknown },
  };
  for (const operation of normalised) {
    if (operation.path === undefined) applyWithoutPath(state, operation);
    else applyStep(state, { op: operation.op, path: operation.path, value: operation.value, fromValueKey: false });
  }
  assertImmutableUnchanged(resource, state.resource, context);
  syncSchemas(state.resource, context);
  return {
    resource: state.resource,
    changedPaths: changedAttributePaths(resource, state.resource, context),
    unknownAttributes: [...unknown],
  };
}

/**
 * RFC 7644 §3.5.2.1/§3.5.2.3: without "path" the value holds attributes to add or replace.
 * Keys may be plain names, extension URNs holding an object, or, as Entra sends with
 * aadOptscim062020, paths such as "name.givenName" or "<urn>:employeeNumber".
 */
function applyWithoutPath(state: PatchState, operation: PatchOperation): void {
  if (operation.op === 'remove') throw new ScimError(400, 'noTarget', 'A remove operation requires a path');
  const value = operation.value;
  if (!isJsonObject(value)) throw new ScimError(400, 'invalidValue', `A ${operation.op} without path needs an object value`);
  for (const [key, member] of Object.entries(value)) {
    if (key.toLowerCase() === 'schemas') continue;
    applyStep(state, { op: operation.op, path: key, value: member, fromValueKey: true });
  }
}

function applyStep(state: PatchState, step: Step): void {
  let path: PatchPath;
  try {
    path = parsePatchPath(step.path);
  } catch (error) {
    // A value key that is no valid path cannot name any attribute of ours.
    if (step.fromValueKey && error instanceof ScimError) {
      state.unknown.add(step.path);
      return;
    }
    throw error;
  }
  if (path.uri !== undefined && path.filter === undefined && path.subAttribute === undefined) {
    const extension = state.context.findExtension(`${path.uri}:${path.attribute}`);
    if (extension !== undefined) return applyToExtension(state, step, extension.id);
  }
  const top = state.context.resolve({ ...(path.uri !== undefined ? { uri: path.uri } : {}), attribute: path.attribute });
  if (top === undefined) {
    state.unknown.add(step.path);
    return;
  }
  if (!writable(top.attribute, top.path, step)) return;
  if (path.filter !== undefined) return applyFiltered(state, step, top, path.filter, path.subAttribute);
  if (path.subAttribute === undefined) return applyToAttribute(state, step, top);
  const sub = resolveSubAttribute(top, path.subAttribute);
  if (sub === undefined) {
    state.unknown.add(step.path);
    return;
  }
  if (!writable(sub.definition, sub.path, step)) return;
  if (top.attribute.multiValued) applyToEveryEntry(state, step, sub);
  else applyToSubAttribute(state, step, sub);
}

/**
 * readOnly attributes: ignored inside a path-less value (RFC 7644 §3.5.1 treats them as
 * ignorable input), refused with 400 mutability when a path names them (§3.5.2).
 */
function writable(def: AttributeDefinition, path: string, step: Step): boolean {
  if (def.mutability !== 'readOnly') return true;
  if (step.fromValueKey) return false;
  throw new ScimError(400, 'mutability', `Attribute '${path}' is readOnly`);
}

/** A path naming a whole extension ("<urn>") addresses every attribute of it. */
function applyToExtension(state: PatchState, step: Step, urn: string): void {
  if (step.op === 'remove' || step.value === null) {
    if (step.op !== 'add') deleteIgnoringCase(state.resource, urn);
    return;
  }
  if (!isJsonObject(step.value)) throw new ScimError(400, 'invalidValue', `Extension '${urn}' needs an object value`);
  for (const [key, member] of Object.entries(step.value)) {
    applyStep(state, { op: step.op, path: `${urn}:${key}`, value: member, fromValueKey: true });
  }
}

function write(state: PatchState, target: ResolvedAttribute, value: JsonValue | undefined): void {
  writeAttribute(state.resource, target, target.attribute.name, value);
}

function read(state: PatchState, target: ResolvedAttribute): JsonValue | undefined {
  return readAttribute(state.resource, target, target.attribute.name);
}

function writeEntries(state: PatchState, target: ResolvedAttribute, entries: JsonValue[], touched: ReadonlySet<JsonValue>): void {
  // Errors name the multi-valued attribute even when the operation targeted a sub-attribute.
  const attributePath = target.subAttribute ? target.path.slice(0, -(target.subAttribute.name.length + 1)) : target.path;
  const checked = enforceSinglePrimary(target.attribute, entries, touched, attributePath);
  write(state, target, checked.length > 0 ? checked : undefined);
}

/** A whole attribute: `members`, `name`, `userName`, `<urn>:manager`. */
function applyToAttribute(state: PatchState, step: Step, target: ResolvedAttribute): void {
  const def = target.attribute;
  if (step.op === 'remove') {
    if (def.multiValued && step.value !== undefined && step.value !== null) {
      // Entra without aadOptscim062020 removes members as
      // {"op":"Remove","path":"members","value":[{"value":"<id>"}]}: only those entries go.
      const probes = asEntries(coerceAttributeValue(def, step.value, target.path, state.coerce));
      const remaining = removeEntries(def, asEntries(read(state, target)), probes);
      write(state, target, remaining.length > 0 ? remaining : undefined);
      return;
    }
    write(state, target, undefined);
    return;
  }
  const incoming = coerceAttributeValue(def, step.value, target.path, state.coerce);
  if (def.multiValued) {
    const entries = asEntries(incoming);
    // "add" of nothing adds nothing; "replace" with nothing clears (RFC 7643 §2.5).
    if (step.op === 'add' && entries.length === 0) return;
    const touched = new Set<JsonValue>();
    const base = step.op === 'add' ? asEntries(read(state, target)) : [];
    writeEntries(state, target, mergeEntries(def, base, entries, touched), touched);
    return;
  }
  if (def.type === 'complex') {
    // §3.5.2.1/§3.5.2.3: sub-attributes given replace, those not given stay.
    const merged = isJsonObject(incoming) ? mergeComplex(def, currentUnlessReplaced(def, read(state, target), incoming), incoming) : null;
    write(state, target, merged ?? undefined);
    return;
  }
  write(state, target, incoming === null ? undefined : incoming);
}

/** `name.givenName`, `<urn>:manager.value`: a sub-attribute of a single-valued complex attribute. */
function applyToSubAttribute(state: PatchState, step: Step, target: ResolvedAttribute): void {
  const sub = target.subAttribute!;
  const value = step.op === 'remove' ? null : coerceSub(state, sub, step.value, target.path);
  const patch = { [sub.name]: value };
  const merged = mergeComplex(target.attribute, currentUnlessReplaced(target.attribute, read(state, target), patch), patch);
  write(state, target, merged ?? undefined);
}

/**
 * A single-valued complex attribute identified by "value" (the enterprise manager) that gets a
 * different value is a different item: what described the old one ($ref, displayName) goes.
 */
function currentUnlessReplaced(def: AttributeDefinition, current: JsonValue | undefined, patch: JsonObject): JsonValue | undefined {
  const valueSub = findSubAttribute(def, 'value');
  if (valueSub === undefined || !isJsonObject(current)) return current;
  const before = getIgnoringCase(current, valueSub.name);
  const after = getIgnoringCase(patch, valueSub.name);
  if (before === undefined || after === undefined || after === null) return current;
  return sameValue(valueSub, before, after) ? current : undefined;
}

/** `emails.type` without a filter: every entry (creating one when there is none to set). */
function applyToEveryEntry(state: PatchState, step: Step, target: ResolvedAttribute): void {
  const sub = target.subAttribute!;
  const value = step.op === 'remove' ? null : coerceSub(state, sub, step.value, target.path);
  const entries = asEntries(read(state, target));
  const touched = new Set<JsonValue>();
  if (entries.length === 0) {
    if (value === null) return;
    const entry: JsonObject = { [sub.name]: value };
    touched.add(entry);
    writeEntries(state, target, [entry], touched);
    return;
  }
  const updated: JsonValue[] = [];
  for (const entry of entries) {
    const merged = isJsonObject(entry) ? mergeComplex(target.attribute, entry, { [sub.name]: value }) : entry;
    if (merged === null) continue;
    updated.push(merged);
    touched.add(merged);
  }
  writeEntries(state, target, updated, touched);
}

function coerceSub(state: PatchState, sub: AttributeDefinition, raw: JsonValue | undefined, path: string): JsonValue {
  const value = sub.multiValued ? coerceAttributeValue(sub, raw, path, state.coerce) : coerceSingleValue(sub, raw, path, state.coerce);
  return stripUnassigned(value);
}

/** `emails[type eq "work"]` and `emails[type eq "work"].value`. */
function applyFiltered(state: PatchState, step: Step, target: ResolvedAttribute, filter: FilterExpression, subName: string | undefined): void {
  const def = target.attribute;
  if (def.type !== 'complex' || !def.multiValued) {
    throw new ScimError(400, 'invalidPath', `A value filter needs a multi-valued complex attribute, '${target.path}' is not`);
  }
  const annotated = validateValueFilter(filter, target, 'invalidPath');
  let sub: ResolvedAttribute | undefined;
  if (subName !== undefined) {
    sub = resolveSubAttribute(target, subName);
    if (sub === undefined) {
      state.unknown.add(step.path);
      return;
    }
    if (!writable(sub.definition, sub.path, step)) return;
  }
  const entries = asEntries(read(state, target));
  const matched = entries.map((entry) => isJsonObject(entry) && evaluateAnnotatedFilter(entry, annotated, true));
  const anyMatch = matched.includes(true);

  if (step.op === 'remove') {
    if (!anyMatch) {
      // Idempotent for Entra (it may remove a member already gone); the RFC says noTarget (§3.12).
      if (!state.entraCompat) throw new ScimError(400, 'noTarget', `No entry matches '${step.path}'`);
      return;
    }
    const kept = entries.flatMap((entry, i) => {
      if (!matched[i]) return [entry];
      if (sub === undefined) return [];
      const merged = mergeComplex(def, entry, { [sub.subAttribute!.name]: null });
      return merged === null ? [] : [merged];
    });
    write(state, target, kept.length > 0 ? kept : undefined);
    return;
  }

  const patch = filteredPatchValue(state, step, target, sub);
  if (patch === null) {
    // Replacing matched entries with null removes them; adding null adds nothing.
    if (step.op === 'replace' && anyMatch) {
      const kept = entries.filter((_, i) => !matched[i]);
      write(state, target, kept.length > 0 ? kept : undefined);
    }
    return;
  }
  const touched = new Set<JsonValue>();
  if (anyMatch) {
    const updated = entries.flatMap((entry, i) => {
      if (!matched[i]) return [entry];
      const merged = mergeComplex(def, entry, patch);
      if (merged !== null) touched.add(merged);
      return merged === null ? [] : [merged];
    });
    writeEntries(state, target, updated, touched);
    return;
  }
  // §3.5.2.3 answers a filtered replace matching nothing with noTarget; Entra sends "replace"
  // for `emails[type eq "work"].value` even when the user has no work email yet, meaning "add".
  if (step.op === 'replace' && !state.entraCompat) throw new ScimError(400, 'noTarget', `No entry matches '${step.path}'`);
  const additions = stripUnassigned(patch);
  if (!isJsonObject(additions)) return;
  const seed = equalityConstraints(annotated);
  if (seed === undefined) {
    throw new ScimError(400, 'noTarget', `No entry matches '${step.path}' and its filter does not describe a new one`);
  }
  const entry: JsonObject = { ...seed, ...additions };
  writeEntries(state, target, mergeEntries(def, entries, [entry], touched), touched);
}

/** The object merged into matched entries: {sub: value} for `.sub` paths, else the entry value. */
function filteredPatchValue(state: PatchState, step: Step, target: ResolvedAttribute, sub: ResolvedAttribute | undefined): JsonObject | null {
  if (sub !== undefined) {
    const value = coerceSub(state, sub.subAttribute!, step.value, sub.path);
    return { [sub.subAttribute!.name]: value };
  }
  let raw = step.value;
  if (Array.isArray(raw)) {
    if (raw.length !== 1) throw new ScimError(400, 'invalidValue', `'${step.path}' selects entries; give one entry object`);
    raw = raw[0]!;
  }
  const value = coerceSingleValue(target.attribute, raw, target.path, state.coerce);
  if (value === null) return null;
  if (!isJsonObject(value)) throw new ScimError(400, 'invalidValue', `'${step.path}' expects an entry object`);
  return value;
}

/**
 * The entry a filter of `eq` comparisons joined by "and" describes, e.g.
 * `type eq "work"` → {type: "work"}; undefined for any other filter shape.
 */
function equalityConstraints(filter: FilterExpression): JsonObject | undefined {
  const seed: JsonObject = {};
  const collect = (node: FilterExpression): boolean => {
    if (node.type === 'and') return collect(node.left) && collect(node.right);
    if (node.type !== 'compare' || node.operator !== 'eq' || node.value === null) return false;
    const sub = node.attribute?.subAttribute;
    if (sub === undefined) return false;
    seed[sub.name] = node.value;
    return true;
  };
  return collect(filter) ? seed : undefined;
}
