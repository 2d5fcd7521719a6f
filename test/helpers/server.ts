// Starts the real server process (bin/classroomctl.js serve) on ephemeral loopback ports
// against a fresh data directory, and gives tests what they need to talk to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { provision } from '../../src/install/provision.js';
import { CONFIG_FILE, DB_FILE, loadConfig, renderConfig, type Config } from '../../src/config/config.js';
import { openDb, type Db } from '../../src/store/db.js';
import { UserStore } from '../../src/auth/UserStore.js';
import { RoomStore } from '../../src/rooms/RoomStore.js';
import { RoomLog } from '../../src/rooms/RoomLog.js';
import { hashPasswordSync } from '../../src/auth/secrets.js';
import type { RoomRole } from '../../src/protocol/messages.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'bin', 'classroomctl.js');

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

export interface StartOptions {
  tls?: 'self-signed' | 'none';
  config?: DeepPartial<Config>;
  /** Reuse an existing data directory (restart tests). */
  dataDir?: string;
  /** Extra environment for the server process. */
  env?: Record<string, string>;
}

/**
 * Tests keep media on loopback (Chromium reaches 127.0.0.1 candidates) and on one SFU worker
 * per server unless they say otherwise: dozens of test servers need not start two each.
 */
const TEST_MEDIA = { listenIp: '127.0.0.1', workers: 1 } as const;

export interface Stores { db: Db; users: UserStore; rooms: RoomStore; log: RoomLog }

export class TestServer {
  proc!: ChildProcess;
  httpsUrl: string | null = null;
  httpUrl!: string;
  output = '';
  #exit: Promise<number | null> = Promise.resolve(null);

  constructor(
    readonly dataDir: string,
    readonly adminPassword: string,
    readonly ca: Buffer | undefined,
    readonly env: Record<string, string> = {},
  ) {}

  /** Base URL of the main listener (HTTPS unless tls is none). */
  get url(): string {
    return this.httpsUrl ?? this.httpUrl;
  }

  get wsUrl(): string {
    return this.url.replace(/^http/, 'ws') + '/ws';
  }

  async start(): Promise<void> {
    this.output = '';
    const proc = spawn(process.execPath, [CLI, 'serve', '--data-dir', this.dataDir, '--http-port', '0', '--https-port', '0', '--host', '127.0.0.1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CLASSROOM_HOME: undefined, ...this.env },
    });
    this.proc = proc;
    this.#exit = new Promise((r) => proc.once('exit', (code) => r(code)));
    await new Promise<void>((resolveReady, reject) => {
      const onData = (d: Buffer) => {
        this.output += d.toString();
        const m = /classroom ready (\{.*\})/.exec(this.output);
        if (m) {
          const urls = JSON.parse(m[1]!) as { https: string | null; http: string };
          this.httpsUrl = urls.https;
          this.httpUrl = urls.http;
          resolveReady();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', (d: Buffer) => { this.output += d.toString(); });
      proc.once('exit', (code) => reject(new Error(`server exited (${code}) before ready:\n${this.output}`)));
    });
  }

  /** SIGTERM and wait for the process to exit by itself; returns its exit code. */
  async stop(): Promise<number | null> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return this.proc.exitCode;
    this.proc.kill('SIGTERM');
    return this.#exit;
  }

  /** SIGKILL: a crash, no graceful shutdown. */
  async kill(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGKILL');
    await this.#exit;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Opens the same SQLite file the server uses, for arranging users and rooms. */
  stores(): Stores {
    const db = openDb(join(this.dataDir, DB_FILE));
    return { db, users: new UserStore(db), rooms: new RoomStore(db), log: new RoomLog(db) };
  }

  /** Arrange users and rooms through the real store, then close it. */
  arrange<T>(fn: (s: Stores) => T): T {
    const s = this.stores();
    try {
      return fn(s);
    } finally {
      s.db.close();
    }
  }

  addUser(username: string, role: 'admin' | 'teacher' | 'student', password = `${username}-password`): number {
    return this.arrange((s) => s.users.create({ username, role, displayName: username[0]!.toUpperCase() + username.slice(1), passwordHash: hashPasswordSync(password) }).id);
  }

  addRoom(title: string, enroll: Record<string, RoomRole> = {}, capacity = 100): string {
    return this.arrange((s) => {
      const room = s.rooms.create(title, capacity);
      for (const [username, role] of Object.entries(enroll)) s.rooms.enroll(room.id, s.users.require(username).id, role);
      return room.id;
    });
  }

  /** A JSON HTTP request to the server; returns status, headers and parsed body. */
  api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
    return rawRequest(this.url + path, { method, body, headers, ca: this.ca });
  }

  /** An admin endpoint (GET /api/admin/...) with the installation's control token. */
  async admin(path: string): Promise<any> {
    const token = readFileSync(join(this.dataDir, 'control.token'), 'utf8').trim();
    const res = await this.api('GET', `/api/admin/${path}`, undefined, { authorization: `Bearer ${token}` });
    if (res.status !== 200) throw new Error(`admin ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async login(username: string, password = `${username}-password`): Promise<string> {
    const res = await this.api('POST', '/api/login', { username, password });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token as string;
  }

  async cleanup(): Promise<void> {
    await this.kill();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export function rawRequest(url: string, o: { method: string; body?: unknown; headers?: Record<string, string>; ca?: Buffer }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> {
  return new Promise((res, rej) => {
    const payload = o.body === undefined ? undefined : typeof o.body === 'string' || Buffer.isBuffer(o.body) ? o.body : JSON.stringify(o.body);
    const headers: Record<string, string> = { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...o.headers };
    const mk = url.startsWith('https:') ? request : httpRequest;
    const req = mk(url, { method: o.method, headers, ca: o.ca }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let body: unknown = text;
        try { body = text ? JSON.parse(text) : null; } catch { /* not JSON: keep the text */ }
        res({ status: r.statusCode!, headers: r.headers, body });
      });
    });
    req.on('error', rej);
    req.end(payload);
  });
}

/** Provisions a fresh data directory (in-process, as `classroomctl init` does) and starts the server. */
export async function startServer(o: StartOptions = {}): Promise<TestServer> {
  let dataDir = o.dataDir;
  let adminPassword = '';
  if (!dataDir) {
    dataDir = join(mkdtempSync(join(tmpdir(), 'classroom-test-')), 'data');
    const p = await provision({ dataDir, tls: o.tls ?? 'self-signed', httpPort: 0, httpsPort: 0, host: '127.0.0.1' });
    adminPassword = p.admin.password;
  }
  if (!o.dataDir || o.config) {
    const merged = deepMerge(loadConfig(dataDir), o.dataDir ? o.config : { ...o.config, media: { ...TEST_MEDIA, ...o.config?.media } }) as Config;
    writeFileSync(join(dataDir, CONFIG_FILE), renderConfig(merged));
  }
  const tlsMode = loadConfig(dataDir).tls.mode;
  const ca = tlsMode === 'none' ? undefined : readFileSync(join(dataDir, 'tls', 'cert.pem'));
  const server = new TestServer(dataDir, adminPassword, ca, o.env);
  await server.start();
  return server;
}

function deepMerge(a: any, b: any): any {
  if (typeof a !== 'object' || a === null || Array.isArray(a) || typeof b !== 'object' || b === null || Array.isArray(b)) return b;
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in a ? deepMerge(a[k], v) : v;
  return out;
}
