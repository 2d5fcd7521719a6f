// Class management state: what the teacher controls, as one value per room. The server keeps
// the full state (persisted with every change); each participant gets a view filtered for
// its role, and both apply the same durable events with applyClassEvent. No zod, no node:*.
import type { ParticipantRole } from './messages.js';

export const CAPABILITIES = ['chat', 'draw', 'audio', 'video', 'screen', 'control'] as const;
export type Capability = (typeof CAPABILITIES)[number];
export type Caps = Record<Capability, boolean>;
/** What a student may ask for with class.request. */
export const REQUESTABLE = ['audio', 'video', 'draw', 'screen'] as const;
export type Requestable = (typeof REQUESTABLE)[number];

/** Students' capabilities in a new room: they chat and show their camera; the rest is asked for. */
export const DEFAULT_STUDENT_CAPS: Caps = { chat: true, draw: false, audio: false, video: true, screen: false, control: false };
export const ALL_CAPS: Caps = { chat: true, draw: true, audio: true, video: true, screen: true, control: true };

export const isStaff = (role: ParticipantRole): boolean => role !== 'student';

export interface Poll {
  id: number;
  question: string;
  options: string[];
  multiple: boolean;
  anonymous: boolean;
  /** A quiz has correct answers; students see them only once results are published. */
  quiz: boolean;
  correct?: number[];
  status: 'open' | 'closed' | 'published';
  createdAt: number;
  /** Live for staff; for students only once published. */
  counts?: number[];
  voters?: number;
  /** Who chose what: staff only, never for anonymous polls. */
  byUser?: Record<string, number[]>;
  /** This participant's own choices (views only). */
  mine?: number[];
}

export interface BreakoutGroup {
  index: number;
  name: string;
  roomId: string;
  userIds: number[];
  /** Names as of the split, so a group list reads well while its members are away. */
  members?: Array<{ userId: number; displayName: string }>;
}

export interface ClassState {
  /** The running class session, if any; numbered from 1 per room. */
  session: { number: number; startedAt: number } | null;
  sessionsHeld: number;
  settings: { locked: boolean; waitingRoom: boolean; handsVisible: boolean };
  studentCaps: Caps;
  /** Per-participant grants (true) and revocations (false) on top of the role's caps. */
  overrides: Record<string, Partial<Caps>>;
  /** Raised hands, oldest first. */
  hands: Array<{ userId: number; at: number }>;
  /** Open "ask to" requests, oldest first. */
  requests: Array<{ userId: number; capability: Requestable; at: number }>;
  /** Removed with a bar: may not rejoin until the session ends. */
  barred: number[];
  polls: Poll[];
  breakout: { groups: BreakoutGroup[]; startedAt: number; endsAt: number | null } | null;
  nextPollId: number;
  /** "Follow me": students' boards show this page until the teacher releases them. */
  follow: { pageId: string; by: number } | null;
}

export const initialClassState = (): ClassState => ({
  session: null,
  sessionsHeld: 0,
  settings: { locked: false, waitingRoom: false, handsVisible: false },
  studentCaps: { ...DEFAULT_STUDENT_CAPS },
  overrides: {},
  hands: [],
  requests: [],
  barred: [],
  polls: [],
  breakout: null,
  nextPollId: 1,
  follow: null,
});

/** The data of each class-management event kind in the room log. */
export interface ClassEventData {
  'class.granted': { userId: number | null; capability: Capability; allow: boolean };
  'class.requested': { userId: number; capability: Requestable; at: number };
  'class.answered': { userId: number; capability: Requestable; approve: boolean };
  'class.hand': { userId: number; raised: boolean; at: number };
  'class.handsLowered': { by: number };
  /** Turning handsVisible on also carries the current queue, which students had not seen. */
  'class.settings': ClassState['settings'] & { hands?: ClassState['hands'] };
  'class.removed': { userId: number; bar: boolean };
  'class.started': { session: number; at: number };
  'class.ended': { session: number; at: number };
  'poll.created': Omit<Poll, 'correct' | 'counts' | 'voters' | 'byUser' | 'mine'>;
  /** Staff only: a quiz's answer key, right after poll.created. */
  'poll.key': { pollId: number; correct: number[] };
  /** Staff only: the full tally after each vote. */
  'poll.tally': { pollId: number; counts: number[]; voters: number; byUser?: Record<string, number[]> };
  /** The voter only: their own choices. */
  'poll.voted': { pollId: number; choices: number[] };
  'poll.closed': { pollId: number };
  'poll.published': { pollId: number; counts: number[]; voters: number; correct?: number[] };
  'breakout.started': { groups: BreakoutGroup[]; startedAt: number; endsAt: number | null };
  'breakout.ended': { at: number };
  'class.follow': { pageId: string | null; by: number };
}
export type ClassEventKind = keyof ClassEventData;
export type ClassEvent = { [K in ClassEventKind]: { kind: K; data: ClassEventData[K] } }[ClassEventKind];

/** Applies one class event. Pure; unknown parts of a filtered view are tolerated. */
export function applyClassEvent(s: ClassState, e: ClassEvent): ClassState {
  switch (e.kind) {
    case 'class.granted': {
      const { userId, capability, allow } = e.data;
      if (userId === null) {
        // "Mute all" means all: a class-wide change replaces earlier per-person exceptions.
        const overrides: ClassState['overrides'] = {};
        for (const [id, o] of Object.entries(s.overrides)) {
          const { [capability]: _dropped, ...rest } = o;
          if (Object.keys(rest).length > 0) overrides[id] = rest;
        }
        return { ...s, studentCaps: { ...s.studentCaps, [capability]: allow }, overrides };
      }
      const key = String(userId);
      return {
        ...s,
        overrides: { ...s.overrides, [key]: { ...s.overrides[key], [capability]: allow } },
        requests: allow ? s.requests.filter((r) => !(r.userId === userId && r.capability === capability)) : s.requests,
      };
    }
    case 'class.requested':
      if (s.requests.some((r) => r.userId === e.data.userId && r.capability === e.data.capability)) return s;
      return { ...s, requests: [...s.requests, e.data] };
    case 'class.answered':
      return { ...s, requests: s.requests.filter((r) => !(r.userId === e.data.userId && r.capability === e.data.capability)) };
    case 'class.hand': {
      const rest = s.hands.filter((h) => h.userId !== e.data.userId);
      return { ...s, hands: e.data.raised ? [...rest, { userId: e.data.userId, at: e.data.at }] : rest };
    }
    case 'class.handsLowered':
      return { ...s, hands: [] };
    case 'class.settings': {
      const { hands, ...settings } = e.data;
      return { ...s, settings, ...(hands ? { hands } : {}) };
    }
    case 'class.removed':
      return {
        ...s,
        barred: e.data.bar && !s.barred.includes(e.data.userId) ? [...s.barred, e.data.userId] : s.barred,
        hands: s.hands.filter((h) => h.userId !== e.data.userId),
        requests: s.requests.filter((r) => r.userId !== e.data.userId),
      };
    case 'class.started':
      return { ...s, session: { number: e.data.session, startedAt: e.data.at }, sessionsHeld: Math.max(s.sessionsHeld, e.data.session) };
    case 'class.ended':
      // The end of a session clears what belonged to it; polls stay for the record.
      return { ...s, session: null, hands: [], requests: [], barred: [], breakout: null };
    case 'poll.created':
      return { ...s, polls: [...s.polls.filter((p) => p.id !== e.data.id), { ...e.data }], nextPollId: Math.max(s.nextPollId, e.data.id + 1) };
    case 'poll.key':
      return mapPoll(s, e.data.pollId, (p) => ({ ...p, correct: e.data.correct }));
    case 'poll.tally':
      return mapPoll(s, e.data.pollId, (p) => ({ ...p, counts: e.data.counts, voters: e.data.voters, ...(e.data.byUser ? { byUser: e.data.byUser } : {}) }));
    case 'poll.voted':
      return mapPoll(s, e.data.pollId, (p) => ({ ...p, mine: e.data.choices }));
    case 'poll.closed':
      return mapPoll(s, e.data.pollId, (p) => ({ ...p, status: 'closed' }));
    case 'poll.published':
      return mapPoll(s, e.data.pollId, (p) => ({
        ...p, status: 'published', counts: e.data.counts, voters: e.data.voters, ...(e.data.correct ? { correct: e.data.correct } : {}),
      }));
    case 'breakout.started':
      return { ...s, breakout: { groups: e.data.groups, startedAt: e.data.startedAt, endsAt: e.data.endsAt } };
    case 'breakout.ended':
      return { ...s, breakout: null };
    case 'class.follow':
      return { ...s, follow: e.data.pageId === null ? null : { pageId: e.data.pageId, by: e.data.by } };
  }
}

function mapPoll(s: ClassState, id: number, f: (p: Poll) => Poll): ClassState {
  return { ...s, polls: s.polls.map((p) => (p.id === id ? f(p) : p)) };
}

/** A participant's effective capabilities. */
export function capsOf(s: ClassState, userId: number, role: ParticipantRole): Caps {
  if (role === 'teacher' || role === 'admin') return { ...ALL_CAPS };
  const base = role === 'assistant' ? ALL_CAPS : s.studentCaps;
  return { ...base, ...s.overrides[String(userId)] };
}

/** What one participant may see of the state (the join snapshot). */
export function viewFor(s: ClassState, userId: number, role: ParticipantRole): ClassState {
  // Anonymous means nobody, staff included, learns who chose what.
  if (isStaff(role)) return { ...s, polls: s.polls.map((p) => (p.anonymous ? withoutByUser(p) : p)) };
  const me = String(userId);
  return {
    ...s,
    hands: s.settings.handsVisible ? s.hands : s.hands.filter((h) => h.userId === userId),
    requests: s.requests.filter((r) => r.userId === userId),
    barred: [],
    overrides: s.overrides[me] ? { [me]: s.overrides[me]! } : {},
    polls: s.polls.map((p) => {
      const { byUser, correct, counts, voters, mine: _serverSide, ...pub } = p;
      const mine = byUser?.[me];
      const published = p.status === 'published';
      return { ...pub, ...(mine ? { mine } : {}), ...(published ? { counts, voters, ...(correct ? { correct } : {}) } : {}) };
    }),
  };
}

function withoutByUser(p: Poll): Poll {
  const { byUser: _hidden, ...rest } = p;
  return rest;
}
