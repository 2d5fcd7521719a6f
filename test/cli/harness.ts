// Runs the real classroomctl (bin/classroomctl.js, built into dist/) as a child process
// against throwaway data directories, and reads the SQLite file behind it directly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../helpers/server.js';
import { CONFIG_FILE, DB_FILE, loadConfig, renderConfig, type Config } from '../../src/config/config.js';
import { openDb } from '../../src/store/db.js';
import { UserStore } from '../../src/auth/UserStore.js';
import { RoomStore } from '../../src/rooms/RoomStore.js';
import { RoomLog } from '../../src/rooms/RoomLog.js';
import type { Stores } from '../helpers/server.js';

export interface Run { code: number | null; stdout: string; stderr: string }

/** The program under test: bin/classroomctl.js, or a private build's cli/main.js while dist/ is being rebuilt. */
const PROGRAM = process.env.CLASSROOMCTL_UNDER_TEST ?? CLI;

/** `classroomctl [--data-dir D] ...args`, with `input` on stdin (stdin is a pipe, never a TTY). */
export function ctl(args: readonly string[], o: { dataDir?: string; input?: string; env?: Record<string, string | undefined> } = {}): Promise<Run> {
  const argv = [PROGRAM, ...(o.dataDir !== undefined ? ['--data-dir', o.dataDir] : []), ...args];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, CLASSROOM_HOME: undefined, ...o.env } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.on('error', () => { /* the command may exit before reading stdin */ });
    p.stdin.end(o.input ?? '');
  });
}

/** Fails with the whole run in the message, so a surprise says what the CLI printed. */
export function show(r: Run): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;
}

export class Scratch {
  readonly root = mkdtempSync(join(tmpdir(), 'classroomctl-test-'));
  #n = 0;
  /** A fresh, not yet existing data directory. */
  dir(): string { return join(this.root, `d${++this.#n}`); }
  cleanup(): void { rmSync(this.root, { recursive: true, force: true }); }
}

export interface Installed { dataDir: string; adminPassword: string; init: Run }

/** `classroomctl init` on ephemeral ports; returns the printed admin password. */
export async function install(dataDir: string, tls: 'none' | 'self-signed' = 'none', extra: string[] = []): Promise<Installed> {
  const init = await ctl(['init', '--tls', tls, '--http-port', '0', '--https-port', '0', '--json', ...extra], { dataDir });
  if (init.code !== 0) throw new Error(`init failed: ${show(init)}`);
  return { dataDir, adminPassword: (JSON.parse(init.stdout) as { admin: { password: string } }).admin.password, init };
}

/** Opens the installation's SQLite file through the real stores, then closes it. */
export function withStores<T>(dataDir: string, fn: (s: Stores) => T): T {
  const db = openDb(join(dataDir, DB_FILE));
  try {
    return fn({ db, users: new UserStore(db), rooms: new RoomStore(db), log: new RoomLog(db) });
  } finally {
    db.close();
  }
}

/** Every row an administrative command can touch, to prove a refused command changed nothing. */
export function snapshot(dataDir: string): Record<string, unknown[]> {
  return withStores(dataDir, ({ db }) => Object.fromEntries(
    ['users', 'rooms', 'enrollments', 'invites', 'sessions', 'room_log'].map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]),
  ));
}

export function editConfig(dataDir: string, edit: (c: Config) => void): void {
  const c = loadConfig(dataDir);
  edit(c);
  writeFileSync(join(dataDir, CONFIG_FILE), renderConfig(c));
}

/** A loopback port nothing listens on (it was free a moment ago): "server not running". */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * The two assertions every CLI test makes, bound to one data directory: `ok` (exit 0, nothing
 * on stderr) and `refused` (the exit code, the message on stderr, nothing on stdout, and the
 * database exactly as before).
 */
export function expectations(dataDir: () => string) {
  const run = (args: readonly string[], input?: string) => ctl(args, { dataDir: dataDir(), input });
  return {
    async ok(args: readonly string[], input?: string): Promise<Run> {
      const r = await run(args, input);
      assert.equal(r.code, 0, show(r));
      assert.equal(r.stderr, '', show(r));
      return r;
    },
    async refused(args: readonly string[], code: number, message: RegExp, input?: string): Promise<Run> {
      const before = snapshot(dataDir());
      const r = await run(args, input);
      assert.equal(r.code, code, show(r));
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '', show(r));
      assert.deepEqual(snapshot(dataDir()), before, 'the database changed');
      return r;
    },
  };
}
