import Database from 'better-sqlite3';
import { migrate } from './migrations.js';

export type Db = Database.Database;

export interface OpenOptions {
  /** Apply pending migrations (the CLI and server do; tools reading a backup may not). */
  migrate?: boolean;
}

/**
 * Opens the SQLite store with the pragmas every process must agree on. WAL lets readers run
 * beside the single writer; busy_timeout makes a second process (the CLI beside a running
 * server, later several workers) wait for the write lock instead of failing at once.
 */
export function openDb(path: string, opts: OpenOptions = {}): Db {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (opts.migrate !== false) migrate(db);
  return db;
}
