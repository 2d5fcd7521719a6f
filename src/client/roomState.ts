// The state of one room as this client sees it, and the pure reducer that applies what the
// server sends. No DOM, no sockets: every rule about ordering, dedupe and resume lives here
// and is unit-tested (test/unit/roomState.test.ts).
import type { ChatMessage, JoinResult, ParticipantInfo, RoomEvent, RoomInfo } from '../protocol/messages.js';

export interface RoomState {
  room: RoomInfo | null;
  self: JoinResult['self'] | null;
  participants: ParticipantInfo[];
  /**
   * The seq the participant snapshot was taken at (JoinResult.head). Replayed participant
   * events at or below it are already reflected in the snapshot and must not be applied again
   * (a replayed "left" would otherwise remove someone who came back later).
   */
  participantsAsOf: number;
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
  | { type: 'events'; events: readonly RoomEvent[] }
  | { type: 'replayDone' }
  | { type: 'presence'; userId: number; state: ParticipantInfo['state'] }
  | { type: 'history'; messages: readonly ChatMessage[]; hasMore: boolean };

export const initialRoomState: RoomState = {
  room: null,
  self: null,
  participants: [],
  participantsAsOf: 0,
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
      return { ...state, messages: mergeMessages(action.messages, state.messages), hasMore: action.hasMore };
  }
}

function applyJoin(state: RoomState, r: JoinResult): RoomState {
  const base = {
    ...state,
    room: r.room,
    self: r.self,
    participants: r.participants,
    participantsAsOf: r.head,
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
  switch (e.kind) {
    case 'chat.message':
      return { ...next, messages: mergeMessages(next.messages, [e.data]) };
    case 'chat.deleted':
      return {
        ...next,
        messages: next.messages.map((m) =>
          m.messageId === e.data.messageId ? { ...m, text: '', deleted: { by: e.data.by, at: e.at } } : m),
      };
    case 'participant.joined': {
      if (e.seq <= state.participantsAsOf) return next;
      const others = next.participants.filter((p) => p.userId !== e.data.userId);
      return { ...next, participants: [...others, { ...e.data, state: 'joined' }] };
    }
    case 'participant.left':
      if (e.seq <= state.participantsAsOf) return next;
      return { ...next, participants: next.participants.filter((p) => p.userId !== e.data.userId) };
    case 'room.closed':
      return { ...next, closed: true };
  }
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
