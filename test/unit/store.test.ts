// Domain stores on in-memory SQLite with the real migrations.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { openDb } from '../../src/store/db.js';
import { migrate, LATEST_VERSION, DatabaseTooNewError } from '../../src/store/migrations.js';
import { UserStore } from '../../src/auth/UserStore.js';
import { RoomStore } from '../../src/rooms/RoomStore.js';
import { RoomLog, direct } from '../../src/rooms/RoomLog.js';
import { exportRoom } from '../../src/rooms/exportRoom.js';
import { hashPasswordSync, verifyPassword, hashToken } from '../../src/auth/secrets.js';
import { UserError } from '../../src/errors.js';

function fresh() {
  const db = openDb(':memory:');
  return { db, users: new UserStore(db), rooms: new RoomStore(db), log: new RoomLog(db) };
}

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e instanceof UserError ? e.code : `non-user error: ${String(e)}`;
  }
  return 'no error';
};

describe('migrations', () => {
  it('bring an empty database to the latest version, once', () => {
    const db = new Database(':memory:');
    assert.deepEqual(migrate(db), Array.from({ length: LATEST_VERSION }, (_, i) => i + 1));
    assert.equal(db.pragma('user_version', { simple: true }), LATEST_VERSION);
    assert.deepEqual(migrate(db), []);
    const strict = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql NOT LIKE '%STRICT%'").all();
    assert.deepEqual(strict, [], 'every table is STRICT');
  });

  it('refuse a database newer than the code and change nothing', () => {
    const db = new Database(':memory:');
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    assert.throws(() => migrate(db), DatabaseTooNewError);
    assert.equal((db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n, 0);
  });

  it('the hot queries use their indexes', () => {
    const { db } = fresh();
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    assert.match(plan("SELECT * FROM room_log WHERE room_id = 'r' AND seq > 5 ORDER BY seq LIMIT 10"), /USING INDEX sqlite_autoindex_room_log_1/);
    assert.match(plan("SELECT * FROM room_log WHERE room_id = 'r' AND kind = 'chat.message' AND id < 9 ORDER BY id DESC LIMIT 10"), /USING INDEX room_log_by_kind/);
    assert.match(plan("SELECT * FROM sessions WHERE token_hash = x'00'"), /USING PRIMARY KEY/);
  });
});

describe('users and sessions', () => {
  it('creates accounts, refuses duplicates and bad input without writing', () => {
    const { users } = fresh();
    users.create({ username: 'tina', role: 'teacher', passwordHash: null });
    assert.equal(code(() => users.create({ username: 'TINA', role: 'student', passwordHash: null })), 'USER_EXISTS');
    assert.equal(code(() => users.create({ username: 'x', role: 'student', passwordHash: null })), 'BAD_USERNAME');
    assert.equal(code(() => users.create({ username: 'bob', role: 'wizard' as never, passwordHash: null })), 'BAD_ROLE');
    assert.equal(code(() => users.create({ username: 'bob', displayName: ' ', role: 'student', passwordHash: null })), 'BAD_DISPLAY_NAME');
    assert.deepEqual(users.list().map((u) => u.username), ['tina']);
  });

  it('hashes passwords with scrypt and verifies them', async () => {
    const h = hashPasswordSync('correct horse');
    assert.match(h, /^scrypt\$32768\$8\$1\$/);
    assert.equal(await verifyPassword('correct horse', h), true);
    assert.equal(await verifyPassword('wrong horse', h), false);
    assert.equal(await verifyPassword('anything', null), false);
  });

  it('sessions resolve until revoked, expired or the account is disabled', () => {
    const { users } = fresh();
    const u = users.create({ username: 'sam', role: 'student', passwordHash: null });
    const a = users.createSession(u.id, 60_000);
    const b = users.createSession(u.id, 60_000);
    assert.equal(users.resolveSession(a.token)?.user.id, u.id);
    users.revokeSession(a.token);
    assert.equal(users.resolveSession(a.token), null);
    assert.equal(users.sessionValid(hashToken(b.token)), true);
    users.disable(u.id);
    assert.equal(users.resolveSession(b.token), null);
    assert.equal(users.sessionValid(hashToken(b.token)), false);
    const expired = users.createSession(u.id, -1);
    assert.equal(users.resolveSession(expired.token), null);
    assert.equal(users.resolveSession(''), null);
  });
});

describe('rooms and invites', () => {
  it('validates titles, capacity and roles', () => {
    const { rooms, users } = fresh();
    assert.equal(code(() => rooms.create('', 10)), 'BAD_TITLE');
    assert.equal(code(() => rooms.create('Maths', 0)), 'BAD_CAPACITY');
    assert.equal(code(() => rooms.create('Maths', 1.5)), 'BAD_CAPACITY');
    const r = rooms.create('  Maths   A ', 30);
    assert.equal(r.title, 'Maths A');
    assert.match(r.id, /^[a-z0-9]{10}$/);
    const u = users.create({ username: 'sam', role: 'student', passwordHash: null });
    assert.equal(code(() => rooms.enroll(r.id, u.id, 'janitor' as never)), 'BAD_ROLE');
    assert.equal(code(() => rooms.enroll('nope', u.id, 'student')), 'ROOM_NOT_FOUND');
    rooms.enroll(r.id, u.id, 'student');
    rooms.enroll(r.id, u.id, 'assistant');
    assert.equal(rooms.roleOf(r.id, u.id), 'assistant');
  });

  it('invites expire, run out and never name a teacher', () => {
    const { rooms } = fresh();
    const r = rooms.create('Art', 10);
    const once = rooms.createInvite(r.id, 'student', 60_000, 1);
    const peek = rooms.peekInvite(once.code);
    assert.equal(peek.usesLeft, 1);
    rooms.useInvite(peek.inviteId);
    assert.equal(code(() => rooms.peekInvite(once.code)), 'INVITE_INVALID');
    const old = rooms.createInvite(r.id, 'student', -1, null);
    assert.equal(code(() => rooms.peekInvite(old.code)), 'INVITE_INVALID');
    assert.equal(code(() => rooms.createInvite(r.id, 'teacher', 60_000, null)), 'BAD_ROLE');
    rooms.close(r.id);
    assert.equal(code(() => rooms.createInvite(r.id, 'student', 60_000, null)), 'ROOM_CLOSED');
  });
});

describe('room log', () => {
  it('hands out gap-free seqs per room and filters direct messages by audience', () => {
    const { rooms, log } = fresh();
    const a = rooms.create('A', 10), b = rooms.create('B', 10);
    const from = { userId: 1, displayName: 'One', role: 'student' as const };
    const e1 = log.append(a.id, 'chat.message', 1, { from, text: 'hello' });
    const e2 = log.append(b.id, 'chat.message', 1, { from, text: 'other room' });
    const e3 = log.append(a.id, 'chat.message', 1, { from, to: { userId: 2, displayName: 'Two' }, text: 'secret' }, direct(1, 2));
    assert.deepEqual([e1.event.seq, e2.event.seq, e3.event.seq], [1, 1, 2]);
    assert.equal(log.head(a.id), 2);
    assert.deepEqual(log.since(a.id, 0, 2, 100).map((e) => e.seq), [1, 2]);
    assert.deepEqual(log.since(a.id, 0, 3, 100).map((e) => e.seq), [1], 'a third person does not see the DM');
    assert.deepEqual(log.history(a.id, 3, undefined, 10).messages.map((m) => m.text), ['hello']);
    assert.equal(code(() => log.append('missing', 'room.closed', null, {})), 'ROOM_NOT_FOUND');
  });

  it('deleting erases the text and logs a deletion with the same audience', () => {
    const { rooms, log } = fresh();
    const r = rooms.create('A', 10);
    const from = { userId: 1, displayName: 'One', role: 'student' as const };
    const m = log.append(r.id, 'chat.message', 1, { from, text: 'oops' });
    const d = log.deleteMessage(r.id, m.id, 9);
    assert.equal(d.event.kind, 'chat.deleted');
    assert.equal(log.history(r.id, 1, undefined, 10).messages[0]!.text, '');
    assert.equal(code(() => log.deleteMessage(r.id, m.id, 9)), 'NOT_FOUND');
    const dm = log.append(r.id, 'chat.message', 1, { from, to: { userId: 2, displayName: 'Two' }, text: 'psst' }, direct(1, 2));
    assert.equal(code(() => log.deleteMessage(r.id, dm.id, 9)), 'NOT_FOUND', 'cannot delete what you cannot see');
    assert.deepEqual(log.deleteMessage(r.id, dm.id, 2).audience, { users: [1, 2], staff: false });
  });

  it('exports chat, participants and attendance', () => {
    const { db, rooms, log, users } = fresh();
    const r = rooms.create('Export', 10);
    const u = users.create({ username: 'sam', role: 'student', passwordHash: null });
    rooms.enroll(r.id, u.id, 'student');
    log.append(r.id, 'participant.joined', u.id, { userId: u.id, displayName: 'sam', role: 'student' });
    log.append(r.id, 'chat.message', u.id, { from: { userId: u.id, displayName: 'sam', role: 'student' }, text: 'hi' });
    log.append(r.id, 'participant.left', u.id, { userId: u.id, reason: 'left' });
    const x = exportRoom(r.id, { db, rooms, log, users });
    assert.equal(x.chat[0]!.text, 'hi');
    assert.equal(x.participants[0]!.username, 'sam');
    assert.equal(x.attendance[0]!.intervals.length, 1);
    assert.equal(x.attendance[0]!.intervals[0]!.leaveReason, 'left');
  });
});
