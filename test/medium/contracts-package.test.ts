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
 * it ships. Every shipped schema's $id ends in its file name and all compile together.
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
import { Headers, Topics, envelopeOfRecord, type GroupEvent, type MembershipState, type ResourceState, type TenantEvent, type UserEvent } from '@scim-platform/contracts';
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
const validate = addFormats(new Ajv({ strict: false })).compile(schema);
const binary = envelopeOfRecord({ ce_specversion: '1.0', ce_id: 'e-2', ce_type: 'scim.user.exploded', 'content-type': 'application/json' }, '{}');
console.log(JSON.stringify({ topic: Topics.userEvents, header: Headers.messageId, valid: validate(event), invalid: validate(binary), kinds: [state.kind, member.kind], tenant: tenant.tenant.name, members: membership.memberIds }));
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
    });
  });

  it('its declarations are real types: a consumer with a wrong event type does not compile', () => {
    writeFileSync(
      join(project, 'wrong.ts'),
      `import type { ResourceState, UserEvent } from '@scim-platform/contracts';\nexport const e: UserEvent['type'] = 'scim.user.exploded';\nexport const s: ResourceState['kind'] = 'Membership';\n`,
    );
    const compiled = run(process.execPath, [TSC, '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--noEmit', '--skipLibCheck', 'wrong.ts'], project);
    expect(compiled.status).not.toBe(0);
    expect(compiled.output).toContain('\'"scim.user.exploded"\' is not assignable');
    expect(compiled.output).toContain('\'"Membership"\' is not assignable');
  });

  it('ships every schema as a file whose $id ends in its name; together they compile', () => {
    const dir = join(project, 'node_modules', '@scim-platform', 'contracts', 'schemas');
    const files = readdirSync(dir);
    expect(files).toEqual(expect.arrayContaining(['cloudevent-envelope.json', 'scim.user-events.v1.json', 'scim.group-events.v1.json', 'tenant-event.json', 'state-record.json']));
    const ajv = addFormats(new Ajv({ strict: false }));
    const schemas = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { $id: string });
    for (const [i, schema] of schemas.entries()) expect(schema.$id.endsWith(`/${files[i]}`)).toBe(true);
    ajv.addSchema(schemas);
    for (const schema of schemas) expect(() => ajv.getSchema(schema.$id)).not.toThrow();
    expect(new Set(schemas.map((s) => s.$id)).size).toBe(schemas.length);
  });
});
