/**
 * IMS (server-to-server OAuth): `POST /ims/token/v3` (also `/ims/token/v2`), form-encoded
 * client credentials → `{access_token, token_type: "bearer", expires_in}` (seconds, as IMS
 * answers). When the user configured OAUTH_CLIENT_ID/OAUTH_CLIENT_SECRET (in .env or the
 * environment), only that pair is accepted; otherwise the generated local pair and any
 * other pair are (a fresh clone needs no configuration). Tokens are kept in SQLite so that
 * `GET /ims/validate_token/v1` and other modules can check them.
 */
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type BetterSqlite3 from 'better-sqlite3';
import type { PlatformContext, PlatformModule } from '../core/types';
import { migrate } from '../store/db';

const TOKEN_TTL_S = 86_399;

function formOf(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  const b = req.body;
  const text = Buffer.isBuffer(b) ? b.toString('utf8') : typeof b === 'string' ? b : '';
  const ct = String(req.headers['content-type'] ?? '');
  if (ct.includes('json') && text) {
    try {
      const v: unknown = JSON.parse(text);
      if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
    } catch {
      /* ignore */
    }
  } else {
    for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  }
  for (const [k, v] of Object.entries((req.query as Record<string, unknown>) ?? {})) if (typeof v === 'string' && !(k in out)) out[k] = v;
  return out;
}

/** true when the token was issued by this IMS and has not expired */
export function isValidImsToken(db: BetterSqlite3.Database, token: string): boolean {
  const row = db.prepare('SELECT expires_at FROM ims_tokens WHERE token = ?').get(token) as { expires_at: number } | undefined;
  return !!row && row.expires_at > Date.now();
}

export function imsModule(): PlatformModule {
  return {
    name: 'ims',
    async register(app: FastifyInstance, ctx: PlatformContext) {
      migrate(ctx.db, 'ims', [
        `CREATE TABLE IF NOT EXISTS ims_tokens (token TEXT PRIMARY KEY, client_id TEXT NOT NULL, scope TEXT, expires_at INTEGER NOT NULL)`,
        `CREATE INDEX IF NOT EXISTS ims_tokens_expiry ON ims_tokens (expires_at)`,
      ]);
      const insert = ctx.db.prepare('INSERT INTO ims_tokens (token, client_id, scope, expires_at) VALUES (?, ?, ?, ?)');
      const prune = ctx.db.prepare('DELETE FROM ims_tokens WHERE expires_at < ?');
      ctx.ims = { isValid: (t) => isValidImsToken(ctx.db, t) };
      await app.register(async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_r, body, done) => done(null, body));
        const token = async (req: FastifyRequest, reply: import('fastify').FastifyReply) => {
          const f = formOf(req);
          if (f.grant_type !== 'client_credentials') {
            return reply.code(400).send({ error: 'unsupported_grant_type', error_description: `grant_type must be client_credentials, got ${f.grant_type ?? 'none'}` });
          }
          if (!f.client_id) return reply.code(400).send({ error: 'invalid_request', error_description: 'client_id is missing' });
          if (!f.client_secret) return reply.code(400).send({ error: 'invalid_request', error_description: 'client_secret is missing' });
          const user = ctx.config.appEnv ?? {};
          const expectedId = user.OAUTH_CLIENT_ID || undefined;
          const expectedSecret = user.OAUTH_CLIENT_SECRET || undefined;
          if (expectedId && expectedSecret && (f.client_id !== expectedId || f.client_secret !== expectedSecret)) {
            return reply.code(401).send({ error: 'invalid_client', error_description: 'invalid client_id or client_secret' });
          }
          const tok = `eyLOCAL.${crypto.randomBytes(32).toString('base64url')}`;
          const now = Date.now();
          insert.run(tok, f.client_id, f.scope ?? null, now + TOKEN_TTL_S * 1000);
          prune.run(now);
          return reply.send({ access_token: tok, token_type: 'bearer', expires_in: TOKEN_TTL_S });
        };
        scope.post('/ims/token/v3', token);
        scope.post('/ims/token/v2', token);
        scope.post('/ims/token/v1', token);
        scope.all('/ims/validate_token/v1', async (req, reply) => {
          const q = req.query as Record<string, string | undefined>;
          const h = String(req.headers.authorization ?? '');
          const t = q.token ?? (h.toLowerCase().startsWith('bearer ') ? h.slice(7) : '');
          return reply.send({ valid: !!t && isValidImsToken(ctx.db, t) });
        });
      });
    },
  };
}
