// What every command needs: the data directory, and the stores opened on it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DB_FILE, loadConfig, resolveDataDir, type Config } from '../src/config/config.js';
import { openDb, type Db } from '../src/store/db.js';
import { UserStore } from '../src/auth/UserStore.js';
import { RoomStore } from '../src/rooms/RoomStore.js';
import { RoomLog } from '../src/rooms/RoomLog.js';
import { CliError } from './CliError.js';

export interface GlobalOpts { dataDir?: string }

export interface Ctx {
  dataDir: string;
  config: Config;
  db: Db;
  users: UserStore;
  rooms: RoomStore;
  log: RoomLog;
  close(): void;
}

export function dataDirOf(opts: GlobalOpts): string {
  return resolveDataDir(opts.dataDir);
}

/** Opens the installation; the caller closes it (withCtx does, on success and on error). */
export function openCtx(opts: GlobalOpts): Ctx {
  const dataDir = dataDirOf(opts);
  if (!existsSync(join(dataDir, DB_FILE))) {
    throw new CliError('NOT_INSTALLED', `No installation at ${dataDir}.`, 'Run "classroomctl init" (or pass --data-dir / set CLASSROOM_HOME).');
  }
  const config = loadConfig(dataDir);
  const db = openDb(join(dataDir, DB_FILE));
  return { dataDir, config, db, users: new UserStore(db), rooms: new RoomStore(db), log: new RoomLog(db), close: () => db.close() };
}

/** Prints either JSON or the human form, so every listing gets --json the same way. */
export function output(json: boolean | undefined, value: unknown, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human() + '\n');
}
