/**
 * State (what @adobe/aio-lib-state 5 calls, with AIO_STATE_ENDPOINT pointing here):
 *   GET|PUT|DELETE /containers/{ns}/data/{key}   (PUT ?ttl=seconds, default 86400)
 *   GET /containers/{ns}/data?cursor=&match=      → {keys, cursor} (cursor 0 at the end)
 *   GET /containers/{ns}                          → stats; HEAD → any keys?
 *   DELETE /containers/{ns}?matchData=            → {keys} deleted
 * Basic auth with the Runtime key; keys ^[a-zA-Z0-9-_.]{1,1024}$; values up to 1 MB (413);
 * TTL expiry (read-time check plus a periodic sweep through an index).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlatformContext, PlatformModule } from '../core/types';
import { migrate } from '../store/db';

export const KEY_RE = /^[a-zA-Z0-9-_.]{1,1024}$/;
export const MATCH_RE = /^[a-zA-Z0-9-_.*]{1,1024}$/;
export const MAX_VALUE_BYTES = 1024 * 1024;
export const DEFAULT_TTL_S = 86_400;
export const MAX_TTL_S = 365 * 86_400;
const PAGE = 1000;

export function stateModule(): PlatformModule {
  let sweep: NodeJS.Timeout | undefined;
  return {
    name: 'state',
    async register(app: FastifyInstance, ctx: PlatformContext) {
      const db = ctx.db;
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
      sweep = setInterval(() => delExpired.run(Date.now()), 60_000);
      sweep.unref();

      const expected = `Basic ${Buffer.from(ctx.config.auth).toString('base64')}`;
      const guard = (req: FastifyRequest, reply: FastifyReply): string | undefined => {
        const { ns } = req.params as { ns: string };
        if (req.headers.authorization !== expected) {
          void reply.code(401).send({ error: 'unauthorized: the State service needs the Runtime namespace key (Basic auth)' });
          return undefined;
        }
        if (ns !== ctx.config.namespace) {
          void reply.code(403).send({ error: `forbidden: the key does not grant access to namespace ${ns}` });
          return undefined;
        }
        return ns;
      };
      const keyOk = (key: string, reply: FastifyReply): boolean => {
        if (KEY_RE.test(key)) return true;
        void reply.code(400).send({ error: `invalid key: must match ${KEY_RE.source}`, field: 'key' });
        return false;
      };

      await app.register(async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 8 * MAX_VALUE_BYTES }, (_r, body, done) => done(null, body));

        scope.get('/containers/:ns/data/:key', async (req, reply) => {
          const ns = guard(req, reply);
          if (!ns) return reply;
          const { key } = req.params as { key: string };
          if (!keyOk(key, reply)) return reply;
          const row = get.get(ns, key, Date.now()) as { value: string; expires_at: number } | undefined;
          if (!row) return reply.code(404).send({ error: `key not found: ${key}` });
          return reply.header('x-key-expires-ms', String(row.expires_at)).header('content-type', 'application/octet-stream').send(row.value);
        });

        scope.put('/containers/:ns/data/:key', async (req, reply) => {
          const ns = guard(req, reply);
          if (!ns) return reply;
          const { key } = req.params as { key: string };
          if (!keyOk(key, reply)) return reply;
          const q = req.query as Record<string, string | undefined>;
          let ttl = DEFAULT_TTL_S;
          if (q.ttl !== undefined) {
            const n = Number(q.ttl);
            if (!Number.isInteger(n) || n < 0 || n > MAX_TTL_S) {
              return reply.code(400).send({ error: `invalid ttl: an integer number of seconds from 0 to ${MAX_TTL_S}`, field: 'ttl' });
            }
            ttl = n === 0 ? DEFAULT_TTL_S : n;
          }
          const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
          if (body.length > MAX_VALUE_BYTES) {
            return reply.code(413).send({ error: `value too large: ${body.length} bytes > ${MAX_VALUE_BYTES}`, field: 'value' });
          }
          put.run(ns, key, body.toString('utf8'), Date.now() + ttl * 1000);
          return reply.code(200).send({});
        });

        scope.delete('/containers/:ns/data/:key', async (req, reply) => {
          const ns = guard(req, reply);
          if (!ns) return reply;
          const { key } = req.params as { key: string };
          if (!keyOk(key, reply)) return reply;
          const r = del.run(ns, key, Date.now());
          if (r.changes === 0) return reply.code(404).send({ error: `key not found: ${key}` });
          return reply.code(200).send({});
        });

        scope.get('/containers/:ns/data', async (req, reply) => {
          const ns = guard(req, reply);
          if (!ns) return reply;
          const q = req.query as Record<string, string | undefined>;
          const match = q.match ?? '*';
          if (!MATCH_RE.test(match)) return reply.code(400).send({ error: `invalid match: must match ${MATCH_RE.source}`, field: 'match' });
          const cursor = Number(q.cursor ?? 0) || 0;
          const rows = page.all(ns, cursor, Date.now(), match, PAGE) as Array<{ id: number; key: string }>;
          const last = rows.length === PAGE ? (rows[rows.length - 1]?.id ?? 0) : 0;
          return { keys: rows.map((r) => r.key), cursor: last };
        });

        scope.get('/containers/:ns', async (req, reply) => {
          const ns = guard(req, reply);
          if (!ns) return reply;
          const s = stats.get(ns, Date.now()) as { keys: number; bytesKeys: number; bytesValues: number };
          if (s.keys === 0) return reply.code(404).send({ error: 'the container is empty' });
          return s;
        });
        // HEAD /containers/:ns is served by fastify from the GET route (exposeHeadRoutes)

        scope.delete('/containers/:ns', async (req, reply) => {
          const ns = guard(req, reply);
          if (!ns) return reply;
          const q = req.query as Record<string, string | undefined>;
          const match = q.matchData ?? '*';
          if (!MATCH_RE.test(match)) return reply.code(400).send({ error: `invalid matchData: must match ${MATCH_RE.source}`, field: 'matchData' });
          const r = delMatch.run(ns, match);
          return { keys: r.changes };
        });
      });
    },
    close() {
      if (sweep) clearInterval(sweep);
    },
  };
}
