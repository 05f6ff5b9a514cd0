/**
 * Writes the kustomize tree of deploy/kubernetes from its generator (layout.ts): `npm run k8s:generate`.
 * Files of the tree that the generator no longer produces are removed; nothing else is touched.
 */
import 'reflect-metadata';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { PROJECT_ROOT } from '../local/stack';
import { renderFiles } from './layout';

export const KUBERNETES_DIR = join(PROJECT_ROOT, 'deploy', 'kubernetes');
/** Directories the generator owns (everything in them is generated). */
export const GENERATED_DIRS = ['base', 'components', 'overlays'];

export function generatedFilesOnDisk(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else found.push(relative(KUBERNETES_DIR, path));
    }
  };
  for (const d of GENERATED_DIRS) {
    try {
      walk(join(KUBERNETES_DIR, d));
    } catch {
      // not generated yet
    }
  }
  return found.sort();
}

if (require.main === module) {
  const files = renderFiles();
  for (const stale of generatedFilesOnDisk().filter((f) => !files.has(f))) rmSync(join(KUBERNETES_DIR, stale));
  for (const [file, text] of files) {
    mkdirSync(dirname(join(KUBERNETES_DIR, file)), { recursive: true });
    writeFileSync(join(KUBERNETES_DIR, file), text);
  }
  process.stdout.write(`wrote ${files.size} files under deploy/kubernetes\n`);
}
