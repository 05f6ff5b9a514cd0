import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { openDatabase } from '@app/persistence';
import { runCli } from '../../apps/scim-gateway/src/cli';
import { GATEWAY_ENTITIES, GATEWAY_MIGRATIONS } from '../../apps/scim-gateway/src/scim-gateway.definition';
import { createTenantRegistry } from '../../apps/scim-gateway/src/tenants/tenant-registry';
import { dropTestDatabase, testDatabaseUrl } from './support/databases';
import { ROOT, readInfra } from './support/test-infra';

/** The operator CLI, built (globalSetup builds dist/) and run as its own process against a real database. */
describe('gateway CLI', () => {
  const infra = readInfra();
  const databaseUrl = testDatabaseUrl(infra.postgresUrl, 'gateway_cli');
  let dataSource: DataSource | undefined;

  afterAll(async () => {
    await dataSource?.destroy();
    await dropTestDatabase(databaseUrl);
  });

  /** Exactly the documented command: no TS_NODE_BASEURL, the CLI finds its built libraries itself. */
  function cli(...args: string[]): { code: number | null; out: any; stderr: string } {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl };
    delete env.TS_NODE_BASEURL;
    const result = spawnSync(process.execPath, ['-r', 'tsconfig-paths/register', join(ROOT, 'dist', 'apps', 'scim-gateway', 'src', 'cli.js'), ...args], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: result.status, out: result.status === 0 ? JSON.parse(result.stdout) : result.stdout, stderr: result.stderr };
  }

  it('creates a tenant, issues a token the gateway accepts, lists, and revokes it', async () => {
    const profile = JSON.stringify({ mutabilityOverrides: { entitlements: 'immutable' }, rateLimit: { requestsPerSecond: 10, burst: 10 } });
    const created = cli('tenant', 'create', '--name', 'Fuze via CLI', '--profile', profile);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.out).toMatchObject({ name: 'Fuze via CLI', profile: { mutabilityOverrides: { entitlements: 'immutable' }, rateLimit: { requestsPerSecond: 10, burst: 10 } } });

    const issued = cli('token', 'issue', '--tenant', created.out.id, '--name', 'entra');
    expect(issued.code).toBe(0);
    expect(issued.out).toMatchObject({ token: expect.stringMatching(/^scim_/), tokenId: expect.any(String), tenantId: created.out.id });

    const listed = cli('tenant', 'list');
    expect(listed.out.tenants.map((t: { name: string }) => t.name)).toEqual(['Fuze via CLI']);

    // The gateway's own services, on the same database, accept the token for that tenant.
    dataSource = await openDatabase({ url: databaseUrl, entities: [...GATEWAY_ENTITIES], migrations: [...GATEWAY_MIGRATIONS] });
    const registry = createTenantRegistry(dataSource, { tokenCacheTtlMs: 0 });
    const tenant = await registry.tokens.authenticate(issued.out.token);
    expect(tenant).toMatchObject({ id: created.out.id, schemaProfile: { mutabilityOverrides: { entitlements: 'immutable' } } });

    const revoked = cli('token', 'revoke', '--token-id', issued.out.tokenId);
    expect(revoked.code).toBe(0);
    expect(revoked.out.revokedAt).not.toBeNull();
    expect(await registry.tokens.authenticate(issued.out.token)).toBeUndefined();
    expect(JSON.stringify(cli('token', 'list', '--tenant', created.out.id).out)).not.toContain(issued.out.token);
    await registry.close();
  });

  it('issues an OAuth client whose secret the token endpoint would accept, lists it without the secret, and revokes it', async () => {
    const tenant = cli('tenant', 'create', '--name', 'Genesys via CLI');
    const issued = cli('oauth-client', 'issue', '--tenant', tenant.out.id, '--name', 'purecloud');
    expect(issued.code).toBe(0);
    expect(issued.out).toMatchObject({ clientId: expect.any(String), clientSecret: expect.stringMatching(/^scimcs_/), tenantId: tenant.out.id, name: 'purecloud' });
    dataSource ??= await openDatabase({ url: databaseUrl, entities: [...GATEWAY_ENTITIES], migrations: [...GATEWAY_MIGRATIONS] });
    const registry = createTenantRegistry(dataSource, { tokenCacheTtlMs: 0 });
    expect(await registry.oauthClients.authenticateClient(issued.out.clientId, issued.out.clientSecret)).toMatchObject({ tenantId: tenant.out.id });
    expect(await registry.oauthClients.authenticateClient(issued.out.clientId, `scimcs_${'x'.repeat(43)}`)).toBeUndefined();
    const listed = cli('oauth-client', 'list', '--tenant', tenant.out.id);
    expect(listed.out.clients).toEqual([expect.objectContaining({ clientId: issued.out.clientId, revokedAt: null })]);
    expect(JSON.stringify(listed.out)).not.toContain(issued.out.clientSecret);
    const revoked = cli('oauth-client', 'revoke', '--client-id', issued.out.clientId);
    expect(revoked.code).toBe(0);
    expect(revoked.out.revokedAt).not.toBeNull();
    expect(await registry.oauthClients.authenticateClient(issued.out.clientId, issued.out.clientSecret)).toBeUndefined();
    expect(await registry.oauthClients.tenantOfClient(issued.out.clientId)).toBeUndefined();
    await registry.close();
  });

  it('defines, lists and removes a tenant-defined User extension schema', async () => {
    const tenant = cli('tenant', 'create', '--name', 'Acme via CLI');
    const urn = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
    const defined = cli(
      'schema',
      'define',
      '--tenant',
      tenant.out.id,
      '--schema',
      JSON.stringify({ id: urn, name: 'Acme', attributes: [{ name: 'badge', type: 'string', uniqueness: 'server' }] }),
    );
    expect(defined.code).toBe(0);
    expect(defined.out).toMatchObject({ id: urn, attributes: [{ name: 'badge', uniqueness: 'server', mutability: 'readWrite' }] });
    expect(cli('tenant', 'get', '--tenant', tenant.out.id).out.profile.customSchemas).toHaveLength(1);
    const bad = cli('schema', 'define', '--tenant', tenant.out.id, '--schema', JSON.stringify({ id: urn, name: 'Acme', attributes: [{ name: 'badge', type: 'text' }] }));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/INVALID_INPUT: .*type: one of/);
    expect(cli('schema', 'list', '--tenant', tenant.out.id).out.schemas.map((s: { id: string }) => s.id)).toEqual([urn]);
    expect(cli('schema', 'remove', '--tenant', tenant.out.id, '--urn', urn).code).toBe(0);
    expect(cli('schema', 'list', '--tenant', tenant.out.id).out.schemas).toEqual([]);
  });

  it('refuses bad input with a non-zero exit and a message', async () => {
    const errors: string[] = [];
    const io = { out: () => undefined, err: (text: string) => errors.push(text) };
    const env = { DATABASE_URL: databaseUrl };
    expect(await runCli(['tenant', 'create', '--name', 'bad', '--profile', '{"groups":{"mode":"never"}}'], env, io)).toBe(1);
    expect(errors.pop()).toMatch(/INVALID_INPUT: .*groups\.mode/);
    expect(await runCli(['tenant', 'create', '--name', 'Fuze via CLI'], env, io)).toBe(1);
    expect(errors.pop()).toMatch(/TENANT_NAME_TAKEN/);
    expect(await runCli(['token', 'revoke', '--token-id', '00000000-0000-4000-8000-000000000000'], env, io)).toBe(1);
    expect(errors.pop()).toMatch(/TOKEN_NOT_FOUND/);
    expect(await runCli(['tenant', 'create'], env, io)).toBe(2);
    expect(errors.pop()).toMatch(/--name is required/);
    expect(await runCli(['tenant', 'frobnicate'], env, io)).toBe(2);
    // An option no command takes, and one without its value, are usage errors too (node:util parseArgs, strict).
    expect(await runCli(['tenant', 'list', '--frobnicate', 'x'], env, io)).toBe(2);
    expect(errors.pop()).toMatch(/frobnicate/);
    expect(await runCli(['tenant', 'get', '--tenant'], env, io)).toBe(2);
    expect(await runCli(['tenant', 'list'], {}, io)).toBe(78);
    expect(errors.pop()).toMatch(/DATABASE_URL/);
  });

  it('prints its usage for --help, without needing a database', async () => {
    const out: string[] = [];
    expect(await runCli(['--help'], {}, { out: (text) => out.push(text), err: () => undefined })).toBe(0);
    expect(out.join('\n')).toMatch(/usage: npm run cli -- <command>[\s\S]*oauth-client revoke/);
  });
});
