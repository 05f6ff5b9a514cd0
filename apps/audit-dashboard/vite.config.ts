import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The ops dashboard, built into dist/audit-dashboard (beside the compiled services, so the Docker
 * image's copy of dist/ carries it) and served by the audit-log-service under /dashboard/.
 * Only the audit API's contract is taken from libs/contracts (types and route paths).
 */
export default defineConfig({
  root: here('.'),
  base: '/dashboard/',
  resolve: { alias: { '@app/contracts': here('../../libs/contracts/src/audit-api.ts') } },
  build: {
    outDir: here('../../dist/audit-dashboard'),
    emptyOutDir: true,
    target: 'es2022',
    // No inline <script> or data: URL for the preload helper: the page's CSP allows only this origin's files.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
