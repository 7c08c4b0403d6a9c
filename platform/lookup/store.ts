/**
 * The lookup stand-ins' tables and their statements, prepared once: `lk_entities` (JSON
 * bodies by path, seeded with platform/lookup/seeds.ts) and `lk_reads` (lookups per path).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { migrate } from '../store/db';
import { SEEDS } from './seeds';

export interface LookupStore {
  /** the stored JSON text, or undefined */
  get(path: string): string | undefined;
  put(path: string, body: unknown): void;
  /** false when there was nothing to delete */
  delete(path: string): boolean;
  countRead(path: string): void;
  /** lookups per path under a root ("query", "commercetools") */
  reads(root: string): Array<{ path: string; count: number }>;
}

export function lookupStore(db: BetterSqlite3.Database): LookupStore {
  migrate(db, 'lookup', [
    `CREATE TABLE lk_entities (path TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at INTEGER NOT NULL);
     CREATE TABLE lk_reads (path TEXT PRIMARY KEY, count INTEGER NOT NULL)`,
    (d) => {
      const put = d.prepare('INSERT OR IGNORE INTO lk_entities (path, body, updated_at) VALUES (?, ?, ?)');
      for (const [p, body] of Object.entries(SEEDS)) put.run(p, JSON.stringify(body), Date.now());
    },
  ]);
  const getOne = db.prepare('SELECT body FROM lk_entities WHERE path = ?');
  const putOne = db.prepare(
    'INSERT INTO lk_entities (path, body, updated_at) VALUES (?, ?, ?) ON CONFLICT(path) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
  );
  const delOne = db.prepare('DELETE FROM lk_entities WHERE path = ?');
  const read = db.prepare(
    'INSERT INTO lk_reads (path, count) VALUES (?, 1) ON CONFLICT(path) DO UPDATE SET count = count + 1',
  );
  const stats = db.prepare('SELECT path, count FROM lk_reads WHERE path LIKE ? ORDER BY path');
  return {
    get: (path) => (getOne.get(path) as { body: string } | undefined)?.body,
    put: (path, body) => void putOne.run(path, JSON.stringify(body), Date.now()),
    delete: (path) => delOne.run(path).changes > 0,
    countRead: (path) => void read.run(path),
    reads: (root) => stats.all(`${root}/%`) as Array<{ path: string; count: number }>,
  };
}
