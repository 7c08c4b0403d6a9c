/**
 * Opening the store at start, in this order: take the data dir's lock (one platform per data
 * dir, ./lock.ts), read the WAL before SQLite replays it (./integrity.ts), open the database,
 * quick-check it, and record who owns the data dir. Problems found are warnings: the
 * platform starts with what the store still has, and says what was lost.
 */
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { kvSet, openDatabase } from './db';
import { privateDir } from './files';
import { checkWalBeforeOpen, quickCheck } from './integrity';
import { lockDataDir, type DataDirLock } from './lock';

/** the part of the platform's logger this needs */
interface Log {
  warn(msg: string): void;
  info(msg: string, fields?: Record<string, unknown>): void;
}

export interface OpenedStore {
  db: BetterSqlite3.Database;
  lock: DataDirLock;
}

export function openStore(dataDir: string, owner: { port: number; url: string }, log: Log): OpenedStore {
  privateDir(dataDir);
  const lock = lockDataDir(dataDir);
  let db: BetterSqlite3.Database | undefined;
  try {
    const crashed = lock.previous !== undefined;
    const warnings = checkWalBeforeOpen({ dbFile: path.join(dataDir, 'platform.sqlite'), crashed });
    db = openDatabase(dataDir);
    // the database file itself only after an unclean stop (it costs ~15 ms per MB)
    if (crashed || warnings.length > 0) warnings.push(...quickCheck(db));
    for (const w of warnings) log.warn(`store: ${w}`);
    if (crashed && warnings.length === 0) {
      log.info('store: the previous run did not stop cleanly; the write-ahead log was replayed', {
        pid: lock.previous?.pid,
      });
    }
    // a write at once, so that the WAL of this run exists from here on (see ./integrity.ts)
    kvSet(db, 'store.opened_at', new Date().toISOString());
    lock.announce(owner);
    return { db, lock };
  } catch (e) {
    db?.close();
    lock.release();
    throw e;
  }
}
