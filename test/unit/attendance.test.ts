// Attendance and the room export, computed from an in-memory database arranged event by event.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDb } from '../../src/store/db.js';
import { UserStore } from '../../src/auth/UserStore.js';
import { RoomStore } from '../../src/rooms/RoomStore.js';
import { RoomLog } from '../../src/rooms/RoomLog.js';
import { UserError } from '../../src/errors.js';
import { attendance, attendanceJson, classSessions, type SessionAttendance } from '../../src/rooms/attendance.js';
import { exportRoom } from '../../src/rooms/exportRoom.js';
import { arrangeClass, EVE_NAME, EXPECTED_SESSION_1, type ClassFixture } from '../helpers/classFixture.js';
import type { Stores } from '../helpers/server.js';

function fresh(): Stores {
  const db = openDb(':memory:');
  return { db, users: new UserStore(db), rooms: new RoomStore(db), log: new RoomLog(db) };
}

function arranged(): Stores & { f: ClassFixture } {
  const s = fresh();
  return { ...s, f: arrangeClass(s) };
}

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof UserError ? e.code : `non-user error: ${String(e)}`;
  }
  return 'no error';
};

const byName = (s: SessionAttendance, username: string) => {
  const p = s.participants.find((x) => x.username === username);
  assert.ok(p, `${username} is listed in session ${s.session}`);
  return p;
};

describe('attendance', () => {
  it('totals per session: clipped to the window, groups counted, overlaps once, absentees listed', () => {
    const { db, f } = arranged();
    const now = f.at(9000);
    const [s1, s2] = attendance(db, f.roomId, undefined, now);
    assert.ok(s1 && s2);
    assert.deepEqual([s1.session, s1.startedAt, s1.endedAt, s1.durationSeconds], [1, f.at(1000), f.at(4600), 3600]);
    for (const [name, want] of Object.entries(EXPECTED_SESSION_1)) {
      const p = byName(s1, name);
      assert.deepEqual(
        { totalSeconds: p.totalSeconds, messagesSent: p.messagesSent, handsRaised: p.handsRaised, polls: p.pollAnswers.length, quizScore: p.quizScore },
        want, name);
    }
    // Staff first, then by display name ("=SUM..." before "Abe B"); abe never came but is enrolled.
    assert.deepEqual(s1.participants.map((p) => [p.username, p.role, p.present]),
      [['tina', 'teacher', true], ['eve', 'student', true], ['abe', 'student', false], ['amy', 'student', true], ['sam', 'student', true]]);
    assert.equal(byName(s1, 'eve').displayName, EVE_NAME);
  });

  it('lists the real intervals, with the room: class or the group name from the breakout', () => {
    const { db, f } = arranged();
    const [s1] = attendance(db, f.roomId, 1, f.at(9000));
    const sec = (ms: number | null) => (ms === null ? null : (ms - f.t0) / 1000);
    assert.deepEqual(byName(s1!, 'sam').intervals.map((i) => [sec(i.joinedAt), sec(i.leftAt), i.leaveReason, i.room]), [
      [1100, 1400, 'timeout', 'class'], [1500, 2000, 'breakout', 'class'], [2000, 2600, 'breakout', 'Group 1'], [2600, 4600, 'class-ended', 'class'],
    ]);
    // Unclipped: tina came before the start and left after the end.
    assert.deepEqual(byName(s1!, 'tina').intervals.map((i) => [sec(i.joinedAt), sec(i.leftAt)]), [[900, 4700]]);
    assert.deepEqual(byName(s1!, 'abe').intervals, []);
  });

  it('a running session counts open intervals up to now; time between sessions does not count', () => {
    const { db, f } = arranged();
    const [s2] = attendance(db, f.roomId, 2, f.at(9000));
    assert.ok(s2);
    assert.deepEqual([s2.endedAt, s2.durationSeconds], [null, 1000]);
    const tina = byName(s2, 'tina');
    assert.deepEqual([tina.totalSeconds, tina.intervals[0]?.leftAt], [1000, null]);
    assert.deepEqual([byName(s2, 'sam').totalSeconds, byName(s2, 'sam').messagesSent], [400, 1]);
    // amy's hand at 5000 fell between the sessions.
    assert.equal(byName(s2, 'amy').handsRaised, 0);
    assert.equal(byName(s2, 'amy').present, false);
    assert.deepEqual(s2.polls, []);
    // Later, the same open interval has grown.
    assert.equal(byName(attendance(db, f.roomId, 2, f.at(9500))[0]!, 'tina').totalSeconds, 1500);
  });

  it('poll answers: the last vote, option texts, quiz correctness from the published result or the stored state', () => {
    const { db, f } = arranged();
    const [s1] = attendance(db, f.roomId, 1, f.at(9000));
    assert.deepEqual(byName(s1!, 'sam').pollAnswers, [
      { pollId: 1, question: '2+2?', choices: ['4'], correct: true },
      { pollId: 3, question: 'Capital of France?', choices: ['Paris'], correct: true },
      { pollId: 4, question: 'Topics?', choices: ['a', 'c'], correct: null },
    ]);
    assert.deepEqual(byName(s1!, 'amy').pollAnswers, [{ pollId: 1, question: '2+2?', choices: ['5'], correct: false }]);
    assert.deepEqual(s1!.polls.map((p) => [p.pollId, p.quiz, p.anonymous]), [[1, true, false], [2, false, true], [3, true, false], [4, false, false]]);
  });

  it('never attributes an anonymous poll to anyone, although its votes are in the log', () => {
    const { db, f } = arranged();
    const votes = db.prepare("SELECT actor_id FROM room_log WHERE kind = 'poll.voted' AND payload LIKE '%\"pollId\":2%'").all();
    assert.equal(votes.length, 2, 'the fixture has votes on the anonymous poll');
    const all = attendance(db, f.roomId, undefined, f.at(9000));
    for (const s of all) for (const p of s.participants) assert.ok(p.pollAnswers.every((a) => a.pollId !== 2), p.username ?? '');
    assert.doesNotMatch(JSON.stringify(all.flatMap((s) => s.participants)), /Enjoying class|"yes"|"no"/);
  });

  it('refuses an unknown room and an unknown session; no sessions is an empty list', () => {
    const { db, rooms, f } = arranged();
    assert.equal(code(() => attendance(db, 'nosuchroom')), 'ROOM_NOT_FOUND');
    assert.equal(code(() => attendance(db, f.roomId, 3)), 'SESSION_NOT_FOUND');
    const empty = rooms.create('Empty', 5).id;
    assert.deepEqual(attendance(db, empty), []);
    assert.equal(code(() => attendance(db, empty, 1)), 'SESSION_NOT_FOUND');
    assert.deepEqual(classSessions(db, f.roomId).map((s) => [s.number, s.endedAt === null]), [[1, false], [2, true]]);
  });

  it('closes an interval left open by a lost event at the next join, and counts two tabs once', () => {
    const { db, users, rooms, log } = fresh();
    const t0 = Date.UTC(2026, 1, 1);
    const u = users.create({ username: 'zoe', role: 'student', passwordHash: null });
    const r = rooms.create('Tabs', 5).id;
    const setTime = db.prepare<[number, number]>('UPDATE room_log SET created_at = ? WHERE id = ?');
    const who = { userId: u.id, displayName: 'zoe', role: 'student' as const };
    setTime.run(t0 + 100_000, log.append(r, 'participant.joined', u.id, who).id);
    setTime.run(t0 + 200_000, log.append(r, 'participant.joined', u.id, who).id);
    setTime.run(t0 + 300_000, log.append(r, 'participant.left', u.id, { userId: u.id, reason: 'left' }).id);
    db.prepare('INSERT INTO class_sessions (room_id, number, started_at, ended_at) VALUES (?, 1, ?, ?)').run(r, t0, t0 + 1_000_000);
    const p = attendance(db, r)[0]!.participants[0]!;
    assert.deepEqual(p.intervals.map((i) => [(i.joinedAt - t0) / 1000, i.leftAt && (i.leftAt - t0) / 1000, i.leaveReason]), [[100, 200, null], [200, 300, 'left']]);
    assert.equal(p.totalSeconds, 200);
    assert.equal(p.role, 'student');
  });

  it('the JSON form has ISO times and nothing else changed', () => {
    const { db, f } = arranged();
    const list = attendance(db, f.roomId, 1, f.at(9000));
    const [j] = attendanceJson(list);
    assert.equal(j!.startedAt, new Date(f.at(1000)).toISOString());
    const sam = j!.participants.find((p) => p.username === 'sam')!;
    assert.equal(sam.intervals[0]!.joinedAt, new Date(f.at(1100)).toISOString());
    assert.equal(sam.totalSeconds, 3400);
    assert.deepEqual(Object.keys(sam), ['userId', 'username', 'displayName', 'role', 'present', 'intervals', 'totalSeconds', 'messagesSent', 'handsRaised', 'pollAnswers', 'quizScore']);
  });
});

describe('room export, format 2', () => {
  it('keeps format 1 fields and adds sessions, per-session attendance, polls and breakout groups', () => {
    const s = arranged();
    const { f } = s;
    const x = exportRoom(f.roomId, s, f.at(9000));
    assert.equal(x.format, 'classroom-room-export/3');
    // Format 1, unchanged in meaning: the class room's own chat and presence.
    assert.deepEqual(x.chat.map((m) => m.text), ['before class', 'welcome', 'hi', 'a private question', 'back again']);
    assert.equal(x.chat.find((m) => m.text === 'a private question')?.direct, true);
    assert.deepEqual(x.participants.map((p) => p.username), ['tina', 'sam', 'amy', 'eve', 'abe']);
    assert.ok(x.attendance.every((a) => typeof a.totalSeconds === 'number' && Array.isArray(a.intervals)));

    assert.deepEqual(x.sessions, [
      { number: 1, startedAt: new Date(f.at(1000)).toISOString(), endedAt: new Date(f.at(4600)).toISOString() },
      { number: 2, startedAt: new Date(f.at(8000)).toISOString(), endedAt: null },
    ]);
    assert.deepEqual(x.attendanceBySession, attendanceJson(attendance(s.db, f.roomId, undefined, f.at(9000))));

    assert.deepEqual(x.polls.map((p) => [p.id, p.status, p.correct, p.counts, p.voters]), [
      [1, 'published', [1], [0, 1, 1], 2], [2, 'open', null, [1, 1], 2], [3, 'open', [0], [1, 0], 1], [4, 'open', null, [1, 0, 1], 1],
    ]);
    const answers = (id: number) => x.polls.find((p) => p.id === id)!.answers?.map((a) => [a.displayName, a.choices, a.correct]);
    assert.deepEqual(answers(1), [['Sam S', [1], true], ['Amy A', [2], false]]);
    assert.deepEqual(answers(3), [['Sam S', [0], true]]);
    assert.deepEqual(answers(4), [['Sam S', [0, 2], null]]);
    const anon = x.polls.find((p) => p.id === 2)!;
    assert.equal('answers' in anon, false, 'no answers on an anonymous poll');

    assert.deepEqual(x.breakouts.map((b) => [b.id, b.name, b.members.map((m) => m.displayName), b.chat.map((m) => m.text)]), [
      [f.groups.g1, 'Group 1', ['Sam S'], ['group one here', 'five minutes left']],
      [f.groups.g2, 'Group 2', ['Amy A'], ['group two here', 'five minutes left']],
    ]);
    assert.equal(x.breakouts[0]!.chat[1]!.broadcast, true);
    assert.equal(x.breakouts[0]!.startedAt, new Date(f.at(2000)).toISOString());
  });

  it('the export of a room without class sessions has empty new sections', () => {
    const s = fresh();
    const r = s.rooms.create('Plain', 5);
    const x = exportRoom(r.id, s);
    assert.deepEqual([x.sessions, x.attendanceBySession, x.polls, x.breakouts], [[], [], [], []]);
  });
});
