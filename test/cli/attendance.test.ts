// classroomctl room attendance, and the class parts of room export: the real CLI process over
// a database arranged through the real stores (see test/helpers/classFixture.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Scratch, ctl, install, withStores, type Run, expectations } from './harness.js';
import { arrangeClass, EVE_NAME, EXPECTED_SESSION_1, type ClassFixture } from '../helpers/classFixture.js';

const scratch = new Scratch();
let dataDir = '';
const { ok, refused } = expectations(() => dataDir);
let f: ClassFixture;
let emptyRoom = '';
// Session 2 started 2000 s ago and is still running.
const T0 = Date.now() - 10_000_000;
before(async () => {
  ({ dataDir } = await install(scratch.dir()));
  withStores(dataDir, (s) => {
    f = arrangeClass(s, T0);
    emptyRoom = s.rooms.create('No class yet', 10).id;
  });
});
after(() => scratch.cleanup());

const run = (args: string[]) => ctl(args, { dataDir });

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; records end in CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; }
    else cell += c;
  }
  assert.equal(cell + row.join(''), '', 'the last record ends with CRLF');
  return rows;
}

interface JsonParticipant {
  userId: number; username: string | null; displayName: string; role: string; present: boolean;
  intervals: Array<{ joinedAt: string; leftAt: string | null; leaveReason: string | null; room: string }>;
  totalSeconds: number; messagesSent: number; handsRaised: number;
  pollAnswers: Array<{ pollId: number; question: string; choices: string[]; correct: boolean | null }>;
  quizScore: { correct: number; of: number } | null;
}
interface JsonSession { session: number; startedAt: string; endedAt: string | null; durationSeconds: number; polls: unknown[]; participants: JsonParticipant[] }

const iso = (sec: number) => new Date(f.at(sec)).toISOString();
const row = (out: string, name: string) => {
  const line = out.split('\n').find((l) => l.startsWith(name));
  assert.ok(line, `a row for ${name} in\n${out}`);
  return line.split(/ {2,}/);
};

describe('room attendance', () => {
  test('a table per session: time, messages, hands, polls and quiz score', async () => {
    const { stdout } = await ok(['room', 'attendance', f.roomId]);
    const [one, two] = stdout.split('\n\n');
    assert.match(one!, /^Session 1: \d{4}-\d\d-\d\d \d\d:\d\dZ to \d{4}-\d\d-\d\d \d\d:\d\dZ, 1:00:00; 4 of 5 present\n/);
    assert.match(one!, /^NAME\s+USERNAME\s+ROLE\s+JOINED\s+LEFT\s+TIME\s+MESSAGES\s+HANDS\s+POLLS\s+QUIZ$/m);
    const sam = row(one!, 'Sam S');
    assert.deepEqual([sam[1], sam[2], sam.slice(5)], ['sam', 'student', ['0:56:40', '3', '2', '3', '2/2 correct']]);
    assert.deepEqual(row(one!, 'Amy A').slice(5), ['0:30:00', '1', '0', '1', '0/2 correct']);
    assert.deepEqual(row(one!, 'Tina T').slice(2), ['teacher', ...row(one!, 'Tina T').slice(3, 5), '1:00:00', '2', '0', '0', '-']);
    assert.deepEqual(row(one!, 'Abe B').slice(3), ['-', '-', '0:00:00', '0', '0', '0', '0/2 correct']);
    assert.deepEqual(row(one!, EVE_NAME).slice(5, 6), ['0:01:40']);
    // The staff row comes first.
    assert.match(one!.split('\n')[2]!, /^Tina T/);

    assert.match(two!, /^Session 2: \S+ \S+ to now \(running\), 0:3\d:\d\d; 2 of 5 present\n/);
    assert.equal(row(two!, 'Tina T')[4], 'still here');
    assert.deepEqual(row(two!, 'Sam S').slice(5), ['0:06:40', '1', '0', '0', '-']);
  });

  test('--session picks one session', async () => {
    const { stdout } = await ok(['room', 'attendance', f.roomId, '--session', '2']);
    assert.match(stdout, /^Session 2: /);
    assert.doesNotMatch(stdout, /Session 1/);
  });

  test('--csv: one row per participant per session, RFC 4180, formula cells defused', async () => {
    const { stdout } = await ok(['room', 'attendance', f.roomId, '--csv']);
    assert.ok(stdout.endsWith('\r\n'));
    const [header, ...rows] = parseCsv(stdout);
    assert.deepEqual(header, ['session', 'session_started', 'session_ended', 'user_id', 'username', 'display_name', 'role', 'present',
      'joined', 'left', 'seconds', 'time', 'messages', 'hands', 'polls_answered', 'quiz_correct', 'quizzes']);
    assert.equal(rows.length, 10);
    assert.ok(rows.every((r) => r.length === header!.length));
    const get = (session: string, username: string) => {
      const r = rows.find((x) => x[0] === session && x[4] === username);
      assert.ok(r, `${username} in session ${session}`);
      return Object.fromEntries(header!.map((h, i) => [h, r[i]]));
    };
    assert.deepEqual(get('1', 'sam'), {
      session: '1', session_started: iso(1000), session_ended: iso(4600), user_id: String(f.ids.sam), username: 'sam', display_name: 'Sam S',
      role: 'student', present: 'true', joined: iso(1100), left: iso(4600), seconds: '3400', time: '0:56:40', messages: '3', hands: '2',
      polls_answered: '3', quiz_correct: '2', quizzes: '2',
    });
    // A display name a spreadsheet would run is prefixed with an apostrophe; quotes and the comma survive.
    assert.equal(get('1', 'eve').display_name, `'${EVE_NAME}`);
    assert.match(stdout, /,"'=SUM\(1,2\) ""eve""",/);
    assert.deepEqual([get('1', 'abe').present, get('1', 'abe').joined, get('1', 'abe').seconds], ['false', '', '0']);
    assert.deepEqual([get('1', 'tina').quiz_correct, get('1', 'tina').quizzes], ['', '']);
    assert.deepEqual([get('2', 'tina').session_ended, get('2', 'tina').left], ['', '']);
    for (const [name, want] of Object.entries(EXPECTED_SESSION_1)) assert.equal(get('1', name).seconds, String(want.totalSeconds), name);
  });

  test('--json: the attendance structure, ISO times', async () => {
    const list = JSON.parse((await ok(['room', 'attendance', f.roomId, '--json'])).stdout) as JsonSession[];
    assert.deepEqual(list.map((s) => [s.session, s.startedAt, s.endedAt]), [[1, iso(1000), iso(4600)], [2, iso(8000), null]]);
    const sam = list[0]!.participants.find((p) => p.username === 'sam')!;
    assert.deepEqual(sam.intervals.map((i) => [i.joinedAt, i.leftAt, i.leaveReason, i.room]), [
      [iso(1100), iso(1400), 'timeout', 'class'], [iso(1500), iso(2000), 'breakout', 'class'],
      [iso(2000), iso(2600), 'breakout', 'Group 1'], [iso(2600), iso(4600), 'class-ended', 'class'],
    ]);
    assert.deepEqual(sam.pollAnswers.map((a) => [a.pollId, a.choices, a.correct]), [[1, ['4'], true], [3, ['Paris'], true], [4, ['a', 'c'], null]]);
    assert.deepEqual(sam.quizScore, { correct: 2, of: 2 });
    for (const [name, want] of Object.entries(EXPECTED_SESSION_1)) {
      const p = list[0]!.participants.find((x) => x.username === name)!;
      assert.deepEqual([p.totalSeconds, p.messagesSent, p.handsRaised, p.pollAnswers.length, p.quizScore], [want.totalSeconds, want.messagesSent, want.handsRaised, want.polls, want.quizScore], name);
    }
    // The running session counts up to now.
    const tina2 = list[1]!.participants.find((p) => p.username === 'tina')!;
    assert.ok(tina2.totalSeconds >= 2000 && tina2.totalSeconds < 2600, String(tina2.totalSeconds));
    assert.ok(list.every((s) => s.participants.every((p) => p.pollAnswers.every((a) => a.pollId !== 2))), 'anonymous answers are not attributed');
    const one = JSON.parse((await ok(['room', 'attendance', f.roomId, '--json', '--session', '1'])).stdout) as JsonSession[];
    assert.deepEqual(one, [list[0]]);
  });

  test('a room without sessions says so and exits 0; --json and --csv stay parseable', async () => {
    assert.equal((await ok(['room', 'attendance', emptyRoom])).stdout, `No class sessions yet in room ${emptyRoom} ("No class yet"). A teacher starts one from the classroom.\n`);
    const json = await run(['room', 'attendance', emptyRoom, '--json']);
    assert.deepEqual([json.code, JSON.parse(json.stdout)], [0, []]);
    assert.match(json.stderr, /^No class sessions yet in room/);
    const csv = await run(['room', 'attendance', emptyRoom, '--csv']);
    assert.equal(csv.code, 0);
    assert.equal(parseCsv(csv.stdout).length, 1, 'just the header');
  });

  test('refuses an unknown room, an unknown session, a breakout group room and conflicting formats', async () => {
    await refused(['room', 'attendance', 'nosuchroom'], 1, /^classroomctl: No room with id "nosuchroom"\.\n$/);
    await refused(['room', 'attendance', f.roomId, '--session', '3'], 1,
      new RegExp(`^classroomctl: Room ${f.roomId} has no class session 3\\.\\n  Sessions held: 1, 2\\. `));
    await refused(['room', 'attendance', emptyRoom, '--session', '1'], 1, /has no class session 1\.\n  No class sessions have been held in it yet\.\n$/);
    await refused(['room', 'attendance', f.roomId, '--session', '0'], 2, /option '--session <n>' argument '0' is invalid/);
    await refused(['room', 'attendance', f.groups.g1], 1, new RegExp(`is a breakout group; its attendance counts toward class room ${f.roomId}\\.\\n  Run: classroomctl room attendance ${f.roomId}\\n$`));
    await refused(['room', 'attendance', f.roomId, '--csv', '--json'], 2, /option '--csv' cannot be used with option '--json'/);
  });
});

describe('room export, format 2', () => {
  test('has the sessions, per-session attendance, polls and breakout groups', async () => {
    const x = JSON.parse((await ok(['room', 'export', f.roomId])).stdout) as {
      format: string; chat: Array<{ text: string }>; attendance: unknown[]; participants: unknown[];
      sessions: Array<{ number: number; startedAt: string; endedAt: string | null }>;
      attendanceBySession: JsonSession[];
      polls: Array<{ id: number; question: string; anonymous: boolean; quiz: boolean; correct: number[] | null; status: string; counts: number[]; voters: number;
        answers?: Array<{ userId: number; displayName: string; choices: number[]; correct: boolean | null }> }>;
      breakouts: Array<{ id: string; name: string; members: Array<{ userId: number; displayName: string }>; chat: Array<{ text: string; from: { userId: number } }> }>;
    };
    assert.equal(x.format, 'classroom-room-export/3');
    assert.equal(x.participants.length, 5);
    assert.equal(x.attendance.length, 5, 'the format 1 attendance is still there');
    assert.deepEqual(x.sessions, [{ number: 1, startedAt: iso(1000), endedAt: iso(4600) }, { number: 2, startedAt: iso(8000), endedAt: null }]);
    assert.equal(x.attendanceBySession[0]!.participants.find((p) => p.username === 'sam')!.totalSeconds, 3400);
    assert.deepEqual(x.polls.map((p) => [p.id, p.status, p.correct, p.answers?.length ?? 'none']), [[1, 'published', [1], 2], [2, 'open', null, 'none'], [3, 'open', [0], 1], [4, 'open', null, 1]]);
    assert.deepEqual(x.polls[0]!.answers, [
      { userId: f.ids.sam, displayName: 'Sam S', choices: [1], at: iso(1700), correct: true },
      { userId: f.ids.amy, displayName: 'Amy A', choices: [2], at: iso(1650), correct: false },
    ]);
    assert.deepEqual(x.breakouts.map((b) => [b.id, b.name, b.members.map((m) => m.userId), b.chat.map((m) => m.text)]), [
      [f.groups.g1, 'Group 1', [f.ids.sam], ['group one here', 'five minutes left']],
      [f.groups.g2, 'Group 2', [f.ids.amy], ['group two here', 'five minutes left']],
    ]);
    assert.doesNotMatch(JSON.stringify(x.chat), /group one here/, 'group chat is under its breakout, not the class chat');
  });
});
