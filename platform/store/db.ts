/**
 * The platform's one SQLite file and the tiny migrations helper every module uses.
 *
 * Durability: WAL with `synchronous=NORMAL` (the default here). A committed transaction
 * survives a crash of the process (kill -9 included): the WAL is in the OS page cache and
 * is replayed on the next open. It may be lost on power loss or an OS crash, because the
 * WAL is only fsynced at checkpoints. `PLATFORM_SYNC=full` switches to `synchronous=FULL`
 * (fsync on every commit) for those who want the power-loss guarantee at some throughput
 * cost.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { narrowExisting, privateDir, privateFile } from './files';

export type SyncMode = 'normal' | 'full';

export function openDatabase(dataDir: string, opts: { sync?: SyncMode; file?: string } = {}): BetterSqlite3.Database {
  privateDir(dataDir);
  const file = path.join(dataDir, opts.file ?? 'platform.sqlite');
  // 0600 before SQLite creates it: its -wal and -shm files take the database file's mode
  privateFile(file);
  narrowExisting([`${file}-wal`, `${file}-shm`]);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const sync = opts.sync ?? (process.env.PLATFORM_SYNC === 'full' ? 'full' : 'normal');
  db.pragma(`synchronous = ${sync === 'full' ? 'FULL' : 'NORMAL'}`);
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  migrate(db, 'store', [`CREATE TABLE IF NOT EXISTS platform_kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)`]);
  return db;
}

/**
 * Apply a module's migrations once each, in order. Each module names its own list; the
 * `schema_migrations` table remembers how many steps of each list ran. Steps are SQL strings
 * or functions; add new steps at the end, never edit an applied one.
 */
export function migrate(
  db: BetterSqlite3.Database,
  module: string,
  steps: Array<string | ((db: BetterSqlite3.Database) => void)>,
): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    module TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at INTEGER NOT NULL)`);
  const row = db.prepare('SELECT version FROM schema_migrations WHERE module = ?').get(module) as
    { version: number } | undefined;
  const from = row?.version ?? 0;
  if (from >= steps.length) return;
  db.transaction(() => {
    for (let i = from; i < steps.length; i++) {
      const step = steps[i];
      if (typeof step === 'string') db.exec(step);
      else if (step) step(db);
    }
    db.prepare(
      `INSERT INTO schema_migrations (module, version, applied_at) VALUES (?, ?, ?)
       ON CONFLICT(module) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at`,
    ).run(module, steps.length, Date.now());
  })();
}

/** The `platform_kv` table's statements, prepared once per database. */
const kvStatements = new WeakMap<
  BetterSqlite3.Database,
  { get: BetterSqlite3.Statement; set: BetterSqlite3.Statement }
>();

function kv(db: BetterSqlite3.Database): { get: BetterSqlite3.Statement; set: BetterSqlite3.Statement } {
  let s = kvStatements.get(db);
  if (!s) {
    s = {
      get: db.prepare('SELECT value FROM platform_kv WHERE key = ?'),
      set: db.prepare(
        'INSERT INTO platform_kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      ),
    };
    kvStatements.set(db, s);
  }
  return s;
}

/** Small key/value helpers on the platform_kv table (generated ids, keys). */
export function kvGet(db: BetterSqlite3.Database, key: string): string | undefined {
  const row = kv(db).get.get(key) as { value: string } | undefined;
  return row?.value;
}

export function kvSet(db: BetterSqlite3.Database, key: string, value: string): void {
  kv(db).set.run(key, value);
}
