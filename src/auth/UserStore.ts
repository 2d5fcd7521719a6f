// Accounts and sessions in SQLite. Statements are prepared once, when the store is built.
import type { Db } from '../store/db.js';
import { UserError } from '../errors.js';
import { hashToken, newToken } from './secrets.js';

export const GLOBAL_ROLES = ['admin', 'teacher', 'student'] as const;
export type GlobalRole = (typeof GLOBAL_ROLES)[number] | 'guest';

export interface User {
  id: number;
  username: string | null;
  displayName: string;
  role: GlobalRole;
  disabled: boolean;
  createdAt: number;
}

export interface SessionInfo {
  user: User;
  /** Guests' sessions open one room only. */
  roomId: string | null;
  expiresAt: number;
}

interface UserRow {
  id: number; username: string | null; display_name: string; role: GlobalRole;
  password_hash: string | null; disabled_at: number | null; created_at: number;
}

const toUser = (r: UserRow): User => ({
  id: r.id, username: r.username, displayName: r.display_name, role: r.role,
  disabled: r.disabled_at !== null, createdAt: r.created_at,
});

export const USERNAME_RE = /^[a-z0-9][a-z0-9._-]{1,31}$/i;

export function checkDisplayName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  if (trimmed.length < 1 || trimmed.length > 60) throw new UserError('BAD_DISPLAY_NAME', 'A display name needs 1 to 60 characters.');
  // Control characters would let a name spoof layout in other people's views.
  if (/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(trimmed)) throw new UserError('BAD_DISPLAY_NAME', 'A display name may not contain control characters.');
  return trimmed;
}

export class UserStore {
  readonly #s;
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      insert: db.prepare<[string | null, string, string, string | null, number]>(
        'INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *'),
      byId: db.prepare<[number]>('SELECT * FROM users WHERE id = ?'),
      byName: db.prepare<[string]>('SELECT * FROM users WHERE username = ?'),
      list: db.prepare('SELECT * FROM users WHERE role != \'guest\' ORDER BY username'),
      setPassword: db.prepare<[string, number]>('UPDATE users SET password_hash = ? WHERE id = ?'),
      disable: db.prepare<[number, number]>('UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL'),
      enable: db.prepare<[number]>('UPDATE users SET disabled_at = NULL WHERE id = ?'),
      remove: db.prepare<[number]>('DELETE FROM users WHERE id = ?'),
      countAdmins: db.prepare('SELECT count(*) AS n FROM users WHERE role = \'admin\' AND disabled_at IS NULL'),
      insertSession: db.prepare<[Buffer, number, string | null, number, number]>(
        'INSERT INTO sessions (token_hash, user_id, room_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      session: db.prepare<[Buffer]>(
        'SELECT s.room_id, s.expires_at, u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?'),
      deleteSession: db.prepare<[Buffer]>('DELETE FROM sessions WHERE token_hash = ?'),
      deleteUserSessions: db.prepare<[number]>('DELETE FROM sessions WHERE user_id = ?'),
      purgeExpired: db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?'),
    };
  }

  create(input: { username: string; displayName?: string; role: GlobalRole; passwordHash: string | null }): User {
    if (!USERNAME_RE.test(input.username)) {
      throw new UserError('BAD_USERNAME', 'A username is 2-32 letters, digits, ".", "_" or "-", starting with a letter or digit.');
    }
    if (!(GLOBAL_ROLES as readonly string[]).includes(input.role)) {
      throw new UserError('BAD_ROLE', `Unknown role "${input.role}": use admin, teacher or student.`);
    }
    const displayName = checkDisplayName(input.displayName ?? input.username);
    if (this.byUsername(input.username)) throw new UserError('USER_EXISTS', `A user named "${input.username}" already exists.`);
    return toUser(this.#s.insert.get(input.username, displayName, input.role, input.passwordHash, Date.now()) as UserRow);
  }

  createGuest(displayName: string): User {
    return toUser(this.#s.insert.get(null, checkDisplayName(displayName), 'guest', null, Date.now()) as UserRow);
  }

  byId(id: number): User | undefined {
    const r = this.#s.byId.get(id) as UserRow | undefined;
    return r && toUser(r);
  }

  byUsername(username: string): User | undefined {
    const r = this.#s.byName.get(username) as UserRow | undefined;
    return r && toUser(r);
  }

  /** The user and stored hash for a sign-in; undefined when unknown. */
  credentials(username: string): { user: User; passwordHash: string | null } | undefined {
    const r = this.#s.byName.get(username) as UserRow | undefined;
    return r && { user: toUser(r), passwordHash: r.password_hash };
  }

  require(username: string): User {
    const u = this.byUsername(username);
    if (!u) throw new UserError('USER_NOT_FOUND', `No user named "${username}".`);
    return u;
  }

  list(): User[] {
    return (this.#s.list.all() as UserRow[]).map(toUser);
  }

  setPassword(userId: number, passwordHash: string): void {
    this.#db.transaction(() => {
      this.#s.setPassword.run(passwordHash, userId);
      // A new password ends every existing session: the usual reason to change it is a leak.
      this.#s.deleteUserSessions.run(userId);
    })();
  }

  /** Disables the account and revokes its sessions; live connections notice on revalidation. */
  disable(userId: number): boolean {
    return this.#db.transaction(() => {
      const changed = this.#s.disable.run(Date.now(), userId).changes > 0;
      this.#s.deleteUserSessions.run(userId);
      return changed;
    })();
  }

  enable(userId: number): void {
    this.#s.enable.run(userId);
  }

  remove(userId: number): void {
    this.#s.remove.run(userId);
  }

  activeAdminCount(): number {
    return (this.#s.countAdmins.get() as { n: number }).n;
  }

  createSession(userId: number, ttlMs: number, roomId: string | null = null): { token: string; expiresAt: number } {
    const token = newToken();
    const now = Date.now();
    this.#s.insertSession.run(hashToken(token), userId, roomId, now, now + ttlMs);
    return { token, expiresAt: now + ttlMs };
  }

  /** The live session behind a bearer token, or null when unknown, expired or disabled. */
  resolveSession(token: string): SessionInfo | null {
    if (token.length === 0 || token.length > 128) return null;
    const r = this.#s.session.get(hashToken(token)) as (UserRow & { room_id: string | null; expires_at: number }) | undefined;
    if (!r || r.expires_at <= Date.now() || r.disabled_at !== null) return null;
    return { user: toUser(r), roomId: r.room_id, expiresAt: r.expires_at };
  }

  /** Cheap re-check for live connections, by the stored hash. */
  sessionValid(tokenHash: Buffer): boolean {
    const r = this.#s.session.get(tokenHash) as (UserRow & { expires_at: number }) | undefined;
    return !!r && r.expires_at > Date.now() && r.disabled_at === null;
  }

  revokeSession(token: string): void {
    this.#s.deleteSession.run(hashToken(token));
  }

  purgeExpiredSessions(): number {
    return this.#s.purgeExpired.run(Date.now()).changes;
  }
}
