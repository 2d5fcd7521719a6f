// The WebSocket edge: authentication during the HTTP upgrade (no token or a foreign Origin
// never becomes a WebSocket), heartbeat, periodic session revalidation, and the registry of
// live connections used to disconnect a user or a room.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CloseCode } from '../protocol/errors.js';
import { hashToken } from '../auth/secrets.js';
import { tokenOf } from '../auth/cookies.js';
import type { Services } from '../rooms/types.js';
import { Connection } from './Connection.js';
import type { Logger } from './log.js';

export class Gateway {
  readonly #wss: WebSocketServer;
  readonly #conns = new Set<Connection>();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #allowedOrigins: Set<string>;

  constructor(
    private readonly services: Services,
    private readonly log: Logger,
  ) {
    const c = services.config;
    this.#wss = new WebSocketServer({
      noServer: true,
      // The hard bound on what is buffered at all; frames above ws.maxPayloadBytes but below
      // this get a TOO_LARGE error and keep the connection.
      maxPayload: Math.max(c.ws.hardMaxPayloadBytes, c.ws.maxPayloadBytes),
      perMessageDeflate: false,
    });
    this.#allowedOrigins = new Set([new URL(c.publicUrl).origin, ...c.allowedOrigins.map((o) => o.replace(/\/$/, ''))]);
    const heartbeat = setInterval(() => { for (const conn of this.#conns) conn.heartbeat(); }, c.ws.heartbeatSeconds * 1000);
    const revalidate = setInterval(() => this.revalidate(), c.auth.revalidateSeconds * 1000);
    heartbeat.unref();
    revalidate.unref();
    this.#timers.push(heartbeat, revalidate);
  }

  get size(): number {
    return this.#conns.size;
  }

  /** A browser page may connect from our own origin (the Host it asked for) or a configured one. */
  originAllowed(origin: string | undefined, host: string | undefined, secure: boolean): boolean {
    if (origin === undefined) return true; // not a browser: the token alone decides
    if (this.#allowedOrigins.has(origin)) return true;
    return host !== undefined && origin === `${secure ? 'https' : 'http'}://${host}`;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, secure: boolean): void {
    const refuse = (status: number, code: string, message: string) => {
      const body = JSON.stringify({ error: { code, message } });
      socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\n` +
        `Connection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    };
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/ws') return refuse(404, 'NOT_FOUND', 'The WebSocket endpoint is /ws.');
    if (!this.originAllowed(req.headers.origin, req.headers.host, secure)) {
      return refuse(403, 'FORBIDDEN', 'This page\'s origin may not open the classroom WebSocket.');
    }
    const token = tokenOf(req.headers);
    const session = token ? this.services.users.resolveSession(token) : null;
    if (!token || !session) return refuse(401, 'UNAUTHENTICATED', 'Sign in first: no valid session token.');
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new Connection(ws, session.user, session.roomId, hashToken(token), this.services, this.log, {
        onClose: (c) => this.#conns.delete(c),
      });
      this.#conns.add(conn);
    });
  }

  /** Ends every connection of a user (account disabled or removed). Returns how many. */
  disconnectUser(userId: number, code: number = CloseCode.SESSION_REVOKED, reason = 'Your session has ended. Sign in again.'): number {
    let n = 0;
    for (const conn of [...this.#conns]) {
      if (conn.user.id !== userId) continue;
      n += 1;
      conn.place?.room.evict(userId, code, reason, 'revoked');
      conn.end(code, reason);
    }
    return n;
  }

  /** Closes a room for everyone in it (closed or deleted from the CLI). */
  closeRoom(roomId: string): number {
    const live = this.services.live.get(roomId);
    if (!live) return 0;
    const n = live.size;
    live.shutdown(CloseCode.ROOM_CLOSED, 'This room was closed.', 'closed');
    return n;
  }

  /**
   * Re-checks every connection's session and room. Catches what no notification reached:
   * expiry, a CLI change made while the notify failed, another process's revocation.
   */
  revalidate(): void {
    const checked = new Map<string, boolean>();
    for (const conn of [...this.#conns]) {
      const { users, rooms } = this.services;
      const key = conn.tokenHash.toString('hex');
      let valid = checked.get(key);
      if (valid === undefined) {
        valid = users.sessionValid(conn.tokenHash);
        checked.set(key, valid);
      }
      if (!valid) {
        conn.place?.room.evict(conn.user.id, CloseCode.SESSION_REVOKED, 'Your session has ended. Sign in again.', 'revoked');
        conn.end(CloseCode.SESSION_REVOKED, 'Your session has ended. Sign in again.');
        continue;
      }
      const place = conn.place;
      if (place && rooms.get(place.room.id)?.status !== 'open') this.closeRoom(place.room.id);
    }
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    for (const conn of [...this.#conns]) conn.end(CloseCode.GOING_AWAY, 'The server is restarting; reconnecting shortly.');
    await new Promise<void>((r) => this.#wss.close(() => r()));
    // Give close frames a moment to flush, then cut what remains.
    const deadline = Date.now() + 2000;
    while (this.#conns.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const conn of this.#conns) conn.ws.terminate();
  }
}
