#!/usr/bin/env node
// Builds mediasoup's C++ worker as part of `npm ci` (the root package's postinstall).
//
// Why this exists: mediasoup releases that accept Node 20 download their worker (or its build
// dependencies) from GitHub at install time, which a school's locked-down server often cannot
// reach. 3.8.4 is the last release whose tarball vendors every C++ dependency, so we pin it,
// deny its own postinstall in package.json's allowScripts (it picks Python 3, which its gyp
// cannot run, and fails the whole install), and build it here with the two fixes it needs:
//   1. gyp runs under Python 2.7 (found through $PYTHON, pyenv, or `python2` on PATH);
//   2. one line of its vendored abseil is made to compile against glibc >= 2.34, where
//      SIGSTKSZ stopped being a constant.
//
// Idempotent: an existing worker binary is kept. Never fails the install: without a worker the
// classroom still runs (chat, whiteboard, class control) and `classroomctl doctor` says why media
// is unavailable. Set CLASSROOM_SKIP_MEDIA_BUILD=1 to skip on purpose.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function packageDir() {
  try {
    return dirname(require.resolve('mediasoup/package.json'));
  } catch {
    return null;
  }
}

function findPython2() {
  const candidates = [];
  if (process.env.PYTHON) candidates.push(process.env.PYTHON);
  try {
    const root = execFileSync('pyenv', ['root'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const versions = readdirSync(join(root, 'versions')).filter((v) => v.startsWith('2.7')).sort().reverse();
    for (const v of versions) candidates.push(join(root, 'versions', v, 'bin', 'python2'));
  } catch {
    // no pyenv: fall through to PATH
  }
  candidates.push('python2', 'python2.7');
  for (const c of candidates) {
    const r = spawnSync(c, ['-c', 'import sys; print(sys.version_info[0])'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() === '2') return c;
  }
  return null;
}

const ABSEIL_FILE = 'worker/deps/libwebrtc/deps/abseil-cpp/abseil-cpp/absl/debugging/failure_signal_handler.cc';

function patchAbseil(dir) {
  const file = join(dir, ABSEIL_FILE);
  if (!existsSync(file)) return;
  const src = readFileSync(file, 'utf8');
  const fixed = src.replace('std::max(SIGSTKSZ, 65536)', 'std::max<size_t>(SIGSTKSZ, 65536)');
  if (fixed !== src) writeFileSync(file, fixed);
}

function main() {
  if (process.env.CLASSROOM_SKIP_MEDIA_BUILD === '1') {
    console.log('mediasoup worker: skipped (CLASSROOM_SKIP_MEDIA_BUILD=1)');
    return;
  }
  const dir = packageDir();
  if (!dir) {
    console.log('mediasoup worker: mediasoup is not installed; media will be unavailable');
    return;
  }
  const bin = join(dir, 'worker', 'out', 'Release', 'mediasoup-worker');
  if (existsSync(bin)) {
    console.log(`mediasoup worker: present at ${bin}`);
    return;
  }
  const python = findPython2();
  if (!python) {
    console.warn(
      'mediasoup worker: NOT BUILT: no Python 2.7 found (set PYTHON=/path/to/python2). ' +
        'The classroom runs without audio/video; `classroomctl doctor` reports it.',
    );
    return;
  }
  patchAbseil(dir);
  console.log(`mediasoup worker: building with ${python} (a few minutes on 2 cores)...`);
  const started = Date.now();
  const r = spawnSync('make', ['-C', 'worker'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    env: { ...process.env, PYTHON: python },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0 || !existsSync(bin)) {
    console.warn(`mediasoup worker: BUILD FAILED (exit ${r.status}); last compiler output:`);
    console.warn((r.stderr ?? '').split('\n').slice(-30).join('\n'));
    console.warn('The classroom runs without audio/video; `classroomctl doctor` reports it.');
    return;
  }
  console.log(`mediasoup worker: built in ${Math.round((Date.now() - started) / 1000)} s at ${bin}`);
}

main();
