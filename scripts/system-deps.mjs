// Makes sure the Debian packages the classroom uses are installed: `run` for serving (the
// README's install command), `test` for the tests too (npm test's pretest). When one is missing
// and we are root with apt-get, install it; otherwise fail with the command to run.
import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const RUN = [
  { binary: '/usr/bin/pdftoppm', debianPackage: 'poppler-utils' }, // PDF slides on the whiteboard
];
/** Binaries the tests drive, besides what serving needs. */
const TEST = [
  { binary: '/usr/bin/chromium', debianPackage: 'chromium' }, // test/browser (playwright-core)
  // test/integration/turn.test.ts runs its own turnserver and turnutils_uclient. Debian enables
  // and starts the packaged coturn service on install with a config that asks for no
  // authentication (an open relay on port 3478), so a service we install here we also stop.
  { binary: '/usr/bin/turnserver', debianPackage: 'coturn', stopService: 'coturn' },
];
const purpose = process.argv[2] ?? 'test';
if (purpose !== 'run' && purpose !== 'test') {
  console.error('usage: node scripts/system-deps.mjs run|test');
  process.exit(2);
}
const REQUIRED = purpose === 'run' ? RUN : [...RUN, ...TEST];

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
    console.log(`system-deps: installing ${packages.join(', ')} (missing ${missing.map((d) => d.binary).join(', ')})`);
    try {
      execFileSync('apt-get', ['update'], { stdio: 'inherit' });
      execFileSync('apt-get', ['install', '-y', ...packages], {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    } catch (e) {
      console.error(`system-deps: apt-get failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const d of missing) {
      if (!d.stopService || !isExecutable(d.binary) || !onPath('systemctl')) continue;
      try {
        execFileSync('systemctl', ['disable', '--now', d.stopService], { stdio: 'ignore' });
        console.log(`system-deps: stopped and disabled the ${d.stopService} service that ${d.debianPackage} started`);
      } catch {
        // No systemd here (a container): the package could not start it either.
      }
    }
    missing = missingNow();
  }
  if (missing.length > 0) {
    console.error(
      `system-deps: missing ${missing.map((d) => `${d.binary} (Debian package "${d.debianPackage}")`).join(', ')}.\n` +
        `Install as root: apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${[...new Set(missing.map((d) => d.debianPackage))].join(' ')}`,
    );
    process.exitCode = 1;
  }
}
