/**
 * State (what @adobe/aio-lib-state 5 calls, with AIO_STATE_ENDPOINT pointing here):
 *   GET|PUT|DELETE /containers/{ns}/data/{key}   (PUT ?ttl=seconds, default 86400)
 *   GET /containers/{ns}/data?cursor=&match=      → {keys, cursor} (cursor 0 at the end)
 *   GET /containers/{ns}                          → stats; HEAD → any keys?
 *   DELETE /containers/{ns}?matchData=            → {keys} deleted
 * Basic auth with the Runtime key; keys ^[a-zA-Z0-9-_.]{1,1024}$; values up to 1 MB (413);
 * TTL expiry (read-time check plus a periodic sweep through an index). Errors are
 * `{error, field?}`; the table is platform/state/store.ts's.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PlatformConfig, PlatformContext, PlatformModule } from '../core/types';
import { DIALECTS, PlatformError } from '../core/errors';
import { stateStore, type StateStore } from './store';

export const KEY_RE = /^[a-zA-Z0-9-_.]{1,1024}$/;
export const MATCH_RE = /^[a-zA-Z0-9-_.*]{1,1024}$/;
export const MAX_VALUE_BYTES = 1024 * 1024;
export const DEFAULT_TTL_S = 86_400;
export const MAX_TTL_S = 365 * 86_400;
const PAGE = 1000;

/** The namespace of a request that carries the Runtime key for it; throws 401/403 otherwise. */
function namespaceGuard(cfg: PlatformConfig): (req: FastifyRequest) => string {
  const expected = `Basic ${Buffer.from(cfg.auth).toString('base64')}`;
  return (req) => {
    const { ns } = req.params as { ns: string };
    if (req.headers.authorization !== expected) {
      throw new PlatformError(
        401,
        'unauthorized',
        'unauthorized: the State service needs the Runtime namespace key (Basic auth)',
      );
    }
    if (ns !== cfg.namespace)
      throw new PlatformError(403, 'forbidden', `forbidden: the key does not grant access to namespace ${ns}`);
    return ns;
  };
}

function keyOf(req: FastifyRequest): string {
  const { key } = req.params as { key: string };
  if (!KEY_RE.test(key))
    throw new PlatformError(400, 'bad_request', `invalid key: must match ${KEY_RE.source}`, { field: 'key' });
  return key;
}

function matchOf(value: string | undefined, field: 'match' | 'matchData'): string {
  const match = value ?? '*';
  if (!MATCH_RE.test(match))
    throw new PlatformError(400, 'bad_request', `invalid ${field}: must match ${MATCH_RE.source}`, { field });
  return match;
}

/** PUT's `?ttl=` in seconds; 0 or none is the default */
function ttlOf(q: Record<string, string | undefined>): number {
  if (q.ttl === undefined) return DEFAULT_TTL_S;
  const n = Number(q.ttl);
  if (!Number.isInteger(n) || n < 0 || n > MAX_TTL_S) {
    throw new PlatformError(400, 'bad_request', `invalid ttl: an integer number of seconds from 0 to ${MAX_TTL_S}`, {
      field: 'ttl',
    });
  }
  return n === 0 ? DEFAULT_TTL_S : n;
}

function registerStateRoutes(scope: FastifyInstance, cfg: PlatformConfig, store: StateStore): void {
  const guard = namespaceGuard(cfg);
  const notFound = (key: string) => new PlatformError(404, 'not_found', `key not found: ${key}`);

  scope.get('/containers/:ns/data/:key', async (req, reply) => {
    const ns = guard(req);
    const key = keyOf(req);
    const row = store.get(ns, key, Date.now());
    if (!row) throw notFound(key);
    return reply
      .header('x-key-expires-ms', String(row.expires_at))
      .header('content-type', 'application/octet-stream')
      .send(row.value);
  });

  scope.put('/containers/:ns/data/:key', async (req, reply) => {
    const ns = guard(req);
    const key = keyOf(req);
    const ttl = ttlOf(req.query as Record<string, string | undefined>);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (body.length > MAX_VALUE_BYTES) {
      throw new PlatformError(413, 'payload_too_large', `value too large: ${body.length} bytes > ${MAX_VALUE_BYTES}`, {
        field: 'value',
      });
    }
    store.put(ns, key, body.toString('utf8'), Date.now() + ttl * 1000);
    return reply.code(200).send({});
  });

  scope.delete('/containers/:ns/data/:key', async (req, reply) => {
    const ns = guard(req);
    const key = keyOf(req);
    if (!store.delete(ns, key, Date.now())) throw notFound(key);
    return reply.code(200).send({});
  });

  scope.get('/containers/:ns/data', async (req) => {
    const ns = guard(req);
    const q = req.query as Record<string, string | undefined>;
    const match = matchOf(q.match, 'match');
    const cursor = Number(q.cursor ?? 0) || 0;
    const rows = store.page(ns, cursor, Date.now(), match, PAGE);
    const last = rows.length === PAGE ? (rows[rows.length - 1]?.id ?? 0) : 0;
    return { keys: rows.map((r) => r.key), cursor: last };
  });

  scope.get('/containers/:ns', async (req) => {
    const ns = guard(req);
    const s = store.stats(ns, Date.now());
    if (s.keys === 0) throw new PlatformError(404, 'not_found', 'the container is empty');
    return s;
  });
  // HEAD /containers/:ns is served by fastify from the GET route (exposeHeadRoutes)

  scope.delete('/containers/:ns', async (req) => {
    const ns = guard(req);
    const match = matchOf((req.query as Record<string, string | undefined>).matchData, 'matchData');
    return { keys: store.deleteMatching(ns, match) };
  });
}

export function stateModule(): PlatformModule {
  let sweep: NodeJS.Timeout | undefined;
  return {
    name: 'state',
    async register(app: FastifyInstance, ctx: PlatformContext) {
      const store = stateStore(ctx.db);
      sweep = setInterval(() => store.deleteExpired(Date.now()), 60_000);
      sweep.unref();
      ctx.errors.register('/containers', DIALECTS.state);
      await app.register(async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 8 * MAX_VALUE_BYTES }, (_r, body, done) =>
          done(null, body),
        );
        registerStateRoutes(scope, ctx.config, store);
      });
    },
    close() {
      if (sweep) clearInterval(sweep);
    },
  };
}
