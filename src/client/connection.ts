// One logical connection to the server over successive WebSockets: hello, request/reply
// matching, a client-side liveness check, and reconnection with exponential backoff and
// jitter. Framework-free (the WebSocket constructor, timers and randomness are injectable) so
// it is unit-tested without a browser. Rooms are not its business: see roomSession.ts.
import { PROTOCOL_VERSION } from '../protocol/constants.js';
import type {
  ClientMessageOf,
  ClientMessageType,
  ResultMap,
  ServerMessage,
} from '../protocol/messages.js';
import { CloseCode, ErrorCode, FINAL_CLOSE_CODES } from '../protocol/errors.js';

/** Frames that are not replies: delivered to the owner as they come. */
export type PushMessage = Exclude<ServerMessage, { type: 'ok' | 'error' | 'bye' }>;

/** Why the connection stopped for good (no automatic reconnect). */
export interface FinalClose {
  code: number;
  reason: string;
}

/** The connection's lifecycle; each state carries only what it needs. */
export type ConnectionStatus =
  | { kind: 'idle' }
  | { kind: 'connecting'; attempt: number }
  | { kind: 'open'; hello: ResultMap['hello'] }
  | { kind: 'waiting'; attempt: number; retryAt: number; lastClose: { code: number; reason: string } }
  | { kind: 'closed'; final: FinalClose | null };

/** A request that got an error reply, or could not get a reply at all. */
export class RequestError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'RequestError';
  }
}
/** Codes this module uses when there is no server reply. */
export const NOT_CONNECTED = 'NOT_CONNECTED';
export const TIMEOUT = 'TIMEOUT';

/** The subset of the DOM WebSocket this module needs. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export interface ConnectionOptions {
  url: string;
  /** Called after every successful hello (first connect and each reconnect). */
  onReady(hello: ResultMap['hello']): void;
  onPush(message: PushMessage): void;
  onStatus(status: ConnectionStatus): void;
  /**
   * Asked before each retry once a socket failed without ever opening (a refused upgrade
   * looks the same as a network failure in a browser). Return a FinalClose to stop.
   */
  checkBeforeRetry?(): Promise<FinalClose | null>;
  createSocket?(url: string): SocketLike;
  timers?: Timers;
  random?(): number;
  /** First retry delay in ms; doubles per attempt up to maxDelayMs. Default 500. */
  baseDelayMs?: number;
  /** Retry delay cap in ms. Default 10 000. */
  maxDelayMs?: number;
  /** A request without a reply after this many ms fails with TIMEOUT. Default 15 000. */
  requestTimeoutMs?: number;
  client?: string;
}

const OPEN = 1;

interface Pending {
  resolve(result: unknown): void;
  reject(error: RequestError): void;
  timer: unknown;
}

/** Retry delay for attempt n (0-based): exponential, capped, with "equal jitter". */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export class Connection {
  readonly #o: ConnectionOptions;
  readonly #timers: Timers;
  readonly #random: () => number;
  #status: ConnectionStatus = { kind: 'idle' };
  #socket: SocketLike | null = null;
  #pending = new Map<string, Pending>();
  #nextId = 1;
  #attempt = 0;
  #retryTimer: unknown = null;
  #heartbeatTimer: unknown = null;
  #stopped = false;

  constructor(options: ConnectionOptions) {
    this.#o = options;
    this.#timers = options.timers ?? {
      setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
      clearTimeout: (h) => globalThis.clearTimeout(h as number),
      now: () => Date.now(),
    };
    this.#random = options.random ?? Math.random;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  start(): void {
    this.#stopped = false;
    this.#attempt = 0;
    if (this.#status.kind === 'idle' || this.#status.kind === 'closed') this.#connect();
  }

  /** Closes for good (leaving the page, or a final error decided by the owner). */
  stop(final: FinalClose | null = null): void {
    this.#stopped = true;
    this.#clearRetry();
    this.#dropSocket(1000, 'client closed');
    this.#failPending(NOT_CONNECTED, 'The connection was closed.');
    this.#setStatus({ kind: 'closed', final });
  }

  /** Skips the remaining backoff (the browser came back online, or the user asked). */
  retryNow(): void {
    if (this.#status.kind !== 'waiting' || this.#stopped) return;
    this.#clearRetry();
    this.#connect();
  }

  /** Sends a request once the connection is open; resolves with its result or rejects with a RequestError. */
  request<T extends Exclude<ClientMessageType, 'hello'>>(type: T, payload: Omit<ClientMessageOf<T>, 'id' | 'type'>): Promise<ResultMap[T]> {
    if (this.#status.kind !== 'open') {
      return Promise.reject(new RequestError(NOT_CONNECTED, 'Not connected. Waiting for the connection to come back.'));
    }
    return this.#send(type, payload) as Promise<ResultMap[T]>;
  }

  #send(type: ClientMessageType, payload: object): Promise<unknown> {
    const socket = this.#socket;
    const frame = { ...payload, type, id: `c${this.#nextId++}` };
    // Not validated here: the types shape every request, and the server validates each frame
    // with the protocol schema (keeping zod out of the browser bundle saves ~440 KB).
    if (!socket || socket.readyState !== OPEN) {
      return Promise.reject(new RequestError(NOT_CONNECTED, 'Not connected. Waiting for the connection to come back.'));
    }
    return new Promise((resolve, reject) => {
      const timer = this.#timers.setTimeout(() => {
        this.#pending.delete(frame.id);
        reject(new RequestError(TIMEOUT, 'The server did not answer in time.'));
      }, this.#o.requestTimeoutMs ?? 15_000);
      this.#pending.set(frame.id, { resolve, reject, timer });
      socket.send(JSON.stringify(frame));
    });
  }

  #connect(): void {
    const attempt = this.#attempt;
    this.#setStatus({ kind: 'connecting', attempt });
    let socket: SocketLike;
    try {
      socket = (this.#o.createSocket ?? ((url) => new WebSocket(url) as unknown as SocketLike))(this.#o.url);
    } catch {
      this.#scheduleRetry({ code: 1006, reason: 'could not open a socket' }, false);
      return;
    }
    this.#socket = socket;
    let opened = false;
    let bye: FinalClose | null = null;

    socket.onopen = () => {
      opened = true;
      this.#send('hello', { protocol: PROTOCOL_VERSION, client: this.#o.client }).then(
        (hello) => {
          if (this.#socket !== socket) return;
          this.#attempt = 0;
          const h = hello as ResultMap['hello'];
          this.#setStatus({ kind: 'open', hello: h });
          this.#startHeartbeat(socket, h.heartbeatMs);
          this.#o.onReady(h);
        },
        (e: RequestError) => {
          if (this.#socket !== socket) return;
          // An old page talking to a newer server: retrying cannot help, reloading can.
          if (e.code === ErrorCode.UNSUPPORTED_PROTOCOL) this.stop({ code: CloseCode.UNSUPPORTED_PROTOCOL, reason: e.message });
          else socket.close(4000, 'hello failed');
        },
      );
    };
    socket.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      let m: ServerMessage;
      try {
        m = JSON.parse(ev.data) as ServerMessage;
      } catch {
        return;
      }
      if (m.type === 'ok' || m.type === 'error') {
        if (m.re === null) return;
        const p = this.#pending.get(m.re);
        if (!p) return;
        this.#pending.delete(m.re);
        this.#timers.clearTimeout(p.timer);
        if (m.type === 'ok') p.resolve(m.result);
        else p.reject(new RequestError(m.code, m.message));
      } else if (m.type === 'bye') {
        bye = { code: m.code, reason: m.reason };
      } else {
        this.#o.onPush(m);
      }
    };
    socket.onerror = () => {
      /* always followed by close */
    };
    socket.onclose = (ev) => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#stopHeartbeat();
      this.#failPending(NOT_CONNECTED, 'The connection was lost before the server answered.');
      const code = bye?.code ?? ev.code;
      const reason = bye?.reason || ev.reason;
      if (FINAL_CLOSE_CODES.has(code)) {
        this.#stopped = true;
        this.#setStatus({ kind: 'closed', final: { code, reason } });
        return;
      }
      if (this.#stopped) return;
      this.#scheduleRetry({ code, reason }, opened);
    };
  }

  #scheduleRetry(lastClose: { code: number; reason: string }, opened: boolean): void {
    const attempt = this.#attempt++;
    const delay = backoffDelay(attempt, this.#o.baseDelayMs ?? 500, this.#o.maxDelayMs ?? 10_000, this.#random);
    this.#setStatus({ kind: 'waiting', attempt, retryAt: this.#timers.now() + delay, lastClose });
    this.#retryTimer = this.#timers.setTimeout(() => {
      this.#retryTimer = null;
      if (this.#stopped) return;
      const check = !opened && this.#o.checkBeforeRetry ? this.#o.checkBeforeRetry() : Promise.resolve(null);
      check.then(
        (final) => {
          if (this.#stopped || this.#status.kind !== 'waiting') return;
          if (final) this.stop(final);
          else this.#connect();
        },
        () => {
          if (!this.#stopped && this.#status.kind === 'waiting') this.#connect();
        },
      );
    }, delay);
  }

  /**
   * The server pings at the transport level, but a browser cannot see those: a half-open
   * connection (laptop lid, dead Wi-Fi) is only noticed by asking. A ping without a reply
   * within the interval drops the socket and starts a reconnect.
   */
  #startHeartbeat(socket: SocketLike, heartbeatMs: number): void {
    const every = Math.max(5_000, Math.min(heartbeatMs || 30_000, 60_000));
    const beat = () => {
      this.#heartbeatTimer = this.#timers.setTimeout(() => {
        if (this.#socket !== socket) return;
        const deadline = this.#timers.setTimeout(() => {
          if (this.#socket !== socket) return;
          this.#abandon({ code: 4000, reason: 'no answer to ping' });
        }, every);
        this.#send('ping', {}).then(
          () => {
            this.#timers.clearTimeout(deadline);
            if (this.#socket === socket) beat();
          },
          () => this.#timers.clearTimeout(deadline),
        );
      }, every);
    };
    beat();
  }

  #stopHeartbeat(): void {
    if (this.#heartbeatTimer !== null) this.#timers.clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = null;
  }

  /** Gives up on a socket that may never report its close (half-open), and reconnects. */
  #abandon(why: { code: number; reason: string }): void {
    this.#dropSocket(4000, why.reason);
    this.#failPending(NOT_CONNECTED, 'The connection was lost before the server answered.');
    if (!this.#stopped) this.#scheduleRetry(why, true);
  }

  #dropSocket(code: number, reason: string): void {
    const s = this.#socket;
    this.#socket = null;
    this.#stopHeartbeat();
    if (!s) return;
    s.onopen = s.onmessage = s.onerror = s.onclose = null;
    try {
      s.close(code, reason);
    } catch {
      /* already closing */
    }
  }

  #failPending(code: string, message: string): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) {
      this.#timers.clearTimeout(p.timer);
      p.reject(new RequestError(code, message));
    }
  }

  #clearRetry(): void {
    if (this.#retryTimer !== null) this.#timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  #setStatus(s: ConnectionStatus): void {
    this.#status = s;
    this.#o.onStatus(s);
  }
}

/** Sentences for the close codes a person should understand (used when the server gave none). */
export function describeFinalClose(code: number): string {
  switch (code) {
    case CloseCode.REPLACED:
      return 'You were signed in from another tab.';
    case CloseCode.REMOVED:
      return 'A teacher removed you from this room.';
    case CloseCode.ROOM_CLOSED:
      return 'This room was closed.';
    case CloseCode.DENIED:
      return 'A teacher declined your request to join.';
    case CloseCode.CLASS_ENDED:
      return 'The class has ended.';
    case CloseCode.SESSION_REVOKED:
      return 'Your session ended: sign in again.';
    case CloseCode.UNSUPPORTED_PROTOCOL:
      return 'This page is out of date: reload it to continue.';
    default:
      return 'The connection was closed.';
  }
}
