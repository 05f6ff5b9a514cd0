// Lints OpenAPI documents with Redocly's engine (@redocly/openapi-core, an ES module, hence a
// script of its own): `node deploy/local/openapi-lint.mjs <file.json>...` prints each error as
// a JSON line and exits 1 when there is one. Ruleset: Redocly's `minimal` (OpenAPI 3.1 structure).
import { readFile } from 'node:fs/promises';
import { createConfig, lintFromString } from '@redocly/openapi-core';

const config = await createConfig({ extends: ['minimal'] });
let failed = false;
for (const file of process.argv.slice(2)) {
  const problems = await lintFromString({ source: await readFile(file, 'utf8'), absoluteRef: file, config });
  for (const problem of problems.filter((p) => p.severity === 'error')) {
    failed = true;
    process.stdout.write(`${JSON.stringify({ file, rule: problem.ruleId, message: problem.message, at: problem.location[0]?.pointer })}\n`);
  }
}
process.exit(failed ? 1 : 0);
