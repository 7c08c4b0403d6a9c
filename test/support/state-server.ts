/**
 * A tiny State service speaking what `@adobe/aio-lib-state` 5 sends
 * (node_modules/@adobe/aio-lib-state/lib/AdobeState.js):
 *   GET    /containers/{ns}/data/{key}        → 200 value as text + x-key-expires-ms, or 404
 *   PUT    /containers/{ns}/data/{key}?ttl=s  → 200 (body is the value; default TTL 86 400 s)
 *   DELETE /containers/{ns}/data/{key}        → 200 or 404
 * Basic auth with the Runtime key (`__OW_API_KEY`). `fail` makes the next calls answer an error.
 */
import { listen, readBody, sendJson } from './http-util';

export async function startStateServer(opts: { namespace: string; auth: string }) {
  const data = new Map<string, { value: string; expiresAt: number }>();
  const requests: { method: string; key: string; ttl?: string }[] = [];
  let failures: number[] = [];
  const expected = `Basic ${Buffer.from(opts.auth).toString('base64')}`;

  const srv = await listen(async (req, res) => {
    const url = new URL((req.url ?? '/').replace(/\/{2,}/g, '/'), 'http://x');
    const m = /^\/containers\/([^/]+)\/data\/([^/]+)$/.exec(url.pathname);
    if (req.headers.authorization !== expected) return sendJson(res, 401, { message: 'unauthorized' });
    if (!m || m[1] !== opts.namespace) return sendJson(res, 404, { message: 'not found' });
    const key = decodeURIComponent(m[2] as string);
    const ttl = url.searchParams.get('ttl');
    requests.push({ method: req.method ?? '', key, ...(ttl === null ? {} : { ttl }) });
    const body = await readBody(req);
    const fail = failures.shift();
    if (fail !== undefined) return sendJson(res, fail, { message: 'scripted failure' });
    const now = Date.now();
    const hit = data.get(key);
    if (hit && hit.expiresAt <= now) data.delete(key);
    switch (req.method) {
      case 'GET': {
        const cur = data.get(key);
        if (!cur) return sendJson(res, 404, { message: 'key not found' });
        res.writeHead(200, { 'content-type': 'text/plain', 'x-key-expires-ms': String(cur.expiresAt) });
        return res.end(cur.value);
      }
      case 'PUT':
        data.set(key, { value: body, expiresAt: now + Number(ttl ?? 86_400) * 1000 });
        return sendJson(res, 200, {});
      case 'DELETE':
        return data.delete(key) ? sendJson(res, 200, {}) : sendJson(res, 404, {});
      default:
        return sendJson(res, 405, { message: 'method not allowed' });
    }
  });

  return {
    url: srv.url,
    data,
    requests,
    /** the next calls answer these statuses (aio-lib-state itself retries 5xx/429 a few times) */
    fail(...statuses: number[]) {
      failures = [...statuses];
    },
    close: srv.close,
  };
}

export type StateServer = Awaited<ReturnType<typeof startStateServer>>;
