// Rooms, enrollments and invites in SQLite.
import type { Db } from '../store/db.js';
import { UserError } from '../errors.js';
import { hashToken, newRoomId, newToken } from '../auth/secrets.js';
import type { RoomInfo, RoomRole } from '../protocol/messages.js';

export const ROOM_ROLES: readonly RoomRole[] = ['teacher', 'assistant', 'student'];
export const MAX_CAPACITY = 1000;

export interface Room extends RoomInfo {
  /** Set for breakout group rooms: the class room they belong to. */
  parentId: string | null;
  createdAt: number;
  closedAt: number | null;
  headSeq: number;
}

export interface Enrollment {
  userId: number;
  username: string | null;
  displayName: string;
  role: RoomRole;
  enrolledAt: number;
}

export interface InviteInfo {
  roomId: string;
  roomTitle: string;
  role: RoomRole;
  expiresAt: number;
  usesLeft: number | null;
}

interface RoomRow { id: string; title: string; capacity: number; status: 'open' | 'closed'; head_seq: number; created_at: number; closed_at: number | null; parent_id: string | null }
const toRoom = (r: RoomRow): Room => ({
  id: r.id, title: r.title, capacity: r.capacity, status: r.status, parentId: r.parent_id,
  headSeq: r.head_seq, createdAt: r.created_at, closedAt: r.closed_at,
});

export function checkTitle(title: string): string {
  const t = title.trim().replace(/\s+/g, ' ');
  if (t.length < 1 || t.length > 120) throw new UserError('BAD_TITLE', 'A room title needs 1 to 120 characters.');
  return t;
}

export function checkCapacity(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_CAPACITY) {
    throw new UserError('BAD_CAPACITY', `Capacity must be a whole number from 1 to ${MAX_CAPACITY}.`);
  }
  return n;
}

export class RoomStore {
  readonly #s;
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      insert: db.prepare<[string, string, number, number]>(
        'INSERT INTO rooms (id, title, capacity, status, created_at) VALUES (?, ?, ?, \'open\', ?) RETURNING *'),
      get: db.prepare<[string]>('SELECT * FROM rooms WHERE id = ?'),
      list: db.prepare('SELECT * FROM rooms WHERE parent_id IS NULL ORDER BY created_at, id'),
      insertChild: db.prepare<[string, string, number, number, string]>(
        'INSERT INTO rooms (id, title, capacity, status, created_at, parent_id) VALUES (?, ?, ?, \'open\', ?, ?) RETURNING *'),
      children: db.prepare<[string]>('SELECT * FROM rooms WHERE parent_id = ? ORDER BY created_at, id'),
      forUser: db.prepare<[number]>(
        'SELECT r.*, e.role AS my_role FROM rooms r JOIN enrollments e ON e.room_id = r.id WHERE e.user_id = ? AND r.parent_id IS NULL ORDER BY r.created_at, r.id'),
      setStatus: db.prepare<[string, number | null, string]>('UPDATE rooms SET status = ?, closed_at = ? WHERE id = ?'),
      remove: db.prepare<[string]>('DELETE FROM rooms WHERE id = ?'),
      enroll: db.prepare<[string, number, string, number]>(
        'INSERT INTO enrollments (room_id, user_id, role, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (room_id, user_id) DO UPDATE SET role = excluded.role'),
      unenroll: db.prepare<[string, number]>('DELETE FROM enrollments WHERE room_id = ? AND user_id = ?'),
      role: db.prepare<[string, number]>('SELECT role FROM enrollments WHERE room_id = ? AND user_id = ?'),
      enrollments: db.prepare<[string]>(
        'SELECT e.user_id, e.role, e.created_at, u.username, u.display_name FROM enrollments e JOIN users u ON u.id = e.user_id WHERE e.room_id = ? ORDER BY e.created_at, e.user_id'),
      insertInvite: db.prepare<[Buffer, string, string, number, number | null, number]>(
        'INSERT INTO invites (code_hash, room_id, role, expires_at, max_uses, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      invite: db.prepare<[Buffer]>(
        'SELECT i.*, r.title, r.status FROM invites i JOIN rooms r ON r.id = i.room_id WHERE i.code_hash = ?'),
      useInvite: db.prepare<[number]>('UPDATE invites SET uses = uses + 1 WHERE id = ?'),
    };
  }

  create(title: string, capacity: number): Room {
    const t = checkTitle(title);
    const c = checkCapacity(capacity);
    return toRoom(this.#s.insert.get(newRoomId(), t, c, Date.now()) as RoomRow);
  }

  /** A breakout group room under `parentId`. */
  createChild(parentId: string, title: string, capacity: number): Room {
    return toRoom(this.#s.insertChild.get(newRoomId(), checkTitle(title), checkCapacity(capacity), Date.now(), parentId) as RoomRow);
  }

  children(parentId: string): Room[] {
    return (this.#s.children.all(parentId) as RoomRow[]).map(toRoom);
  }

  get(id: string): Room | undefined {
    const r = this.#s.get.get(id) as RoomRow | undefined;
    return r && toRoom(r);
  }

  require(id: string): Room {
    const r = this.get(id);
    if (!r) throw new UserError('ROOM_NOT_FOUND', `No room with id "${id}".`);
    return r;
  }

  list(): Room[] {
    return (this.#s.list.all() as RoomRow[]).map(toRoom);
  }

  forUser(userId: number): Array<Room & { myRole: RoomRole }> {
    return (this.#s.forUser.all(userId) as Array<RoomRow & { my_role: RoomRole }>).map((r) => ({ ...toRoom(r), myRole: r.my_role }));
  }

  close(id: string): void {
    this.require(id);
    this.#s.setStatus.run('closed', Date.now(), id);
  }

  reopen(id: string): void {
    this.require(id);
    this.#s.setStatus.run('open', null, id);
  }

  remove(id: string): void {
    this.require(id);
    this.#s.remove.run(id);
  }

  enroll(roomId: string, userId: number, role: RoomRole): void {
    if (!ROOM_ROLES.includes(role)) throw new UserError('BAD_ROLE', `Unknown room role "${role}": use teacher, assistant or student.`);
    this.require(roomId);
    this.#s.enroll.run(roomId, userId, role, Date.now());
  }

  unenroll(roomId: string, userId: number): boolean {
    return this.#s.unenroll.run(roomId, userId).changes > 0;
  }

  roleOf(roomId: string, userId: number): RoomRole | undefined {
    return (this.#s.role.get(roomId, userId) as { role: RoomRole } | undefined)?.role;
  }

  enrollments(roomId: string): Enrollment[] {
    return (this.#s.enrollments.all(roomId) as Array<{ user_id: number; role: RoomRole; created_at: number; username: string | null; display_name: string }>)
      .map((r) => ({ userId: r.user_id, username: r.username, displayName: r.display_name, role: r.role, enrolledAt: r.created_at }));
  }

  createInvite(roomId: string, role: RoomRole, ttlMs: number, maxUses: number | null): { code: string; expiresAt: number } {
    const room = this.require(roomId);
    if (room.status === 'closed') throw new UserError('ROOM_CLOSED', `Room "${roomId}" is closed; reopen it before inviting.`);
    if (role === 'teacher') throw new UserError('BAD_ROLE', 'Invites are for assistants and students; enroll teachers with "room enroll".');
    if (!ROOM_ROLES.includes(role)) throw new UserError('BAD_ROLE', `Unknown room role "${role}": use assistant or student.`);
    const code = newToken();
    const expiresAt = Date.now() + ttlMs;
    this.#s.insertInvite.run(hashToken(code), roomId, role, expiresAt, maxUses, Date.now());
    return { code, expiresAt };
  }

  /** What an invite code opens, or throws INVITE_INVALID (unknown, expired, used up, room closed). */
  peekInvite(code: string): InviteInfo & { inviteId: number } {
    if (code.length < 10 || code.length > 128) throw invalidInvite();
    const r = this.#s.invite.get(hashToken(code)) as
      | { id: number; room_id: string; role: RoomRole; expires_at: number; max_uses: number | null; uses: number; title: string; status: string }
      | undefined;
    if (!r || r.expires_at <= Date.now() || (r.max_uses !== null && r.uses >= r.max_uses) || r.status !== 'open') throw invalidInvite();
    return {
      inviteId: r.id, roomId: r.room_id, roomTitle: r.title, role: r.role, expiresAt: r.expires_at,
      usesLeft: r.max_uses === null ? null : r.max_uses - r.uses,
    };
  }

  /** Counts one use of the invite; call inside the transaction that creates the guest. */
  useInvite(inviteId: number): void {
    this.#s.useInvite.run(inviteId);
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }
}

function invalidInvite(): UserError {
  return new UserError('INVITE_INVALID', 'This invite link is not valid: it may have expired, been used up, or its room closed.');
}
