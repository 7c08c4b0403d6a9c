/**
 * A query API stand-in for lookups: thin events (`GET /products/{sku}`, Norce Commerce
 * Query style) and the commercetools HTTP API (`GET /{projectKey}/customers/{id}`,
 * `GET /{projectKey}/products/{id}`). It checks the credential header, counts every lookup
 * per path, and can be told to answer a status for the next calls or to be slow.
 */
import { listen, sendJson } from './http-util';

export async function startQueryApi(opts: { apiKey?: string; header?: string } = {}) {
  const header = (opts.header ?? 'x-api-key').toLowerCase();
  const expected =
    opts.apiKey === undefined ? undefined : header === 'authorization' ? `Bearer ${opts.apiKey}` : opts.apiKey;
  const entities = new Map<string, unknown>();
  const counts = new Map<string, number>();
  let script: number[] = [];
  let delayMs = 0;
  let unauthorized = 0;

  const srv = await listen(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/+/, ''));
    if (expected !== undefined && req.headers[header] !== expected) {
      unauthorized++;
      return sendJson(res, 401, { message: 'invalid credentials' });
    }
    counts.set(path, (counts.get(path) ?? 0) + 1);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const status = script.shift();
    if (status !== undefined) return sendJson(res, status, { message: `scripted ${status}` });
    const e = entities.get(path);
    if (e === undefined) return sendJson(res, 404, { message: `${path} not found` });
    return sendJson(res, 200, e);
  });

  return {
    url: `${srv.url}/`,
    entities,
    /** lookups of one path (or all) */
    count(path?: string): number {
      if (path !== undefined) return counts.get(path) ?? 0;
      let n = 0;
      for (const v of counts.values()) n += v;
      return n;
    },
    get unauthorized() {
      return unauthorized;
    },
    /** the next lookups answer these statuses */
    fail(...statuses: number[]) {
      script = [...statuses];
    },
    slow(ms: number) {
      delayMs = ms;
    },
    reset() {
      counts.clear();
      script = [];
      delayMs = 0;
      unauthorized = 0;
    },
    close: srv.close,
  };
}

export type QueryApi = Awaited<ReturnType<typeof startQueryApi>>;
