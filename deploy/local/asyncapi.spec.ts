import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Parser } from '@asyncapi/parser';
import { USER_EVENT_JSON_SCHEMA } from '@app/contracts';
import { renderAsyncApi } from './asyncapi';
import { PROJECT_ROOT } from './stack';

describe('docs/asyncapi.yaml', () => {
  it('is the current rendering of the contracts (run `npm run asyncapi` after changing one)', () => {
    expect(readFileSync(join(PROJECT_ROOT, 'docs', 'asyncapi.yaml'), 'utf8')).toBe(renderAsyncApi());
  });

  it('publishes the user event schema that consumers validate with', () => {
    const doc = parse(readFileSync(join(PROJECT_ROOT, 'docs', 'asyncapi.yaml'), 'utf8'));
    expect(doc.channels.userEvents.address).toBe('scim.user-events.v1');
    expect(doc.components.messages.userEvent.payload).toEqual(JSON.parse(JSON.stringify(USER_EVENT_JSON_SCHEMA)));
  });
});

describe('docs/asyncapi.yaml against the AsyncAPI specification', () => {
  const document = readFileSync(join(PROJECT_ROOT, 'docs', 'asyncapi.yaml'), 'utf8');

  it('parses with @asyncapi/parser without a single diagnostic', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(document);
    expect(diagnostics.map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`)).toEqual([]);
    expect(parsed?.channels().get('userEvents')?.address()).toBe('scim.user-events.v1');
  }, 30_000);

  it('the parser does find a broken document (the check can fail)', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(document.replace('address: scim.user-events.v1', 'adress: scim.user-events.v1'));
    expect(parsed).toBeUndefined();
    expect(diagnostics.some((d) => Number(d.severity) === 0)).toBe(true); // 0: an error (Spectral's DiagnosticSeverity)
  }, 30_000);
});
