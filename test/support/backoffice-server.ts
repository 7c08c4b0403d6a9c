/**
 * A local back-office API for the Commerce → back-office handlers: resources under
 * `/{products|customers|customer-groups|orders|stock}/{id}`, PUT upserts (JSON body) and
 * DELETE removes, with an `x-api-key` check. It records what it receives and can be
 * scripted to answer any status/delay for the next N calls.
 */
import { listen, readBody, ScriptedAnswer, sendJson, sleep } from './http-util';

export async function startBackofficeServer(opts: { apiKey: string }) {
  const store = new Map<string, unknown>();
  const requests: { method: string; path: string; body: unknown }[] = [];
  let script: ScriptedAnswer[] = [];

  const srv = await listen(async (req, res) => {
    const text = await readBody(req);
    if (req.headers['x-api-key'] !== opts.apiKey) return sendJson(res, 401, { error: 'invalid api key' });
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/backoffice\//, '');
    const body: unknown = text ? JSON.parse(text) : null;
    requests.push({ method: req.method ?? '', path, body });
    const s = script[0];
    if (s) {
      s.times = (s.times ?? 1) - 1;
      if (s.times <= 0) script.shift();
      if (s.delayMs) await sleep(s.delayMs);
      if (s.destroy) return req.socket.destroy();
      return sendJson(res, s.status, s.body ?? { error: `scripted ${s.status}` }, s.headers);
    }
    if (!/^(products|customers|customer-groups|orders|stock)\/[^/]+$/.test(path))
      return sendJson(res, 404, { error: 'no such resource' });
    if (req.method === 'PUT') {
      store.set(path, body);
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === 'DELETE') {
      if (!store.has(path)) return sendJson(res, 404, { error: `${path} not found` });
      store.delete(path);
      return sendJson(res, 204, undefined);
    }
    return sendJson(res, 405, { error: 'method not allowed' });
  });

  return {
    baseUrl: `${srv.url}/backoffice/`,
    store,
    requests,
    answer(a: ScriptedAnswer) {
      script.push({ ...a });
    },
    reset() {
      script = [];
      requests.length = 0;
    },
    close: srv.close,
  };
}

export type BackofficeServer = Awaited<ReturnType<typeof startBackofficeServer>>;
