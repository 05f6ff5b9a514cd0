import { PROCESS_INTERNAL_API_TOKEN } from '../../deploy/local/stack';
import { entraUser, ScimStack } from './support/scim-stack';

/**
 * Both ways a decision comes back to the gateway instance waiting for it (docs/architecture.md):
 * posted straight to the instance (the default), or through the reply topic.
 */
describe.each([
  ['http', {}],
  ['kafka', { COMMAND_REPLY_TRANSPORT: 'kafka' }],
])('decisions delivered by %s', (transport, env) => {
  const stack = new ScimStack();
  beforeAll(() => stack.start(env), 120_000);
  afterAll(() => stack.stop());

  it("answers creates, conflicts and deletes with the owning service's decisions", async () => {
    const entra = await stack.tenant();
    const body = entraUser();
    const created = await entra.post('/Users', body);
    expect(created.status).toBe(201);
    expect((await entra.post('/Users', body)).status).toBe(409);
    expect((await entra.delete(`/Users/${created.body.id}`)).status).toBe(204);
  });

  if (transport === 'http') {
    it('refuses decisions addressed to another (earlier) instance, and bodies that are not a batch of decisions', async () => {
      const url = `${stack.gatewayUrl}/internal/v1/command-replies/00000000-0000-4000-8000-000000000000`;
      const post = (body: unknown, credential = PROCESS_INTERNAL_API_TOKEN) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` }, body: JSON.stringify(body) });
      const decision = { replies: [{ commandId: 'c', tenantId: 't', status: 201 }] };
      expect((await post(decision, 'not-the-credential')).status).toBe(401);
      expect((await post(decision)).status).toBe(404);
      expect((await post({ replies: [{ commandId: 'c', status: 'x' }] })).status).toBe(400);
    });
  }
});
