/**
 * Activation records in SQLite.
 *
 * Group commit: records are queued and written in one transaction every few milliseconds
 * (or every 256 records), which keeps the request path free of a commit per activation.
 * Durability this gives: a record is on disk (WAL, see platform/store/db.ts) at most
 * FLUSH_MS after its activation ended; a crash of the process in that window loses the
 * records of the activations that ended in it (their effects, if any, are the action's).
 * Reads see queued records too, so a client never misses an activation it was just told
 * about. Retention: by count and by age (PLATFORM_ACTIVATIONS_MAX, PLATFORM_ACTIVATIONS_MAX_AGE_DAYS).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { ActivationPage, ActivationQuery, ActivationRecord } from '../core/types';
import { migrate } from '../store/db';

const FLUSH_MS = 10;
const FLUSH_ROWS = 256;

interface Row {
  activation_id: string;
  doc: string;
}

export interface ListQuery {
  name?: string;
  limit: number;
  skip: number;
  since?: number;
  upto?: number;
}

/**
 * The `activations` table (this module's only table) and its statements, prepared once.
 * Lists filter by what the caller asks, so their SQL is built per query and cached.
 */
function statements(db: BetterSqlite3.Database) {
  migrate(db, 'runtime', [
    `CREATE TABLE IF NOT EXISTS activations (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      activation_id TEXT NOT NULL UNIQUE,
      namespace TEXT NOT NULL,
      name TEXT NOT NULL,
      path TEXT NOT NULL,
      start INTEGER NOT NULL,
      end INTEGER NOT NULL,
      status_code INTEGER NOT NULL,
      event_id TEXT,
      doc TEXT NOT NULL
    )`,
    `CREATE INDEX IF NOT EXISTS activations_start ON activations (start)`,
    `CREATE INDEX IF NOT EXISTS activations_path_start ON activations (path, start)`,
    `CREATE INDEX IF NOT EXISTS activations_event ON activations (event_id) WHERE event_id IS NOT NULL`,
  ]);
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    insert: db.prepare(
      `INSERT OR REPLACE INTO activations (activation_id, namespace, name, path, start, end, status_code, event_id, doc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    byId: db.prepare('SELECT activation_id, doc FROM activations WHERE activation_id = ?'),
    byEvent: db.prepare('SELECT activation_id, doc FROM activations WHERE event_id = ? ORDER BY start, seq'),
    withPath: db.prepare('SELECT path, doc FROM activations WHERE activation_id = ?'),
    deleteStartedBefore: db.prepare('DELETE FROM activations WHERE start < ?'),
    maxSeq: db.prepare('SELECT MAX(seq) AS m FROM activations'),
    deleteUpToSeq: db.prepare('DELETE FROM activations WHERE seq <= ?'),
    filtered(sql: string): BetterSqlite3.Statement {
      let st = cache.get(sql);
      if (!st) {
        st = db.prepare(sql);
        cache.set(sql, st);
      }
      return st;
    },
  };
}

export class ActivationStore {
  private queue: Array<{ rec: ActivationRecord; path: string; doc: string }> = [];
  private pending = new Map<string, ActivationRecord>();
  private timer: NodeJS.Timeout | undefined;
  private readonly sql: ReturnType<typeof statements>;
  private readonly insertMany: (rows: Array<{ rec: ActivationRecord; path: string; doc: string }>) => void;
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(
    db: BetterSqlite3.Database,
    private readonly retention: { maxCount: number; maxAgeMs: number } = {
      maxCount: Number(process.env.PLATFORM_ACTIVATIONS_MAX ?? 20000),
      maxAgeMs: Number(process.env.PLATFORM_ACTIVATIONS_MAX_AGE_DAYS ?? 7) * 86_400_000,
    },
  ) {
    this.sql = statements(db);
    this.insertMany = db.transaction((rows: Array<{ rec: ActivationRecord; path: string; doc: string }>) => {
      for (const { rec, path, doc } of rows) {
        this.sql.insert.run(
          rec.activationId,
          rec.namespace,
          rec.name,
          path,
          rec.start,
          rec.end,
          rec.response.statusCode,
          rec.eventId ?? null,
          doc,
        );
      }
    });
    this.prune();
    this.pruneTimer = setInterval(() => this.prune(), 60_000);
    this.pruneTimer.unref();
  }

  add(rec: ActivationRecord, path: string): void {
    this.pending.set(rec.activationId, rec);
    this.queue.push({ rec, path, doc: JSON.stringify(rec) });
    if (this.queue.length >= FLUSH_ROWS) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), FLUSH_MS);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queue.length === 0) return;
    const rows = this.queue;
    this.queue = [];
    this.insertMany(rows);
    for (const r of rows) this.pending.delete(r.rec.activationId);
  }

  get(id: string): ActivationRecord | undefined {
    const p = this.pending.get(id);
    if (p) return p;
    const row = this.sql.byId.get(id) as Row | undefined;
    return row ? (JSON.parse(row.doc) as ActivationRecord) : undefined;
  }

  forEvent(eventId: string): ActivationRecord[] {
    this.flush();
    return (this.sql.byEvent.all(eventId) as Row[]).map((r) => JSON.parse(r.doc) as ActivationRecord);
  }

  /** Newest first, as OpenWhisk lists them. `name` matches "action" or "pkg/action". */
  list(q: ListQuery): ActivationRecord[] {
    this.flush();
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (q.name) {
      if (q.name.includes('/')) {
        where.push('path = ?');
        args.push(q.name.replace(/^\/?[^/]+\/(?=[^/]+\/[^/]+$)/, ''));
      } else {
        // by action name alone: walks the start index (lists are small and retention-bounded)
        where.push('name = ?');
        args.push(q.name);
      }
    }
    if (q.since !== undefined) {
      where.push('start >= ?');
      args.push(q.since);
    }
    if (q.upto !== undefined) {
      where.push('start <= ?');
      args.push(q.upto);
    }
    const sql = `SELECT activation_id, doc FROM activations ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY start DESC, seq DESC LIMIT ? OFFSET ?`;
    args.push(q.limit, q.skip);
    return (this.sql.filtered(sql).all(...args) as Row[]).map((r) => JSON.parse(r.doc) as ActivationRecord);
  }

  /** Newest first, filtered, paged by a (start, seq) cursor. */
  query(q: ActivationQuery): ActivationPage {
    this.flush();
    const where: string[] = [];
    const args: Array<string | number> = [];
    const eq = (col: string, v: string | undefined): void => {
      if (v === undefined) return;
      where.push(`${col} = ?`);
      args.push(v);
    };
    eq('path', q.path?.replace(/^\/?[^/]+\/(?=[^/]+\/[^/]+$)/, ''));
    eq('name', q.name);
    eq('event_id', q.eventId);
    if (q.statusCodes && q.statusCodes.length > 0) {
      where.push(`status_code IN (${q.statusCodes.map(() => '?').join(',')})`);
      args.push(...q.statusCodes);
    }
    if (q.before) {
      where.push('(start < ? OR (start = ? AND seq < ?))');
      args.push(q.before.start, q.before.start, q.before.seq);
    }
    const sql = `SELECT seq, start, path, doc FROM activations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY start DESC, seq DESC LIMIT ?`;
    const rows = this.sql.filtered(sql).all(...args, q.limit + 1) as Array<{
      seq: number;
      start: number;
      path: string;
      doc: string;
    }>;
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    return {
      rows: page.map((r) => ({ seq: r.seq, path: r.path, record: JSON.parse(r.doc) as ActivationRecord })),
      next: rows.length > q.limit && last ? { start: last.start, seq: last.seq } : null,
    };
  }

  /** One record with the path it ran. */
  withPath(id: string): { path: string; record: ActivationRecord } | undefined {
    this.flush();
    const row = this.sql.withPath.get(id) as { path: string; doc: string } | undefined;
    return row ? { path: row.path, record: JSON.parse(row.doc) as ActivationRecord } : undefined;
  }

  count(q: Omit<ListQuery, 'limit' | 'skip'>): number {
    this.flush();
    const rows = this.list({ ...q, limit: 1_000_000_000, skip: 0 });
    return rows.length;
  }

  prune(now = Date.now()): void {
    this.flush();
    this.sql.deleteStartedBefore.run(now - this.retention.maxAgeMs);
    const max = this.sql.maxSeq.get() as { m: number | null };
    if (max.m !== null) this.sql.deleteUpToSeq.run(max.m - this.retention.maxCount);
  }

  close(): void {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.flush();
  }
}
