// Numbered migrations. Each runs in one transaction and bumps user_version; a database newer
// than this code is refused instead of being silently misread. Never edit a shipped
// migration: add the next one.
import type { Database } from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database) => void;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, rooms and the durable room log',
    up(db) {
      db.exec(`
        CREATE TABLE users (
          id            INTEGER PRIMARY KEY,
          username      TEXT UNIQUE COLLATE NOCASE,       -- NULL for invite guests
          display_name  TEXT NOT NULL,
          role          TEXT NOT NULL CHECK (role IN ('admin', 'teacher', 'student', 'guest')),
          password_hash TEXT,                             -- scrypt$N$r$p$salt$hash; NULL for guests
          disabled_at   INTEGER,
          created_at    INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE rooms (
          id         TEXT PRIMARY KEY,
          title      TEXT NOT NULL,
          capacity   INTEGER NOT NULL CHECK (capacity > 0),
          status     TEXT NOT NULL CHECK (status IN ('open', 'closed')),
          head_seq   INTEGER NOT NULL DEFAULT 0,          -- last seq handed out in room_log
          created_at INTEGER NOT NULL,
          closed_at  INTEGER
        ) STRICT;

        CREATE TABLE sessions (
          token_hash BLOB PRIMARY KEY,                    -- sha256 of the bearer token
          user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          room_id    TEXT REFERENCES rooms(id) ON DELETE CASCADE, -- set for guests: one room only
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX sessions_by_user ON sessions(user_id);

        CREATE TABLE enrollments (
          room_id    TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
          user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
          role       TEXT NOT NULL CHECK (role IN ('teacher', 'assistant', 'student')),
          created_at INTEGER NOT NULL,
          PRIMARY KEY (room_id, user_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX enrollments_by_user ON enrollments(user_id);

        CREATE TABLE invites (
          id         INTEGER PRIMARY KEY,
          code_hash  BLOB NOT NULL UNIQUE,                -- sha256 of the code in the link
          room_id    TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
          role       TEXT NOT NULL CHECK (role IN ('assistant', 'student')),
          expires_at INTEGER NOT NULL,
          max_uses   INTEGER,                             -- NULL: unlimited until expiry
          uses       INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE room_log (
          id         INTEGER PRIMARY KEY,                 -- global; chat message ids are these
          room_id    TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
          seq        INTEGER NOT NULL,
          kind       TEXT NOT NULL,
          actor_id   INTEGER,
          visible_to_a INTEGER,                           -- both NULL: everyone in the room sees it;
          visible_to_b INTEGER,                           -- else only these two users (direct messages)
          payload    TEXT NOT NULL,                       -- JSON of the event data
          created_at INTEGER NOT NULL,
          UNIQUE (room_id, seq)
        ) STRICT;
        CREATE INDEX room_log_by_kind ON room_log(room_id, kind, id);
      `);
    },
  },
  {
    version: 2,
    name: 'class management: staff-visible events, class state, sessions, breakout rooms',
    up(db) {
      db.exec(`
        -- 1: also visible to the room's staff (teachers, assistants, admins), besides visible_to_a/b.
        ALTER TABLE room_log ADD COLUMN visible_staff INTEGER NOT NULL DEFAULT 0;
        -- Breakout groups are rooms of their own, under the class room they belong to.
        ALTER TABLE rooms ADD COLUMN parent_id TEXT REFERENCES rooms(id) ON DELETE CASCADE;
        CREATE INDEX rooms_by_parent ON rooms(parent_id);

        -- The class-management state (ClassState JSON), written in the same transaction as the
        -- room_log event that changed it, so state and log never disagree.
        CREATE TABLE class_state (
          room_id    TEXT PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
          state      TEXT NOT NULL,
          head_seq   INTEGER NOT NULL,                  -- the log seq this state reflects
          updated_at INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE class_sessions (
          room_id    TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
          number     INTEGER NOT NULL,                  -- 1, 2, ... per room
          started_at INTEGER NOT NULL,
          ended_at   INTEGER,
          PRIMARY KEY (room_id, number)
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 3,
    name: 'whiteboard snapshots',
    up(db) {
      db.exec(`
        -- A compacted board: the state after every wb.op event up to seq. Taken in the
        -- background as the log grows; loading is this plus the wb.op events after it.
        CREATE TABLE board_snapshots (
          room_id    TEXT PRIMARY KEY REFERENCES rooms(id) ON DELETE CASCADE,
          state      TEXT NOT NULL,
          seq        INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
      `);
    },
  },
  {
    version: 4,
    name: 'uploaded whiteboard images',
    up(db) {
      db.exec(`
        -- The bytes live in DATA_DIR/assets/<id>; the type was decided by the content.
        CREATE TABLE assets (
          id          TEXT PRIMARY KEY,
          room_id     TEXT NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
          kind        TEXT NOT NULL CHECK (kind IN ('image')),
          mime        TEXT NOT NULL CHECK (mime IN ('image/png', 'image/jpeg')),
          bytes       INTEGER NOT NULL,
          width       INTEGER NOT NULL,
          height      INTEGER NOT NULL,
          sha256      TEXT NOT NULL,
          uploaded_by INTEGER,
          created_at  INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX assets_by_room ON assets(room_id);
      `);
    },
  },
];

export const LATEST_VERSION = migrations[migrations.length - 1]!.version;

export class DatabaseTooNewError extends Error {
  constructor(readonly found: number) {
    super(`The database is at schema version ${found}, newer than this software knows (${LATEST_VERSION}). Upgrade the software or restore a matching backup.`);
  }
}

/** Applies every migration above the database's user_version; returns the versions applied. */
export function migrate(db: Database): number[] {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_VERSION) throw new DatabaseTooNewError(current);
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    applied.push(m.version);
  }
  return applied;
}
