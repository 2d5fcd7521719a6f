// The HTTP edge: security headers on every response, health endpoints, the API, the app.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UserError } from '../errors.js';
import { Api, HttpError, type ApiResponse } from './api.js';
import type { StaticFile } from './static.js';
import type { Logger } from './log.js';

/** Largest JSON body the API reads, in bytes: sign-in and invite forms are tiny. */
const MAX_BODY = 16 * 1024;

const STATUS_OF: Record<string, number> = { INVITE_INVALID: 404, ROOM_NOT_FOUND: 404, NOT_FOUND: 404, FORBIDDEN: 403, BAD_UPLOAD: 415, PDF_UNAVAILABLE: 501 };

export interface HttpDeps {
  api: Api;
  log: Logger;
  app: { index: StaticFile | null; assets: Map<string, StaticFile> };
  ready: () => boolean;
}

function securityHeaders(res: ServerResponse, secure: boolean): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  // Invite codes travel in page URLs: never leak them to other sites.
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('cross-origin-resource-policy', 'same-origin');
  res.setHeader('permissions-policy', 'camera=(self), microphone=(self), display-capture=(self), geolocation=()');
  res.setHeader('content-security-policy',
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
  if (secure) res.setHeader('strict-transport-security', 'max-age=31536000');
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The body, refused with 413 past `limit` bytes (read and discarded, so the 413 reaches the client; requestTimeout bounds it). */
function readRaw(req: IncomingMessage, limit: number, what = 'The request body'): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, 'TOO_LARGE', `${what} is larger than ${limit} bytes.`, { connection: 'close' });
  if (Number(req.headers['content-length'] ?? NaN) > limit) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else if (size - c.length <= limit) {
        chunks.length = 0;
        reject(tooLarge());
      }
    });
    req.on('end', () => { if (size <= limit) resolve(Buffer.concat(chunks)); });
    req.on('error', reject);
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    // Requiring JSON also means a cross-site form cannot post here without a CORS preflight.
    throw new HttpError(415, 'BAD_REQUEST', 'Send a JSON body (Content-Type: application/json).');
  }
  const body = await readRaw(req, MAX_BODY);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'BAD_JSON', 'The request body is not valid JSON.');
  }
}

const APP_ROUTES = /^\/(|login|rooms|room\/[a-z0-9]{1,32}|join\/[A-Za-z0-9_-]{1,128})$/;

export function requestHandler(deps: HttpDeps, secure: boolean) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    securityHeaders(res, secure);
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/healthz') return send(res, 200, { status: 'ok' });
    if (path === '/readyz') return deps.ready() ? send(res, 200, { status: 'ready' }) : send(res, 503, { status: 'starting' });
    if (path.startsWith('/api/')) {
      // Cookie-authenticated writes must come from our own pages.
      const origin = req.headers.origin;
      if (method !== 'GET' && origin !== undefined && origin !== `${secure ? 'https' : 'http'}://${req.headers.host}`) {
        return send(res, 403, { error: { code: 'FORBIDDEN', message: 'Cross-origin requests are not allowed.' } });
      }
      deps.api
        .handle({ method, path, req, body: () => readJson(req), raw: (limit) => readRaw(req, limit, 'The file'), secure, remote: req.socket.remoteAddress ?? 'unknown' })
        .then((r: ApiResponse) => {
          if (!r.bytes) return send(res, r.status, r.body, r.headers);
          res.writeHead(r.status, { ...r.headers, 'content-length': r.bytes.length });
          res.end(method === 'HEAD' ? undefined : r.bytes);
        }, (e: unknown) => {
          if (e instanceof HttpError) return send(res, e.status, { error: { code: e.code, message: e.message } }, e.headers);
          if (e instanceof UserError) return send(res, STATUS_OF[e.code] ?? 400, { error: { code: e.code, message: e.message } });
          deps.log.error({ err: e, path }, 'api request failed');
          send(res, 500, { error: { code: 'INTERNAL', message: 'Something went wrong on the server.' } });
        });
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') return send(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'Only GET here.' } });
    const file = deps.app.assets.get(path) ?? (APP_ROUTES.test(path) ? deps.app.index : undefined);
    if (!file) return send(res, 404, { error: { code: 'NOT_FOUND', message: `Nothing at ${path}.` } });
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': file.body.length,
      'cache-control': path.startsWith('/assets/') ? 'public, max-age=300' : 'no-cache',
    });
    res.end(method === 'HEAD' ? undefined : file.body);
  };
}

/** The plain-HTTP listener when TLS is on: everything moves to HTTPS. */
export function redirectHandler(httpsPort: number) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const host = (req.headers.host ?? 'localhost').replace(/:\d+$/, '');
    const path = req.url ?? '/';
    if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    res.writeHead(308, { location: `https://${host}${httpsPort === 443 ? '' : `:${httpsPort}`}${path}` }).end();
  };
}
