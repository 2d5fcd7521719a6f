// A real coturn in use-auth-secret mode: the credentials turnCredential() mints must open a TURN
// allocation (and relay data) there, and ones minted with another secret or already expired
// must not. This checks our half of the TURN REST convention against the server operators run
// (docs/media.md), not against our own reading of it. coturn's own client, turnutils_uclient,
// plays the browser. Both come from Debian's "coturn" (scripts/system-deps.mjs installs it).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { turnCredential } from '../../src/media/turn.js';
import { waitFor } from '../helpers/waitFor.js';

const TURNSERVER = '/usr/bin/turnserver';
const UCLIENT = '/usr/bin/turnutils_uclient';
const REALM = 'classroom.test';

/** A loopback port free for both TCP and UDP (coturn listens on both). */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const tcp = createServer();
    const port = await new Promise<number>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(0, '127.0.0.1', () => resolve((tcp.address() as { port: number }).port));
    });
    const udp = createSocket('udp4');
    const udpFree = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    if (udpFree) return port;
  }
  throw new Error('no loopback port free for both TCP and UDP');
}

/**
 * One STUN Binding request (RFC 5389) over UDP: true when a Binding success response with our
 * transaction id comes back within `timeoutMs`. This is how we know coturn is listening.
 */
function stunBinding(port: number, timeoutMs: number): Promise<boolean> {
  const txId = randomBytes(12);
  const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), txId]);
  const socket = createSocket('udp4');
  return new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('error', () => done(false));
    socket.on('message', (msg) => {
      if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101 && msg.subarray(8, 20).equals(txId)) done(true);
    });
    socket.send(request, port, '127.0.0.1');
  });
}

interface Run { code: number | null; output: string }

/** turnutils_uclient as a browser would use TURN: allocate relays, send a message through them. */
function uclient(port: number, username: string, credential: string): Promise<Run> {
  // -y: two clients relay to each other through the server; -c: no RTCP allocations;
  // -n 1, -m 1: one message, one client pair. It finishes in a few seconds.
  const args = ['-y', '-c', '-n', '1', '-m', '1', '-u', username, '-w', credential, '-p', String(port), '127.0.0.1'];
  return new Promise((resolve) => {
    execFile(UCLIENT, args, { timeout: 20_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, output: stdout + stderr });
    });
  });
}

/** Messages the uclient run got back through the relay (its last "tot_recv_msgs=N"). */
const received = (run: Run): number => Number([...run.output.matchAll(/tot_recv_msgs=(\d+)/g)].at(-1)?.[1] ?? 0);

describe('TURN credentials against a real coturn', () => {
  const secret = randomBytes(24).toString('base64url');
  let dir: string;
  let port: number;
  let server: ChildProcess | null = null;
  let log = '';
  let exited: Promise<void> = Promise.resolve();

  before(async () => {
    for (const bin of [TURNSERVER, UCLIENT]) {
      try {
        accessSync(bin, constants.X_OK);
      } catch {
        assert.fail(`${bin} is missing: run "node scripts/system-deps.mjs test" (Debian package "coturn")`);
      }
    }
    dir = mkdtempSync(join(tmpdir(), 'classroom-turn-'));
    port = await freePort();
    const proc = spawn(TURNSERVER, [
      '-n', // no config file: the packaged /etc/turnserver.conf must not leak in
      '-v', // log each allocation, so the test can see who was accepted
      '--use-auth-secret', `--static-auth-secret=${secret}`, `--realm=${REALM}`,
      '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`,
      // uclient's two clients are each other's peers, on loopback: coturn refuses that by default.
      '--allow-loopback-peers',
      '--no-tls', '--no-dtls', '--no-cli', '--log-file=stdout', '--simple-log',
      `--pidfile=${join(dir, 'turnserver.pid')}`, `--db=${join(dir, 'turndb')}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    server = proc;
    proc.stdout.on('data', (d: Buffer) => { log += d.toString('utf8'); });
    proc.stderr.on('data', (d: Buffer) => { log += d.toString('utf8'); });
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    await waitFor(async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(`turnserver exited (${proc.exitCode ?? proc.signalCode}):\n${log.slice(-2000)}`);
      }
      return (await stunBinding(port, 200)) ? undefined : `no STUN answer on 127.0.0.1:${port} yet`;
    }, 15_000);
  });

  after(async () => {
    if (server && server.exitCode === null && server.signalCode === null) {
      server.kill('SIGTERM');
      const killer = setTimeout(() => server?.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('accepts credentials minted by turnCredential() and relays through them', { timeout: 30_000 }, async () => {
    const { username, credential } = turnCredential(secret, 7, 600);
    const run = await uclient(port, username, credential);
    assert.equal(run.code, 0, `uclient failed:\n${run.output.slice(-2000)}\nserver:\n${log.slice(-2000)}`);
    assert.doesNotMatch(run.output, /ERROR/);
    assert.ok(received(run) > 0, `nothing came back through the relay:\n${run.output.slice(-2000)}`);
    assert.ok(log.includes(`user <${username}>: incoming packet ALLOCATE processed, success`), `coturn did not log an allocation for ${username}`);
  });

  it('refuses credentials minted with another secret', { timeout: 30_000 }, async () => {
    const { username, credential } = turnCredential(`${secret}-wrong`, 8, 600);
    const run = await uclient(port, username, credential);
    assert.notEqual(run.code, 0, `uclient succeeded with a wrong secret:\n${run.output.slice(-2000)}`);
    assert.match(run.output, /Cannot complete Allocation/);
    assert.equal(received(run), 0);
    assert.ok(log.includes(`user <${username}>: incoming packet message processed, error 401`), `coturn did not refuse ${username} with 401`);
    assert.ok(!log.includes(`user <${username}>: incoming packet ALLOCATE processed, success`));
  });

  it('refuses credentials that have expired', { timeout: 30_000 }, async () => {
    // Minted an hour ago with a ten-minute lifetime: the right secret, but the expiry is past.
    const { username, credential } = turnCredential(secret, 9, 600, Date.now() - 3_600_000);
    const run = await uclient(port, username, credential);
    assert.notEqual(run.code, 0, `uclient succeeded with an expired credential:\n${run.output.slice(-2000)}`);
    assert.match(run.output, /Cannot complete Allocation/);
    assert.ok(!log.includes(`user <${username}>: incoming packet ALLOCATE processed, success`));
  });
});
