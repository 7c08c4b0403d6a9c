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
 * Reads answer anyone; the controls (`PUT`, `DELETE`, `_stats`) answer loopback callers,
 * and others with the namespace key or a platform token (platform/core/access.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PlatformContext, PlatformModule } from '../core/types';
import { requireOperator } from '../core/access';
import { lookupStore } from './store';

const HEADER = 'x-local-stand-in';

export function lookupModule(): PlatformModule {
  return {
    name: 'lookup',
    register(app: FastifyInstance, ctx: PlatformContext) {
      const store = lookupStore(ctx.db);
      for (const root of ['query', 'commercetools']) {
        const keyOf = (req: FastifyRequest): string =>
          `${root}/${decodeURIComponent((req.params as { '*': string })['*'] ?? '').replace(/^\/+|\/+$/g, '')}`;
        const send = (reply: FastifyReply, status: number, body: unknown) =>
          reply.code(status).header(HEADER, 'lookup').send(body);
        const control = (req: FastifyRequest) =>
          requireOperator(req, ctx.config.auth, ctx.ims, `the ${root} stand-in's controls`);
        app.get(`/${root}/_stats`, async (req, reply) => {
          control(req);
          return send(reply, 200, { lookups: store.reads(root) });
        });
        app.get(`/${root}/*`, async (req, reply) => {
          const key = keyOf(req);
          store.countRead(key);
          const body = store.get(key);
          // the services' own "not found" document, not a platform error
          if (body === undefined)
            return send(reply, 404, {
              statusCode: 404,
              message: `${key.slice(root.length + 1)} not found (local ${root} stand-in)`,
            });
          return reply.code(200).header(HEADER, 'lookup').type('application/json').send(body);
        });
        app.put(`/${root}/*`, async (req, reply) => {
          control(req);
          const body = req.body;
          if (typeof body !== 'object' || body === null) return send(reply, 400, { message: 'PUT a JSON object' });
          store.put(keyOf(req), body);
          return send(reply, 200, body);
        });
        app.delete(`/${root}/*`, async (req, reply) => {
          control(req);
          const deleted = store.delete(keyOf(req));
          return send(reply, deleted ? 200 : 404, { deleted });
        });
      }
      ctx.log.info(
        'lookup stand-ins: product query API at /query/, commercetools API at /commercetools/ (not the real services)',
      );
    },
  };
}
