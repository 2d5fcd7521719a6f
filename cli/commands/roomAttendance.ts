// `classroomctl room attendance ID`: who came to each class session, for how long, and what
// they did — as tables, CSV for a spreadsheet, or JSON. Reads the database only.
import { Command, Option } from 'commander';
import { attendance, attendanceJson, classSessions, parentOf, type ParticipantAttendance, type SessionAttendance } from '../../src/rooms/attendance.js';
import { CliError } from '../CliError.js';
import { withCtx } from '../withCtx.js';
import { parsePositiveInt } from '../options.js';
import { clean, table, when } from '../format.js';

/** 3725 → "1:02:05". */
export function hms(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

const firstJoined = (p: ParticipantAttendance) => (p.intervals.length === 0 ? null : Math.min(...p.intervals.map((i) => i.joinedAt)));
/** The last time they left, or null while any stretch is still open (or they never came). */
const lastLeft = (p: ParticipantAttendance) =>
  p.intervals.length === 0 || p.intervals.some((i) => i.leftAt === null) ? null : Math.max(...p.intervals.map((i) => i.leftAt!));
const quiz = (p: ParticipantAttendance) => (p.quizScore === null ? '-' : `${p.quizScore.correct}/${p.quizScore.of} correct`);

function sessionTable(s: SessionAttendance): string {
  const present = s.participants.filter((p) => p.present).length;
  const head = `Session ${s.session}: ${when(s.startedAt)} to ${s.endedAt === null ? 'now (running)' : when(s.endedAt)}, ` +
    `${hms(s.durationSeconds)}; ${present} of ${s.participants.length} present`;
  if (s.participants.length === 0) return `${head}\nNobody came and nobody is enrolled.`;
  return head + '\n' + table(
    ['name', 'username', 'role', 'joined', 'left', 'time', 'messages', 'hands', 'polls', 'quiz'],
    s.participants.map((p) => [
      p.displayName, p.username ?? '(guest)', p.role, when(firstJoined(p)),
      !p.present ? '-' : lastLeft(p) === null ? 'still here' : when(lastLeft(p)),
      hms(p.totalSeconds), String(p.messagesSent), String(p.handsRaised), String(p.pollAnswers.length), quiz(p),
    ]),
  );
}

export const CSV_HEADER = ['session', 'session_started', 'session_ended', 'user_id', 'username', 'display_name', 'role', 'present',
  'joined', 'left', 'seconds', 'time', 'messages', 'hands', 'polls_answered', 'quiz_correct', 'quizzes'] as const;

/**
 * One RFC 4180 field. A spreadsheet runs a cell that starts with = + - @ (or a tab or CR) as a
 * formula, and display names are typed by students: such cells get a leading apostrophe.
 */
export function csvCell(v: string | number | boolean | null): string {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function csv(sessions: readonly SessionAttendance[]): string {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const rows: Array<ReadonlyArray<string | number | boolean | null>> = [CSV_HEADER];
  for (const s of sessions) {
    for (const p of s.participants) {
      rows.push([
        s.session, iso(s.startedAt), iso(s.endedAt), p.userId, p.username, p.displayName, p.role, p.present,
        iso(firstJoined(p)), iso(lastLeft(p)), p.totalSeconds, hms(p.totalSeconds), p.messagesSent, p.handsRaised,
        p.pollAnswers.length, p.quizScore?.correct ?? null, p.quizScore?.of ?? null,
      ]);
    }
  }
  return rows.map((r) => r.map(csvCell).join(',') + '\r\n').join('');
}

export function registerRoomAttendance(room: Command): void {
  room.command('attendance <id>')
    .description('who attended each class session: time in class (breakout groups included), messages, hands, poll answers')
    .option('--session <n>', 'only this class session (numbered from 1)', parsePositiveInt)
    .addOption(new Option('--csv', 'one row per participant per session, as CSV (RFC 4180)').conflicts('json'))
    .option('--json', 'print as JSON')
    .action((id: string, f: { session?: number; csv?: boolean; json?: boolean }, cmd: Command) => withCtx(cmd, (ctx) => {
      const r = ctx.rooms.require(id);
      const parent = parentOf(ctx.db, id);
      if (parent !== null) {
        throw new CliError('NOT_A_CLASS_ROOM', `Room ${id} is a breakout group; its attendance counts toward class room ${parent}.`,
          `Run: classroomctl room attendance ${parent}`);
      }
      const held = classSessions(ctx.db, id);
      if (f.session !== undefined && !held.some((s) => s.number === f.session)) {
        throw new CliError('SESSION_NOT_FOUND', `Room ${id} has no class session ${f.session}.`,
          held.length === 0 ? 'No class sessions have been held in it yet.'
            : `Sessions held: ${held.map((s) => s.number).join(', ')}. See them all with: classroomctl room attendance ${id}`);
      }
      const none = `No class sessions yet in room ${id} ("${clean(r.title)}"). A teacher starts one from the classroom.`;
      const list = attendance(ctx.db, id, f.session);
      if (f.json || f.csv) {
        process.stdout.write(f.json ? JSON.stringify(attendanceJson(list), null, 2) + '\n' : csv(list));
        // Valid, empty output for programs; the reason for people.
        if (list.length === 0) process.stderr.write(`${none}\n`);
        return;
      }
      process.stdout.write((list.length === 0 ? none : list.map(sessionTable).join('\n\n')) + '\n');
    }));
}
