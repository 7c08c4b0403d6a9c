/**
 * Query API stand-ins for the app's `lookup` step, for local runs.
 *
 * THESE ARE NOT NORCE OR COMMERCETOOLS. When the app leaves LOOKUP_BASE_URL /
 * COMMERCETOOLS_LOOKUP_BASE_URL unset, the platform points them here:
 *   {base}/query/          a product query API (Norce Commerce Query style): GET products/{sku}
 *   {base}/commercetools/  the commercetools HTTP API subset the app reads:
 *                          GET {projectKey}/customers/{id}, GET {projectKey}/products/{id}
 * Entities are kept in SQLite; `PUT` any path with a JSON body to add or change one (what a
 * change in the source system would do), `DELETE` to remove it; `GET` answers it or 404.
 * The samples of the app's catalog are there from the start, so the catalog's sample events
 * flow end to end. Every answer carries `x-local-stand-in: lookup`; `GET /query/_stats`
 * (and `/commercetools/_stats`) counts the lookups per path, to watch the app's cache.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlatformContext, PlatformModule } from '../core/types';
import { migrate } from '../store/db';

const HEADER = 'x-local-stand-in';

/** Seeds: what the catalog's sample events look up (kept here: the platform never imports the app). */
const SEEDS: Record<string, unknown> = {
  'query/products/SKU-EXT-0001': { sku: 'SKU-EXT-0001', name: 'Product Changed Externally', price: 49.5, description: 'Looked up in the local query API stand-in' },
  'commercetools/fluent-ct-dev/customers/14a4ef54-957d-4148-b0be-de8d0fbc411d': {
    id: '14a4ef54-957d-4148-b0be-de8d0fbc411d',
    version: 3,
    email: 'ct.customer@example.com',
    firstName: 'Casey',
    lastName: 'Tools',
  },
  'commercetools/fluent-ct-dev/products/2b5c1b7e-4a0e-4a8f-9d4b-2f1f6f0e6a11': {
    id: '2b5c1b7e-4a0e-4a8f-9d4b-2f1f6f0e6a11',
    version: 7,
    key: 'duffle-bag',
    masterData: {
      published: true,
      current: {
        name: { en: 'Duffle Bag' },
        description: { en: 'A roomy duffle bag from commercetools' },
        masterVariant: { id: 1, sku: 'CT-DUFFLE-BAG', prices: [{ value: { type: 'centPrecision', currencyCode: 'EUR', centAmount: 4599, fractionDigits: 2 } }] },
      },
    },
  },
};

export function lookupModule(): PlatformModule {
  return {
    name: 'lookup',
    register(app: FastifyInstance, ctx: PlatformContext) {
      migrate(ctx.db, 'lookup', [
        `CREATE TABLE lk_entities (path TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at INTEGER NOT NULL);
         CREATE TABLE lk_reads (path TEXT PRIMARY KEY, count INTEGER NOT NULL)`,
        (db) => {
          const put = db.prepare('INSERT OR IGNORE INTO lk_entities (path, body, updated_at) VALUES (?, ?, ?)');
          for (const [p, body] of Object.entries(SEEDS)) put.run(p, JSON.stringify(body), Date.now());
        },
      ]);
      const db = ctx.db;
      const getOne = db.prepare('SELECT body FROM lk_entities WHERE path = ?');
      const putOne = db.prepare('INSERT INTO lk_entities (path, body, updated_at) VALUES (?, ?, ?) ON CONFLICT(path) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at');
      const delOne = db.prepare('DELETE FROM lk_entities WHERE path = ?');
      const read = db.prepare('INSERT INTO lk_reads (path, count) VALUES (?, 1) ON CONFLICT(path) DO UPDATE SET count = count + 1');
      const stats = db.prepare('SELECT path, count FROM lk_reads WHERE path LIKE ? ORDER BY path');

      for (const root of ['query', 'commercetools']) {
        const keyOf = (req: FastifyRequest): string => `${root}/${decodeURIComponent((req.params as { '*': string })['*'] ?? '').replace(/^\/+|\/+$/g, '')}`;
        const send = (reply: FastifyReply, status: number, body: unknown) => reply.code(status).header(HEADER, 'lookup').send(body);
        app.get(`/${root}/_stats`, async (_req, reply) => send(reply, 200, { lookups: stats.all(`${root}/%`) }));
        app.get(`/${root}/*`, async (req, reply) => {
          const key = keyOf(req);
          read.run(key);
          const row = getOne.get(key) as { body: string } | undefined;
          if (!row) return send(reply, 404, { statusCode: 404, message: `${key.slice(root.length + 1)} not found (local ${root} stand-in)` });
          return reply.code(200).header(HEADER, 'lookup').type('application/json').send(row.body);
        });
        app.put(`/${root}/*`, async (req, reply) => {
          const body = req.body;
          if (typeof body !== 'object' || body === null) return send(reply, 400, { message: 'PUT a JSON object' });
          putOne.run(keyOf(req), JSON.stringify(body), Date.now());
          return send(reply, 200, body);
        });
        app.delete(`/${root}/*`, async (req, reply) => {
          const r = delOne.run(keyOf(req));
          return send(reply, r.changes > 0 ? 200 : 404, { deleted: r.changes > 0 });
        });
      }
      ctx.log.info('lookup stand-ins: product query API at /query/, commercetools API at /commercetools/ (not the real services)');
    },
  };
}
