// classroomctl room ...: one installation shared by the tests in order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AssetStore } from '../../src/whiteboard/assets.js';
import { png } from '../helpers/files.js';
import { Scratch, ctl, editConfig, install, show, withStores, expectations } from './harness.js';

const scratch = new Scratch();
let dataDir = '';
const { ok, refused } = expectations(() => dataDir);
let roomId = '';
const PUBLIC_URL = 'https://class.example.org';
before(async () => {
  // Ports stay 0 and no server writes server.json: notifications find no server running.
  ({ dataDir } = await install(scratch.dir()));
  editConfig(dataDir, (c) => {
    c.publicUrl = PUBLIC_URL + '/';
    c.rooms.defaultCapacity = 42;
  });
  withStores(dataDir, ({ users }) => {
    for (const [username, role] of [['tina', 'teacher'], ['sam', 'student'], ['amy', 'student']] as const) users.create({ username, role, passwordHash: null });
  });
});
after(() => scratch.cleanup());

const run = (args: string[], input?: string) => ctl(args, { dataDir, input });
const room = (id = roomId) => withStores(dataDir, ({ rooms }) => rooms.get(id));
const enrolled = (id = roomId) => withStores(dataDir, ({ rooms }) => rooms.enrollments(id).map((e) => `${e.username}:${e.role}`));

describe('room create, list, show', () => {
  test('create prints just the id, with the configured default capacity', async () => {
    const r = await ok(['room', 'create', '  Algebra   I ']);
    assert.match(r.stdout, /^[a-z2-9]{10}\n$/);
    roomId = r.stdout.trim();
    assert.deepEqual({ ...room(), createdAt: 0 }, { id: roomId, title: 'Algebra I', capacity: 42, status: 'open', parentId: null, headSeq: 0, createdAt: 0, closedAt: null });
  });

  test('--capacity and --json', async () => {
    const out = JSON.parse((await ok(['room', 'create', 'Biology', '--capacity', '12', '--json'])).stdout) as { id: string; title: string; capacity: number; status: string };
    assert.deepEqual([out.title, out.capacity, out.status], ['Biology', 12, 'open']);
    assert.equal(room(out.id)?.capacity, 12);
  });

  test('a capacity of 0, too large a capacity, or an empty title is refused', async () => {
    await refused(['room', 'create', 'Chem', '--capacity', '0'], 2, /option '--capacity <n>' argument '0' is invalid\. expected a whole number of at least 1/);
    await refused(['room', 'create', 'Chem', '--capacity', '5000'], 1, /^classroomctl: Capacity must be a whole number from 1 to 1000\.\n$/);
    await refused(['room', 'create', '   '], 1, /^classroomctl: A room title needs 1 to 120 characters\.\n$/);
  });

  test('enroll, change a role, and refuse unknown rooms, users and roles', async () => {
    assert.equal((await ok(['room', 'enroll', roomId, 'tina', '--role', 'teacher'])).stdout, `Enrolled "tina" in ${roomId} ("Algebra I") as teacher.\n`);
    await ok(['room', 'enroll', roomId, 'sam', '--role', 'assistant']);
    assert.equal((await ok(['room', 'enroll', roomId, 'sam', '--role', 'student'])).stdout, `"sam" is now student in ${roomId} (was assistant).\n`);
    assert.deepEqual(enrolled(), ['tina:teacher', 'sam:student']);
    await refused(['room', 'enroll', roomId, 'nobody', '--role', 'student'], 1, /^classroomctl: No user named "nobody"\.\n/);
    await refused(['room', 'enroll', 'nosuchroom', 'sam', '--role', 'student'], 1, /^classroomctl: No room with id "nosuchroom"\.\n$/);
    await refused(['room', 'enroll', roomId, 'amy', '--role', 'principal'], 2, /Allowed choices are teacher, assistant, student/);
  });

  test('list shows each room with its enrolled count; --json parses', async () => {
    const human = await ok(['room', 'list']);
    assert.match(human.stdout, /^ID\s+TITLE\s+STATUS\s+CAPACITY\s+ENROLLED\n/);
    assert.match(human.stdout, new RegExp(`^${roomId}\\s+Algebra I\\s+open\\s+42\\s+2$`, 'm'));
    const list = JSON.parse((await ok(['room', 'list', '--json'])).stdout) as Array<{ id: string; title: string; enrolled: number; capacity: number }>;
    assert.deepEqual(list.map((r) => [r.title, r.capacity, r.enrolled]), [['Algebra I', 42, 2], ['Biology', 12, 0]]);
  });

  test('show lists the enrollments; --json parses; an unknown room is ROOM_NOT_FOUND', async () => {
    const human = await ok(['room', 'show', roomId]);
    assert.match(human.stdout, /^Title:\s+Algebra I$/m);
    assert.match(human.stdout, /^tina\s+tina\s+teacher\s+\d{4}-/m);
    const json = JSON.parse((await ok(['room', 'show', roomId, '--json'])).stdout) as { id: string; enrollments: Array<{ username: string; role: string }> };
    assert.equal(json.id, roomId);
    assert.deepEqual(json.enrollments.map((e) => [e.username, e.role]), [['tina', 'teacher'], ['sam', 'student']]);
    await refused(['room', 'show', 'nosuchroom'], 1, /No room with id "nosuchroom"/);
  });

  test('unenroll removes an enrollment, and refuses one that does not exist', async () => {
    withStores(dataDir, ({ rooms, users }) => rooms.enroll(roomId, users.require('amy').id, 'student'));
    assert.equal((await ok(['room', 'unenroll', roomId, 'amy'])).stdout, `Unenrolled "amy" from ${roomId}.\n`);
    assert.deepEqual(enrolled(), ['tina:teacher', 'sam:student']);
    await refused(['room', 'unenroll', roomId, 'amy'], 1, /^classroomctl: "amy" is not enrolled in room \w+\.\n/);
  });
});

describe('room invite', () => {
  test('prints the join link under publicUrl; the code opens the room with that role', async () => {
    const r = await ok(['room', 'invite', roomId, '--role', 'student']);
    const m = new RegExp(`^${PUBLIC_URL}/join/([A-Za-z0-9_-]{43})\\n$`).exec(r.stdout);
    assert.ok(m, show(r));
    const info = withStores(dataDir, ({ rooms }) => rooms.peekInvite(m[1]!));
    assert.deepEqual([info.roomId, info.role, info.usesLeft], [roomId, 'student', null]);
    const week = 7 * 86_400_000;
    assert.ok(Math.abs(info.expiresAt - (Date.now() + week)) < 60_000, 'expires in 7 days by default');
  });

  test('--ttl, --max-uses and --json', async () => {
    const out = JSON.parse((await ok(['room', 'invite', roomId, '--role', 'assistant', '--ttl', '2h', '--max-uses', '3', '--json'])).stdout) as
      { roomId: string; role: string; url: string; code: string; expiresAt: string; maxUses: number };
    assert.equal(out.url, `${PUBLIC_URL}/join/${out.code}`);
    assert.deepEqual([out.roomId, out.role, out.maxUses], [roomId, 'assistant', 3]);
    assert.ok(Math.abs(Date.parse(out.expiresAt) - (Date.now() + 7_200_000)) < 60_000);
    const info = withStores(dataDir, ({ rooms }) => rooms.peekInvite(out.code));
    assert.deepEqual([info.role, info.usesLeft], ['assistant', 3]);
  });

  test('refuses a bad ttl, a bad max-uses and a teacher role', async () => {
    await refused(['room', 'invite', roomId, '--role', 'student', '--ttl', '7 days'], 2, /option '--ttl <duration>' argument '7 days' is invalid\. a duration is a number and a unit/);
    await refused(['room', 'invite', roomId, '--role', 'student', '--max-uses', '0'], 2, /at least 1/);
    await refused(['room', 'invite', roomId, '--role', 'teacher'], 2, /Allowed choices are student, assistant/);
  });
});

describe('room close, reopen, export, delete', () => {
  test('close closes the room and says the server is not running; invites are then refused; reopen', async () => {
    const r = await ok(['room', 'close', roomId]);
    assert.equal(r.stdout, `Closed room ${roomId} ("Algebra I").\nNote: server not running: nothing to disconnect.\n`);
    assert.equal(room()?.status, 'closed');
    await refused(['room', 'invite', roomId, '--role', 'student'], 1, /is closed; reopen it before inviting/);
    assert.equal((await ok(['room', 'reopen', roomId])).stdout, `Reopened room ${roomId} ("Algebra I").\n`);
    assert.deepEqual([room()?.status, room()?.closedAt], ['open', null]);
  });

  test('export prints the room as JSON, or writes it atomically to --output', async () => {
    withStores(dataDir, ({ log, users }) => {
      const tina = users.require('tina');
      log.append(roomId, 'chat.message', tina.id, { from: { userId: tina.id, displayName: 'tina', role: 'teacher' }, text: 'hello class' });
    });
    const out = JSON.parse((await ok(['room', 'export', roomId])).stdout) as { format: string; room: { id: string }; participants: unknown[]; chat: Array<{ text: string }> };
    assert.equal(out.format, 'classroom-room-export/3');
    assert.equal(out.room.id, roomId);
    assert.equal(out.participants.length, 2);
    assert.deepEqual(out.chat.map((m) => m.text), ['hello class']);

    const dir = join(scratch.root, 'exports');
    const file = join(scratch.root, 'export.json');
    const r = await ok(['room', 'export', roomId, '--output', file]);
    assert.equal(r.stdout, `Exported room ${roomId} to ${file}.\n`);
    assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { room: { id: string } }).room.id, roomId);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(scratch.root).filter((f) => f.endsWith('.tmp')), []);

    await refused(['room', 'export', 'nosuchroom', '--output', join(scratch.root, 'nothing.json')], 1, /No room with id/);
    assert.ok(!existsSync(join(scratch.root, 'nothing.json')));
    await refused(['room', 'export', roomId, '--output', join(dir, 'missing-dir', 'x.json')], 1, /^classroomctl: Cannot write .*x\.json: ENOENT/);
  });

  test('delete needs --yes when stdin is not a terminal, then removes everything in the room', async () => {
    await refused(['room', 'delete', roomId], 1, new RegExp(`^classroomctl: Refusing to delete room ${roomId} without confirmation\\.\\n  Pass --yes`));
    // An upload of the room and one of its breakout group: their files go with the room.
    const files = withStores(dataDir, ({ db, rooms }) => {
      const assets = new AssetStore(db, dataDir);
      const group = rooms.createChild(roomId, 'Group 1', 10).id;
      return [assets.save(roomId, png(4, 4), 1).id, assets.save(group, png(2, 2), 1).id].map((a) => join(dataDir, 'assets', a));
    });
    assert.ok(files.every((f) => existsSync(f)));
    const deleted = await ok(['room', 'delete', roomId, '--yes']);
    assert.equal(deleted.stdout, `Deleted room ${roomId} ("Algebra I").\nNote: server not running: nothing to disconnect.\n`);
    withStores(dataDir, ({ db }) => {
      for (const t of ['rooms WHERE id', 'enrollments WHERE room_id', 'invites WHERE room_id', 'room_log WHERE room_id']) {
        assert.deepEqual(db.prepare(`SELECT * FROM ${t} = ?`).all(roomId), [], t);
      }
    });
    assert.deepEqual(withStores(dataDir, ({ rooms }) => rooms.list().map((x) => x.title)), ['Biology']);
    assert.deepEqual(files.filter((f) => existsSync(f)), [], 'uploaded files deleted');
  });
});
