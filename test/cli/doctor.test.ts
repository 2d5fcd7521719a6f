// classroomctl doctor: one fresh installation (self-signed TLS, ports 0), checked as it is and
// then broken one way at a time (each test restores the config it changed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { CONFIG_FILE } from '../../src/config/config.js';
import { Scratch, ctl, editConfig, install, show, type Run } from './harness.js';

interface Report { checks: Array<{ name: string; status: 'ok' | 'warn' | 'fail'; detail: string }>; ok: boolean }

const scratch = new Scratch();
let dataDir = '';
let pristine = '';
before(async () => {
  ({ dataDir } = await install(scratch.dir(), 'self-signed'));
  pristine = readFileSync(join(dataDir, CONFIG_FILE), 'utf8');
});
after(() => scratch.cleanup());

const doctor = (args: string[] = [], env?: Record<string, string | undefined>) => ctl(['doctor', ...args], { dataDir, env });

/** Runs `doctor --json`, checks the exit code against the report, and returns the report. */
async function report(env?: Record<string, string | undefined>): Promise<{ r: Run; out: Report; byName: Map<string, Report['checks'][number]> }> {
  const r = await doctor(['--json'], env);
  const out = JSON.parse(r.stdout) as Report;
  assert.equal(out.ok, !out.checks.some((c) => c.status === 'fail'), show(r));
  assert.equal(r.code, out.ok ? 0 : 1, show(r));
  return { r, out, byName: new Map(out.checks.map((c) => [c.name, c])) };
}

/** Changes the config for one test and puts the installation's own file back afterwards. */
async function withConfig<T>(change: () => void, body: () => Promise<T>): Promise<T> {
  change();
  try {
    return await body();
  } finally {
    writeFileSync(join(dataDir, CONFIG_FILE), pristine);
  }
}

describe('doctor', () => {
  test('a fresh installation passes: one line per check, --json says the same', async () => {
    const human = await doctor();
    assert.equal(human.code, 0, show(human));
    assert.equal(human.stderr, '', show(human));
    const lines = human.stdout.trimEnd().split('\n');
    for (const l of lines) assert.match(l, /^(ok|warn) {2,}[a-z-]+ {2,}\S.*\.$/, show(human));

    const { r, out, byName } = await report();
    assert.equal(r.stderr, '', show(r));
    assert.equal(out.ok, true);
    assert.equal(lines.length, out.checks.length);
    for (const name of ['config', 'database', 'tls', 'ports', 'media']) assert.equal(byName.get(name)?.status, 'ok', `${name}: ${show(r)}`);
    assert.match(byName.get('database')!.detail, /^Schema version \d+, the latest this software knows\.$/);
    assert.match(byName.get('tls')!.detail, /certificate and key match; valid until \d{4}-\d\d-\d\d\./);
    assert.match(byName.get('ports')!.detail, /^Server not running/);
    assert.match(byName.get('media')!.detail, /^mediasoup 3\.8\.4 worker starts \(a test worker ran as pid \d+ and was stopped\)\.$/);
    // media.announcedIp is null on a fresh install: browsers elsewhere need it set.
    assert.match(byName.get('media-ports')!.detail, /need media\.announcedIp set to the public address/);
    assert.ok(byName.has('pdftoppm'), show(r));
  });

  test('a config that does not parse fails with a sentence saying what to do', async () => {
    const { r, byName } = await withConfig(() => writeFileSync(join(dataDir, CONFIG_FILE), '{ "httpPort": 0, oops }'), () => report());
    assert.equal(r.code, 1, show(r));
    const config = byName.get('config')!;
    assert.equal(config.status, 'fail');
    assert.match(config.detail, /config\.jsonc: \w+ at offset \d+\. Correct it .*the server will not start until it loads\.$/);
    // The database does not need the config; what does is reported as not checked.
    assert.equal(byName.get('database')?.status, 'ok');
    assert.match(byName.get('tls')!.detail, /^Not checked: fix the config first\.$/);
    assert.match(r.stderr, /^classroomctl: 1 check failed: config\.\n {2}Fix what the "fail" lines say/);
  });

  test('an HTTPS port held by another program fails, naming the port', async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const [{ r, byName }, human] = await withConfig(() => editConfig(dataDir, (c) => { c.host = '127.0.0.1'; c.httpsPort = port; }),
        async () => [await report(), await doctor()] as const);
      assert.equal(r.code, 1, show(r));
      assert.equal(byName.get('ports')?.status, 'fail', show(r));
      assert.match(byName.get('ports')!.detail, new RegExp(`^Port ${port} \\(httpsPort\\) on 127\\.0\\.0\\.1 is in use by another program: stop it, or set httpsPort`));
      assert.match(r.stderr, /1 check failed: ports\./);
      // The human form says it on the ports line too.
      assert.equal(human.code, 1, show(human));
      assert.match(human.stdout, new RegExp(`^fail +ports +Port ${port} \\(httpsPort\\)`, 'm'));
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  });

  test('a mediasoup worker binary that does not exist fails the media check', async () => {
    const missing = join(scratch.root, 'no-such-mediasoup-worker');
    const { r, byName } = await report({ MEDIASOUP_WORKER_BIN: missing });
    assert.equal(r.code, 1, show(r));
    assert.equal(byName.get('media')?.status, 'fail');
    assert.ok(byName.get('media')!.detail.includes(`MEDIASOUP_WORKER_BIN names ${missing}, which does not exist`), show(r));
    assert.match(r.stderr, /1 check failed: media\./);
  });
});
