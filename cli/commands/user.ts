// `classroomctl user ...`: accounts. Validation happens before any write, and a refused
// command leaves the database as it was.
import { Command, Option } from 'commander';
import { GLOBAL_ROLES, USERNAME_RE, checkDisplayName, type User, type UserStore } from '../../src/auth/UserStore.js';
import { hashPasswordSync } from '../../src/auth/secrets.js';
import { UserError } from '../../src/errors.js';
import { CliError } from '../CliError.js';
import { output, type Ctx } from '../context.js';
import { withCtx } from '../withCtx.js';
import { fields, iso, table, when } from '../format.js';
import { obtainPassword } from '../readSecret.js';
import { describeNotified, notifyServer, revalidateNote } from '../serverClient.js';

/** The roles an operator may give (guests come from invite links only). */
type AccountRole = (typeof GLOBAL_ROLES)[number];

export function userJson(u: User) {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, status: status(u), createdAt: iso(u.createdAt) };
}

const status = (u: User) => (u.disabled ? 'disabled' : 'active');

export function requireUser(users: UserStore, name: string): User {
  const u = users.byUsername(name);
  if (!u) throw new CliError('USER_NOT_FOUND', `No user named "${name}".`, 'List accounts with: classroomctl user list');
  return u;
}

/** Refuses a change that would leave no active admin (nobody could administer from the web). */
function assertNotLastAdmin(users: UserStore, u: User, doing: string): void {
  if (u.role === 'admin' && !u.disabled && users.activeAdminCount() <= 1) {
    throw new CliError('LAST_ADMIN', `"${u.username}" is the last active admin; ${doing} it would leave nobody to administer the classroom.`,
      'Add or enable another admin first: classroomctl user add NAME --role admin');
  }
}

function printPassword(username: string, password: string): string {
  return `Password: ${password}\n(shown once: store it now, or change it with "classroomctl user passwd ${username}")`;
}

/** Ends the user's live connections on a running server (best effort, never an error). */
async function disconnect(ctx: Ctx, u: User): Promise<string> {
  const n = await notifyServer(ctx, `/api/admin/users/${u.id}/disconnect`);
  return describeNotified(n, (count) => `Server notified: disconnected ${count} of "${u.username}".`, revalidateNote(ctx));
}

interface AddFlags { role: AccountRole; displayName?: string; passwordStdin?: boolean; json?: boolean }

export function registerUser(program: Command): void {
  const user = program.command('user').description('manage accounts (admins, teachers, students)');

  user.command('add <name>')
    .description('create an account; its password is read from stdin or generated and printed once')
    .addOption(new Option('--role <role>', 'global role').choices(GLOBAL_ROLES).makeOptionMandatory())
    .option('--display-name <name>', 'name shown to others (default: the username)')
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .option('--json', 'print the result as JSON')
    .action((name: string, f: AddFlags, cmd: Command) => withCtx(cmd, async (ctx) => {
      // Everything that can be refused is checked before reading stdin or hashing.
      if (!USERNAME_RE.test(name)) {
        throw new UserError('BAD_USERNAME', `"${name}" is not a valid username: use 2-32 letters, digits, ".", "_" or "-", starting with a letter or digit.`);
      }
      const displayName = checkDisplayName(f.displayName ?? name);
      if (ctx.users.byUsername(name)) throw new CliError('USER_EXISTS', `A user named "${name}" already exists.`, `See it with: classroomctl user show ${name}`);
      const { password, generated } = await obtainPassword(f.passwordStdin);
      const created = ctx.users.create({ username: name, displayName, role: f.role, passwordHash: hashPasswordSync(password) });
      output(f.json, { ...userJson(created), ...(generated ? { generatedPassword: password } : {}) }, () =>
        `Created ${created.role} "${created.username}" (${created.displayName}), id ${created.id}.` +
        (generated ? `\n${printPassword(created.username!, password)}` : ''));
    }));

  user.command('list')
    .description('list accounts')
    .option('--json', 'print as JSON')
    .action((f: { json?: boolean }, cmd: Command) => withCtx(cmd, (ctx) => {
      const list = ctx.users.list();
      output(f.json, list.map(userJson), () => list.length === 0 ? 'No users.'
        : table(['username', 'display name', 'role', 'status', 'created'],
          list.map((u) => [u.username ?? '-', u.displayName, u.role, status(u), when(u.createdAt)])));
    }));

  user.command('show <name>')
    .description('show an account and the rooms it is enrolled in')
    .option('--json', 'print as JSON')
    .action((name: string, f: { json?: boolean }, cmd: Command) => withCtx(cmd, (ctx) => {
      const u = requireUser(ctx.users, name);
      const rooms = ctx.rooms.forUser(u.id);
      output(f.json, { ...userJson(u), rooms: rooms.map((r) => ({ id: r.id, title: r.title, status: r.status, role: r.myRole })) }, () =>
        fields([['Username', u.username ?? '-'], ['Display name', u.displayName], ['Role', u.role], ['Status', status(u)], ['Created', when(u.createdAt)], ['Id', String(u.id)]]) +
        '\n\n' + (rooms.length === 0 ? 'Not enrolled in any room.'
          : table(['room', 'title', 'status', 'role'], rooms.map((r) => [r.id, r.title, r.status, r.myRole]))));
    }));

  user.command('passwd <name>')
    .description('set a new password (from stdin, or generated and printed once); ends the user\'s sessions')
    .option('--password-stdin', 'read the password from stdin instead of generating one')
    .action((name: string, f: { passwordStdin?: boolean }, cmd: Command) => withCtx(cmd, async (ctx) => {
      const u = requireUser(ctx.users, name);
      const { password, generated } = await obtainPassword(f.passwordStdin);
      ctx.users.setPassword(u.id, hashPasswordSync(password));
      const lines = [`Password of "${u.username}" changed; their sessions were revoked.`];
      if (generated) lines.push(printPassword(u.username!, password));
      lines.push(await disconnect(ctx, u));
      process.stdout.write(lines.join('\n') + '\n');
    }));

  user.command('disable <name>')
    .description('block sign-in and end the user\'s sessions (live ones too, if the server is running)')
    .action((name: string, _f: unknown, cmd: Command) => withCtx(cmd, async (ctx) => {
      const u = requireUser(ctx.users, name);
      // The check and the write in one transaction: two concurrent disables cannot both pass it.
      const changed = ctx.db.transaction(() => {
        assertNotLastAdmin(ctx.users, requireUser(ctx.users, name), 'disabling');
        return ctx.users.disable(u.id);
      }).immediate();
      const said = changed ? `Disabled "${u.username}"; their sessions were revoked.` : `"${u.username}" was already disabled; any sessions were revoked.`;
      process.stdout.write(`${said}\n${await disconnect(ctx, u)}\n`);
    }));

  user.command('enable <name>')
    .description('allow a disabled user to sign in again')
    .action((name: string, _f: unknown, cmd: Command) => withCtx(cmd, (ctx) => {
      const u = requireUser(ctx.users, name);
      if (!u.disabled) { process.stdout.write(`"${u.username}" is already active.\n`); return; }
      ctx.users.enable(u.id);
      process.stdout.write(`Enabled "${u.username}": they can sign in again.\n`);
    }));

  user.command('remove <name>')
    .description('delete an account with its sessions and enrollments (its chat messages stay in room logs)')
    .action((name: string, _f: unknown, cmd: Command) => withCtx(cmd, async (ctx) => {
      const u = requireUser(ctx.users, name);
      // Disable first, so the account cannot sign in again between the server dropping its
      // connections and the delete; then tell the server while the id still exists.
      ctx.db.transaction(() => {
        assertNotLastAdmin(ctx.users, requireUser(ctx.users, name), 'removing');
        ctx.users.disable(u.id);
      }).immediate();
      const note = await disconnect(ctx, u);
      ctx.users.remove(u.id);
      process.stdout.write(`Removed "${u.username}" (id ${u.id}) with their sessions and enrollments.\n${note}\n`);
    }));
}
