// Best-effort calls from classroomctl to a running server's admin endpoints, so a change made
// in the database (a disabled user, a closed room) takes effect for people connected right
// now. The CLI never imports server internals: it talks to the server over loopback HTTP(S)
// with the control token from the data directory, as any other operator tool could.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { checkServerIdentity, rootCertificates, type PeerCertificate } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { CONTROL_TOKEN_FILE, RUNTIME_FILE } from '../src/config/config.js';
import { resolveInDataDir } from '../src/install/provision.js';
import type { Ctx } from './context.js';

/** Long enough for a busy server, short enough that a hung one does not hang the operator. */
const TIMEOUT_MS = 3000;

export type Notified =
  | { readonly outcome: 'done'; readonly status: number; readonly body: unknown }
  | { readonly outcome: 'not-running' }
  | { readonly outcome: 'failed'; readonly reason: string };

type Attempt = { status: number; body: unknown };

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
/** Addresses the server listens on that loopback reaches. */
const WILDCARD = new Set(['0.0.0.0', '::', '', 'localhost', '127.0.0.1']);

/** POSTs to an admin endpoint of the installation's running server; never throws. */
export async function notifyServer(ctx: Pick<Ctx, 'dataDir' | 'config'>, path: string): Promise<Notified> {
  const { dataDir } = ctx;
  const tokenFile = join(dataDir, CONTROL_TOKEN_FILE);
  let token: string;
  try {
    token = readFileSync(tokenFile, 'utf8').trim();
  } catch {
    return { outcome: 'failed', reason: `no control token at ${tokenFile}` };
  }
  if (!token) return { outcome: 'failed', reason: `${tokenFile} is empty` };

  const target = findServer(ctx);
  if (target.kind === 'none') return { outcome: 'not-running' };
  const { plain, host, port } = target;
  const base: RequestOptions = {
    host, port, path, method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-length': '0' },
  };

  try {
    if (plain) return done(await post(httpRequest, base));
    const tlsOpts = verifiedTls(dataDir, ctx.config.tls.certFile);
    try {
      return done(await post(httpsRequest, { ...base, ...tlsOpts }));
    } catch (e) {
      // A certificate for the public name (mode "files") or one renewed without a restart
      // does not verify against what we have. On loopback the peer is this machine, so
      // accept it unverified there; never anywhere else.
      if (!isCertError(e) || !LOOPBACK.has(host)) throw e;
      return done(await post(httpsRequest, { ...base, servername: 'localhost', rejectUnauthorized: false }));
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') return { outcome: 'not-running' };
    if ((e as Error).name === 'AbortError' || code === 'ABORT_ERR') {
      return { outcome: 'failed', reason: `no answer from ${host}:${port} within ${TIMEOUT_MS / 1000} s` };
    }
    return { outcome: 'failed', reason: `${host}:${port}: ${(e as Error).message}` };
  }
}

type Target = { kind: 'server'; plain: boolean; host: string; port: number } | { kind: 'none' };

/**
 * Where the server listens: what the running server wrote to server.json (right even with
 * port 0 in the config or `serve --https-port`), else what the config says.
 */
function findServer({ dataDir, config }: Pick<Ctx, 'dataDir' | 'config'>): Target {
  const runtime = readRuntime(dataDir);
  if (runtime) {
    if (!runtime.alive) return { kind: 'none' }; // left by a crashed server
    if (runtime.url) {
      const u = new URL(runtime.url);
      return { kind: 'server', plain: u.protocol === 'http:', host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) };
    }
  }
  const plain = config.tls.mode === 'none';
  const port = plain ? config.httpPort : config.httpsPort;
  // A running server would have written server.json: with port 0 there is nothing else to try.
  if (port === 0) return { kind: 'none' };
  const host = WILDCARD.has(config.host) ? '127.0.0.1' : config.host;
  return { kind: 'server', plain, host, port };
}

/**
 * What server.json says about the server of this data directory: null when there is no file
 * (never started, or stopped cleanly); `alive` false when it was left by a crashed server.
 */
export function readRuntime(dataDir: string): { pid: number; alive: boolean; url: string | null } | null {
  let runtime: { pid?: unknown; urls?: { https?: unknown; http?: unknown } } | undefined;
  try {
    runtime = JSON.parse(readFileSync(join(dataDir, RUNTIME_FILE), 'utf8')) as typeof runtime;
  } catch {
    return null;
  }
  if (typeof runtime?.pid !== 'number') return null;
  const url = typeof runtime.urls?.https === 'string' ? runtime.urls.https : runtime.urls?.http;
  return { pid: runtime.pid, alive: isAlive(runtime.pid), url: typeof url === 'string' && URL.canParse(url) ? url : null };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

function done(r: Attempt): Notified {
  if (r.status >= 200 && r.status < 300) return { outcome: 'done', status: r.status, body: r.body };
  const why = r.status === 401 || r.status === 403
    ? 'the server refused the control token (was the installation re-initialised while it ran?)'
    : r.status === 404 ? 'the server does not know this endpoint or this id'
      : 'the server answered with an error';
  return { outcome: 'failed', reason: `HTTP ${r.status}: ${why}` };
}

/**
 * Trust the installation's own certificate: as a CA (a self-signed one), or by its exact
 * fingerprint whatever name it carries (a real one for the public hostname), plus the
 * system roots for a chain the file does not complete.
 */
function verifiedTls(dataDir: string, certFile: string): RequestOptions {
  let pem: string | undefined;
  let pinned: string | undefined;
  try {
    pem = readFileSync(resolveInDataDir(dataDir, certFile), 'utf8');
    pinned = new X509Certificate(pem).fingerprint256;
  } catch {
    // Unreadable or not PEM: the system roots alone decide (and the loopback fallback).
  }
  return {
    servername: 'localhost',
    ca: pem ? [pem, ...rootCertificates] : [...rootCertificates],
    checkServerIdentity: (name: string, cert: PeerCertificate) =>
      pinned !== undefined && cert.fingerprint256 === pinned ? undefined : checkServerIdentity(name, cert),
  };
}

function isCertError(e: unknown): boolean {
  return /CERT|SIGNATURE|ISSUER|ALTNAME/.test(String((e as NodeJS.ErrnoException).code ?? ''));
}

function post(mk: typeof httpRequest | typeof httpsRequest, opts: RequestOptions): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const req = mk({ ...opts, signal: AbortSignal.timeout(TIMEOUT_MS) }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try { body = text ? JSON.parse(text) : null; } catch { /* not JSON: keep the text */ }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * One line for the operator: what the server did, or why it was not told and what still
 * limits the effect of that (`caveat`, also said when it is not running, if `always`).
 */
export function describeNotified(n: Notified, doneText: (count: string) => string, caveat: { text: string; always: boolean }): string {
  switch (n.outcome) {
    case 'done': {
      // The server answers {disconnected: N}; say the number when it does.
      const count = (n.body as { disconnected?: unknown } | null)?.disconnected;
      return doneText(typeof count === 'number' ? `${count} connection${count === 1 ? '' : 's'}` : 'live connections');
    }
    case 'not-running': return `Note: server not running: nothing to disconnect${caveat.always ? `; ${caveat.text}` : ''}.`;
    case 'failed': return `Note: could not notify the server (${n.reason}); ${caveat.text}.`;
  }
}

/** What limits a revoked account's live connections when the server was not told. */
export function revalidateNote(ctx: Pick<Ctx, 'config'>): { text: string; always: boolean } {
  return { text: `live sessions also re-check within auth.revalidateSeconds (${ctx.config.auth.revalidateSeconds} s)`, always: true };
}
