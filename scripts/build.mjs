// Builds the server and CLI (tsc → dist/) and bundles the browser client (esbuild →
// dist/public/). Runs on `npm ci` (prepare) and before tests, so what is tested is what runs.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

// Built beside dist/ and swapped in at the end: a server, test or CLI started while a build
// runs never finds dist/ half-written or missing.
const out = join(root, `dist.building-${process.pid}`);
rmSync(out, { recursive: true, force: true });
// A failed build leaves dist/ as it was and no half-built directory behind.
process.on('exit', () => rmSync(out, { recursive: true, force: true }));
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.json'), '--outDir', out], { stdio: 'inherit', cwd: root });

const esbuild = await import('esbuild');
const pub = join(out, 'public');
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

const dist = join(root, 'dist');
const old = join(root, `dist.old-${process.pid}`);
if (existsSync(dist)) renameSync(dist, old);
renameSync(out, dist);
rmSync(old, { recursive: true, force: true });
