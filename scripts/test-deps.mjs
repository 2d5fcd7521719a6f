// Makes sure the system binaries the tests drive are installed (run by `npm test` via pretest).
// Each is a Debian package on the machines we test on (see ../shared/ENVIRONMENT.md): when one
// is missing and we are root with apt-get, install it; otherwise fail with what to run.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Binaries the tests need, and the Debian package that provides each. */
const REQUIRED = [
  { binary: '/usr/bin/chromium', debianPackage: 'chromium' }, // test/browser (playwright-core)
  { binary: '/usr/bin/pdftoppm', debianPackage: 'poppler-utils' }, // test/unit/whiteboardPdf (and pdfinfo)
];

const isExecutable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

const onPath = (name) => (process.env.PATH ?? '').split(delimiter).some((dir) => dir && isExecutable(join(dir, name)));

const missingNow = () => REQUIRED.filter((d) => !isExecutable(d.binary));

let missing = missingNow();
if (missing.length > 0) {
  const packages = [...new Set(missing.map((d) => d.debianPackage))];
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && onPath('apt-get')) {
    console.log(`test-deps: installing ${packages.join(', ')} (missing ${missing.map((d) => d.binary).join(', ')})`);
    try {
      execFileSync('apt-get', ['update'], { stdio: 'inherit' });
      execFileSync('apt-get', ['install', '-y', ...packages], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } catch (e) {
      console.error(`test-deps: apt-get failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    missing = missingNow();
  }
  if (missing.length > 0) {
    console.error(
      `test-deps: missing ${missing.map((d) => `${d.binary} (Debian package "${d.debianPackage}")`).join(', ')}.\n` +
        `Install as root: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${[...new Set(missing.map((d) => d.debianPackage))].join(' ')}`,
    );
    process.exitCode = 1;
  }
}
