// The state of one room as this client sees it, and the pure reducer that applies what the
// server sends. No DOM, no sockets: every rule about ordering, dedupe and resume lives here
// and is unit-tested (test/unit/roomState.test.ts, test/unit/classView.test.ts).
import { applyClassEvent, initialClassState, type ClassEvent, type ClassState, type Requestable } from '../protocol/classState.js';
import type { ChatMessage, JoinResult, LobbyEntry, ParticipantInfo, RoomEvent, RoomInfo, WaitingResult } from '../protocol/messages.js';
import { emptyBoard, type BoardState } from '../whiteboard/model.js';
import { applyBoardEvent } from './whiteboard/boardState.js';

export interface RoomState {
  room: RoomInfo | null;
  self: JoinResult['self'] | null;
  participants: ParticipantInfo[];
  /**
   * The seq the join snapshots (participants, class) were taken at (JoinResult.head).
   * Replayed participant and class events at or below it are already reflected in them and
   * must not be applied again (a replayed "left" would remove someone who came back later; a
   * replayed raised hand would jump to the end of the queue).
   */
  snapshotSeq: number;
  /** Class management state as this participant may see it. */
  class: ClassState;
  /** The room's whiteboard: the join's board (as of snapshotSeq) plus later wb.op events. */
  board: BoardState;
  /** Staff: who is waiting to be admitted (replaced by every `lobby` frame). */
  lobby: LobbyEntry[];
  /** Set in a breakout group room: the class room it belongs to. */
  parentRoomId: string | null;
  /**
   * Display names by user id, from everything seen (participants, the lobby, chat). Kept
   * across room moves so breakout groups can name people who are not in this room.
   */
  names: Readonly<Record<number, string>>;
  /** A teacher just declined my request for this (cleared when I ask again or get it). */
  declined: Requestable | null;
  /** Chat messages, oldest first (ascending seq). */
  messages: ChatMessage[];
  /** Whether older messages exist before messages[0] ("Load earlier messages"). */
  hasMore: boolean;
  /** Highest seq applied; sent as `since` on the next join. */
  lastSeq: number;
  /** Set while a resume replay is in flight: lastSeq becomes at least this when it is done. */
  replayHead: number | null;
  closed: boolean;
}

export type RoomAction =
  | { type: 'joined'; result: JoinResult }
  /** In the waiting room: only who and where are known. */
  | { type: 'waiting'; result: WaitingResult }
  | { type: 'lobby'; waiting: LobbyEntry[] }
  | { type: 'events'; events: readonly RoomEvent[] }
  | { type: 'replayDone' }
  | { type: 'presence'; userId: number; state: ParticipantInfo['state'] }
  | { type: 'history'; messages: readonly ChatMessage[]; hasMore: boolean };

export const initialRoomState: RoomState = {
  room: null,
  self: null,
  participants: [],
  snapshotSeq: 0,
  class: initialClassState(),
  board: emptyBoard(),
  lobby: [],
  parentRoomId: null,
  names: {},
  declined: null,
  messages: [],
  hasMore: false,
  lastSeq: 0,
  replayHead: null,
  closed: false,
};

export function roomReducer(state: RoomState, action: RoomAction): RoomState {
  switch (action.type) {
    case 'joined':
      return applyJoin(state, action.result);
    case 'waiting':
      return { ...state, room: action.result.room, self: action.result.self, names: withNames(state.names, [action.result.self]) };
    case 'lobby':
      return { ...state, lobby: action.waiting, names: withNames(state.names, action.waiting) };
    case 'events':
      return action.events.reduce(applyEvent, state);
    case 'replayDone':
      return state.replayHead === null ? state : { ...state, lastSeq: Math.max(state.lastSeq, state.replayHead), replayHead: null };
    case 'presence':
      return {
        ...state,
        participants: state.participants.map((p) => (p.userId === action.userId ? { ...p, state: action.state } : p)),
      };
    case 'history':
      return {
        ...state,
        messages: mergeMessages(action.messages, state.messages),
        hasMore: action.hasMore,
        names: withNames(state.names, action.messages.map((m) => m.from)),
      };
  }
}

/**
 * A fresh state for another room (a breakout move, a visit). Keeps the names seen so far, and
 * who we are until the join says otherwise, so the screen keeps its layout while joining.
 */
export function movedRoomState(state: RoomState): RoomState {
  return { ...initialRoomState, self: state.self, names: state.names };
}

function applyJoin(state: RoomState, r: JoinResult): RoomState {
  const base = {
    ...state,
    room: r.room,
    self: r.self,
    participants: r.participants,
    snapshotSeq: r.head,
    class: r.class,
    // Always as of head, whatever the resume: replayed wb.op events at or below it are skipped.
    board: r.board,
    lobby: r.lobby ?? [],
    parentRoomId: r.parentRoomId ?? null,
    names: withNames(state.names, [
      r.self, ...r.participants, ...(r.lobby ?? []), ...(r.recent?.messages.map((m) => m.from) ?? []), ...groupMembers(r.class),
    ]),
    closed: r.room.status === 'closed',
  };
  if (r.resume === 'fresh') {
    // Too far behind (or first join): the newest messages replace whatever we had.
    return {
      ...base,
      messages: r.recent ? [...r.recent.messages] : [],
      hasMore: r.recent?.hasMore ?? false,
      lastSeq: Math.max(r.head, ...(r.recent?.messages.map((m) => m.seq) ?? [])),
      replayHead: null,
    };
  }
  // Events follow in room.replay frames; only once they are all applied is "head" safe to
  // remember (events we may not see, such as others' direct messages, leave gaps in seq).
  return r.head > state.lastSeq ? { ...base, replayHead: r.head } : { ...base, replayHead: null };
}

function applyEvent(state: RoomState, e: RoomEvent): RoomState {
  // The log is ordered and gap-free per viewer: anything at or below lastSeq was applied.
  if (e.seq <= state.lastSeq) return state;
  const next = { ...state, lastSeq: e.seq };
  if (isClassEvent(e)) {
    if (e.seq <= state.snapshotSeq) return next;
    const cls = applyClassEvent(next.class, e);
    return { ...next, class: cls, declined: declinedAfter(next, e), names: e.kind === 'breakout.started' ? withNames(next.names, groupMembers(cls)) : next.names };
  }
  switch (e.kind) {
    case 'chat.message':
      return { ...next, messages: mergeMessages(next.messages, [e.data]), names: withNames(next.names, [e.data.from]) };
    case 'chat.deleted':
      return {
        ...next,
        messages: next.messages.map((m) =>
          m.messageId === e.data.messageId ? { ...m, text: '', deleted: { by: e.data.by, at: e.at } } : m),
      };
    case 'participant.joined': {
      const names = withNames(next.names, [e.data]);
      if (e.seq <= state.snapshotSeq) return { ...next, names };
      const others = next.participants.filter((p) => p.userId !== e.data.userId);
      return { ...next, names, participants: [...others, { ...e.data, state: 'joined' }] };
    }
    case 'participant.left':
      if (e.seq <= state.snapshotSeq) return next;
      return { ...next, participants: next.participants.filter((p) => p.userId !== e.data.userId) };
    case 'room.closed':
      return { ...next, closed: true };
    case 'wb.op':
      return { ...next, board: applyBoardEvent(next.board, e, state.snapshotSeq) };
  }
}

type NonClassEvent = Exclude<RoomEvent, { kind: ClassEvent['kind'] }>;

/** Tracks the teacher's "no" to one of my requests, for the note next to the buttons. */
function declinedAfter(s: RoomState, e: ClassEvent): Requestable | null {
  const me = s.self?.userId;
  switch (e.kind) {
    case 'class.answered':
      return e.data.userId === me && !e.data.approve ? e.data.capability : s.declined;
    case 'class.requested':
      return e.data.userId === me && e.data.capability === s.declined ? null : s.declined;
    case 'class.granted':
      return (e.data.userId === me || e.data.userId === null) && e.data.allow && e.data.capability === s.declined ? null : s.declined;
    default:
      return s.declined;
  }
}

/** Class, poll and breakout events: everything the class reducer handles. */
function isClassEvent(e: RoomEvent): e is Exclude<RoomEvent, NonClassEvent> {
  return e.kind.startsWith('class.') || e.kind.startsWith('poll.') || e.kind.startsWith('breakout.');
}

/** Names of breakout group members, as the server recorded them at the split. */
function groupMembers(c: ClassState): Array<{ userId: number; displayName: string }> {
  return c.breakout?.groups.flatMap((g) => g.members ?? []) ?? [];
}

function withNames(names: Readonly<Record<number, string>>, people: ReadonlyArray<{ userId: number; displayName: string }>): Readonly<Record<number, string>> {
  let out: Record<number, string> | null = null;
  for (const p of people) {
    if (names[p.userId] === p.displayName) continue;
    out ??= { ...names };
    out[p.userId] = p.displayName;
  }
  return out ?? names;
}

/** Union of two message lists by messageId (the later copy wins), in seq order. */
function mergeMessages(a: readonly ChatMessage[], b: readonly ChatMessage[]): ChatMessage[] {
  const byId = new Map<number, ChatMessage>();
  for (const m of a) byId.set(m.messageId, m);
  for (const m of b) byId.set(m.messageId, m);
  const out = [...byId.values()];
  // Usually already ordered (append at the end, prepend a page): sort only when needed.
  for (let i = 1; i < out.length; i++) {
    if (out[i - 1]!.seq > out[i]!.seq) return out.sort((x, y) => x.seq - y.seq);
  }
  return out;
}

/** Roles that may moderate chat (delete messages) and receive students' direct messages. */
export const STAFF_ROLES: ReadonlySet<ParticipantInfo['role']> = new Set(['admin', 'teacher', 'assistant']);

/** Who `self` may address a direct message to, following the server's rule. */
export function dmRecipients(state: Pick<RoomState, 'self' | 'participants'>): ParticipantInfo[] {
  const self = state.self;
  if (!self) return [];
  const staff = STAFF_ROLES.has(self.role);
  return state.participants.filter((p) => p.userId !== self.userId && (staff || STAFF_ROLES.has(p.role)));
}
