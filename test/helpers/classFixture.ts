// A class room with two sessions, a breakout, chat, hands and polls, written straight into the
// stores with chosen times — what the server would have recorded. Shared by the attendance
// unit tests and the CLI tests, so both check the same numbers (see EXPECTED).
import { initialClassState, type ClassState, type Poll } from '../../src/protocol/classState.js';
import type { ParticipantRole, RoomEventKind } from '../../src/protocol/messages.js';
import { direct, type AppendData, type Audience } from '../../src/rooms/RoomLog.js';
import type { Stores } from './server.js';

export interface ClassFixture {
  roomId: string;
  groups: { g1: string; g2: string };
  ids: { tina: number; sam: number; amy: number; eve: number; abe: number };
  /** The fixture's time zero (ms); every event is at T0 + seconds * 1000. */
  t0: number;
  at: (seconds: number) => number;
}

/** A display name a spreadsheet would run as a formula, with a comma and quotes to escape. */
export const EVE_NAME = '=SUM(1,2) "eve"';

/**
 * What the fixture makes, in seconds from t0:
 * - session 1 runs 1000-4600, session 2 from 8000 (still running);
 * - tina (teacher) 900-4700 in class, and from 7900 on (never left);
 * - sam: class 1100-1400 (timeout), 1500-2000, Group 1 2000-2600, class 2600-4600; session 2: 8100-8500;
 * - amy: class 1200-2000, Group 2 2000-2600, and class again 2300-3000 in another tab (overlap);
 * - eve 4500-4650 (clipped at the end of session 1); abe is enrolled and never came;
 * - polls: 1 quiz (published, correct [1]): sam [0] then [1], amy [2]; 2 anonymous: sam, amy;
 *   3 quiz never published (correct [0] only in class_state): sam [0]; 4 multiple: sam [0, 2].
 */
export function arrangeClass(s: Stores, t0 = Date.UTC(2026, 0, 5, 8)): ClassFixture {
  const { db, users, rooms, log } = s;
  const at = (sec: number) => t0 + sec * 1000;
  const user = (username: string, role: 'teacher' | 'student', displayName?: string) => users.create({ username, role, displayName, passwordHash: null }).id;
  const ids = { tina: user('tina', 'teacher', 'Tina T'), sam: user('sam', 'student', 'Sam S'), amy: user('amy', 'student', 'Amy A'), eve: user('eve', 'student', EVE_NAME), abe: user('abe', 'student', 'Abe B') };
  const roomId = rooms.create('Physics', 30).id;
  rooms.enroll(roomId, ids.tina, 'teacher');
  for (const k of ['sam', 'amy', 'eve', 'abe'] as const) rooms.enroll(roomId, ids[k], 'student');
  // Enrolled before the first session (enrollment time counts for "absent").
  db.prepare('UPDATE enrollments SET created_at = ? WHERE room_id = ?').run(at(0), roomId);
  const group = (title: string) => {
    const id = rooms.create(title, 30).id;
    db.prepare('UPDATE rooms SET parent_id = ? WHERE id = ?').run(roomId, id);
    return id;
  };
  const g1 = group('Physics breakout 1'), g2 = group('Physics breakout 2');

  const setTime = db.prepare<[number, number]>('UPDATE room_log SET created_at = ? WHERE id = ?');
  function ev<K extends RoomEventKind>(room: string, sec: number, kind: K, actor: number | null, data: AppendData<K>, audience: Audience = null): void {
    setTime.run(at(sec), log.append(room, kind, actor, data, audience).id);
  }
  const who = (id: number, displayName: string, role: ParticipantRole) => ({ userId: id, displayName, role });
  const tina = who(ids.tina, 'Tina T', 'teacher'), sam = who(ids.sam, 'Sam S', 'student'), amy = who(ids.amy, 'Amy A', 'student'), eve = who(ids.eve, EVE_NAME, 'student');
  const join = (room: string, sec: number, p: typeof tina) => ev(room, sec, 'participant.joined', p.userId, p);
  const leave = (room: string, sec: number, p: typeof tina, reason: 'left' | 'timeout' | 'breakout' | 'class-ended') =>
    ev(room, sec, 'participant.left', p.userId, { userId: p.userId, reason });
  const say = (room: string, sec: number, p: typeof tina, text: string, extra: { broadcast?: true; to?: typeof tina } = {}) =>
    ev(room, sec, 'chat.message', p.userId, {
      from: p, text, ...(extra.broadcast ? { broadcast: true } : {}), ...(extra.to ? { to: { userId: extra.to.userId, displayName: extra.to.displayName } } : {}),
    }, extra.to ? direct(p.userId, extra.to.userId) : null);
  const hand = (sec: number, p: typeof tina, raised: boolean) => ev(roomId, sec, 'class.hand', p.userId, { userId: p.userId, raised, at: at(sec) });
  const poll = (sec: number, p: Omit<Poll, 'status' | 'createdAt'>) => ev(roomId, sec, 'poll.created', ids.tina, {
    id: p.id, question: p.question, options: p.options, multiple: p.multiple, anonymous: p.anonymous, quiz: p.quiz, status: 'open', createdAt: at(sec),
  });
  const vote = (sec: number, p: typeof tina, pollId: number, choices: number[]) => ev(roomId, sec, 'poll.voted', p.userId, { pollId, choices });

  say(roomId, 800, sam, 'before class');
  join(roomId, 900, tina);
  ev(roomId, 1000, 'class.started', ids.tina, { session: 1, at: at(1000) });
  join(roomId, 1100, sam);
  say(roomId, 1200, tina, 'welcome');
  join(roomId, 1200, amy);
  hand(1250, sam, true);
  hand(1260, sam, false);
  say(roomId, 1300, sam, 'hi');
  leave(roomId, 1400, sam, 'timeout');
  join(roomId, 1500, sam);
  poll(1500, { id: 1, question: '2+2?', options: ['3', '4', '5'], multiple: false, anonymous: false, quiz: true });
  vote(1600, sam, 1, [0]);
  vote(1650, amy, 1, [2]);
  vote(1700, sam, 1, [1]);
  ev(roomId, 1800, 'poll.closed', ids.tina, { pollId: 1 });
  ev(roomId, 1900, 'poll.published', ids.tina, { pollId: 1, counts: [0, 1, 1], voters: 2, correct: [1] });
  ev(roomId, 2000, 'breakout.started', ids.tina, {
    groups: [{ index: 0, name: 'Group 1', roomId: g1, userIds: [ids.sam] }, { index: 1, name: 'Group 2', roomId: g2, userIds: [ids.amy] }],
    startedAt: at(2000), endsAt: null,
  });
  leave(roomId, 2000, sam, 'breakout');
  leave(roomId, 2000, amy, 'breakout');
  join(g1, 2000, sam);
  join(g2, 2000, amy);
  say(g1, 2100, sam, 'group one here');
  say(g2, 2150, amy, 'group two here');
  say(g1, 2200, tina, 'five minutes left', { broadcast: true });
  say(g2, 2200, tina, 'five minutes left', { broadcast: true });
  join(roomId, 2300, amy);
  ev(roomId, 2600, 'breakout.ended', ids.tina, { at: at(2600) });
  leave(g1, 2600, sam, 'breakout');
  leave(g2, 2600, amy, 'breakout');
  join(roomId, 2600, sam);
  say(roomId, 2700, sam, 'a private question', { to: tina });
  poll(3000, { id: 2, question: 'Enjoying class?', options: ['yes', 'no'], multiple: false, anonymous: true, quiz: false });
  vote(3010, sam, 2, [0]);
  vote(3020, amy, 2, [1]);
  hand(3000, sam, true);
  leave(roomId, 3000, amy, 'left');
  poll(3100, { id: 3, question: 'Capital of France?', options: ['Paris', 'Rome'], multiple: false, anonymous: false, quiz: true });
  vote(3200, sam, 3, [0]);
  poll(3300, { id: 4, question: 'Topics?', options: ['a', 'b', 'c'], multiple: true, anonymous: false, quiz: false });
  vote(3400, sam, 4, [0, 2]);
  join(roomId, 4500, eve);
  ev(roomId, 4600, 'class.ended', ids.tina, { session: 1, at: at(4600) });
  leave(roomId, 4600, sam, 'class-ended');
  leave(roomId, 4650, eve, 'left');
  leave(roomId, 4700, tina, 'left');
  hand(5000, amy, true);
  join(roomId, 7900, tina);
  ev(roomId, 8000, 'class.started', ids.tina, { session: 2, at: at(8000) });
  join(roomId, 8100, sam);
  say(roomId, 8200, sam, 'back again');
  leave(roomId, 8500, sam, 'left');

  db.prepare('INSERT INTO class_sessions (room_id, number, started_at, ended_at) VALUES (?, ?, ?, ?)').run(roomId, 1, at(1000), at(4600));
  db.prepare('INSERT INTO class_sessions (room_id, number, started_at, ended_at) VALUES (?, ?, ?, NULL)').run(roomId, 2, at(8000));
  const polls: Poll[] = [
    { id: 1, question: '2+2?', options: ['3', '4', '5'], multiple: false, anonymous: false, quiz: true, correct: [1], status: 'published', createdAt: at(1500), counts: [0, 1, 1], voters: 2, byUser: { [ids.sam]: [1], [ids.amy]: [2] } },
    { id: 2, question: 'Enjoying class?', options: ['yes', 'no'], multiple: false, anonymous: true, quiz: false, status: 'open', createdAt: at(3000), counts: [1, 1], voters: 2 },
    { id: 3, question: 'Capital of France?', options: ['Paris', 'Rome'], multiple: false, anonymous: false, quiz: true, correct: [0], status: 'open', createdAt: at(3100), counts: [1, 0], voters: 1, byUser: { [ids.sam]: [0] } },
    { id: 4, question: 'Topics?', options: ['a', 'b', 'c'], multiple: true, anonymous: false, quiz: false, status: 'open', createdAt: at(3300), counts: [1, 0, 1], voters: 1, byUser: { [ids.sam]: [0, 2] } },
  ];
  const state: ClassState = { ...initialClassState(), session: { number: 2, startedAt: at(8000) }, sessionsHeld: 2, polls, nextPollId: 5 };
  db.prepare('INSERT INTO class_state (room_id, state, head_seq, updated_at) VALUES (?, ?, ?, ?)').run(roomId, JSON.stringify(state), log.head(roomId), at(8000));
  return { roomId, groups: { g1, g2 }, ids, t0, at };
}

/** Session 1 of the fixture, per participant, as `room attendance` must report it. */
export const EXPECTED_SESSION_1 = {
  tina: { totalSeconds: 3600, messagesSent: 2, handsRaised: 0, polls: 0, quizScore: null },
  sam: { totalSeconds: 3400, messagesSent: 3, handsRaised: 2, polls: 3, quizScore: { correct: 2, of: 2 } },
  amy: { totalSeconds: 1800, messagesSent: 1, handsRaised: 0, polls: 1, quizScore: { correct: 0, of: 2 } },
  eve: { totalSeconds: 100, messagesSent: 0, handsRaised: 0, polls: 0, quizScore: { correct: 0, of: 2 } },
  abe: { totalSeconds: 0, messagesSent: 0, handsRaised: 0, polls: 0, quizScore: { correct: 0, of: 2 } },
} as const;
