import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
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
