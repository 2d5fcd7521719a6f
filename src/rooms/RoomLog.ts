// The ordered, durable room log. Every room-visible event is written here, with the next
// per-room seq, before anyone is told about it: a client that saw seq N and asks for
// "since N" gets exactly what it missed. The seq counter lives in rooms.head_seq and is
// bumped in the same transaction as the insert, so several processes can share one room.
import type { Db } from '../store/db.js';
import type { ChatMessage, RoomEvent, RoomEventData, RoomEventKind } from '../protocol/messages.js';
import { UserError } from '../errors.js';

interface LogRow {
  id: number; seq: number; kind: RoomEventKind; actor_id: number | null;
  visible_to_a: number | null; visible_to_b: number | null; visible_staff: number; payload: string; created_at: number;
}

/**
 * Who may see an event: everyone in the room (null), or up to two users plus, when `staff`,
 * the room's teachers, assistants and admins (a direct message: two users; a vote: the voter
 * and staff).
 */
export type Audience = null | { readonly users: readonly number[]; readonly staff: boolean };

export const direct = (a: number, b: number): Audience => ({ users: [a, b], staff: false });
export const staffAnd = (...users: number[]): Audience => ({ users, staff: true });

function audienceOf(r: LogRow): Audience {
  if (r.visible_to_a === null && r.visible_staff === 0) return null;
  const users = [r.visible_to_a, r.visible_to_b].filter((u): u is number => u !== null);
  return { users, staff: r.visible_staff === 1 };
}

export function canSee(a: Audience, userId: number, staff: boolean): boolean {
  return a === null || a.users.includes(userId) || (a.staff && staff);
}

const VISIBLE = `((visible_to_a IS NULL AND visible_staff = 0) OR visible_to_a = @viewer OR visible_to_b = @viewer OR (visible_staff = 1 AND @staff = 1))`;

export interface Appended {
  id: number;
  event: RoomEvent;
  audience: Audience;
}

type StoredChat = Omit<ChatMessage, 'messageId' | 'seq' | 'at'>;
/** What a caller supplies for an event kind (a chat message's id, seq and time come from its row). */
export type AppendData<K extends RoomEventKind> = K extends 'chat.message' ? StoredChat : RoomEventData[K];

function rowToEvent(r: LogRow): RoomEvent {
  const data = JSON.parse(r.payload) as RoomEventData[RoomEventKind];
  if (r.kind === 'chat.message') {
    // A chat message's id, seq and time are its row's: not known until the insert.
    return { seq: r.seq, at: r.created_at, kind: 'chat.message', data: { messageId: r.id, seq: r.seq, at: r.created_at, ...(data as StoredChat) } };
  }
  return { seq: r.seq, at: r.created_at, kind: r.kind, data } as RoomEvent;
}

export class RoomLog {
  readonly #db: Db;
  readonly #s;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      bump: db.prepare<[string]>('UPDATE rooms SET head_seq = head_seq + 1 WHERE id = ? RETURNING head_seq'),
      head: db.prepare<[string]>('SELECT head_seq FROM rooms WHERE id = ?'),
      insert: db.prepare<[string, number, string, number | null, number | null, number | null, number, string, number]>(
        'INSERT INTO room_log (room_id, seq, kind, actor_id, visible_to_a, visible_to_b, visible_staff, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      since: db.prepare<[{ room: string; after: number; viewer: number; staff: number; limit: number }]>(
        `SELECT * FROM room_log WHERE room_id = @room AND seq > @after AND ${VISIBLE} ORDER BY seq LIMIT @limit`),
      history: db.prepare<[{ room: string; before: number; viewer: number; staff: number; limit: number }]>(
        `SELECT * FROM room_log WHERE room_id = @room AND kind = 'chat.message' AND id < @before AND ${VISIBLE}
         ORDER BY id DESC LIMIT @limit`),
      message: db.prepare<[number, string]>("SELECT * FROM room_log WHERE id = ? AND room_id = ? AND kind = 'chat.message'"),
      setPayload: db.prepare<[string, number]>('UPDATE room_log SET payload = ? WHERE id = ?'),
      all: db.prepare<[string]>('SELECT * FROM room_log WHERE room_id = ? ORDER BY seq'),
    };
  }

  head(roomId: string): number {
    return (this.#s.head.get(roomId) as { head_seq: number } | undefined)?.head_seq ?? 0;
  }

  append<K extends RoomEventKind>(roomId: string, kind: K, actorId: number | null, data: AppendData<K>, audience: Audience = null): Appended {
    return this.#db.transaction(() => {
      const bumped = this.#s.bump.get(roomId) as { head_seq: number } | undefined;
      if (!bumped) throw new UserError('ROOM_NOT_FOUND', 'This room no longer exists.');
      const at = Date.now();
      const a = audience?.users[0] ?? null, b = audience?.users[1] ?? null, staff = audience?.staff ? 1 : 0;
      const payload = JSON.stringify(data);
      const info = this.#s.insert.run(roomId, bumped.head_seq, kind, actorId, a, b, staff, payload, at);
      const id = Number(info.lastInsertRowid);
      return {
        id,
        audience,
        event: rowToEvent({ id, seq: bumped.head_seq, kind, actor_id: actorId, visible_to_a: a, visible_to_b: b, visible_staff: staff, payload, created_at: at }),
      };
    }).immediate();
  }

  /** Events after `seq` that `viewerId` may see, oldest first, at most `limit`. */
  since(roomId: string, seq: number, viewerId: number, limit: number, staff = false): RoomEvent[] {
    return (this.#s.since.all({ room: roomId, after: seq, viewer: viewerId, staff: staff ? 1 : 0, limit }) as LogRow[]).map(rowToEvent);
  }

  /** Chat messages before message id `before` (newest first in the query, oldest first returned). */
  history(roomId: string, viewerId: number, before: number | undefined, limit: number, staff = false): { messages: ChatMessage[]; hasMore: boolean } {
    const rows = this.#s.history.all({ room: roomId, before: before ?? Number.MAX_SAFE_INTEGER, viewer: viewerId, staff: staff ? 1 : 0, limit: limit + 1 }) as LogRow[];
    const hasMore = rows.length > limit;
    const page = rows.slice(0, limit).reverse();
    return { messages: page.map((r) => (rowToEvent(r) as Extract<RoomEvent, { kind: 'chat.message' }>).data), hasMore };
  }

  /** The message as `viewerId` may see it, or undefined. */
  message(roomId: string, messageId: number, viewerId: number): { msg: ChatMessage; audience: Audience } | undefined {
    const r = this.#s.message.get(messageId, roomId) as LogRow | undefined;
    if (!r) return undefined;
    const audience = audienceOf(r);
    // Direct messages stay between their two people, even for staff.
    if (audience && !audience.users.includes(viewerId)) return undefined;
    return { msg: (rowToEvent(r) as Extract<RoomEvent, { kind: 'chat.message' }>).data, audience };
  }

  /**
   * Deletes a message for everyone: its text is erased from storage (not just hidden), and a
   * chat.deleted event with the same audience is appended so live and resuming clients update.
   */
  deleteMessage(roomId: string, messageId: number, by: number): Appended {
    return this.#db.transaction(() => {
      const found = this.message(roomId, messageId, by);
      if (!found) throw new UserError('NOT_FOUND', `No message ${messageId} in this room.`);
      if (found.msg.deleted) throw new UserError('NOT_FOUND', `Message ${messageId} was already deleted.`);
      const { messageId: _id, seq: _seq, at: _at, ...stored } = found.msg;
      const at = Date.now();
      this.#s.setPayload.run(JSON.stringify({ ...stored, text: '', deleted: { by, at } }), messageId);
      return this.append(roomId, 'chat.deleted', by, { messageId, by }, found.audience);
    }).immediate();
  }

  /** Every event of the room, for exports. */
  all(roomId: string): Array<RoomEvent & { audience: Audience }> {
    return (this.#s.all.all(roomId) as LogRow[]).map((r) => ({
      ...rowToEvent(r),
      audience: audienceOf(r),
    }));
  }
}
