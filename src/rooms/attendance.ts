// Who came to each class session, for how long, and what they did there — computed from the
// database alone (class_sessions, the room log of the class room and of its breakout group
// rooms, class_state for quiz answers), so it works the same with the server stopped.
//
// Rules, so the numbers can be explained to a teacher:
// - time outside a session's window does not count; a session still running counts up to now;
// - time in a breakout group counts toward the class session, and overlapping presence
//   (the class room and a group, two tabs) is counted once;
// - messages are every chat message sent, direct ones included; a teacher's broadcast to all
//   groups counts once;
// - a poll belongs to the session it was created in (one made before class: to the sessions
//   its votes were cast in); an answer is the person's last vote. Answers to anonymous polls
//   are never attributed, although the log and the stored state still know who voted (so the
//   server can replace a vote): here they only ever become totals.
import type { Db } from '../store/db.js';
import { UserError } from '../errors.js';
import type { ChatMessage, LeaveReason, ParticipantRole, RoomEventData } from '../protocol/messages.js';
import type { ClassState } from '../protocol/classState.js';

export interface ClassSession { number: number; startedAt: number; endedAt: number | null }

/** One stretch of presence: in the class room ('class') or in a breakout group (its name). */
export interface Interval { joinedAt: number; leftAt: number | null; leaveReason: LeaveReason | null; room: string }

export interface PollAnswer {
  pollId: number;
  question: string;
  /** The option texts chosen (the last vote). */
  choices: string[];
  /** null: not a quiz, or a quiz whose correct answers are unknown. */
  correct: boolean | null;
}

export interface ParticipantAttendance {
  userId: number;
  username: string | null;
  displayName: string;
  role: ParticipantRole | 'unknown';
  /** false: enrolled (before the session ended) but never in the room during it. */
  present: boolean;
  /** Every stretch that overlaps the session, with its real (unclipped) times. */
  intervals: Interval[];
  /** Time present, clipped to the session window, overlaps counted once. */
  totalSeconds: number;
  messagesSent: number;
  handsRaised: number;
  /** Non-anonymous polls of this session that this participant answered. */
  pollAnswers: PollAnswer[];
  /** Over the session's non-anonymous quizzes with known answers; null when there are none, and for staff. */
  quizScore: { correct: number; of: number } | null;
}

export interface SessionAttendance {
  session: number;
  startedAt: number;
  endedAt: number | null;
  /** Up to now while the session is running. */
  durationSeconds: number;
  polls: Array<{ pollId: number; question: string; quiz: boolean; anonymous: boolean }>;
  participants: ParticipantAttendance[];
}

/** A poll of the class room as the record has it, answers included (never for anonymous ones). */
export interface PollRecord {
  id: number;
  question: string;
  options: string[];
  multiple: boolean;
  anonymous: boolean;
  quiz: boolean;
  correct: number[] | null;
  status: 'open' | 'closed' | 'published';
  createdAt: number;
  counts: number[];
  voters: number;
  /** Last vote per voter; empty for anonymous polls. */
  answers: Array<{ userId: number; choices: number[]; at: number; correct: boolean | null }>;
}

export interface GroupRoom { id: string; name: string; createdAt: number }

interface Row { room_id: string; kind: string; actor_id: number | null; payload: string; created_at: number }
interface UserRow { id: number; username: string | null; display_name: string; role: string }

const KINDS = ['participant.joined', 'participant.left', 'chat.message', 'class.hand', 'poll.created', 'poll.voted', 'poll.closed',
  'poll.published', 'breakout.started'] as const;

const statements = new WeakMap<Db, ReturnType<typeof prepare>>();

function prepare(db: Db) {
  return {
    room: db.prepare<[string]>('SELECT id, parent_id FROM rooms WHERE id = ?'),
    sessions: db.prepare<[string]>('SELECT number, started_at, ended_at FROM class_sessions WHERE room_id = ? ORDER BY number'),
    groups: db.prepare<[string]>('SELECT id, title, created_at FROM rooms WHERE parent_id = ? ORDER BY created_at, id'),
    // room_log.id is global and grows with every insert: the order events happened across rooms.
    events: db.prepare<[{ room: string }]>(
      `SELECT room_id, kind, actor_id, payload, created_at FROM room_log
        WHERE room_id IN (SELECT @room UNION ALL SELECT id FROM rooms WHERE parent_id = @room)
          AND kind IN (${KINDS.map((k) => `'${k}'`).join(', ')})
        ORDER BY id`),
    state: db.prepare<[string]>('SELECT state FROM class_state WHERE room_id = ?'),
    user: db.prepare<[number]>('SELECT id, username, display_name, role FROM users WHERE id = ?'),
    enrolled: db.prepare<[string]>('SELECT user_id, role, created_at FROM enrollments WHERE room_id = ?'),
  };
}

const stmts = (db: Db) => {
  let s = statements.get(db);
  if (!s) statements.set(db, (s = prepare(db)));
  return s;
};

function requireRoom(db: Db, roomId: string): { id: string; parent_id: string | null } {
  const r = stmts(db).room.get(roomId) as { id: string; parent_id: string | null } | undefined;
  if (!r) throw new UserError('ROOM_NOT_FOUND', `No room with id "${roomId}".`);
  return r;
}

/** The class sessions held in a room, oldest first. */
export function classSessions(db: Db, roomId: string): ClassSession[] {
  requireRoom(db, roomId);
  return (stmts(db).sessions.all(roomId) as Array<{ number: number; started_at: number; ended_at: number | null }>)
    .map((s) => ({ number: s.number, startedAt: s.started_at, endedAt: s.ended_at }));
}

/** The class room a breakout group room belongs to, or null for a class room. */
export function parentOf(db: Db, roomId: string): string | null {
  return requireRoom(db, roomId).parent_id;
}

/** Everything the export needs about a class room, from one read of its log. */
export function classReport(db: Db, roomId: string, now = Date.now()): {
  sessions: ClassSession[]; attendance: SessionAttendance[]; polls: PollRecord[]; groups: GroupRoom[];
} {
  const sessions = classSessions(db, roomId);
  const rec = readRecord(db, roomId);
  return { sessions, attendance: perSession(db, roomId, rec, sessions, sessions, now), polls: rec.polls, groups: rec.groups };
}

/**
 * Attendance per class session (all of them, or only `session`), oldest first. An empty list
 * means no session has been held. Throws ROOM_NOT_FOUND and SESSION_NOT_FOUND.
 */
export function attendance(db: Db, roomId: string, session?: number, now = Date.now()): SessionAttendance[] {
  const all = classSessions(db, roomId);
  const wanted = session === undefined ? all : all.filter((s) => s.number === session);
  if (session !== undefined && wanted.length === 0) {
    throw new UserError('SESSION_NOT_FOUND', `Room ${roomId} has no class session ${session}.`);
  }
  if (wanted.length === 0) return [];
  return perSession(db, roomId, readRecord(db, roomId), all, wanted, now);
}

function perSession(db: Db, roomId: string, rec: ClassRecord, all: readonly ClassSession[], wanted: readonly ClassSession[], now: number): SessionAttendance[] {
  const s = stmts(db);
  const users = new Map<number, UserRow | undefined>();
  const userRow = (id: number) => {
    if (!users.has(id)) users.set(id, s.user.get(id) as UserRow | undefined);
    return users.get(id);
  };
  const enrolled = s.enrolled.all(roomId) as Array<{ user_id: number; role: ParticipantRole; created_at: number }>;
  const windows = all.map((x) => ({ number: x.number, from: x.startedAt, to: x.endedAt ?? now }));
  const sessionAt = (t: number) => windows.find((w) => w.from <= t && t <= w.to)?.number ?? null;
  // A poll belongs to the session it was created in; one prepared before class, to the
  // sessions in which votes were cast.
  const pollSession = new Map(rec.polls.map((p) => [p.id, sessionAt(p.createdAt)]));

  return wanted.map((cs) => {
    const from = cs.startedAt, to = cs.endedAt ?? now;
    const inWindow = (t: number) => from <= t && t <= to;
    const ids = new Set<number>();
    const overlapping = new Map<number, TaggedInterval[]>();
    for (const [userId, list] of rec.intervals) {
      // Overlapping the window; a stretch that ended exactly as the session began does not.
      const hit = list.filter((i) => i.joinedAt <= to && (i.leftAt ?? now) >= from && !(i.leftAt === from && i.joinedAt < from));
      if (hit.length > 0) { overlapping.set(userId, hit); ids.add(userId); }
    }
    const count = (list: Array<{ userId: number; at: number }>) => {
      const n = new Map<number, number>();
      for (const x of list) if (inWindow(x.at)) { n.set(x.userId, (n.get(x.userId) ?? 0) + 1); ids.add(x.userId); }
      return n;
    };
    const messages = count(rec.messages);
    const hands = count(rec.hands);
    const polls = rec.polls.filter((p) => pollSession.get(p.id) === cs.number
      || (pollSession.get(p.id) === null && (rec.voteTimes.get(p.id) ?? []).some(inWindow)));
    const answers = new Map<number, PollAnswer[]>();
    for (const p of polls) {
      for (const a of p.answers) {
        if (pollSession.get(p.id) === null && !inWindow(a.at)) continue;
        const list = answers.get(a.userId) ?? [];
        list.push({ pollId: p.id, question: p.question, choices: a.choices.map((c) => p.options[c] ?? `#${c}`), correct: a.correct });
        answers.set(a.userId, list);
        ids.add(a.userId);
      }
    }
    for (const e of enrolled) if (e.created_at <= to) ids.add(e.user_id);
    const gradable = polls.filter((p) => p.quiz && !p.anonymous && p.correct !== null).map((p) => p.id);

    const participants = [...ids].map((userId): ParticipantAttendance => {
      const intervals = overlapping.get(userId) ?? [];
      const u = userRow(userId);
      const role = latest(intervals.filter((i) => i.room === 'class'))?.role ?? latest(intervals)?.role
        ?? enrolled.find((e) => e.user_id === userId)?.role ?? (u?.role === 'admin' ? 'admin' : 'unknown');
      const mine = answers.get(userId) ?? [];
      return {
        userId,
        username: u?.username ?? null,
        displayName: u?.display_name ?? rec.names.get(userId) ?? '(removed user)',
        role,
        present: intervals.length > 0,
        intervals: intervals.map(({ role: _role, ...i }) => i),
        totalSeconds: Math.round(unionMs(intervals.map((i) => [Math.max(i.joinedAt, from), Math.min(i.leftAt ?? now, to)])) / 1000),
        messagesSent: messages.get(userId) ?? 0,
        handsRaised: hands.get(userId) ?? 0,
        pollAnswers: mine,
        // Staff set the quizzes; they are not scored on them.
        quizScore: gradable.length === 0 || (role !== 'student' && role !== 'unknown') ? null
          : { correct: mine.filter((a) => gradable.includes(a.pollId) && a.correct === true).length, of: gradable.length },
      };
    });
    participants.sort(byRoleThenName);
    return {
      session: cs.number, startedAt: cs.startedAt, endedAt: cs.endedAt,
      durationSeconds: Math.round(Math.max(0, to - from) / 1000),
      polls: polls.map((p) => ({ pollId: p.id, question: p.question, quiz: p.quiz, anonymous: p.anonymous })),
      participants,
    };
  });
}

/** The JSON form (ISO times), shared by `room attendance --json` and the room export. */
export function attendanceJson(sessions: readonly SessionAttendance[]) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return sessions.map((s) => ({
    ...s,
    startedAt: iso(s.startedAt),
    endedAt: iso(s.endedAt),
    participants: s.participants.map((p) => ({
      ...p,
      intervals: p.intervals.map((i) => ({ ...i, joinedAt: iso(i.joinedAt), leftAt: iso(i.leftAt) })),
    })),
  }));
}

// ---------------------------------------------------------------- reading the log once

type TaggedInterval = Interval & { role: ParticipantRole };

interface ClassRecord {
  groups: GroupRoom[];
  intervals: Map<number, TaggedInterval[]>;
  messages: Array<{ userId: number; at: number }>;
  hands: Array<{ userId: number; at: number }>;
  polls: PollRecord[];
  /** When each poll's votes were cast, anonymous ones included (times only, never who). */
  voteTimes: Map<number, number[]>;
  /** Display names seen in the log, for users since deleted. */
  names: Map<number, string>;
}

/** A broadcast lands in every group room at once: count it once per sender and text. */
const BROADCAST_WINDOW_MS = 10_000;

function readRecord(db: Db, roomId: string): ClassRecord {
  const s = stmts(db);
  requireRoom(db, roomId);
  const rows = s.events.all({ room: roomId }) as Row[];
  const groupRows = s.groups.all(roomId) as Array<{ id: string; title: string; created_at: number }>;
  const groupName = new Map(groupRows.map((g) => [g.id, g.title]));
  // Groups in the order the breakouts made them: by breakout, then by group index.
  const groupOrder = new Map<string, number>();
  for (const r of rows) {
    if (r.room_id !== roomId || r.kind !== 'breakout.started') continue;
    for (const g of (JSON.parse(r.payload) as RoomEventData['breakout.started']).groups) {
      if (!groupName.has(g.roomId)) continue;
      groupName.set(g.roomId, g.name);
      if (!groupOrder.has(g.roomId)) groupOrder.set(g.roomId, groupOrder.size);
    }
  }
  const orderOf = (id: string) => groupOrder.get(id) ?? Number.MAX_SAFE_INTEGER;
  groupRows.sort((a, b) => orderOf(a.id) - orderOf(b.id) || a.created_at - b.created_at || a.id.localeCompare(b.id));
  const place = (room: string) => (room === roomId ? 'class' : groupName.get(room) ?? room);

  const intervals = new Map<number, TaggedInterval[]>();
  const open = new Map<string, TaggedInterval>();
  const messages: ClassRecord['messages'] = [];
  const hands: ClassRecord['hands'] = [];
  const names = new Map<number, string>();
  const lastBroadcast = new Map<string, number>();
  const polls = new Map<number, PollRecord & { votes: Map<number, { choices: number[]; at: number }> }>();

  for (const r of rows) {
    const at = r.created_at;
    switch (r.kind) {
      case 'participant.joined': {
        const d = JSON.parse(r.payload) as RoomEventData['participant.joined'];
        names.set(d.userId, d.displayName);
        const key = `${r.room_id}\u0000${d.userId}`;
        // A join with no leave before it (a lost event): the earlier stretch ends here.
        const stale = open.get(key);
        if (stale) stale.leftAt = at;
        const i: TaggedInterval = { joinedAt: at, leftAt: null, leaveReason: null, room: place(r.room_id), role: d.role };
        open.set(key, i);
        const list = intervals.get(d.userId) ?? [];
        list.push(i);
        intervals.set(d.userId, list);
        break;
      }
      case 'participant.left': {
        const d = JSON.parse(r.payload) as RoomEventData['participant.left'];
        const key = `${r.room_id}\u0000${d.userId}`;
        const i = open.get(key);
        if (i) { i.leftAt = at; i.leaveReason = d.reason; open.delete(key); }
        break;
      }
      case 'chat.message': {
        const d = JSON.parse(r.payload) as Omit<ChatMessage, 'messageId' | 'seq' | 'at'>;
        names.set(d.from.userId, d.from.displayName);
        if (d.broadcast) {
          const key = `${d.from.userId}\u0000${d.text}`;
          const last = lastBroadcast.get(key);
          lastBroadcast.set(key, at);
          if (last !== undefined && at - last <= BROADCAST_WINDOW_MS) break;
        }
        messages.push({ userId: d.from.userId, at });
        break;
      }
      case 'class.hand': {
        const d = JSON.parse(r.payload) as RoomEventData['class.hand'];
        if (d.raised) hands.push({ userId: d.userId, at });
        break;
      }
      case 'poll.created': {
        if (r.room_id !== roomId) break;
        const d = JSON.parse(r.payload) as RoomEventData['poll.created'];
        polls.set(d.id, {
          id: d.id, question: d.question, options: d.options, multiple: d.multiple, anonymous: d.anonymous, quiz: d.quiz,
          correct: null, status: d.status, createdAt: d.createdAt ?? at, counts: d.options.map(() => 0), voters: 0, answers: [], votes: new Map(),
        });
        break;
      }
      case 'poll.voted': {
        if (r.room_id !== roomId || r.actor_id === null) break;
        const d = JSON.parse(r.payload) as RoomEventData['poll.voted'];
        // A later vote replaces an earlier one.
        polls.get(d.pollId)?.votes.set(r.actor_id, { choices: d.choices, at });
        break;
      }
      case 'poll.closed': {
        if (r.room_id !== roomId) break;
        const p = polls.get((JSON.parse(r.payload) as RoomEventData['poll.closed']).pollId);
        if (p) p.status = 'closed';
        break;
      }
      case 'poll.published': {
        if (r.room_id !== roomId) break;
        const d = JSON.parse(r.payload) as RoomEventData['poll.published'];
        const p = polls.get(d.pollId);
        if (p) { p.status = 'published'; p.counts = d.counts; p.voters = d.voters; if (d.correct) p.correct = d.correct; }
        break;
      }
    }
  }

  const stateRow = s.state.get(roomId) as { state: string } | undefined;
  const state = stateRow ? (JSON.parse(stateRow.state) as Partial<ClassState>) : undefined;
  const result: PollRecord[] = [];
  const voteTimes = new Map<number, number[]>();
  for (const p of polls.values()) {
    // The stored state is the server's own tally and keeps correct answers never published.
    const st = state?.polls?.find((x) => x.id === p.id);
    const correct = st?.correct ?? p.correct;
    const votes = [...p.votes].map(([userId, v]) => ({ userId, ...v }));
    const counts = p.options.map((_, i) => votes.filter((v) => v.choices.includes(i)).length);
    voteTimes.set(p.id, votes.map((v) => v.at));
    const { votes: _votes, ...rest } = p;
    result.push({
      ...rest,
      correct,
      status: st?.status ?? p.status,
      counts: st?.counts ?? (p.status === 'published' ? p.counts : counts),
      voters: st?.voters ?? (p.status === 'published' ? p.voters : votes.length),
      answers: p.anonymous ? [] : votes.map((v) => ({
        userId: v.userId, choices: v.choices, at: v.at, correct: p.quiz && correct ? sameSet(v.choices, correct) : null,
      })),
    });
  }
  return {
    groups: groupRows.map((g) => ({ id: g.id, name: groupName.get(g.id)!, createdAt: g.created_at })),
    intervals, messages, hands, polls: result, voteTimes, names,
  };
}

// ---------------------------------------------------------------- small helpers

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  const x = new Set(a), y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}

/** Total length of a set of [from, to) ranges, where they overlap counted once. */
function unionMs(ranges: ReadonlyArray<readonly [number, number]>): number {
  const sorted = ranges.filter(([a, b]) => b > a).sort((p, q) => p[0] - q[0]);
  let total = 0, end = -Infinity;
  for (const [a, b] of sorted) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

function latest<T extends { joinedAt: number }>(list: readonly T[]): T | undefined {
  return list.reduce<T | undefined>((best, i) => (best === undefined || i.joinedAt >= best.joinedAt ? i : best), undefined);
}

const ROLE_ORDER: Record<string, number> = { teacher: 0, assistant: 1, admin: 2, student: 3, unknown: 4 };

function byRoleThenName(a: ParticipantAttendance, b: ParticipantAttendance): number {
  return (ROLE_ORDER[a.role]! - ROLE_ORDER[b.role]!) || a.displayName.localeCompare(b.displayName) || a.userId - b.userId;
}
