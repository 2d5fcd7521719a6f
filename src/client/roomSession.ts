// Being in one room: join on every (re)connection, resume with `since: lastSeq`, apply the
// replay, then live events. Holds the RoomState (see roomState.ts) and tells subscribers when
// it changes. Framework-free: components read snapshots through useRoomSession.
import { CloseCode } from '../protocol/errors.js';
import type { ChatMessage, ResultMap } from '../protocol/messages.js';
import { Connection, RequestError, describeFinalClose, type ConnectionOptions, type ConnectionStatus, type FinalClose, type PushMessage } from './connection.js';
import { initialRoomState, roomReducer, type RoomAction, type RoomState } from './roomState.js';

/** What a person can do about an ended session. */
export type EndAction = 'sign-in' | 'take-over' | 'reload' | 'rooms';

/** The session's lifecycle as the UI shows it. */
export type SessionStatus =
  | { kind: 'connecting' }
  /** Joined; missed events are still arriving. */
  | { kind: 'syncing' }
  | { kind: 'live' }
  /** Lost the connection (or never got one); retrying at retryAt. */
  | { kind: 'reconnecting'; attempt: number; retryAt: number | null }
  | { kind: 'ended'; title: string; detail: string | null; action: EndAction };

export interface SessionSnapshot {
  status: SessionStatus;
  room: RoomState;
}

const HISTORY_PAGE = 50;

export interface RoomSessionOptions {
  roomId: string;
  url: string;
  /** Resolves to a FinalClose when the session cookie is no longer valid (see checkBeforeRetry). */
  checkSession?: () => Promise<FinalClose | null>;
  /** Test seam: extra Connection options (socket factory, timers). */
  connection?: Partial<ConnectionOptions>;
}

export class RoomSession {
  readonly roomId: string;
  readonly #conn: Connection;
  readonly #listeners = new Set<() => void>();
  #snapshot: SessionSnapshot = { status: { kind: 'connecting' }, room: initialRoomState };
  /** Whether a join ever succeeded: only then is lastSeq worth resuming from. */
  #joinedOnce = false;

  constructor(o: RoomSessionOptions) {
    this.roomId = o.roomId;
    this.#conn = new Connection({
      url: o.url,
      client: 'classroom-web/0.1',
      onReady: () => void this.#join(),
      onPush: (m) => this.#onPush(m),
      onStatus: (s) => this.#onConnectionStatus(s),
      checkBeforeRetry: o.checkSession,
      ...o.connection,
    });
  }

  getSnapshot = (): SessionSnapshot => this.#snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  start(): void {
    this.#conn.start();
  }

  /** Leaves the page: closes the socket without telling anyone it was a failure. */
  close(): void {
    this.#conn.stop();
  }

  retryNow(): void {
    this.#conn.retryNow();
  }

  /** After "signed in from another tab": take the seat back here. */
  takeOver(): void {
    this.#setStatus({ kind: 'connecting' });
    this.#conn.start();
  }

  get connected(): boolean {
    const k = this.#snapshot.status.kind;
    return k === 'live' || k === 'syncing';
  }

  async send(text: string, to?: number): Promise<ResultMap['chat.send']> {
    return this.#conn.request('chat.send', to === undefined ? { text } : { text, to });
  }

  async deleteMessage(messageId: number): Promise<void> {
    await this.#conn.request('chat.delete', { messageId });
  }

  /** Fetches the page of messages before the oldest one shown. */
  async loadEarlier(): Promise<void> {
    const oldest: ChatMessage | undefined = this.#snapshot.room.messages[0];
    const page = await this.#conn.request('chat.history', oldest ? { before: oldest.messageId, limit: HISTORY_PAGE } : { limit: HISTORY_PAGE });
    this.#dispatch({ type: 'history', messages: page.messages, hasMore: page.hasMore });
  }

  async #join(): Promise<void> {
    const since = this.#joinedOnce ? this.#snapshot.room.lastSeq : undefined;
    try {
      const result = await this.#conn.request('room.join', since === undefined ? { roomId: this.roomId } : { roomId: this.roomId, since });
      this.#joinedOnce = true;
      this.#dispatch({ type: 'joined', result });
      // The replay frames were queued right after the reply: until the last one, we are syncing.
      this.#setStatus(this.#snapshot.room.replayHead === null ? { kind: 'live' } : { kind: 'syncing' });
    } catch (e) {
      const err = e instanceof RequestError ? e : new RequestError('INTERNAL', String(e));
      // Lost the socket mid-join: the connection retries and we join again from onReady.
      if (err.code === 'NOT_CONNECTED' || err.code === 'TIMEOUT') return;
      this.#end({
        title: joinRefusal(err.code),
        detail: err.message,
        action: err.code === 'UNAUTHENTICATED' ? 'sign-in' : 'rooms',
      });
    }
  }

  #onPush(m: PushMessage): void {
    if (m.roomId !== this.roomId) return;
    switch (m.type) {
      case 'room.event':
        this.#dispatch({ type: 'events', events: [m.event] });
        if (m.event.kind === 'room.closed') {
          // The server closes the socket with ROOM_CLOSED next; say so right away.
          this.#end({ title: describeFinalClose(CloseCode.ROOM_CLOSED), detail: null, action: 'rooms' });
        }
        break;
      case 'room.replay':
        this.#dispatch({ type: 'events', events: m.events });
        if (m.done) {
          this.#dispatch({ type: 'replayDone' });
          if (this.#snapshot.status.kind === 'syncing') this.#setStatus({ kind: 'live' });
        }
        break;
      case 'presence':
        this.#dispatch({ type: 'presence', userId: m.userId, state: m.state });
        break;
    }
  }

  #onConnectionStatus(s: ConnectionStatus): void {
    if (this.#snapshot.status.kind === 'ended' && s.kind !== 'connecting') return;
    switch (s.kind) {
      case 'idle':
        return;
      case 'connecting':
        // A first connection is "connecting"; a retry keeps showing "reconnecting".
        if (this.#snapshot.status.kind !== 'reconnecting') this.#setStatus({ kind: 'connecting' });
        return;
      case 'open':
        return; // live once the join succeeds
      case 'waiting':
        this.#setStatus({ kind: 'reconnecting', attempt: s.attempt, retryAt: s.retryAt });
        return;
      case 'closed':
        if (s.final) this.#end(endOf(s.final));
        return;
    }
  }

  #end(e: { title: string; detail: string | null; action: EndAction }): void {
    if (this.#snapshot.status.kind === 'ended') return;
    this.#conn.stop();
    this.#setStatus({ kind: 'ended', ...e });
  }

  #dispatch(action: RoomAction): void {
    const room = roomReducer(this.#snapshot.room, action);
    if (room !== this.#snapshot.room) this.#publish({ ...this.#snapshot, room });
  }

  #setStatus(status: SessionStatus): void {
    this.#publish({ ...this.#snapshot, status });
  }

  #publish(s: SessionSnapshot): void {
    this.#snapshot = s;
    for (const l of [...this.#listeners]) l();
  }
}

function endOf(f: FinalClose): { title: string; detail: string | null; action: EndAction } {
  const title = describeFinalClose(f.code);
  const detail = f.reason && f.reason !== title ? f.reason : null;
  switch (f.code) {
    case CloseCode.SESSION_REVOKED:
      return { title, detail, action: 'sign-in' };
    case CloseCode.REPLACED:
      return { title, detail, action: 'take-over' };
    case CloseCode.UNSUPPORTED_PROTOCOL:
      return { title, detail, action: 'reload' };
    default:
      return { title, detail, action: 'rooms' };
  }
}

function joinRefusal(code: string): string {
  switch (code) {
    case 'ROOM_NOT_FOUND':
      return 'This room does not exist.';
    case 'ROOM_CLOSED':
      return 'This room is closed.';
    case 'ROOM_FULL':
      return 'This room is full.';
    case 'FORBIDDEN':
      return 'You cannot enter this room.';
    default:
      return 'Could not enter the room.';
  }
}
