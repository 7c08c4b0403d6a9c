/**
 * The State module's table, `state_data` (values by namespace and key, with an expiry), and
 * its statements, prepared once. Expired rows are invisible to reads and swept periodically.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { migrate } from '../store/db';

export interface ContainerStats {
  keys: number;
  bytesKeys: number;
  bytesValues: number;
}

export interface StateStore {
  get(ns: string, key: string, now: number): { value: string; expires_at: number } | undefined;
  put(ns: string, key: string, value: string, expiresAt: number): void;
  /** false when there was no live value */
  delete(ns: string, key: string, now: number): boolean;
  deleteExpired(now: number): void;
  /** live keys matching a GLOB, after the row id `cursor`, in row id order */
  page(ns: string, cursor: number, now: number, match: string, limit: number): Array<{ id: number; key: string }>;
  stats(ns: string, now: number): ContainerStats;
  /** how many keys matching a GLOB were deleted */
  deleteMatching(ns: string, match: string): number;
}

export function stateStore(db: BetterSqlite3.Database): StateStore {
  migrate(db, 'state', [
    `CREATE TABLE IF NOT EXISTS state_data (
      namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, expires_at INTEGER NOT NULL,
      PRIMARY KEY (namespace, key))`,
    `CREATE INDEX IF NOT EXISTS state_data_expiry ON state_data (expires_at)`,
  ]);
  const get = db.prepare('SELECT value, expires_at FROM state_data WHERE namespace = ? AND key = ? AND expires_at > ?');
  const put = db.prepare(
    `INSERT INTO state_data (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  );
  const del = db.prepare('DELETE FROM state_data WHERE namespace = ? AND key = ? AND expires_at > ?');
  const delExpired = db.prepare('DELETE FROM state_data WHERE expires_at <= ?');
  const page = db.prepare(
    'SELECT rowid AS id, key FROM state_data WHERE namespace = ? AND rowid > ? AND expires_at > ? AND key GLOB ? ORDER BY rowid LIMIT ?',
  );
  const stats = db.prepare(
    'SELECT COUNT(*) AS keys, COALESCE(SUM(LENGTH(CAST(key AS BLOB))),0) AS bytesKeys, COALESCE(SUM(LENGTH(CAST(value AS BLOB))),0) AS bytesValues FROM state_data WHERE namespace = ? AND expires_at > ?',
  );
  const delMatch = db.prepare('DELETE FROM state_data WHERE namespace = ? AND key GLOB ?');
  return {
    get: (ns, key, now) => get.get(ns, key, now) as { value: string; expires_at: number } | undefined,
    put: (ns, key, value, expiresAt) => void put.run(ns, key, value, expiresAt),
    delete: (ns, key, now) => del.run(ns, key, now).changes > 0,
    deleteExpired: (now) => void delExpired.run(now),
    page: (ns, cursor, now, match, limit) =>
      page.all(ns, cursor, now, match, limit) as Array<{ id: number; key: string }>,
    stats: (ns, now) => stats.get(ns, now) as ContainerStats,
    deleteMatching: (ns, match) => delMatch.run(ns, match).changes,
  };
}
