/**
 * The IMS module's table, `ims_tokens` (the tokens it issued, with the client and org each
 * was issued to), and its statements, prepared once. Other modules ask `ctx.ims`; nothing
 * else reads this table. The table is bounded: a client asking again gets its token back
 * while more than half its lifetime is left (platform/ims/index.ts), and beyond
 * MAX_TOKENS rows the tokens that expire first are forgotten.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { migrate } from '../store/db';

/** at most this many tokens are kept (a flood of requests cannot grow the table) */
export const MAX_TOKENS = 1000;

export interface TokenRow {
  token: string;
  clientId: string;
  orgId: string;
  scope: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface TokenStore {
  insertToken(row: TokenRow): void;
  /** forget the tokens that expired before `now`, and the oldest beyond MAX_TOKENS */
  pruneTokens(now: number): void;
  /** the token as issued, when it was issued here and has not expired */
  find(token: string): TokenRow | undefined;
  /** the newest unexpired token of this client, org and scope that is still valid at `validUntil` */
  reusable(clientId: string, orgId: string, scope: string | null, validUntil: number): TokenRow | undefined;
  count(): number;
}

const COLUMNS =
  'token, client_id AS clientId, org_id AS orgId, scope, created_at AS createdAt, expires_at AS expiresAt';

export function tokenStore(db: BetterSqlite3.Database): TokenStore {
  migrate(db, 'ims', [
    `CREATE TABLE IF NOT EXISTS ims_tokens (token TEXT PRIMARY KEY, client_id TEXT NOT NULL, scope TEXT, expires_at INTEGER NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ims_tokens_expiry ON ims_tokens (expires_at)`,
    // tokens issued before tokens recorded their org were issued to any client: forget them
    `DELETE FROM ims_tokens`,
    `ALTER TABLE ims_tokens ADD COLUMN org_id TEXT NOT NULL DEFAULT ''`,
    `ALTER TABLE ims_tokens ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0`,
    `CREATE INDEX IF NOT EXISTS ims_tokens_client ON ims_tokens (client_id, org_id, expires_at)`,
  ]);
  const insert = db.prepare(
    'INSERT INTO ims_tokens (token, client_id, org_id, scope, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const pruneExpired = db.prepare('DELETE FROM ims_tokens WHERE expires_at < ?');
  const pruneOverflow = db.prepare(
    `DELETE FROM ims_tokens WHERE token IN
       (SELECT token FROM ims_tokens ORDER BY expires_at DESC LIMIT -1 OFFSET ${MAX_TOKENS})`,
  );
  const byToken = db.prepare(`SELECT ${COLUMNS} FROM ims_tokens WHERE token = ? AND expires_at > ?`);
  const latest = db.prepare(
    `SELECT ${COLUMNS} FROM ims_tokens WHERE client_id = ? AND org_id = ? AND scope IS ? AND expires_at > ?
     ORDER BY expires_at DESC LIMIT 1`,
  );
  const count = db.prepare('SELECT COUNT(*) AS n FROM ims_tokens').pluck();
  return {
    insertToken: (r) => void insert.run(r.token, r.clientId, r.orgId, r.scope, r.createdAt, r.expiresAt),
    pruneTokens: (now) => {
      pruneExpired.run(now);
      pruneOverflow.run();
    },
    find: (token) => byToken.get(token, Date.now()) as TokenRow | undefined,
    reusable: (clientId, orgId, scope, validUntil) =>
      latest.get(clientId, orgId, scope, validUntil) as TokenRow | undefined,
    count: () => count.get() as number,
  };
}
