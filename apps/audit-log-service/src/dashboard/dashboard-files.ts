import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

/** Where `npm run build` puts the built front-end (apps/audit-dashboard): dist/audit-dashboard, beside dist/apps. */
export const BUILT_DASHBOARD_DIR = resolve(__dirname, '..', '..', '..', '..', 'audit-dashboard');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface DashboardFile {
  body: Buffer;
  contentType: string;
}

/**
 * The built dashboard, read into memory once (a page and a few hashed assets, under 100 KB):
 * `index.html` and `assets/<name>`. Nothing outside the build directory can be named.
 */
export class DashboardFiles {
  private constructor(
    readonly page: DashboardFile | undefined,
    private readonly assets: ReadonlyMap<string, DashboardFile>,
  ) {}

  static load(dir: string): DashboardFiles {
    const file = (path: string): DashboardFile => ({ body: readFileSync(path), contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream' });
    const page = existsSync(join(dir, 'index.html')) ? file(join(dir, 'index.html')) : undefined;
    const assets = new Map<string, DashboardFile>();
    const assetDir = join(dir, 'assets');
    if (existsSync(assetDir)) {
      for (const name of readdirSync(assetDir)) if (statSync(join(assetDir, name)).isFile()) assets.set(name, file(join(assetDir, name)));
    }
    return new DashboardFiles(page, assets);
  }

  asset(name: string): DashboardFile | undefined {
    return this.assets.get(name);
  }
}
