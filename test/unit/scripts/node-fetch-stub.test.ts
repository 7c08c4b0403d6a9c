/**
 * The node-fetch stand-in of the action bundles (scripts/bundle-stubs/node-fetch.js), side by
 * side with node-fetch itself against one local server: the same requests reach the server
 * (method, path, body, the headers node-fetch sets), the same answers and errors come back, and
 * a warm client keeps its connection.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

type Fetch = (url: string, init?: Record<string, unknown>) => Promise<FetchResponse>;
interface FetchResponse {
  ok: boolean;
  status: number;
  statusText: string;
  url: string;
  redirected: boolean;
  headers: { get(n: string): string | null; raw(): Record<string, string[]> };
  text(): Promise<string>;
  json(): Promise<unknown>;
}
const real = require('node-fetch') as Fetch;
const stub = require('../../../scripts/bundle-stubs/node-fetch.js') as Fetch & {
  Request: new (u: string) => unknown;
  Response: unknown;
  Headers: unknown;
};

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}
let server: http.Server;
let base: string;
let seen: Seen[] = [];
let connections = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const u = new URL(req.url ?? '/', 'http://x');
      if (u.pathname === '/json')
        return res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'r1' }).end('{"a":1}');
      if (u.pathname === '/missing') return res.writeHead(404, 'Not Found').end('no such key');
      if (u.pathname === '/bad-json') return res.writeHead(200).end('{not json');
      if (u.pathname === '/see-other') return res.writeHead(303, { location: '/json' }).end();
      if (u.pathname === '/moved') return res.writeHead(307, { location: `${base}/json?moved=1` }).end();
      if (u.pathname === '/slow') return setTimeout(() => res.end('late'), 500);
      if (u.pathname === '/cookie')
        return res
          .writeHead(200, [
            ['set-cookie', 'a=1'],
            ['set-cookie', 'b=2'],
          ])
          .end();
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${req.method} ok`);
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

/** What the server saw of one call, without the headers the two may set differently. */
async function exchange(fetch: Fetch, path: string, init?: Record<string, unknown>) {
  seen = [];
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  const requests = seen.map((s) => {
    const { connection, 'accept-encoding': _enc, host: _h, ...headers } = s.headers;
    void connection;
    return { method: s.method, url: s.url, headers, body: s.body };
  });
  return {
    status: res.status,
    ok: res.ok,
    statusText: res.statusText,
    url: res.url,
    redirected: res.redirected,
    contentType: res.headers.get('content-type'),
    text,
    requests,
  };
}

test.each([
  ['GET', '/plain', undefined],
  ['GET with headers', '/json', { headers: { Authorization: 'Basic abc', 'X-Two': ['1', '2'] } }],
  [
    'PUT, string body, own content type',
    '/data/k?ttl=60',
    { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body: 'v' },
  ],
  ['POST, string body', '/ingress', { method: 'post', body: '{"id":"1"}' }],
  ['POST, no body', '/empty', { method: 'POST' }],
  ['POST, form body', '/form', { method: 'POST', body: new URLSearchParams({ a: '1', b: 'x y' }) }],
  ['DELETE', '/data/k', { method: 'DELETE' }],
  ['404', '/missing', undefined],
  ['303 → GET', '/see-other', { method: 'POST', body: 'x' }],
  ['307 keeps the method and body', '/moved', { method: 'PUT', body: 'y' }],
])('%s: the same request reaches the server, the same answer comes back', async (_name, path, init) => {
  expect(await exchange(stub, path, init)).toEqual(await exchange(real, path, init));
});

test('json, headers, a body read once', async () => {
  for (const fetch of [real, stub]) {
    const res = await fetch(`${base}/json`);
    expect(res.headers.get('X-Request-Id')).toBe('r1');
    expect(res.headers.raw()['content-type']).toEqual(['application/json']);
    expect(await res.json()).toEqual({ a: 1 });
    await expect(res.text()).rejects.toThrow(/body used already/);
    const bad = await fetch(`${base}/bad-json`);
    await expect(bad.json()).rejects.toMatchObject({ name: 'FetchError', type: 'invalid-json' });
    const cookies = await fetch(`${base}/cookie`);
    expect(cookies.headers.raw()['set-cookie']).toEqual(['a=1', 'b=2']);
  }
});

test('errors: refused connection, timeout, redirect refused, as node-fetch reports them', async () => {
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const dead = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/`;
  await new Promise((r) => closed.close(r));
  for (const fetch of [real, stub]) {
    await expect(fetch(dead)).rejects.toMatchObject({ name: 'FetchError', type: 'system', code: 'ECONNREFUSED' });
    await expect(fetch(`${base}/slow`, { timeout: 50 })).rejects.toMatchObject({
      name: 'FetchError',
      type: 'request-timeout',
    });
    await expect(fetch(`${base}/see-other`, { redirect: 'error' })).rejects.toMatchObject({ type: 'no-redirect' });
    expect((await fetch(`${base}/see-other`, { redirect: 'manual' })).status).toBe(303);
    await expect(fetch('ftp://example.com/')).rejects.toThrow(/Only HTTP\(S\) protocols are supported/);
    const ac = new AbortController();
    const pending = fetch(`${base}/slow`, { signal: ac.signal });
    ac.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  }
});

test('a warm client keeps one connection (its keep-alive agent), and an agent passed in is used', async () => {
  await stub(`${base}/plain`).then((r) => r.text());
  const before = connections;
  for (let i = 0; i < 10; i++) await stub(`${base}/data/k${i}`, { method: 'PUT', body: 'v' }).then((r) => r.text());
  expect(connections - before).toBe(0);
  const agent = new http.Agent({ keepAlive: false });
  const used: string[] = [];
  await stub(`${base}/plain`, {
    agent: (u: URL) => {
      used.push(u.pathname);
      return agent;
    },
  }).then((r) => r.text());
  expect(used).toEqual(['/plain']);
  expect(connections - before).toBe(1);
});

test('the classes core-networking hands on are there', () => {
  expect(typeof stub.Request).toBe('function');
  expect(typeof stub.Response).toBe('function');
  expect(typeof stub.Headers).toBe('function');
  expect(new stub.Request(`${base}/x`)).toBeInstanceOf(stub.Request);
});
