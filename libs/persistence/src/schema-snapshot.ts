import type { DataSource } from 'typeorm';

/**
 * The public schema of a database as text, one line per fact, in a stable order: every table
 * (and whether and how it is partitioned), its columns with type, nullability, default, identity
 * and generation, its constraints, indexes and triggers, and the schema's functions. Partitions
 * themselves are left out (the audit log creates them by date at run time), and so is TypeORM's
 * migration table. Services commit the text their migrations produce (`schema-snapshot.txt`
 * beside the migrations); a medium test migrates an empty database and compares, so a change
 * to a migration shows as a change to the snapshot in review, for every table, whether or not
 * an entity describes it.
 */
export async function describeSchema(dataSource: DataSource): Promise<string> {
  const lines: string[] = [];
  const tables: Array<{ oid: number; name: string; partitioning: string | null }> = await dataSource.query(
    `SELECT c.oid::int AS oid, c.relname AS name, CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partitioning
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'schema_migrations'
      ORDER BY c.relname`,
  );
  for (const table of tables) {
    lines.push(`table ${table.name}${table.partitioning ? ` partition by ${table.partitioning}` : ''}`);
    const columns: Array<{ name: string; type: string; notNull: boolean; default: string | null; identity: string; generated: string }> = await dataSource.query(
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS "notNull",
              pg_get_expr(d.adbin, d.adrelid) AS default, a.attidentity AS identity, a.attgenerated AS generated
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum`,
      [table.oid],
    );
    for (const c of columns) {
      const facts = [c.type, c.notNull ? 'not null' : 'null'];
      if (c.generated) facts.push(`generated always as ${c.default ?? ''} stored`);
      else if (c.default !== null) facts.push(`default ${c.default}`);
      if (c.identity) facts.push(`identity ${c.identity === 'a' ? 'always' : 'by default'}`);
      lines.push(`column ${table.name}.${c.name} ${facts.join(' ')}`);
    }
    const constraints: Array<{ name: string; definition: string }> = await dataSource.query(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conrelid = $1 AND contype <> 'n' ORDER BY conname`,
      [table.oid],
    );
    for (const c of constraints) lines.push(`constraint ${table.name}.${c.name} ${c.definition}`);
    const indexes: Array<{ definition: string }> = await dataSource.query(
      `SELECT pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = $1 ORDER BY c.relname`,
      [table.oid],
    );
    for (const i of indexes) lines.push(`index ${i.definition}`);
    const triggers: Array<{ definition: string }> = await dataSource.query(
      `SELECT pg_get_triggerdef(oid) AS definition FROM pg_trigger WHERE tgrelid = $1 AND NOT tgisinternal ORDER BY tgname`,
      [table.oid],
    );
    for (const t of triggers) lines.push(`trigger ${t.definition}`);
  }
  const functions: Array<{ signature: string; body: string }> = await dataSource.query(
    `SELECT p.oid::regprocedure::text AS signature, md5(p.prosrc) AS body
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
      ORDER BY 1`,
  );
  for (const f of functions) lines.push(`function ${f.signature} md5 ${f.body}`);
  return `${lines.join('\n')}\n`;
}

/** The lines only the expected (`-`) or only the actual (`+`) schema has; empty when they agree. */
export function schemaDifferences(expected: string, actual: string): string[] {
  const want = new Set(expected.split('\n').filter((l) => l.trim() !== ''));
  const have = new Set(actual.split('\n').filter((l) => l.trim() !== ''));
  return [...[...want].filter((l) => !have.has(l)).map((l) => `- ${l}`), ...[...have].filter((l) => !want.has(l)).map((l) => `+ ${l}`)];
}
