// classroomctl init, the data-directory rules every command shares, and usage errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { verifyPassword } from '../../src/auth/secrets.js';
import { loadConfig } from '../../src/config/config.js';
import { Scratch, ctl, install, show, snapshot, withStores, type Installed } from './harness.js';

const scratch = new Scratch();
after(() => scratch.cleanup());

const adminHash = (dataDir: string) => withStores(dataDir, ({ users }) => users.credentials('admin')!.passwordHash);

describe('init', () => {
  test('creates config, database and control token, and prints an admin password that works', async () => {
    const dataDir = scratch.dir();
    const r = await ctl(['init', '--tls', 'none', '--http-port', '0', '--https-port', '0'], { dataDir });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^Admin account: admin$/m);
    const password = /^Admin password: (\S+)$/m.exec(r.stdout)?.[1];
    assert.ok(password, show(r));
    for (const f of ['config.jsonc', 'classroom.db', 'control.token']) assert.ok(existsSync(join(dataDir, f)), f);
    assert.equal(statSync(join(dataDir, 'control.token')).mode & 0o777, 0o600);
    assert.ok(!existsSync(join(dataDir, 'tls')), 'no certificate with --tls none');
    const config = loadConfig(dataDir);
    assert.deepEqual([config.tls.mode, config.httpPort], ['none', 0]);
    const hash = adminHash(dataDir);
    assert.equal(await verifyPassword(password, hash), true);
    assert.equal(await verifyPassword(password + 'x', hash), false);
    assert.equal(withStores(dataDir, ({ users }) => users.byUsername('admin'))?.role, 'admin');
  });

  test('--tls self-signed writes a certificate for localhost; --json parses', async () => {
    const { dataDir, adminPassword, init } = await install(scratch.dir(), 'self-signed');
    const out = JSON.parse(init.stdout) as { dataDir: string; publicUrl: string; admin: { username: string } };
    assert.deepEqual([out.dataDir, out.admin.username], [dataDir, 'admin']);
    assert.match(out.publicUrl, /^https:\/\/localhost:/);
    const cert = new X509Certificate(readFileSync(join(dataDir, 'tls', 'cert.pem')));
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(statSync(join(dataDir, 'tls', 'key.pem')).mode & 0o777, 0o600);
    assert.equal(await verifyPassword(adminPassword, adminHash(dataDir)), true);
  });

  test('refuses to overwrite an installation without --force, and replaces it with --force', async () => {
    const { dataDir, adminPassword } = await install(scratch.dir());
    withStores(dataDir, ({ users }) => users.create({ username: 'keepme', role: 'student', passwordHash: null }));
    const before = snapshot(dataDir);
    const token = readFileSync(join(dataDir, 'control.token'), 'utf8');

    const again = await ctl(['init', '--tls', 'none', '--http-port', '0', '--https-port', '0'], { dataDir });
    assert.equal(again.code, 1, show(again));
    assert.match(again.stderr, /^classroomctl: An installation already exists at .*; pass --force to replace it/);
    assert.equal(again.stdout, '');
    assert.deepEqual(snapshot(dataDir), before);
    assert.equal(readFileSync(join(dataDir, 'control.token'), 'utf8'), token);

    const forced = await install(dataDir, 'none', ['--force']);
    assert.equal(await verifyPassword(forced.adminPassword, adminHash(dataDir)), true);
    assert.equal(await verifyPassword(adminPassword, adminHash(dataDir)), false);
    assert.equal(withStores(dataDir, ({ users }) => users.byUsername('keepme')), undefined, 'the old database is gone');
    assert.notEqual(readFileSync(join(dataDir, 'control.token'), 'utf8'), token);
  });
});

describe('data directory', () => {
  let a: Installed, b: Installed;
  before(async () => { [a, b] = await Promise.all([install(scratch.dir()), install(scratch.dir())]); });

  test('a missing installation is NOT_INSTALLED, says what to do, and creates nothing', async () => {
    const dataDir = scratch.dir();
    const r = await ctl(['user', 'add', 'bob', '--role', 'teacher'], { dataDir });
    assert.equal(r.code, 1, show(r));
    assert.equal(r.stderr, `classroomctl: No installation at ${dataDir}.\n  Run "classroomctl init" (or pass --data-dir / set CLASSROOM_HOME).\n`);
    assert.equal(r.stdout, '');
    assert.ok(!existsSync(dataDir));
  });

  test('CLASSROOM_HOME is the default data directory, and --data-dir wins over it', async () => {
    assert.equal((await ctl(['room', 'create', 'In home'], { env: { CLASSROOM_HOME: a.dataDir } })).code, 0);
    const r = await ctl(['room', 'create', 'In other'], { dataDir: b.dataDir, env: { CLASSROOM_HOME: a.dataDir } });
    assert.equal(r.code, 0, show(r));
    assert.deepEqual(withStores(a.dataDir, ({ rooms }) => rooms.list().map((x) => x.title)), ['In home']);
    assert.deepEqual(withStores(b.dataDir, ({ rooms }) => rooms.list().map((x) => x.title)), ['In other']);
  });
});

describe('usage errors exit 2', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['missing argument', ['user', 'show'], /missing required argument 'name'/],
    ['unknown option', ['room', 'list', '--colour'], /unknown option '--colour'/],
    ['bad port', ['init', '--http-port', '70000'], /a port is a whole number/],
  ];
  for (const [name, args, message] of cases) {
    test(name, async () => {
      const dataDir = scratch.dir();
      const r = await ctl(args, { dataDir });
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, message);
      assert.match(r.stderr, /\(run with --help for usage\)/);
      assert.ok(!existsSync(dataDir));
    });
  }

  test('--help is a success and lists every room command', async () => {
    const r = await ctl(['room', '--help']);
    assert.equal(r.code, 0, show(r));
    for (const sub of ['create', 'list', 'show', 'enroll', 'unenroll', 'invite', 'close', 'reopen', 'delete', 'export']) assert.match(r.stdout, new RegExp(`^  ${sub} `, 'm'));
  });
});
