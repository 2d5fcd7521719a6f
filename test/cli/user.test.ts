// classroomctl user ...: one installation shared by the tests in order, each asserting exit
// codes, output, and the database (unchanged after every refusal).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyPassword } from '../../src/auth/secrets.js';
import { Scratch, ctl, install, show, withStores, expectations } from './harness.js';

const scratch = new Scratch();
let dataDir = '';
const { refused } = expectations(() => dataDir);
// Ports are 0 and no server wrote server.json: every notification finds no server running.
before(async () => { ({ dataDir } = await install(scratch.dir())); });
after(() => scratch.cleanup());

const run = (args: string[], input?: string) => ctl(args, { dataDir, input });
const hashOf = (name: string) => withStores(dataDir, ({ users }) => users.credentials(name)?.passwordHash ?? null);
const NOT_RUNNING = 'Note: server not running: nothing to disconnect; live sessions also re-check within auth.revalidateSeconds (10 s).';

describe('user add', () => {
  test('generates a password, prints it once, and it signs in', async () => {
    const r = await run(['user', 'add', 'bob', '--role', 'teacher', '--display-name', '  Bob   Smith ']);
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^Created teacher "bob" \(Bob Smith\), id \d+\.\n/);
    const password = /^Password: (\S+)$/m.exec(r.stdout)?.[1];
    assert.ok(password && password.length >= 16, show(r));
    assert.equal(await verifyPassword(password, hashOf('bob')), true);
    const u = withStores(dataDir, ({ users }) => users.byUsername('bob'))!;
    assert.deepEqual([u.role, u.displayName, u.disabled], ['teacher', 'Bob Smith', false]);
  });

  test('--password-stdin takes the password from stdin less one trailing newline; --json has no generatedPassword', async () => {
    const r = await run(['user', 'add', 'carol', '--role', 'student', '--password-stdin', '--json'], 'correct horse battery\n');
    assert.equal(r.code, 0, show(r));
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual({ ...out, id: 0, createdAt: '' }, { id: 0, username: 'carol', displayName: 'carol', role: 'student', status: 'active', createdAt: '' });
    assert.ok(!('generatedPassword' in out));
    assert.match(out.createdAt as string, /^\d{4}-\d\d-\d\dT/);
    assert.equal(await verifyPassword('correct horse battery', hashOf('carol')), true);
  });

  test('--json includes generatedPassword when it generated one', async () => {
    const r = await run(['user', 'add', 'dave', '--role', 'admin', '--json']);
    assert.equal(r.code, 0, show(r));
    const out = JSON.parse(r.stdout) as { role: string; generatedPassword: string };
    assert.equal(out.role, 'admin');
    assert.equal(await verifyPassword(out.generatedPassword, hashOf('dave')), true);
  });

  test('a duplicate username is refused, in any letter case', async () => {
    const r = await refused(['user', 'add', 'BOB', '--role', 'student', '--password-stdin'], 1, /^classroomctl: A user named "BOB" already exists\.\n/, 'a fine password');
    assert.match(r.stderr, /See it with: classroomctl user show BOB/);
  });

  test('an unknown role is a usage error', async () => {
    await refused(['user', 'add', 'erin', '--role', 'guest'], 2, /argument 'guest' is invalid\. Allowed choices are admin, teacher, student/);
  });

  test('a bad username or display name is refused', async () => {
    await refused(['user', 'add', 'a b', '--role', 'student'], 1, /^classroomctl: "a b" is not a valid username: use 2-32 letters/);
    await refused(['user', 'add', 'erin', '--role', 'student', '--display-name', '   '], 1, /display name needs 1 to 60 characters/);
  });

  test('a too short or too long password on stdin is refused', async () => {
    await refused(['user', 'add', 'erin', '--role', 'student', '--password-stdin'], 1, /at least 8 characters \(read from stdin\); nothing was changed/, 'short\n');
    await refused(['user', 'add', 'erin', '--role', 'student', '--password-stdin'], 1, /at most 256 characters/, 'x'.repeat(300));
  });
});

describe('user list and show', () => {
  test('list prints a table, and --json the same users', async () => {
    const human = await run(['user', 'list']);
    assert.equal(human.code, 0, show(human));
    const lines = human.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, /^USERNAME\s+DISPLAY NAME\s+ROLE\s+STATUS\s+CREATED$/);
    assert.match(human.stdout, /^bob\s+Bob Smith\s+teacher\s+active\s+\d{4}-\d\d-\d\d \d\d:\d\dZ$/m);
    const json = await run(['user', 'list', '--json']);
    const list = JSON.parse(json.stdout) as Array<{ username: string; status: string }>;
    assert.deepEqual(list.map((u) => u.username), ['admin', 'bob', 'carol', 'dave']);
    assert.equal(lines.length, list.length + 1);
  });

  test('show lists the rooms the user is enrolled in', async () => {
    const roomId = withStores(dataDir, ({ rooms, users }) => {
      const r = rooms.create('Algebra', 30);
      rooms.enroll(r.id, users.require('bob').id, 'teacher');
      return r.id;
    });
    const human = await run(['user', 'show', 'bob']);
    assert.equal(human.code, 0, show(human));
    assert.match(human.stdout, /^Display name: Bob Smith$/m);
    assert.match(human.stdout, new RegExp(`^${roomId}\\s+Algebra\\s+open\\s+teacher$`, 'm'));
    const json = JSON.parse((await run(['user', 'show', 'bob', '--json'])).stdout) as { username: string; rooms: unknown[] };
    assert.equal(json.username, 'bob');
    assert.deepEqual(json.rooms, [{ id: roomId, title: 'Algebra', status: 'open', role: 'teacher' }]);
  });

  test('an unknown user is USER_NOT_FOUND', async () => {
    for (const verb of ['show', 'remove']) {
      await refused(['user', verb, 'nobody'], 1, /^classroomctl: No user named "nobody"\.\n  List accounts with: classroomctl user list\n$/);
    }
  });
});

describe('user passwd', () => {
  test('sets the password from stdin and revokes the user\'s sessions', async () => {
    const token = withStores(dataDir, ({ users }) => users.createSession(users.require('carol').id, 60_000).token);
    const r = await run(['user', 'passwd', 'carol', '--password-stdin'], 'a new secret\r\n');
    assert.equal(r.code, 0, show(r));
    assert.match(r.stdout, /^Password of "carol" changed; their sessions were revoked\.$/m);
    assert.ok(r.stdout.includes(NOT_RUNNING), show(r));
    assert.doesNotMatch(r.stdout, /^Password:/m);
    assert.equal(await verifyPassword('a new secret', hashOf('carol')), true);
    assert.equal(await verifyPassword('correct horse battery', hashOf('carol')), false);
    assert.equal(withStores(dataDir, ({ users }) => users.resolveSession(token)), null);
  });

  test('without --password-stdin generates one and prints it once', async () => {
    const r = await run(['user', 'passwd', 'carol']);
    assert.equal(r.code, 0, show(r));
    const password = /^Password: (\S+)$/m.exec(r.stdout)?.[1];
    assert.ok(password, show(r));
    assert.equal(await verifyPassword(password, hashOf('carol')), true);
  });

  test('a weak password changes nothing', async () => {
    await refused(['user', 'passwd', 'carol', '--password-stdin'], 1, /at least 8 characters/, '1234567\n');
  });
});

describe('user disable, enable, remove', () => {
  test('disable blocks the account, revokes sessions and says the server is not running', async () => {
    const token = withStores(dataDir, ({ users }) => users.createSession(users.require('bob').id, 60_000).token);
    const r = await run(['user', 'disable', 'bob']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, `Disabled "bob"; their sessions were revoked.\n${NOT_RUNNING}\n`);
    withStores(dataDir, ({ users }) => {
      assert.equal(users.byUsername('bob')!.disabled, true);
      assert.equal(users.resolveSession(token), null);
    });
    const again = await run(['user', 'disable', 'bob']);
    assert.equal(again.code, 0, show(again));
    assert.match(again.stdout, /^"bob" was already disabled/);
  });

  test('enable lets the account sign in again', async () => {
    const r = await run(['user', 'enable', 'bob']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, 'Enabled "bob": they can sign in again.\n');
    assert.equal(withStores(dataDir, ({ users }) => users.byUsername('bob')!.disabled), false);
    assert.equal((await run(['user', 'enable', 'bob'])).stdout, '"bob" is already active.\n');
  });

  test('the last active admin can be neither disabled nor removed', async () => {
    // Two admins (admin, dave): one may go, the other then may not.
    const r = await run(['user', 'disable', 'dave']);
    assert.equal(r.code, 0, show(r));
    for (const verb of ['disable', 'remove']) {
      const refusal = await refused(['user', verb, 'admin'], 1, /^classroomctl: "admin" is the last active admin; .* would leave nobody to administer the classroom\.\n/);
      assert.match(refusal.stderr, /Add or enable another admin first: classroomctl user add NAME --role admin/);
    }
    // A disabled admin is not the last active one: removing it is fine.
    const removed = await run(['user', 'remove', 'dave']);
    assert.equal(removed.code, 0, show(removed));
    assert.equal(withStores(dataDir, ({ users }) => users.activeAdminCount()), 1);
  });

  test('remove deletes the account with its sessions and enrollments', async () => {
    const { id, token } = withStores(dataDir, ({ users }) => {
      const bob = users.require('bob');
      return { id: bob.id, token: users.createSession(bob.id, 60_000).token };
    });
    const r = await run(['user', 'remove', 'bob']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stdout, `Removed "bob" (id ${id}) with their sessions and enrollments.\n${NOT_RUNNING}\n`);
    withStores(dataDir, ({ db, users }) => {
      assert.equal(users.byUsername('bob'), undefined);
      assert.equal(users.resolveSession(token), null);
      assert.deepEqual(db.prepare('SELECT * FROM enrollments WHERE user_id = ?').all(id), []);
      assert.deepEqual(db.prepare('SELECT * FROM sessions WHERE user_id = ?').all(id), []);
    });
    assert.deepEqual(withStores(dataDir, ({ users }) => users.list().map((u) => u.username)), ['admin', 'carol']);
  });
});
