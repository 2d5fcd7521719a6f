// The browser app: a few files built by scripts/build.mjs, read once at start.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2',
};

export interface StaticFile { body: Buffer; type: string }

export function loadStatic(publicDir: string): { index: StaticFile | null; assets: Map<string, StaticFile> } {
  const assets = new Map<string, StaticFile>();
  const dir = join(publicDir, 'assets');
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      assets.set(`/assets/${name}`, { body: readFileSync(join(dir, name)), type: TYPES[extname(name)] ?? 'application/octet-stream' });
    }
  }
  const indexPath = join(publicDir, 'index.html');
  return { index: existsSync(indexPath) ? { body: readFileSync(indexPath), type: TYPES['.html']! } : null, assets };
}
