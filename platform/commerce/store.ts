/**
 * The Commerce and back-office stand-ins' tables and their statements, prepared once:
 * `cm_entities` (JSON documents by kind and key), `cm_seq` (ids per kind) and `cm_requests`
 * (the writes received, with the status answered).
 */
import type BetterSqlite3 from 'better-sqlite3';
import { migrate } from '../store/db';

export type Json = Record<string, unknown>;

export interface RequestLogEntry {
  system: string;
  method: string;
  path: string;
  body: string | null;
  status: number;
}

export interface CommerceStore {
  get(kind: string, key: string): Json | undefined;
  put(kind: string, key: string, body: Json): Json;
  /** false when there was nothing to delete */
  delete(kind: string, key: string): boolean;
  /** oldest first */
  list(kind: string): Json[];
  /** [key, body] in key order */
  entries(kind: string): Array<[string, Json]>;
  /** 1, 2, 3 ... per kind */
  nextId(kind: string): number;
  logRequest(entry: RequestLogEntry): void;
}

/**
 * The entities the starter kit's back-office samples name but do not create (customer 15,
 * customer group 19), there once in a new database so that every sample applies on a first
 * run; any other unknown id is still a 404. Orders and shipments need no seed: the stand-in
 * takes an order it never saw as pending.
 */
export const SAMPLE_SEEDS: ReadonlyArray<{ kind: string; key: string; body: Json }> = [
  {
    kind: 'customer',
    key: '15',
    body: {
      id: 15,
      email: 'sample.customer@example.com',
      firstname: 'Sample',
      lastname: 'Customer',
      group_id: 1,
      website_id: 1,
      store_id: 1,
      created_at: '2024-01-01 00:00:00',
      updated_at: '2024-01-01 00:00:00',
    },
  },
  {
    kind: 'customerGroup',
    key: '19',
    body: { id: 19, code: 'Sample Group', tax_class_id: 3, tax_class_name: 'Retail Customer' },
  },
];

function seedSamples(db: BetterSqlite3.Database): void {
  const ins = db.prepare(
    'INSERT OR IGNORE INTO cm_entities (kind, key, body, created_at, updated_at) VALUES (?, ?, ?, 0, 0)',
  );
  for (const s of SAMPLE_SEEDS) ins.run(s.kind, s.key, JSON.stringify(s.body));
}

export function commerceStore(db: BetterSqlite3.Database): CommerceStore {
  migrate(db, 'commerce', [
    `CREATE TABLE cm_entities (kind TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (kind, key));
     CREATE TABLE cm_requests (id INTEGER PRIMARY KEY AUTOINCREMENT, system TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, body TEXT, status INTEGER NOT NULL, at INTEGER NOT NULL);
     CREATE TABLE cm_seq (kind TEXT PRIMARY KEY, next INTEGER NOT NULL);`,
    seedSamples,
  ]);
  const getS = db.prepare('SELECT body FROM cm_entities WHERE kind = ? AND key = ?');
  const putS = db.prepare(
    'INSERT INTO cm_entities (kind, key, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(kind, key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at',
  );
  const delS = db.prepare('DELETE FROM cm_entities WHERE kind = ? AND key = ?');
  const listS = db.prepare('SELECT body FROM cm_entities WHERE kind = ? ORDER BY created_at, key');
  const entriesS = db.prepare('SELECT key, body FROM cm_entities WHERE kind = ? ORDER BY key');
  const seqS = db.prepare(
    'INSERT INTO cm_seq (kind, next) VALUES (?, 2) ON CONFLICT(kind) DO UPDATE SET next = next + 1 RETURNING next - 1 AS id',
  );
  const logS = db.prepare('INSERT INTO cm_requests (system, method, path, body, status, at) VALUES (?, ?, ?, ?, ?, ?)');
  return {
    get(kind, key) {
      const row = getS.get(kind, key) as { body: string } | undefined;
      return row ? (JSON.parse(row.body) as Json) : undefined;
    },
    put(kind, key, body) {
      const now = Date.now();
      putS.run(kind, key, JSON.stringify(body), now, now);
      return body;
    },
    delete: (kind, key) => delS.run(kind, key).changes > 0,
    list: (kind) => (listS.all(kind) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as Json),
    entries: (kind) =>
      (entriesS.all(kind) as Array<{ key: string; body: string }>).map((r) => [r.key, JSON.parse(r.body) as Json]),
    nextId: (kind) => (seqS.get(kind) as { id: number }).id,
    logRequest: (e) => void logS.run(e.system, e.method, e.path, e.body, e.status, Date.now()),
  };
}
