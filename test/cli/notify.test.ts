// How the CLI tells a running server about a disabled user or a closed room: a stand-in
// server on a loopback port records each request, so the tests see the path, the control
// token, the order against the database write, and how TLS is verified.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import selfsigned from 'selfsigned';
import { Scratch, closedPort, ctl, editConfig, install, show, withStores } from './harness.js';

type Reply = (req: IncomingMessage, res: ServerResponse) => void;

interface Seen { method: string; url: string; authorization: string | undefined; userExisted: boolean | undefined }

/** A stand-in for the classroom server's admin API. */
class FakeServer {
  readonly seen: Seen[] = [];
  connections = 0;
  port = 0;
  reply: Reply = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"disconnected":2}');
  #server!: Server;

  constructor(readonly dataDir: string) {}

  async listen(tls?: { cert: string; key: string }): Promise<number> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      const id = /\/users\/(\d+)\//.exec(req.url ?? '')?.[1];
      // Whether the account still existed when the server was told (remove notifies first).
      const userExisted = id === undefined ? undefined : withStores(this.dataDir, ({ users }) => users.byId(Number(id)) !== undefined);
      this.seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, userExisted });
      this.reply(req, res);
    };
    this.#server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
    this.#server.on(tls ? 'secureConnection' : 'connection', () => { this.connections++; });
    this.#server.on('tlsClientError', () => { this.connections++; });
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', r));
    this.port = (this.#server.address() as { port: number }).port;
    return this.port;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((r) => this.#server.close(() => r()));
  }
}

const scratch = new Scratch();
after(() => scratch.cleanup());

const tokenOf = (dataDir: string) => `Bearer ${readFileSync(join(dataDir, 'control.token'), 'utf8').trim()}`;

describe('notifying a plain-HTTP server (tls none)', () => {
  let dataDir = '';
  let fake: FakeServer;
  let roomId = '';
  let ids: Record<string, number> = {};
  before(async () => {
    ({ dataDir } = await install(scratch.dir()));
    fake = new FakeServer(dataDir);
    const port = await fake.listen();
    editConfig(dataDir, (c) => { c.httpPort = port; c.auth.revalidateSeconds = 7; });
    ({ roomId, ids } = withStores(dataDir, ({ users, rooms }) => ({
      roomId: rooms.create('Physics', 10).id,
      ids: Object.fromEntries(['sam', 'kim', 'lee', 'max', 'ned'].map((username) => [username, users.create({ username, role: 'student', passwordHash: null }).id])),
    })));
  });
  after(() => fake.close());

  test('user disable and user remove POST the disconnect endpoint with the control token', async () => {
    const r = await ctl(['user', 'disable', 'sam'], { dataDir });
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, 'Disabled "sam"; their sessions were revoked.\nServer notified: disconnected 2 connections of "sam".\n');
    const removed = await ctl(['user', 'remove', 'kim'], { dataDir });
    assert.equal(removed.code, 0, show(removed));
    assert.match(removed.stdout, /Server notified: disconnected 2 connections of "kim"\./);
    assert.deepEqual(fake.seen, [
      { method: 'POST', url: `/api/admin/users/${ids.sam}/disconnect`, authorization: tokenOf(dataDir), userExisted: true },
      { method: 'POST', url: `/api/admin/users/${ids.kim}/disconnect`, authorization: tokenOf(dataDir), userExisted: true },
    ]);
    assert.equal(withStores(dataDir, ({ users }) => users.byId(ids.kim!)), undefined, 'removed after the server was told');
  });

  test('room close and room delete POST the room close endpoint', async () => {
    fake.seen.length = 0;
    fake.reply = (_req, res) => res.writeHead(200).end('{"disconnected":1}');
    const r = await ctl(['room', 'close', roomId], { dataDir });
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, `Closed room ${roomId} ("Physics").\nServer notified: disconnected 1 connection in room ${roomId}.\n`);
    const d = await ctl(['room', 'delete', roomId, '--yes'], { dataDir });
    assert.equal(d.code, 0, show(d));
    assert.deepEqual(fake.seen.map((s) => [s.method, s.url, s.authorization]), [
      ['POST', `/api/admin/rooms/${roomId}/close`, tokenOf(dataDir)],
      ['POST', `/api/admin/rooms/${roomId}/close`, tokenOf(dataDir)],
    ]);
    assert.equal(withStores(dataDir, ({ rooms }) => rooms.get(roomId)), undefined);
  });

  test('a refused control token is a note, not an error: the account is still disabled', async () => {
    fake.reply = (_req, res) => res.writeHead(403).end('{"code":"FORBIDDEN"}');
    const r = await ctl(['user', 'disable', 'lee'], { dataDir });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^Note: could not notify the server \(HTTP 403: the server refused the control token .*\); live sessions also re-check within auth\.revalidateSeconds \(7 s\)\.$/m);
    assert.equal(withStores(dataDir, ({ users }) => users.byId(ids.lee!)!.disabled), true);
  });

  test('a server that does not answer is given up on after 3 s', async () => {
    fake.reply = () => { /* never answers */ };
    const started = Date.now();
    const r = await ctl(['user', 'passwd', 'lee'], { dataDir });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^Note: could not notify the server \(no answer from 127\.0\.0\.1:\d+ within 3 s\)/m);
    assert.ok(Date.now() - started >= 3000);
  });

  test('finds the server through the server.json it wrote, whatever the config\'s ports', async () => {
    fake.seen.length = 0;
    fake.reply = (_req, res) => res.writeHead(200).end('{"disconnected":1}');
    editConfig(dataDir, (c) => { c.httpPort = 0; });
    // This test process stands in for the server's pid: alive.
    writeFileSync(join(dataDir, 'server.json'), JSON.stringify({ pid: process.pid, urls: { https: null, http: `http://127.0.0.1:${fake.port}` } }));
    const r = await ctl(['user', 'disable', 'max'], { dataDir });
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^Server notified: disconnected 1 connection of "max"\.$/m);
    assert.deepEqual(fake.seen.map((s) => s.url), [`/api/admin/users/${ids.max}/disconnect`]);
  });

  test('a server.json left by a dead process, or a port nobody listens on, means not running', async () => {
    fake.seen.length = 0;
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(dataDir, 'server.json'), JSON.stringify({ pid: dead, urls: { https: null, http: `http://127.0.0.1:${fake.port}` } }));
    const r = await ctl(['user', 'disable', 'ned'], { dataDir });
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, 'Disabled "ned"; their sessions were revoked.\nNote: server not running: nothing to disconnect; live sessions also re-check within auth.revalidateSeconds (7 s).\n');
    assert.deepEqual(fake.seen, [], 'a stale server.json is not trusted');

    rmSync(join(dataDir, 'server.json'));
    const port = await closedPort();
    editConfig(dataDir, (c) => { c.httpPort = port; });
    const refusedConnection = await ctl(['user', 'passwd', 'ned'], { dataDir });
    assert.equal(refusedConnection.code, 0, show(refusedConnection));
    assert.match(refusedConnection.stdout, /^Note: server not running: nothing to disconnect;/m);
  });
});

describe('notifying an HTTPS server', () => {
  let dataDir = '';
  let roomId = '';
  before(async () => {
    ({ dataDir } = await install(scratch.dir(), 'self-signed'));
    roomId = withStores(dataDir, ({ rooms }) => rooms.create('Art', 10).id);
  });

  /** Serves `tls` on a fresh port set as the config's httpsPort; returns the requests and connections seen by `room close`. */
  async function closeAgainst(tls: { cert: string; key: string }): Promise<FakeServer> {
    const fake = new FakeServer(dataDir);
    const port = await fake.listen(tls);
    editConfig(dataDir, (c) => { c.httpsPort = port; });
    try {
      const r = await ctl(['room', 'close', roomId], { dataDir });
      assert.equal(r.code, 0, show(r));
      assert.match(r.stdout, /^Server notified: disconnected 2 connections in room/m);
      assert.deepEqual(fake.seen.map((s) => [s.url, s.authorization]), [[`/api/admin/rooms/${roomId}/close`, tokenOf(dataDir)]]);
      return fake;
    } finally {
      await fake.close();
    }
  }

  test('trusts the installation\'s self-signed certificate (verified, one connection)', async () => {
    const fake = await closeAgainst({ cert: readFileSync(join(dataDir, 'tls/cert.pem'), 'utf8'), key: readFileSync(join(dataDir, 'tls/key.pem'), 'utf8') });
    assert.equal(fake.connections, 1);
  });

  test('trusts a certificate file for another name by its fingerprint (tls mode "files")', async () => {
    const pems = await selfsigned.generate([{ name: 'commonName', value: 'class.example.org' }], {
      keyType: 'ec', curve: 'P-256', algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'class.example.org' }] }],
    });
    const dir = join(scratch.root, 'real-cert');
    mkdirSync(dir);
    writeFileSync(join(dir, 'cert.pem'), pems.cert);
    editConfig(dataDir, (c) => { c.tls.mode = 'files'; c.tls.certFile = join(dir, 'cert.pem'); });
    const fake = await closeAgainst({ cert: pems.cert, key: pems.private });
    assert.equal(fake.connections, 1, 'verified on the first connection, no unverified retry');
  });

  test('falls back to an unverified loopback connection when the certificate does not match the file', async () => {
    const other = await install(scratch.dir(), 'self-signed');
    const fake = await closeAgainst({ cert: readFileSync(join(other.dataDir, 'tls/cert.pem'), 'utf8'), key: readFileSync(join(other.dataDir, 'tls/key.pem'), 'utf8') });
    assert.equal(fake.connections, 2, 'one refused handshake, then the loopback fallback');
  });
});
