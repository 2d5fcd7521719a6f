// One WebSocket connection: frame checks, rate limit, the hello handshake, dispatch to the
// handler table, back-pressure. Validation happens once here; handlers get typed messages.
import type WebSocket from 'ws';
import { decodeClientMessage, ErrorCode, CloseCode, PROTOCOL_VERSION, type ClientMessage, type ServerMessage } from '../protocol/index.js';
import { UserError } from '../errors.js';
import type { User } from '../auth/UserStore.js';
import type { HandlerCtx, Member, Peer, Services } from '../rooms/types.js';
import type { LiveRoom } from '../rooms/LiveRoom.js';
import { handlers } from './handlers.js';
import { TokenBucket } from './RateLimiter.js';
import type { Logger } from './log.js';

type ConnState =
  | { kind: 'greeting'; timer: NodeJS.Timeout }
  | { kind: 'lobby' }
  | { kind: 'waiting'; room: LiveRoom; member: Member }
  | { kind: 'in-room'; room: LiveRoom; member: Member }
  | { kind: 'closed' };

export interface ConnectionHooks {
  onClose(conn: Connection): void;
  onDropped?(reason: 'slow-consumer' | 'rate-limited' | 'heartbeat'): void;
}

let nextConnId = 1;

export class Connection implements Peer, HandlerCtx {
  readonly connId = nextConnId++;
  #state: ConnState;
  readonly #bucket: TokenBucket;
  #strikes = 0;
  #alive = true;
  #after: string[] | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly user: User,
    readonly restrictedRoom: string | null,
    readonly tokenHash: Buffer,
    readonly services: Services,
    private readonly log: Logger,
    private readonly hooks: ConnectionHooks,
  ) {
    const c = services.config.ws;
    this.#bucket = new TokenBucket(c.rateLimitPerSecond, c.rateLimitBurst);
    const timer = setTimeout(() => this.end(CloseCode.HELLO_TIMEOUT, 'No hello received in time.'), c.helloTimeoutSeconds * 1000);
    timer.unref();
    this.#state = { kind: 'greeting', timer };
    ws.on('message', (data, isBinary) => this.#onFrame(data as Buffer, isBinary));
    ws.on('pong', () => { this.#alive = true; });
    ws.on('close', () => this.#onClose());
    ws.on('error', (err) => log.debug({ err, connId: this.connId }, 'socket error'));
  }

  get peer(): Peer { return this; }

  get place(): { room: LiveRoom; member: Member } | null {
    return this.#state.kind === 'in-room' ? this.#state : null;
  }

  get waitingIn(): LiveRoom | null {
    return this.#state.kind === 'waiting' ? this.#state.room : null;
  }

  enter(room: LiveRoom, member: Member): void {
    if (this.#state.kind === 'waiting' && this.#state.room !== room) this.#state.room.lobby.remove(this.user.id, this);
    this.#state = { kind: 'in-room', room, member };
  }

  wait(room: LiveRoom, member: Member): void {
    this.#state = { kind: 'waiting', room, member };
    room.lobby.add(member, this);
  }

  exit(): void {
    const state = this.#state;
    if (state.kind === 'waiting') state.room.lobby.remove(this.user.id, this);
    if (state.kind === 'in-room' || state.kind === 'waiting') this.#state = { kind: 'lobby' };
  }

  released(roomId: string, frame: string): void {
    if (this.#state.kind === 'in-room' && this.#state.room.id === roomId) this.#state = { kind: 'lobby' };
    this.send(frame);
  }

  afterReply(frame: string): void {
    (this.#after ??= []).push(frame);
  }

  /** Queues a frame unless the client has stopped reading; then it is dropped, not buffered forever. */
  send(frame: string): void {
    if (this.#state.kind === 'closed' || this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.services.config.ws.maxBufferedBytes) {
      this.log.warn({ connId: this.connId, userId: this.user.id, buffered: this.ws.bufferedAmount }, 'dropping slow consumer');
      this.hooks.onDropped?.('slow-consumer');
      // A close frame would queue behind the backlog it is meant to cut: terminate instead.
      this.#detach();
      this.ws.terminate();
      return;
    }
    this.ws.send(frame);
  }

  end(code: number, reason: string): void {
    if (this.#state.kind === 'closed') return;
    this.send(JSON.stringify({ type: 'bye', code, reason } satisfies ServerMessage));
    this.#detach();
    this.ws.close(code, reason.slice(0, 120));
  }

  /** Heartbeat tick: false when the previous ping went unanswered (the socket is terminated). */
  heartbeat(): boolean {
    if (!this.#alive) {
      this.hooks.onDropped?.('heartbeat');
      this.ws.terminate();
      return false;
    }
    this.#alive = false;
    this.ws.ping();
    return true;
  }

  #reply(re: string, result: unknown): void {
    this.send(`{"type":"ok","re":${JSON.stringify(re)},"result":${JSON.stringify(result)}}`);
  }

  #error(re: string | null, code: string, message: string): void {
    this.send(JSON.stringify({ type: 'error', re, code, message } satisfies ServerMessage));
  }

  #onFrame(data: Buffer, isBinary: boolean): void {
    if (this.#state.kind === 'closed') return;
    if (!this.#bucket.take()) {
      this.#strikes += 1;
      if (this.#strikes >= this.services.config.ws.rateLimitStrikes) {
        this.hooks.onDropped?.('rate-limited');
        this.end(CloseCode.RATE_LIMITED, 'Too many messages: slow down and reconnect.');
      } else {
        this.#error(null, ErrorCode.RATE_LIMITED, 'Too many messages; this one was not processed.');
      }
      return;
    }
    if (isBinary) return this.#error(null, ErrorCode.BINARY_NOT_SUPPORTED, 'Binary frames are not supported; send JSON text.');
    if (data.length > this.services.config.ws.maxPayloadBytes) {
      return this.#error(null, ErrorCode.TOO_LARGE, `The frame is larger than ${this.services.config.ws.maxPayloadBytes} bytes and was not processed.`);
    }
    const decoded = decodeClientMessage(data.toString('utf8'));
    if (!decoded.ok) return this.#error(decoded.re, decoded.code, decoded.message);
    this.#dispatch(decoded.message);
  }

  #dispatch(msg: ClientMessage): void {
    const state = this.#state;
    if (msg.type === 'hello') {
      if (state.kind !== 'greeting') return this.#error(msg.id, ErrorCode.ALREADY_READY, 'hello was already accepted on this connection.');
      if (msg.protocol !== PROTOCOL_VERSION) {
        this.#error(msg.id, ErrorCode.UNSUPPORTED_PROTOCOL, `This server speaks protocol ${PROTOCOL_VERSION}; reload the page to update the app.`);
        this.end(CloseCode.UNSUPPORTED_PROTOCOL, 'Unsupported protocol version.');
        return;
      }
      clearTimeout(state.timer);
      this.#state = { kind: 'lobby' };
      return this.#reply(msg.id, {
        protocol: PROTOCOL_VERSION, server: 'classroom',
        user: { userId: this.user.id, displayName: this.user.displayName, role: this.user.role },
        heartbeatMs: this.services.config.ws.heartbeatSeconds * 1000,
      });
    }
    if (state.kind === 'greeting') return this.#error(msg.id, ErrorCode.NOT_READY, 'Send hello first.');
    let result: unknown;
    try {
      const handler = handlers[msg.type] as (ctx: HandlerCtx, m: ClientMessage) => unknown;
      result = handler(this, msg);
    } catch (e) {
      this.#after = null;
      return this.#failed(msg, e);
    }
    if (result instanceof Promise) {
      // Media requests wait for the SFU; afterReply is for synchronous handlers only.
      result.then((r) => this.#reply(msg.id, r), (e: unknown) => this.#failed(msg, e));
      return;
    }
    this.#reply(msg.id, result);
    const after = this.#after;
    this.#after = null;
    if (after) for (const f of after) this.send(f);
  }

  #failed(msg: ClientMessage, e: unknown): void {
    if (e instanceof UserError) return this.#error(msg.id, e.code, e.message);
    this.log.error({ err: e, type: msg.type, userId: this.user.id }, 'handler failed');
    this.#error(msg.id, ErrorCode.INTERNAL, 'Something went wrong on the server; nothing was changed.');
  }

  /** Leaves the room as "reconnecting": the seat is kept for the grace period. */
  #detach(): void {
    const state = this.#state;
    if (state.kind === 'greeting') clearTimeout(state.timer);
    if (state.kind === 'in-room') state.room.detach(state.member.userId, this);
    if (state.kind === 'waiting') state.room.lobby.remove(this.user.id, this);
    this.#state = { kind: 'closed' };
  }

  #onClose(): void {
    this.#detach();
    this.hooks.onClose(this);
  }
}
