/**
 * Makes the `@app/*` aliases resolve inside `dist/` when the CLI runs from the build, so
 * `node -r tsconfig-paths/register dist/apps/scim-gateway/src/cli.js ...` works without also
 * setting TS_NODE_BASEURL=dist (the services get that from their launcher; an operator typing
 * the command should not need to know). Does nothing when running from sources (ts-node, jest).
 * Imported first by cli.ts, for its side effect.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { register } from 'tsconfig-paths';

const distRoot = resolve(__dirname, '..', '..', '..', '..');
if (basename(distRoot) === 'dist' && existsSync(join(distRoot, 'libs'))) {
  const tsconfig = JSON.parse(readFileSync(join(distRoot, '..', 'tsconfig.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
  register({ baseUrl: distRoot, paths: tsconfig.compilerOptions.paths });
}
