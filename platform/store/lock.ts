/**
 * One platform per data dir. Two platforms on one data dir would both claim the in-flight
 * deliveries they find at start and deliver them twice, so the first takes an exclusive lock
 * and a second one refuses to start, naming the owner.
 *
 * The lock is an OS-level lock (SQLite's on `platform.lock`, held in exclusive locking mode
 * for the life of the connection): the operating system releases it when the owner exits,
 * however it exits, so a kill -9 never leaves it stale. Who holds it (pid, port, URL) is
 * written next to it in `platform.owner.json`, which a clean stop removes: a start that finds
 * that file but gets the lock knows the previous run did not stop cleanly.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { privateFile } from './files';

export const LOCK_FILE = 'platform.lock';
export const OWNER_FILE = 'platform.owner.json';

export interface Owner {
  pid: number;
  port: number;
  url: string;
  startedAt: string;
}

export interface DataDirLock {
  /** the previous owner's record when the previous run did not stop cleanly */
  previous: Owner | undefined;
  /** record who holds the lock, once the port is known */
  announce(owner: Omit<Owner, 'pid' | 'startedAt'>): void;
  release(): void;
}

export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly owner: Owner | undefined,
  ) {
    super(
      owner
        ? `the data dir ${dataDir} is in use by another platform (pid ${owner.pid}, port ${owner.port}, ${owner.url}); stop it first or start with another --data-dir`
        : `the data dir ${dataDir} is in use by another platform (it is starting; pid and port not recorded yet); stop it first or start with another --data-dir`,
    );
    this.name = 'DataDirInUseError';
  }
}

function readOwner(file: string): Owner | undefined {
  try {
    const o = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Owner>;
    if (typeof o.pid === 'number' && typeof o.port === 'number') {
      return { pid: o.pid, port: o.port, url: String(o.url ?? ''), startedAt: String(o.startedAt ?? '') };
    }
  } catch {
    /* absent or being written */
  }
  return undefined;
}

/** Take the data dir's lock or throw DataDirInUseError at once. */
export function lockDataDir(dataDir: string): DataDirLock {
  const lockPath = path.join(dataDir, LOCK_FILE);
  const ownerPath = path.join(dataDir, OWNER_FILE);
  privateFile(lockPath);
  let db: BetterSqlite3.Database | undefined = new Database(lockPath, { timeout: 0 });
  try {
    db.pragma('journal_mode = MEMORY');
    db.pragma('locking_mode = EXCLUSIVE');
    // the write takes the exclusive lock; in exclusive locking mode it is kept after COMMIT
    db.exec('BEGIN EXCLUSIVE; CREATE TABLE IF NOT EXISTS lock (id INTEGER PRIMARY KEY); COMMIT');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
      throw new DataDirInUseError(dataDir, readOwner(ownerPath));
    }
    throw e;
  }
  const previous = readOwner(ownerPath);
  return {
    previous,
    announce(owner) {
      const record: Owner = { pid: process.pid, startedAt: new Date().toISOString(), ...owner };
      fs.writeFileSync(ownerPath, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
    },
    release() {
      if (!db) return;
      try {
        fs.rmSync(ownerPath, { force: true });
      } finally {
        db.close();
        db = undefined;
      }
    },
  };
}
