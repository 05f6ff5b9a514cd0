import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/**
 * libs/contracts is a package a downstream team can install: `npm run contracts:pack` builds the
 * tarball, a fresh project installs it with npm, type-checks a consumer against its declarations
 * (and a consumer with a wrong event type fails to), and validates events with the schema files
 * it ships. Every shipped schema's $id is unique and ends in its file name; an ajv holding only
 * the shipped files compiles every one of them (strict), each $ref resolved among those files.
 */
const ROOT = resolve(__dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
let project: string;
let tarball: string;

function run(cmd: string, args: string[], cwd: string): { status: number | null; output: string } {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

beforeAll(() => {
  const packed = run(process.execPath, [join(ROOT, 'deploy', 'local', 'contracts-package.js'), '--pack'], ROOT);
  expect(packed.status).toBe(0);
  tarball = packed.output.trim().split('\n').pop()!;
  project = mkdtempSync(join(tmpdir(), 'contracts-consumer-'));
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'downstream', version: '1.0.0', private: true }));
  // Its one dependency (json-schema-to-ts, for the types) and ajv come from npm's cache when they are there.
  const installed = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, 'ajv@8.18.0', 'ajv-formats@3.0.1'], project);
  expect(installed.output).not.toMatch(/npm error/);
  expect(installed.status).toBe(0);
}, 180_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

const CONSUMER = `
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { Headers, Topics, envelopeOfRecord, type CommandReply, type GroupEvent, type MembershipState, type RequestRecord, type ResourceState, type TenantEvent, type UserEvent } from '@scim-platform/contracts';
import schema = require('@scim-platform/contracts/schemas/scim.user-events.v1.json');

const event: UserEvent = {
  specversion: '1.0',
  id: 'e-1',
  source: '/scim/user-service',
  type: 'scim.user.created',
  subject: 'u-1',
  time: '2026-12-04T00:00:00.000Z',
  datacontenttype: 'application/json',
  tenantid: 't-1',
  data: {
    resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u-1', userName: 'ann', meta: { resourceType: 'User', created: '2026-12-04T00:00:00.000Z', lastModified: '2026-12-04T00:00:00.000Z', version: 'W/"1"' } },
    changedAttributes: ['userName'],
  },
};
const time = '2026-12-04T00:00:00.000Z';
const state: ResourceState = { kind: 'User', tenantId: 't-1', id: 'u-1', resource: { userName: 'ann' }, eventId: 'e-1', eventType: 'scim.user.created', time };
const member: MembershipState = { kind: 'Membership', tenantId: 't-1', groupId: 'g-1', memberId: 'u-1', eventId: 'e-3', eventType: 'scim.membership.added', time };
const tenant: TenantEvent['data'] = { tenant: { id: 't-1', name: 'Contoso', createdAt: time } };
const membership: GroupEvent['data'] = { groupId: 'g-1', memberIds: ['u-1'] };
const request: RequestRecord = {
  recordId: 'r-1', tenantId: 't-1', tokenId: null, method: 'GET', path: '/scim/v2/Users', query: '', status: 200, scimType: null,
  latencyMs: 3, correlationId: 'c-1', clientRequestId: null, resourceIds: [], receivedAt: time, operation: 'list',
};
const reply: CommandReply = { commandId: 'c-1', tenantId: 't-1', status: 201, version: 'W/"1"' };
const validate = addFormats(new Ajv({ strict: false })).compile(schema);
const binary = envelopeOfRecord({ ce_specversion: '1.0', ce_id: 'e-2', ce_type: 'scim.user.exploded', 'content-type': 'application/json' }, '{}');
console.log(JSON.stringify({ topic: Topics.userEvents, header: Headers.messageId, valid: validate(event), invalid: validate(binary), kinds: [state.kind, member.kind], tenant: tenant.tenant.name, members: membership.memberIds, request: request.operation, reply: reply.status }));
`;

describe('@scim-platform/contracts as an installed package', () => {
  it('type-checks and runs a consumer that imports its types, constants and schema files', () => {
    writeFileSync(join(project, 'consumer.ts'), CONSUMER);
    const compiled = run(
      process.execPath,
      [TSC, '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--resolveJsonModule', '--esModuleInterop', '--skipLibCheck', 'consumer.ts'],
      project,
    );
    expect(compiled.output).toBe('');
    const ran = run(process.execPath, ['consumer.js'], project);
    expect(ran.status).toBe(0);
    expect(JSON.parse(ran.output)).toEqual({
      topic: 'scim.user-events.v1',
      header: 'message-id',
      valid: true,
      invalid: false,
      kinds: ['User', 'Membership'],
      tenant: 'Contoso',
      members: ['u-1'],
      request: 'list',
      reply: 201,
    });
  });

  it('its declarations are real types: a consumer with a wrong event type does not compile', () => {
    writeFileSync(
      join(project, 'wrong.ts'),
      [
        `import type { RequestRecord, ResourceState, UserEvent } from '@scim-platform/contracts';`,
        `export const e: UserEvent['type'] = 'scim.user.exploded';`,
        `export const s: ResourceState['kind'] = 'Membership';`,
        `export const r: RequestRecord['operation'] = 'explode';`,
        '',
      ].join('\n'),
    );
    const compiled = run(process.execPath, [TSC, '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--noEmit', '--skipLibCheck', 'wrong.ts'], project);
    expect(compiled.status).not.toBe(0);
    expect(compiled.output).toContain('\'"scim.user.exploded"\' is not assignable');
    expect(compiled.output).toContain('\'"Membership"\' is not assignable');
    expect(compiled.output).toContain('\'"explode"\' is not assignable');
  });

  it('ships every schema as a file with a unique $id ending in its name; an ajv holding only those files compiles each, every $ref resolved among them', () => {
    const dir = join(project, 'node_modules', '@scim-platform', 'contracts', 'schemas');
    const files = readdirSync(dir).sort();
    expect(files).toEqual(
      [
        'cloudevent-envelope.json',
        'command-reply.json',
        'request-record.json',
        'scim.group-commands.v1.json',
        'scim.group-events.v1.json',
        'scim.user-commands.v1.json',
        'scim.user-events.v1.json',
        'state-record.json',
        'tenant-event.json',
      ].sort(),
    );
    const schemas = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { $id: string });
    for (const [i, schema] of schemas.entries()) expect(schema.$id).toMatch(new RegExp(`^https://[^/]+/schemas/${files[i].replace(/\./g, '\\.')}$`));
    expect(new Set(schemas.map((s) => s.$id)).size).toBe(schemas.length);

    // Every $ref points into a shipped file (relative to the $id of the schema holding it).
    const ids = new Set(schemas.map((s) => s.$id));
    const refs: Array<{ from: string; ref: string }> = [];
    const walk = (node: unknown, base: string): void => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, base));
      if (typeof node !== 'object' || node === null) return;
      const here = typeof (node as { $id?: unknown }).$id === 'string' ? new URL((node as { $id: string }).$id, base).href : base;
      const ref = (node as { $ref?: unknown }).$ref;
      if (typeof ref === 'string') refs.push({ from: here, ref: new URL(ref, here).href.split('#')[0] });
      for (const value of Object.values(node)) walk(value, here);
    };
    for (const schema of schemas) walk(schema, schema.$id);
    expect(refs.filter(({ ref }) => !ids.has(ref))).toEqual([]);

    // Strict: an unknown keyword, a property required but not defined or a wrong type would fail to compile.
    const ajv = addFormats(new Ajv({ strict: true, allErrors: true }));
    ajv.addSchema(schemas);
    for (const schema of schemas) expect(typeof ajv.getSchema(schema.$id)).toBe('function');
  });
});
