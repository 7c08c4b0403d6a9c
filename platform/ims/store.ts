/**
 * The IMS module's table, `ims_tokens` (the tokens it issued), and its statements, prepared
 * once. Other modules ask `ctx.ims.isValid(token)`; nothing else reads this table.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { migrate } from '../store/db';

export interface TokenStore {
  insertToken(token: string, clientId: string, scope: string | null, expiresAt: number): void;
  /** forget the tokens that expired before `now` */
  pruneTokens(now: number): void;
  /** true when the token was issued here and has not expired */
  isValid(token: string): boolean;
}

const TOKEN_EXPIRY = 'SELECT expires_at FROM ims_tokens WHERE token = ?';

function isUnexpired(row: unknown): boolean {
  const r = row as { expires_at: number } | undefined;
  return !!r && r.expires_at > Date.now();
}

/**
 * True when the token was issued by this IMS and has not expired, for code that holds only
 * the database; modules ask `ctx.ims?.isValid(token)`.
 */
export function isValidImsToken(db: BetterSqlite3.Database, token: string): boolean {
  return isUnexpired(db.prepare(TOKEN_EXPIRY).get(token));
}

export function tokenStore(db: BetterSqlite3.Database): TokenStore {
  migrate(db, 'ims', [
    `CREATE TABLE IF NOT EXISTS ims_tokens (token TEXT PRIMARY KEY, client_id TEXT NOT NULL, scope TEXT, expires_at INTEGER NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ims_tokens_expiry ON ims_tokens (expires_at)`,
  ]);
  const insert = db.prepare('INSERT INTO ims_tokens (token, client_id, scope, expires_at) VALUES (?, ?, ?, ?)');
  const prune = db.prepare('DELETE FROM ims_tokens WHERE expires_at < ?');
  const expiry = db.prepare(TOKEN_EXPIRY);
  return {
    insertToken: (token, clientId, scope, expiresAt) => void insert.run(token, clientId, scope, expiresAt),
    pruneTokens: (now) => void prune.run(now),
    isValid: (token) => isUnexpired(expiry.get(token)),
  };
}
