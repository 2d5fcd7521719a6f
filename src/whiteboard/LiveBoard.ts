// The board of one live room: the current state in memory, and compacted snapshots written
// in the background as the log grows. Loading is the last snapshot plus the wb.op events
// after it, so a crash loses nothing that was acknowledged.
import type { Db } from '../store/db.js';
import type { BoardState, WbOp } from '../protocol/whiteboard.js';
import { emptyBoard, restore, snapshot, applyOp } from './model.js';

/** Operations between snapshots: bounds the replay on load to this many ops. */
const SNAPSHOT_EVERY = 200;

export class BoardStore {
  readonly #s;

  constructor(db: Db) {
    this.#s = {
      get: db.prepare<[string]>('SELECT state, seq FROM board_snapshots WHERE room_id = ?'),
      put: db.prepare<[string, string, number, number]>(
        `INSERT INTO board_snapshots (room_id, state, seq, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (room_id) DO UPDATE SET state = excluded.state, seq = excluded.seq, updated_at = excluded.updated_at`),
      ops: db.prepare<[string, number]>("SELECT seq, payload FROM room_log WHERE room_id = ? AND kind = 'wb.op' AND seq > ? ORDER BY seq"),
    };
  }

  /** The board as of the end of the log. */
  load(roomId: string): { state: BoardState; seq: number; replayed: number } {
    const row = this.#s.get.get(roomId) as { state: string; seq: number } | undefined;
    let state = row ? restore(row.state) : emptyBoard();
    let seq = row?.seq ?? 0;
    const ops = this.#s.ops.all(roomId, seq) as Array<{ seq: number; payload: string }>;
    for (const r of ops) {
      const { actor, op } = JSON.parse(r.payload) as { actor: number; op: WbOp };
      // Every logged op was valid when it was applied, and the model is deterministic.
      state = applyOp(state, op, actor).state;
      seq = r.seq;
    }
    return { state, seq, replayed: ops.length };
  }

  save(roomId: string, state: BoardState, seq: number): void {
    this.#s.put.run(roomId, snapshot(state), seq, Date.now());
  }
}

export class LiveBoard {
  #state: BoardState;
  #seq: number;
  #unsaved: number;
  #pending = false;

  constructor(
    private readonly roomId: string,
    private readonly store: BoardStore,
  ) {
    const loaded = store.load(roomId);
    this.#state = loaded.state;
    this.#seq = loaded.seq;
    this.#unsaved = loaded.replayed;
  }

  get state(): BoardState {
    return this.#state;
  }

  /** Takes the state after the op logged at `seq`. */
  commit(next: BoardState, seq: number): void {
    this.#state = next;
    this.#seq = seq;
    this.#unsaved += 1;
    if (this.#unsaved >= SNAPSHOT_EVERY && !this.#pending) {
      // Off the request's path: serialising a large board is the expensive part.
      this.#pending = true;
      setImmediate(() => {
        this.#pending = false;
        this.flush();
      });
    }
  }

  flush(): void {
    if (this.#unsaved === 0) return;
    this.store.save(this.roomId, this.#state, this.#seq);
    this.#unsaved = 0;
  }
}
