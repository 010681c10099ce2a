import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

/**
 * Opens (and creates, with its folder) the SQLite file and brings its schema up to date.
 *
 * synchronous = FULL: in WAL mode NORMAL may lose the last transactions on power loss or an OS crash.
 * FULL is the safe default for any connection that writes directly (tools, tests). The interview's
 * own writes go through the writer thread instead (store-writer.ts), whose connection commits with
 * NORMAL and syncs the WAL itself after a commit that holds a durable write, before that write is
 * acknowledged (file-sync.ts): the same promise to the candidate, and writes that can be redone cost no fsync.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this build knows (${MIGRATIONS.length})`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
