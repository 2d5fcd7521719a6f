// Being in one room at a time: join on every (re)connection, resume with `since: lastSeq`,
// apply the replay, then live events. The room can change under it (breakout groups, a
// teacher's visit, the recall): a move is a fresh join of the other room on the same
// connection. Holds the RoomState (see roomState.ts) and tells subscribers when it changes.
// Framework-free: components read snapshots through useRoomSession.
import { CloseCode } from '../protocol/errors.js';
import type { ChatMessage, ClientMessageOf, ClientMessageType, ResultMap, ServerMessage } from '../protocol/messages.js';
import type { MediaServerMessage } from '../protocol/media.js';
import { Connection, RequestError, describeFinalClose, type ConnectionOptions, type ConnectionStatus, type FinalClose, type PushMessage } from './connection.js';
import { initialRoomState, movedRoomState, roomReducer, type RoomAction, type RoomState } from './roomState.js';

/** What a person can do about an ended session. */
export type EndAction = 'sign-in' | 'take-over' | 'reload' | 'rooms';

/** The session's lifecycle as the UI shows it. */
export type SessionStatus =
  | { kind: 'connecting' }
  /** In the waiting room until a teacher admits (or declines) this participant. */
  | { kind: 'waiting' }
  /** Joined; missed events are still arriving. */
  | { kind: 'syncing' }
  | { kind: 'live' }
  /** Lost the connection (or never got one); retrying at retryAt. */
  | { kind: 'reconnecting'; attempt: number; retryAt: number | null }
  /** `code`: the close code when the server ended it (removed, denied, class ended…). */
  | { kind: 'ended'; title: string; detail: string | null; action: EndAction; code: number | null };

export interface SessionSnapshot {
  /** The room this session is in (or joining): changes with breakout moves and visits. */
  roomId: string;
  status: SessionStatus;
  room: RoomState;
  /** In a breakout group: when the breakout ends, if it has a timer and we know it. */
  breakoutEndsAt: number | null;
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

/** Requests a component may send through the session (the session owns join, leave and hello). */
export type ActionType = Exclude<ClientMessageType, 'hello' | 'ping' | 'room.join' | 'room.leave'>;

/** One wb.updates frame's updates (others' strokes in progress, cursors, lasers). */
export type BoardUpdates = Extract<ServerMessage, { type: 'wb.updates' }>['updates'];

export class RoomSession {
  readonly #conn: Connection;
  readonly #listeners = new Set<() => void>();
  /** Ephemeral board updates go straight to the board (up to 30 frames/s: not room state). */
  readonly #boardListeners = new Set<(updates: BoardUpdates) => void>();
  readonly #mediaListeners = new Set<(m: MediaServerMessage) => void>();
  readonly #joinListeners = new Set<(roomId: string, selfId: number) => void>();
  #snapshot: SessionSnapshot;
  /** Whether a join of the current room ever succeeded: only then is lastSeq worth resuming from. */
  #joinedOnce = false;
  /** Bumped by every join and move: a reply to an older join is stale and ignored. */
  #joinGen = 0;
  /** The class room of the group we are in (from the move or the join), kept across reconnects. */
  #parentRoomId: string | null = null;

  constructor(o: RoomSessionOptions) {
    this.#snapshot = { roomId: o.roomId, status: { kind: 'connecting' }, room: initialRoomState, breakoutEndsAt: null };
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

  get roomId(): string {
    return this.#snapshot.roomId;
  }

  getSnapshot = (): SessionSnapshot => this.#snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Live whiteboard updates of the current room, as they come; returns the unsubscribe. */
  onBoardUpdates(listener: (updates: BoardUpdates) => void): () => void {
    this.#boardListeners.add(listener);
    return () => this.#boardListeners.delete(listener);
  }

  /** media.* frames of the current room (the media controller's input). */
  onMedia(listener: (m: MediaServerMessage) => void): () => void {
    this.#mediaListeners.add(listener);
    return () => this.#mediaListeners.delete(listener);
  }

  /** Every successful join: first, after a reconnect, after a move. Media re-establishes on it. */
  onJoined(listener: (roomId: string, selfId: number) => void): () => void {
    this.#joinListeners.add(listener);
    return () => this.#joinListeners.delete(listener);
  }

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

  /** A class-management request (class.*, poll.*, breakout.*); the result arrives as events too. */
  request<T extends ActionType>(type: T, payload: Omit<ClientMessageOf<T>, 'id' | 'type'>): Promise<ResultMap[T]> {
    return this.#conn.request(type, payload);
  }

  /** Fetches the page of messages before the oldest one shown. */
  async loadEarlier(): Promise<void> {
    const oldest: ChatMessage | undefined = this.#snapshot.room.messages[0];
    const page = await this.#conn.request('chat.history', oldest ? { before: oldest.messageId, limit: HISTORY_PAGE } : { limit: HISTORY_PAGE });
    this.#dispatch({ type: 'history', messages: page.messages, hasMore: page.hasMore });
  }

  /**
   * Staff: go to another room on this connection (visit a breakout group, back to class).
   * Leaving first is what the server asks; a failed leave (not in a room) does not matter.
   */
  async visit(roomId: string): Promise<void> {
    if (roomId === this.roomId || this.#snapshot.status.kind === 'ended') return;
    try {
      await this.#conn.request('room.leave', {});
    } catch (e) {
      if (!(e instanceof RequestError) || e.code !== 'NOT_IN_ROOM') throw e;
    }
    this.#move(roomId);
  }

  /** Switches this session to `roomId` and joins it fresh (its seqs are not ours). */
  #move(roomId: string): void {
    const cls = this.#snapshot.room.class;
    const group = cls.breakout?.groups.find((g) => g.roomId === roomId);
    // Into a group from its class room: remember the way back and the timer.
    if (group) this.#parentRoomId = this.roomId;
    this.#joinedOnce = false;
    this.#joinGen++;
    this.#publish({
      roomId,
      status: { kind: 'connecting' },
      room: movedRoomState(this.#snapshot.room),
      breakoutEndsAt: group ? cls.breakout!.endsAt : null,
    });
    if (this.#conn.status.kind === 'open') void this.#join();
    // Otherwise onReady joins the new room once the connection is back.
  }

  async #join(): Promise<void> {
    const gen = ++this.#joinGen;
    const roomId = this.roomId;
    const since = this.#joinedOnce ? this.#snapshot.room.lastSeq : undefined;
    try {
      const result = await this.#conn.request('room.join', since === undefined ? { roomId } : { roomId, since });
      if (gen !== this.#joinGen) return;
      if (result.status === 'waiting') {
        this.#dispatch({ type: 'waiting', result });
        this.#setStatus({ kind: 'waiting' });
        return;
      }
      this.#joinedOnce = true;
      this.#parentRoomId = result.parentRoomId ?? null;
      this.#dispatch({ type: 'joined', result });
      // The group room may know its own timer; otherwise keep what the class room said.
      const endsAt = result.parentRoomId ? result.class.breakout?.endsAt ?? this.#snapshot.breakoutEndsAt : null;
      if (endsAt !== this.#snapshot.breakoutEndsAt) this.#publish({ ...this.#snapshot, breakoutEndsAt: endsAt });
      // The replay frames were queued right after the reply: until the last one, we are syncing.
      this.#setStatus(this.#snapshot.room.replayHead === null ? { kind: 'live' } : { kind: 'syncing' });
      for (const l of [...this.#joinListeners]) l(roomId, result.self.userId);
    } catch (e) {
      if (gen !== this.#joinGen) return;
      const err = e instanceof RequestError ? e : new RequestError('INTERNAL', String(e));
      // Lost the socket mid-join: the connection retries and we join again from onReady.
      if (err.code === 'NOT_CONNECTED' || err.code === 'TIMEOUT') return;
      // The server sent a room.move to our group just before this error: already moving.
      if (err.code === 'IN_BREAKOUT') return;
      // Back from a drop after the breakout ended: the group is gone, the class room is not.
      const parent = this.#parentRoomId;
      if (parent && parent !== roomId && (err.code === 'ROOM_CLOSED' || err.code === 'ROOM_NOT_FOUND' || err.code === 'FORBIDDEN')) {
        this.#parentRoomId = null;
        this.#move(parent);
        return;
      }
      this.#end({
        title: joinRefusal(err.code),
        detail: err.message,
        action: err.code === 'UNAUTHENTICATED' ? 'sign-in' : 'rooms',
        code: null,
      });
    }
  }

  #onPush(m: PushMessage): void {
    if (m.type === 'room.move') {
      if (m.from === this.roomId && m.to !== this.roomId) this.#move(m.to);
      return;
    }
    if (m.roomId !== this.roomId) return;
    switch (m.type) {
      case 'room.event':
        this.#dispatch({ type: 'events', events: [m.event] });
        if (m.event.kind === 'room.closed') {
          // The server closes the socket with ROOM_CLOSED next; say so right away.
          this.#end({ title: describeFinalClose(CloseCode.ROOM_CLOSED), detail: null, action: 'rooms', code: CloseCode.ROOM_CLOSED });
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
      case 'lobby':
        this.#dispatch({ type: 'lobby', waiting: m.waiting });
        break;
      case 'lobby.admitted':
        if (this.#snapshot.status.kind === 'waiting') void this.#join();
        break;
      case 'wb.updates':
        for (const l of [...this.#boardListeners]) l(m.updates);
        break;
      case 'media.producer':
      case 'media.producerClosed':
      case 'media.producerState':
      case 'media.consumerClosed':
      case 'media.speaker':
      case 'media.reset':
        for (const l of [...this.#mediaListeners]) l(m);
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

  #end(e: { title: string; detail: string | null; action: EndAction; code: number | null }): void {
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

/** Ends where a teacher's decision is the news: the server's own sentences say it best. */
const TEACHER_DECISIONS: ReadonlySet<number> = new Set([CloseCode.REMOVED, CloseCode.DENIED, CloseCode.CLASS_ENDED]);

function endOf(f: FinalClose): { title: string; detail: string | null; action: EndAction; code: number } {
  let title = describeFinalClose(f.code);
  let detail: string | null = f.reason && f.reason !== title ? f.reason : null;
  if (detail && TEACHER_DECISIONS.has(f.code)) {
    // "A teacher removed you from the class. You cannot rejoin this session." → heading + detail.
    const m = /^(.+?[.!?])\s+(.+)$/s.exec(detail);
    title = m ? m[1]! : detail;
    detail = m ? m[2]! : null;
  }
  switch (f.code) {
    case CloseCode.SESSION_REVOKED:
      return { title, detail, action: 'sign-in', code: f.code };
    case CloseCode.REPLACED:
      return { title, detail, action: 'take-over', code: f.code };
    case CloseCode.UNSUPPORTED_PROTOCOL:
      return { title, detail, action: 'reload', code: f.code };
    default:
      return { title, detail, action: 'rooms', code: f.code };
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
    case 'ROOM_LOCKED':
      return 'This room is locked.';
    case 'BARRED':
      return 'You were removed from this class.';
    default:
      return 'Could not enter the room.';
  }
}
