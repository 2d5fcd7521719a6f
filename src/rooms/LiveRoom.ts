// The live side of one room: who is here, in which state, and fan-out of room events.
// Durable truth is the RoomLog; this object only holds what exists while people are connected.
import type { ParticipantInfo, RoomEvent, RoomEventKind, ServerMessage, LeaveReason } from '../protocol/messages.js';
import { UserError } from '../errors.js';
import { canSee, type AppendData, type Appended, type Audience, type RoomLog } from './RoomLog.js';
import { applyClassEvent, isStaff, type ClassEventData, type ClassEventKind, type ClassState } from '../protocol/classState.js';
import type { ClassStore } from '../class/ClassStore.js';
import { Lobby } from '../class/Lobby.js';
import { LiveBoard, type BoardStore } from '../whiteboard/LiveBoard.js';
import type { WbEphemeral } from '../protocol/whiteboard.js';

/** Ephemeral whiteboard updates are gathered for this long and sent as one frame, in ms. */
const LIVE_TICK_MS = 33;
import type { Member, Peer, RoomObserver } from './types.js';

/** A participant's lifecycle: each state carries only what it needs. */
type ParticipantState =
  | { kind: 'joined'; peer: Peer }
  | { kind: 'reconnecting'; since: number; timer: NodeJS.Timeout };

interface Participant extends Member {
  state: ParticipantState;
}

export interface LiveRoomOptions {
  /** How long a dropped participant keeps its seat, in ms. */
  graceMs: number;
  classStore: ClassStore;
  boardStore: BoardStore;
  /** The class room this breakout group belongs to. */
  parentId: string | null;
  onEmpty: (room: LiveRoom) => void;
  onEvent?: (roomId: string, event: RoomEvent) => void;
  observer?: RoomObserver;
}

export class LiveRoom {
  readonly #participants = new Map<number, Participant>();

  readonly #log: RoomLog;
  readonly #opts: LiveRoomOptions;
  #class: ClassState;
  /** Waiting-room entries: live only; a restart asks people to knock again. */
  readonly lobby: Lobby;
  /** Students a teacher admitted during this class session. */
  readonly admitted = new Set<number>();
  #breakoutTimer: NodeJS.Timeout | null = null;
  #board: LiveBoard | null = null;
  #live: Array<WbEphemeral & { userId: number }> = [];
  #liveTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly id: string,
    public capacity: number,
    log: RoomLog,
    opts: LiveRoomOptions,
  ) {
    this.#log = log;
    this.#opts = opts;
    this.#class = opts.classStore.load(id);
    this.lobby = new Lobby(id, (frame) => this.sendToStaff(frame));
  }

  get parentId(): string | null {
    return this.#opts.parentId;
  }

  get size(): number {
    return this.#participants.size;
  }

  /** Nobody seated and nobody waiting: the manager may drop this object. */
  get idle(): boolean {
    // A running breakout timer keeps the class room alive even while everyone is in groups.
    return this.#participants.size === 0 && this.lobby.size === 0 && this.#breakoutTimer === null;
  }

  get classState(): ClassState {
    return this.#class;
  }

  /**
   * Appends a class-management event and, in the same transaction, the class state it leads
   * to; `also` runs inside that transaction too (e.g. a class_sessions row).
   */
  appendClass<K extends ClassEventKind>(
    kind: K, actorId: number | null, data: ClassEventData[K], audience: Audience = null,
    opts: { also?: () => void; patch?: (next: ClassState) => ClassState } = {},
  ): Appended {
    const { also, patch } = opts;
    let next = this.#class;
    const a = this.#opts.classStore.transaction(() => {
      const appended = this.#log.append(this.id, kind, actorId, data as AppendData<K>, audience);
      next = applyClassEvent(this.#class, { kind, data } as never);
      // Server-only parts of the state (correct answers, who voted what) are not in the event.
      if (patch) next = patch(next);
      this.#opts.classStore.save(this.id, next, appended.event.seq);
      also?.();
      return appended;
    });
    this.#class = next;
    this.publish(a);
    this.#opts.observer?.classChanged(this);
    return a;
  }

  /** Runs `fn` when the breakout timer runs out (replacing any earlier timer). */
  scheduleBreakoutEnd(at: number | null, fn: () => void): void {
    const had = this.#breakoutTimer !== null;
    if (this.#breakoutTimer) clearTimeout(this.#breakoutTimer);
    this.#breakoutTimer = null;
    if (at === null) {
      // The timer was what kept an empty room alive.
      if (had && this.idle) this.#opts.onEmpty(this);
      return;
    }
    this.#breakoutTimer = setTimeout(() => {
      this.#breakoutTimer = null;
      fn();
    }, Math.max(0, at - Date.now()));
    this.#breakoutTimer.unref();
  }

  /** The board, loaded on first use (snapshot + the ops after it). */
  get board(): LiveBoard {
    return (this.#board ??= new LiveBoard(this.id, this.#opts.boardStore));
  }

  /**
   * Queues an ephemeral whiteboard update. Everything queued within one tick goes out as one
   * frame, encoded once for everyone: 30 people drawing cost one send per person per tick.
   */
  relay(userId: number, update: WbEphemeral): void {
    this.#live.push({ ...update, userId });
    this.#liveTimer ??= setTimeout(() => this.#flushLive(), LIVE_TICK_MS);
  }

  #flushLive(): void {
    this.#liveTimer = null;
    const updates = this.#live;
    this.#live = [];
    if (updates.length === 0) return;
    this.broadcast(JSON.stringify({ type: 'wb.updates', roomId: this.id, updates } satisfies ServerMessage));
  }

  dispose(): void {
    if (this.#breakoutTimer) clearTimeout(this.#breakoutTimer);
    if (this.#liveTimer) clearTimeout(this.#liveTimer);
    this.#board?.flush();
  }

  /** Seated participants, for class controls that act on many (end of class, breakouts). */
  seated(): Array<{ member: Member; peer: Peer | null }> {
    return [...this.#participants.values()].map((p) => ({
      member: { userId: p.userId, displayName: p.displayName, role: p.role },
      peer: p.state.kind === 'joined' ? p.state.peer : null,
    }));
  }

  /** An already-encoded frame to everyone connected. */
  broadcast(frame: string): void {
    for (const p of this.#participants.values()) if (p.state.kind === 'joined') p.state.peer.send(frame);
  }

  /** An already-encoded frame to one participant, if connected. */
  sendTo(userId: number, frame: string): void {
    const p = this.#participants.get(userId);
    if (p?.state.kind === 'joined') p.state.peer.send(frame);
  }

  sendToStaff(frame: string): void {
    for (const p of this.#participants.values()) {
      if (p.state.kind === 'joined' && isStaff(p.role)) p.state.peer.send(frame);
    }
  }

  /** Takes someone out of this room without closing their connection (breakout moves). */
  release(userId: number, frame: string): void {
    const p = this.#participants.get(userId);
    if (!p) return;
    const peer = p.state.kind === 'joined' ? p.state.peer : null;
    this.remove(userId, 'breakout');
    peer?.released(this.id, frame);
  }

  participants(): ParticipantInfo[] {
    return [...this.#participants.values()].map((p) => ({
      userId: p.userId, displayName: p.displayName, role: p.role,
      state: p.state.kind === 'joined' ? 'joined' : 'reconnecting',
    }));
  }

  member(userId: number): Member | undefined {
    return this.#participants.get(userId);
  }

  isPresent(userId: number): boolean {
    return this.#participants.has(userId);
  }

  /**
   * Seats `member` on `peer`. A returning participant (reconnecting, or joined on another
   * connection) takes its seat back without a new join event; a new one needs a free seat.
   * Returns the peer this one replaced, if any.
   */
  attach(member: Member, peer: Peer): { replaced: Peer | null; isNew: boolean } {
    const existing = this.#participants.get(member.userId);
    if (existing) {
      let replaced: Peer | null = null;
      if (existing.state.kind === 'reconnecting') clearTimeout(existing.state.timer);
      else if (existing.state.peer !== peer) replaced = existing.state.peer;
      existing.state = { kind: 'joined', peer };
      existing.displayName = member.displayName;
      existing.role = member.role;
      // Another tab took the seat: what the old tab set up (its media) is not the new one's.
      if (replaced) this.#opts.observer?.replaced(this, member.userId);
      this.#sendPresence(member.userId, 'joined', peer);
      return { replaced, isNew: false };
    }
    // Teachers and admins always get in, so a full room of students cannot lock out its teacher.
    const privileged = member.role === 'teacher' || member.role === 'admin';
    if (!privileged && this.#participants.size >= this.capacity) {
      throw new UserError('ROOM_FULL', `This room is full (${this.capacity} participants).`);
    }
    // Logged before the seat is taken: the joiner learns of its own join through the reply's
    // head (or its replay), not as a live event ahead of the reply.
    this.append('participant.joined', member.userId, { userId: member.userId, displayName: member.displayName, role: member.role });
    this.#participants.set(member.userId, { ...member, state: { kind: 'joined', peer } });
    return { replaced: null, isNew: true };
  }

  /** The connection dropped without a leave: keep the seat for the grace period. */
  detach(userId: number, peer: Peer): void {
    const p = this.#participants.get(userId);
    if (!p || p.state.kind !== 'joined' || p.state.peer !== peer) return;
    if (this.#opts.graceMs <= 0) {
      this.remove(userId, 'timeout');
      return;
    }
    const timer = setTimeout(() => this.remove(userId, 'timeout'), this.#opts.graceMs);
    timer.unref();
    p.state = { kind: 'reconnecting', since: Date.now(), timer };
    this.#sendPresence(userId, 'reconnecting', null);
  }

  /** The participant is gone: logged as left with a reason. */
  remove(userId: number, reason: LeaveReason): void {
    const p = this.#participants.get(userId);
    if (!p) return;
    if (p.state.kind === 'reconnecting') clearTimeout(p.state.timer);
    this.#participants.delete(userId);
    this.#opts.observer?.left(this, userId);
    try {
      this.append('participant.left', userId, { userId, reason });
    } catch (e) {
      // The room was deleted underneath us: nothing left to log into.
      if (!(e instanceof UserError)) throw e;
    }
    if (this.idle) this.#opts.onEmpty(this);
  }

  /** Writes an event to the durable log, then fans it out. */
  append<K extends RoomEventKind>(kind: K, actorId: number | null, data: AppendData<K>, audience: Audience = null): Appended {
    const appended = this.#log.append(this.id, kind, actorId, data, audience);
    this.publish(appended);
    return appended;
  }

  /** Fans out an already-stored event: encoded once, the same string to every recipient. */
  publish(a: Appended): void {
    const frame = JSON.stringify({ type: 'room.event', roomId: this.id, event: a.event } satisfies ServerMessage);
    for (const p of this.#participants.values()) {
      if (p.state.kind === 'joined' && canSee(a.audience, p.userId, isStaff(p.role))) p.state.peer.send(frame);
    }
    this.#opts.onEvent?.(this.id, a.event);
  }

  /** Ends everyone's participation (room closed or deleted). */
  shutdown(code: number, reason: string, leaveReason: LeaveReason): void {
    for (const p of [...this.#participants.values()]) {
      const peer = p.state.kind === 'joined' ? p.state.peer : null;
      // Removed first, so the closing connection finds no seat to keep for a reconnect.
      this.remove(p.userId, leaveReason);
      peer?.end(code, reason);
    }
  }

  /** Removes one user (account disabled, removed by a teacher later) with a close code. */
  evict(userId: number, code: number, reason: string, leaveReason: LeaveReason): void {
    const p = this.#participants.get(userId);
    if (!p) return;
    const peer = p.state.kind === 'joined' ? p.state.peer : null;
    this.remove(userId, leaveReason);
    peer?.end(code, reason);
  }

  #sendPresence(userId: number, state: 'joined' | 'reconnecting', except: Peer | null): void {
    const frame = JSON.stringify({ type: 'presence', roomId: this.id, userId, state } satisfies ServerMessage);
    for (const p of this.#participants.values()) {
      if (p.state.kind === 'joined' && p.state.peer !== except) p.state.peer.send(frame);
    }
  }
}
