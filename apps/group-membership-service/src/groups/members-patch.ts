/**
 * Splits a Group PATCH (RFC 7644 §3.5.2) into operations on `members`, which the store applies
 * as set-based SQL on the memberships table, and everything else, which applyPatch applies to
 * the small stored resource. A group of 100k members is never loaded to apply a PATCH.
 *
 * Shapes handled (Microsoft Entra, with and without the aadOptscim062020 flag):
 *   {"op":"add","path":"members","value":[{"value":"id"},...]}            → add
 *   {"op":"remove","path":"members","value":[{"value":"id"}]}             → remove those ids only
 *   {"op":"remove","path":"members[value eq \"id\"]"}                     → remove that id
 *   {"op":"remove","path":"members"}                                      → remove all
 *   {"op":"replace","path":"members","value":[...]}                       → replace all
 *   {"op":"add"|"replace","value":{"members":[...],"displayName":"x"}}    → members part + rest
 */
import type { PatchOperationJson } from '@app/contracts';
import { GROUP_SCHEMA, parsePatchPath, ScimError, type FilterExpression, type PatchOperationInput } from '@app/scim';
import { isUuid } from '@app/persistence';

export type MemberOp = { kind: 'add'; ids: string[] } | { kind: 'remove'; ids: string[] } | { kind: 'removeAll' } | { kind: 'replace'; ids: string[] };

export interface SplitPatch {
  memberOps: MemberOp[];
  otherOps: PatchOperationInput[];
}

export function splitMembersPatch(operations: readonly PatchOperationJson[]): SplitPatch {
  const memberOps: MemberOp[] = [];
  const otherOps: PatchOperationInput[] = [];
  operations.forEach((raw, index) => {
    const op = String(raw.op).toLowerCase();
    if (raw.path === undefined || raw.path === null || raw.path === '') {
      if (!isObject(raw.value)) {
        otherOps.push(raw);
        return;
      }
      const membersKey = Object.keys(raw.value).find((k) => k.toLowerCase() === 'members');
      if (membersKey === undefined) {
        otherOps.push(raw);
        return;
      }
      const { [membersKey]: members, ...rest } = raw.value;
      if (op === 'remove') throw new ScimError(400, 'invalidSyntax', `Operations[${index}]: remove needs a path`);
      const ids = memberIds(members, index);
      memberOps.push(op === 'replace' ? { kind: 'replace', ids } : { kind: 'add', ids });
      if (Object.keys(rest).length > 0) otherOps.push({ ...raw, value: rest });
      return;
    }
    const path = parsePatchPath(raw.path);
    if (path.attribute.toLowerCase() !== 'members' || (path.uri !== undefined && path.uri.toLowerCase() !== GROUP_SCHEMA.toLowerCase())) {
      otherOps.push(raw);
      return;
    }
    if (path.subAttribute !== undefined) {
      // Member entries are immutable (RFC 7643 §4.2 marks value, $ref, display, type immutable).
      throw new ScimError(400, 'mutability', `Operations[${index}]: member sub-attributes cannot be changed; add or remove the member`);
    }
    if (path.filter !== undefined) {
      if (op !== 'remove') throw new ScimError(400, 'invalidPath', `Operations[${index}]: a members value filter is only supported with remove`);
      memberOps.push({ kind: 'remove', ids: idsOfValueFilter(path.filter, index) });
      return;
    }
    switch (op) {
      case 'add':
        memberOps.push({ kind: 'add', ids: memberIds(raw.value, index) });
        return;
      case 'replace':
        memberOps.push({ kind: 'replace', ids: memberIds(raw.value ?? [], index) });
        return;
      case 'remove':
        // Entra without aadOptscim062020 names the members to remove in the value; without a
        // value the whole attribute is removed (RFC 7644 §3.5.2.2).
        if (raw.value === undefined || raw.value === null) memberOps.push({ kind: 'removeAll' });
        else memberOps.push({ kind: 'remove', ids: memberIds(raw.value, index) });
        return;
      default:
        throw new ScimError(400, 'invalidSyntax', `Operations[${index}] has unsupported op "${String(raw.op)}"`);
    }
  });
  return { memberOps, otherOps };
}

/**
 * Member ids of a value: one entry or a list, each `{ "value": id, "type"?: "User" }`. A member
 * of type Group is refused: the platform keeps groups flat (Fulcrum: no nested groups).
 */
export function memberIds(value: unknown, index: number): string[] {
  const entries = Array.isArray(value) ? value : [value];
  const ids: string[] = [];
  for (const entry of entries) {
    if (!isObject(entry)) throw new ScimError(400, 'invalidValue', `Operations[${index}]: a member must be an object with a "value"`);
    const id = field(entry, 'value');
    if (typeof id !== 'string' || id === '') throw new ScimError(400, 'invalidValue', `Operations[${index}]: a member needs a string "value"`);
    const type = field(entry, 'type');
    if (typeof type === 'string' && type.toLowerCase() === 'group') throw nestedGroup(id);
    ids.push(id);
  }
  return [...new Set(ids.map(normaliseId))];
}

export function nestedGroup(id: string): ScimError {
  return new ScimError(400, 'invalidValue', `Member '${id}' is a group; nested groups are not supported, members must be users of the tenant`);
}

/** `value eq "id"` or several of them joined with `or`. */
function idsOfValueFilter(filter: FilterExpression, index: number): string[] {
  switch (filter.type) {
    case 'or':
      return [...new Set([...idsOfValueFilter(filter.left, index), ...idsOfValueFilter(filter.right, index)])];
    case 'compare':
      if (filter.operator === 'eq' && filter.path.attribute.toLowerCase() === 'value' && filter.path.subAttribute === undefined && typeof filter.value === 'string') {
        return [normaliseId(filter.value)];
      }
      break;
    default:
      break;
  }
  throw new ScimError(400, 'invalidFilter', `Operations[${index}]: only members[value eq "id"] (optionally joined with "or") selects members`);
}

/** Ids are UUIDs, compared without case as Postgres does. */
function normaliseId(id: string): string {
  return isUuid(id) ? id.toLowerCase() : id;
}

function field(entry: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : entry[key];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
