// Class state and class sessions in SQLite. The state row is rewritten in the same
// transaction as the log event that changed it (see LiveRoom.appendClass).
import type { Db } from '../store/db.js';
import { initialClassState, type ClassState } from '../protocol/classState.js';

export class ClassStore {
  readonly #db: Db;
  readonly #s;

  constructor(db: Db) {
    this.#db = db;
    this.#s = {
      get: db.prepare<[string]>('SELECT state FROM class_state WHERE room_id = ?'),
      put: db.prepare<[string, string, number, number]>(
        `INSERT INTO class_state (room_id, state, head_seq, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (room_id) DO UPDATE SET state = excluded.state, head_seq = excluded.head_seq, updated_at = excluded.updated_at`),
      startSession: db.prepare<[string, number, number]>('INSERT INTO class_sessions (room_id, number, started_at) VALUES (?, ?, ?)'),
      endSession: db.prepare<[number, string, number]>('UPDATE class_sessions SET ended_at = ? WHERE room_id = ? AND number = ? AND ended_at IS NULL'),
      lastSession: db.prepare<[string]>('SELECT max(number) AS n FROM class_sessions WHERE room_id = ?'),
    };
  }

  load(roomId: string): ClassState {
    const row = this.#s.get.get(roomId) as { state: string } | undefined;
    return row ? { ...initialClassState(), ...(JSON.parse(row.state) as ClassState) } : initialClassState();
  }

  save(roomId: string, state: ClassState, seq: number): void {
    this.#s.put.run(roomId, JSON.stringify(state), seq, Date.now());
  }

  nextSessionNumber(roomId: string): number {
    return ((this.#s.lastSession.get(roomId) as { n: number | null }).n ?? 0) + 1;
  }

  startSession(roomId: string, number: number, at: number): void {
    this.#s.startSession.run(roomId, number, at);
  }

  endSession(roomId: string, number: number, at: number): void {
    this.#s.endSession.run(at, roomId, number);
  }

  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }
}
