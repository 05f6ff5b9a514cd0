import { allTopicSpecs, CONSUMED_TOPICS, deadLetterTopicOf, TOPIC_SPECS, Topics } from './topics';
import { TOPIC_JSON_SCHEMAS } from './topic-payloads';

describe('topic declarations', () => {
  it('declares every topic once, with its version in the name', () => {
    const names = allTopicSpecs().map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const spec of TOPIC_SPECS) expect(spec.name).toMatch(/\.v\d+$/);
    expect(TOPIC_SPECS.map((s) => s.name).sort()).toEqual(Object.values(Topics).sort());
  });

  it('gives every consumed topic a dead-letter topic and a JSON Schema to validate against', () => {
    const names = new Set(allTopicSpecs().map((s) => s.name));
    for (const topic of CONSUMED_TOPICS) {
      expect(names).toContain(deadLetterTopicOf(topic));
      expect(TOPIC_JSON_SCHEMAS).toHaveProperty([topic]);
    }
  });

  it('prefixes every name, dead-letter topics included', () => {
    const prefixed = allTopicSpecs('test.x.');
    expect(prefixed.every((s) => s.name.startsWith('test.x.scim.'))).toBe(true);
    expect(prefixed.map((s) => s.name)).toContain(`test.x.${deadLetterTopicOf(Topics.userCommands)}`);
  });

  it('keeps the checkpoint anchor compacted and command topics partitioned for parallel tenants', () => {
    const byName = new Map(TOPIC_SPECS.map((s) => [s.name, s]));
    expect(byName.get(Topics.outboxCheckpoints)).toMatchObject({ partitions: 1, cleanupPolicy: 'compact' });
    expect(byName.get(Topics.userCommands)!.partitions).toBeGreaterThan(1);
  });
});
