import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScimStack } from './support/scim-stack';

/**
 * Every service serves an OpenAPI 3.1 document at /openapi.json (issue 15), generated from its
 * controllers: it lists every route the service answers (a route the document lacks is named in
 * `x-undocumented-routes`, which must stay absent), and it passes Redocly's lint (the OpenAPI 3.1
 * structure rules of its `minimal` ruleset, as errors).
 */
const stack = new ScimStack();

beforeAll(async () => {
  await stack.start({}, { groups: true, audit: true });
}, 180_000);
afterAll(() => stack.stop());

type OpenApi = { openapi: string; info: { title: string }; paths: Record<string, Record<string, unknown>>; 'x-undocumented-routes'?: string[] };

async function documentOf(url: string): Promise<OpenApi> {
  const res = await fetch(`${url}/openapi.json`);
  expect(res.status).toBe(200);
  return (await res.json()) as OpenApi;
}

const operations = (doc: OpenApi) => Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));

describe('OpenAPI documents', () => {
  it.each([
    [
      'scim-gateway',
      [
        'GET /scim/v2/Users',
        'POST /scim/v2/Users',
        'PATCH /scim/v2/Users/{id}',
        'DELETE /scim/v2/Groups/{id}',
        'POST /scim/v2/Bulk',
        'GET /scim/v2/ServiceProviderConfig',
        'POST /admin/v1/tenants',
        'POST /oauth/v1/token',
      ],
    ],
    ['user-service', ['POST /internal/v1/tenants/{tenantId}/users/query', 'GET /internal/v1/tenants/{tenantId}/users/{id}']],
    ['group-membership-service', ['POST /internal/v1/tenants/{tenantId}/groups/query']],
    ['audit-log-service', ['GET /audit/v1/requests', 'GET /audit/v1/dead-letters']],
  ])('%s: 3.1, every route it answers, lint-clean', async (service, expected) => {
    const url = service === 'scim-gateway' ? stack.gatewayUrl : service === 'audit-log-service' ? stack.auditUrl : stack.processes.get(service)!.url;
    const doc = await documentOf(url);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe(service);
    expect(doc['x-undocumented-routes']).toBeUndefined();
    expect(operations(doc)).toEqual(expect.arrayContaining([...expected, 'GET /openapi.json', 'GET /health', 'GET /metrics']));
    expect(lint(service, doc)).toEqual({ status: 0, errors: '' });
  });
});

/** Redocly's lint of the document, in a process of its own (its engine is an ES module). */
function lint(name: string, doc: OpenApi): { status: number | null; errors: string } {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
  try {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(doc));
    const run = spawnSync(process.execPath, [join(__dirname, '..', '..', 'deploy', 'local', 'openapi-lint.mjs'), file], { encoding: 'utf8' });
    return { status: run.status, errors: `${run.stdout}${run.stderr}`.trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
