// Builds the server and CLI (tsc → dist/) and bundles the browser client (esbuild →
// dist/public/). Runs on `npm ci` (prepare) and before tests, so what is tested is what runs.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

rmSync(join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });

const esbuild = await import('esbuild');
const pub = join(root, 'dist', 'public');
mkdirSync(join(pub, 'assets'), { recursive: true });
await esbuild.build({
  // app.js is what index.html loads; code behind a dynamic import() (the staff-only class
  // tools) becomes chunk-<hash>.js files next to it, fetched when first needed.
  entryPoints: { app: join(root, 'src/client/main.tsx') },
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  minify: true,
  sourcemap: true,
  outdir: join(pub, 'assets'),
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
});
cpSync(join(root, 'src/client/index.html'), join(pub, 'index.html'));
cpSync(join(root, 'src/client/styles.css'), join(pub, 'assets', 'styles.css'));
