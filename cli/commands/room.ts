// `classroomctl room ...`: rooms, enrollments, invite links, closing, attendance and exporting.
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command, Option } from 'commander';
import { ROOM_ROLES, type Room } from '../../src/rooms/RoomStore.js';
import { AssetStore } from '../../src/whiteboard/assets.js';
import { BoardStore } from '../../src/whiteboard/LiveBoard.js';
import { roomBoardPdf } from '../../src/whiteboard/exportPdf.js';
import { exportRoom } from '../../src/rooms/exportRoom.js';
import type { RoomRole } from '../../src/protocol/messages.js';
import { CliError } from '../CliError.js';
import { output, type Ctx } from '../context.js';
import { withCtx } from '../withCtx.js';
import { parseDuration, parsePositiveInt } from '../options.js';
import { clean, fields, iso, table, when } from '../format.js';
import { describeNotified, notifyServer } from '../serverClient.js';
import { requireUser } from './user.js';
import { registerRoomAttendance } from './roomAttendance.js';

const DEFAULT_INVITE_TTL_MS = 7 * 86_400_000;
const INVITE_ROLES = ['student', 'assistant'] as const;

export function roomJson(r: Room) {
  return { id: r.id, title: r.title, status: r.status, capacity: r.capacity, createdAt: iso(r.createdAt), closedAt: iso(r.closedAt) };
}

/** Disconnects everyone in the room on a running server (best effort, never an error). */
async function closeLive(ctx: Ctx, id: string): Promise<string> {
  const n = await notifyServer(ctx, `/api/admin/rooms/${encodeURIComponent(id)}/close`);
  return describeNotified(n, (count) => `Server notified: disconnected ${count} in room ${id}.`,
    { text: 'anyone already in the room may stay connected until they leave or the server restarts', always: false });
}

/** Writes next to the target and renames over it, so a reader never sees half a file. */
function writeAtomically(file: string, text: string | Buffer): void {
  const target = resolve(file);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    // 0600: an export holds private messages.
    writeFileSync(temp, text, { mode: 0o600, flag: 'wx' });
    renameSync(temp, target);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new CliError('WRITE_FAILED', `Cannot write ${target}: ${(e as Error).message}`);
  }
}

async function confirmDelete(room: Room, yes: boolean | undefined): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) {
    throw new CliError('CONFIRM_REQUIRED', `Refusing to delete room ${room.id} without confirmation.`,
      'Pass --yes to delete it with its chat, whiteboard, enrollments and invites.');
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Delete room ${room.id} ("${clean(room.title)}") with its chat, whiteboard, enrollments and invites? Type its id to confirm: `);
    if (answer.trim() !== room.id) throw new CliError('NOT_CONFIRMED', `Room ${room.id} was not deleted: the id typed did not match.`);
  } finally {
    rl.close();
  }
}

export function registerRoom(program: Command): void {
  const room = program.command('room').description('manage rooms, enrollments and invite links');

  room.command('create <title>')
    .description('create a room and print its id')
    .option('--capacity <n>', 'most participants at once (default: config rooms.defaultCapacity)', parsePositiveInt)
    .option('--json', 'print the room as JSON instead of just its id')
    .action((title: string, f: { capacity?: number; json?: boolean }, cmd: Command) => withCtx(cmd, (ctx) => {
      const r = ctx.rooms.create(title, f.capacity ?? ctx.config.rooms.defaultCapacity);
      output(f.json, roomJson(r), () => r.id);
    }));

  room.command('list')
    .description('list rooms')
    .option('--json', 'print as JSON')
    .action((f: { json?: boolean }, cmd: Command) => withCtx(cmd, (ctx) => {
      const list = ctx.rooms.list().map((r) => ({ ...roomJson(r), enrolled: ctx.rooms.enrollments(r.id).length }));
      output(f.json, list, () => list.length === 0 ? 'No rooms yet. Create one with: classroomctl room create TITLE'
        : table(['id', 'title', 'status', 'capacity', 'enrolled'], list.map((r) => [r.id, r.title, r.status, String(r.capacity), String(r.enrolled)])));
    }));

  room.command('show <id>')
    .description('show a room and who is enrolled')
    .option('--json', 'print as JSON')
    .action((id: string, f: { json?: boolean }, cmd: Command) => withCtx(cmd, (ctx) => {
      const r = ctx.rooms.require(id);
      const enrolled = ctx.rooms.enrollments(id);
      const json = {
        ...roomJson(r),
        enrollments: enrolled.map((e) => ({ userId: e.userId, username: e.username, displayName: e.displayName, role: e.role, enrolledAt: iso(e.enrolledAt) })),
      };
      output(f.json, json, () =>
        fields([['Id', r.id], ['Title', r.title], ['Status', r.status], ['Capacity', String(r.capacity)], ['Created', when(r.createdAt)],
          ...(r.closedAt !== null ? [['Closed', when(r.closedAt)] as const] : [])]) +
        '\n\n' + (enrolled.length === 0 ? 'Nobody is enrolled.'
          : table(['username', 'display name', 'role', 'enrolled'], enrolled.map((e) => [e.username ?? '(guest)', e.displayName, e.role, when(e.enrolledAt)]))));
    }));

  room.command('enroll <id> <user>')
    .description('enroll a user in a room with a room role (or change their role)')
    .addOption(new Option('--role <role>', 'role in the room').choices(ROOM_ROLES).makeOptionMandatory())
    .action((id: string, name: string, f: { role: RoomRole }, cmd: Command) => withCtx(cmd, (ctx) => {
      const r = ctx.rooms.require(id);
      const u = requireUser(ctx.users, name);
      const before = ctx.rooms.roleOf(id, u.id);
      ctx.rooms.enroll(id, u.id, f.role);
      process.stdout.write(before === undefined ? `Enrolled "${u.username}" in ${r.id} ("${clean(r.title)}") as ${f.role}.\n`
        : before === f.role ? `"${u.username}" was already enrolled in ${r.id} as ${f.role}.\n`
          : `"${u.username}" is now ${f.role} in ${r.id} (was ${before}).\n`);
    }));

  room.command('unenroll <id> <user>')
    .description('remove a user from a room\'s enrollments')
    .action((id: string, name: string, _f: unknown, cmd: Command) => withCtx(cmd, (ctx) => {
      const r = ctx.rooms.require(id);
      const u = requireUser(ctx.users, name);
      if (!ctx.rooms.unenroll(id, u.id)) {
        throw new CliError('NOT_ENROLLED', `"${u.username}" is not enrolled in room ${r.id}.`, `See who is: classroomctl room show ${r.id}`);
      }
      process.stdout.write(`Unenrolled "${u.username}" from ${r.id}.\n`);
    }));

  room.command('invite <id>')
    .description('make an invite link for guests; prints the link')
    .addOption(new Option('--role <role>', 'role given to people who join with it').choices(INVITE_ROLES).makeOptionMandatory())
    .option('--ttl <duration>', 'how long the link works: 90s, 15m, 12h, 7d, 2w (default: 7d)', parseDuration)
    .option('--max-uses <n>', 'how many people may join with it (default: unlimited until it expires)', parsePositiveInt)
    .option('--json', 'print the invite as JSON')
    .action((id: string, f: { role: RoomRole; ttl?: number; maxUses?: number; json?: boolean }, cmd: Command) => withCtx(cmd, (ctx) => {
      const inv = ctx.rooms.createInvite(id, f.role, f.ttl ?? DEFAULT_INVITE_TTL_MS, f.maxUses ?? null);
      const url = `${ctx.config.publicUrl.replace(/\/+$/, '')}/join/${inv.code}`;
      output(f.json, { roomId: id, role: f.role, url, code: inv.code, expiresAt: iso(inv.expiresAt), maxUses: f.maxUses ?? null }, () => url);
    }));

  room.command('close <id>')
    .description('close a room: nobody can join, and people connected are disconnected')
    .action((id: string, _f: unknown, cmd: Command) => withCtx(cmd, async (ctx) => {
      const r = ctx.rooms.require(id);
      if (r.status !== 'closed') ctx.rooms.close(id);
      const said = r.status === 'closed' ? `Room ${id} was already closed.` : `Closed room ${id} ("${clean(r.title)}").`;
      process.stdout.write(`${said}\n${await closeLive(ctx, id)}\n`);
    }));

  room.command('reopen <id>')
    .description('open a closed room again')
    .action((id: string, _f: unknown, cmd: Command) => withCtx(cmd, (ctx) => {
      const r = ctx.rooms.require(id);
      if (r.status === 'open') { process.stdout.write(`Room ${id} is already open.\n`); return; }
      ctx.rooms.reopen(id);
      process.stdout.write(`Reopened room ${id} ("${clean(r.title)}").\n`);
    }));

  room.command('delete <id>')
    .description('delete a room with its chat, whiteboard, enrollments and invites')
    .option('--yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .action((id: string, f: { yes?: boolean }, cmd: Command) => withCtx(cmd, async (ctx) => {
      const r = ctx.rooms.require(id);
      await confirmDelete(r, f.yes);
      // Closed first, so nobody joins between the server dropping everyone and the delete.
      if (r.status !== 'closed') ctx.rooms.close(id);
      const note = await closeLive(ctx, id);
      new AssetStore(ctx.db, ctx.dataDir).removeRoom(id, () => ctx.rooms.remove(id));
      process.stdout.write(`Deleted room ${id} ("${clean(r.title)}").\n${note}\n`);
    }));

  registerRoomAttendance(room);

  room.command('export <id>')
    .description('export a room (participants, chat, class sessions and attendance, polls, breakout groups) as JSON')
    .option('-o, --output <file>', 'write to this file (atomically) instead of stdout')
    .option('--board-pdf <file>', 'also write the whole whiteboard as a PDF (one page per board page)')
    .action((id: string, f: { output?: string; boardPdf?: string }, cmd: Command) => withCtx(cmd, (ctx) => {
      const assets = new AssetStore(ctx.db, ctx.dataDir);
      const text = JSON.stringify(exportRoom(id, { ...ctx, assets }), null, 2) + '\n';
      if (f.boardPdf !== undefined) {
        const pdf = roomBoardPdf(new BoardStore(ctx.db), assets, id, ctx.rooms.require(id).title);
        writeAtomically(f.boardPdf, pdf);
        process.stderr.write(`Wrote the whiteboard of room ${id} to ${resolve(f.boardPdf)}.\n`);
      }
      if (f.output === undefined) { process.stdout.write(text); return; }
      writeAtomically(f.output, text);
      process.stdout.write(`Exported room ${id} to ${resolve(f.output)}.\n`);
    }));
}
