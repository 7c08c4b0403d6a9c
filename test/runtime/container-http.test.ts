/**
 * A container's HTTP requests to the platform's own address travel in memory
 * (platform/runtime/port-socket.js, platform-route.js, container-link.ts): the same HTTP as over
 * TCP, to the same server, from a loopback address; other destinations stay on TCP, and
 * PLATFORM_IN_MEMORY_HTTP=false keeps everything on TCP.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import openwhisk from 'openwhisk';
import { openContainerLink, platformAddress } from '../../platform/runtime/container-link';
import { startTestPlatform } from '../platform/helpers';

const ROUTE_MODULE = path.join(__dirname, '..', '..', 'platform', 'runtime', 'platform-route.js');

/** A stand-in container: a worker thread with the route installed, sending requests on demand. */
const CONTAINER = `
const { workerData, parentPort } = require('node:worker_threads');
const http = require('node:http');
const crypto = require('node:crypto');
require(workerData.routeModule)(workerData.route);
const agents = { global: undefined, none: false, keepAlive: new http.Agent({ keepAlive: true }) };
parentPort.on('message', ({ id, url, method, headers, bodyBytes, agent, junk }) => {
  if (junk) {
    // what an action holding the port could post instead of frames
    const port = workerData.route.port;
    for (const m of ['text', 7, { length: 1e12 }, [1.5, 'x'], [-1, 'x'], [99, { buffer: 1 }], [98, null], [97]]) port.postMessage(m);
    return parentPort.postMessage({ id });
  }
  const body = Buffer.alloc(bodyBytes || 0, 'q');
  const chunks = [];
  const req = http.request(url, { method: method || 'GET', headers, agent: agents[agent || 'global'] }, (res) => {
    const socket = res.socket.constructor.name;
    res.on('data', (c) => chunks.push({ at: Date.now(), bytes: c.length, c }));
    res.on('end', () => {
      const all = Buffer.concat(chunks.map((x) => x.c));
      parentPort.postMessage({
        id,
        status: res.statusCode,
        headers: res.headers,
        socket,
        bytes: all.length,
        sha256: crypto.createHash('sha256').update(all).digest('hex'),
        text: all.length < 10000 ? all.toString() : '',
        firstChunkAt: chunks.length ? chunks[0].at : 0,
      });
    });
    res.on('error', (e) => parentPort.postMessage({ id, error: e.message }));
  });
  req.on('error', (e) => parentPort.postMessage({ id, error: e.code || e.message }));
  req.end(body);
});
`;

interface Reply {
  status?: number;
  headers?: Record<string, string>;
  socket?: string;
  bytes?: number;
  sha256?: string;
  text?: string;
  firstChunkAt?: number;
  error?: string;
}

function startContainer(route: unknown) {
  const w = new Worker(CONTAINER, {
    eval: true,
    workerData: { route, routeModule: ROUTE_MODULE },
    transferList: route ? [(route as { port: never }).port] : [],
  });
  let seq = 0;
  return {
    request(r: {
      url?: string;
      junk?: boolean;
      method?: string;
      headers?: Record<string, string>;
      bodyBytes?: number;
      agent?: string;
    }) {
      const id = ++seq;
      return new Promise<Reply>((resolve) => {
        const on = (m: Reply & { id: number }) => {
          if (m.id !== id) return;
          w.off('message', on);
          resolve(m);
        };
        w.on('message', on);
        w.postMessage({ id, ...r });
      });
    },
    close: () => w.terminate(),
  };
}

function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

describe('in-memory connections to a plain node:http server', () => {
  let platform: { server: http.Server; url: string };
  let other: { server: http.Server; url: string };
  let container: ReturnType<typeof startContainer>;
  let link: ReturnType<typeof openContainerLink>;
  const seen: Array<{ remote: string | undefined; socket: string; url: string }> = [];

  beforeAll(async () => {
    const handler: http.RequestListener = (req, res) => {
      seen.push({ remote: req.socket.remoteAddress, socket: req.socket.constructor.name, url: req.url ?? '' });
      if (req.url === '/stream') {
        // three chunks, the last only after the client has the first (chunked encoding)
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('one;');
        setTimeout(() => res.write('two;'), 30);
        setTimeout(() => res.end('three'), 150);
        return;
      }
      if (req.url === '/hang-up') return void req.socket.destroy();
      const hash = crypto.createHash('sha256');
      let bytes = 0;
      req.on('data', (c: Buffer) => {
        bytes += c.length;
        hash.update(c);
      });
      req.on('end', () => {
        const size = Number(req.headers['x-answer-bytes'] ?? 0);
        const body =
          size > 0
            ? Buffer.alloc(size, 'a')
            : JSON.stringify({ method: req.method, headers: req.headers, bytes, sha256: hash.digest('hex') });
        res.writeHead(200, { 'content-type': size > 0 ? 'application/octet-stream' : 'application/json' });
        res.end(body);
      });
    };
    platform = await listen(handler);
    other = await listen(handler);
    link = openContainerLink(platformAddress(platform.server, platform.url, '127.0.0.1')!);
    container = startContainer(link.route);
  });
  afterAll(async () => {
    await container.close();
    link.close();
    platform.server.closeAllConnections();
    other.server.closeAllConnections();
    await new Promise((r) => platform.server.close(r));
    await new Promise((r) => other.server.close(r));
  });

  test('a request arrives with its method, headers and body, from a loopback address', async () => {
    seen.length = 0;
    const r = await container.request({
      url: `${platform.url}/echo?x=1`,
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-custom': 'yes', authorization: 'Basic abc' },
      bodyBytes: 11,
    });
    expect(r.status).toBe(200);
    expect(r.socket).toBe('PortSocket');
    const echoed = JSON.parse(r.text!) as { method: string; headers: Record<string, string>; bytes: number };
    expect(echoed.method).toBe('POST');
    expect(echoed.headers).toMatchObject({
      'content-type': 'text/plain',
      'x-custom': 'yes',
      authorization: 'Basic abc',
      host: new URL(platform.url).host,
    });
    expect(echoed.bytes).toBe(11);
    expect(seen).toEqual([{ remote: '127.0.0.1', socket: 'PortSocket', url: '/echo?x=1' }]);
  });

  test('a Connection: close request leaves no connection behind at either end', async () => {
    const before = link.connections;
    for (let i = 0; i < 5; i++) {
      const r = await container.request({
        url: `${platform.url}/close-${i}`,
        headers: { connection: 'close' },
        agent: 'none',
      });
      expect(r).toMatchObject({ status: 200, socket: 'PortSocket' });
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(link.connections).toBe(before);
  });

  test('large bodies both ways arrive whole', async () => {
    const size = 5 * 1024 * 1024 + 3;
    const up = await container.request({ url: `${platform.url}/up`, method: 'PUT', bodyBytes: size });
    const sent = crypto.createHash('sha256').update(Buffer.alloc(size, 'q')).digest('hex');
    expect(JSON.parse(up.text!)).toMatchObject({ bytes: size, sha256: sent });
    const down = await container.request({ url: `${platform.url}/down`, headers: { 'x-answer-bytes': String(size) } });
    expect(down.bytes).toBe(size);
    expect(down.sha256).toBe(crypto.createHash('sha256').update(Buffer.alloc(size, 'a')).digest('hex'));
  });

  test('a streamed response arrives as it is written', async () => {
    const before = Date.now();
    const r = await container.request({ url: `${platform.url}/stream` });
    expect(r.text).toBe('one;two;three');
    expect(r.headers!['transfer-encoding']).toBe('chunked');
    // the first chunk was received before the server wrote the last one
    expect(r.firstChunkAt! - before).toBeLessThan(Date.now() - before - 50);
  });

  test('a keep-alive agent reuses one connection', async () => {
    seen.length = 0;
    const connections = new Set<unknown>();
    const count = (s: unknown) => connections.add(s);
    platform.server.on('connection', count);
    for (let i = 0; i < 3; i++)
      expect((await container.request({ url: `${platform.url}/ka`, agent: 'keepAlive' })).status).toBe(200);
    expect(connections.size).toBe(1);
    expect(seen.map((s) => s.socket)).toEqual(['PortSocket', 'PortSocket', 'PortSocket']);
    // the server closes an idle connection after its keep-alive timeout; the agent opens another
    platform.server.keepAliveTimeout = 100;
    expect((await container.request({ url: `${platform.url}/ka`, agent: 'keepAlive' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 400));
    expect((await container.request({ url: `${platform.url}/ka`, agent: 'keepAlive' })).status).toBe(200);
    platform.server.keepAliveTimeout = 5000;
    platform.server.off('connection', count);
    expect(connections.size).toBe(2);
  });

  test('a connection the server drops fails the request as over TCP', async () => {
    const r = await container.request({ url: `${platform.url}/hang-up` });
    expect(r.error).toBe('ECONNRESET');
    expect((await container.request({ url: `${platform.url}/after` })).status).toBe(200);
  });

  test('malformed frames on the port are ignored', async () => {
    await container.request({ junk: true });
    expect((await container.request({ url: `${platform.url}/after-junk` })).status).toBe(200);
  });

  test('a request to another port or host stays on TCP', async () => {
    seen.length = 0;
    const r = await container.request({ url: `${other.url}/elsewhere` });
    expect(r.status).toBe(200);
    expect(r.socket).toBe('Socket');
    expect(seen).toEqual([{ remote: '127.0.0.1', socket: 'Socket', url: '/elsewhere' }]);
    // same port, another name: not the platform's address
    const port = new URL(platform.url).port;
    const byName = await container.request({ url: `http://127.0.0.2:${port}/other-name` });
    expect(byName.socket ?? byName.error).not.toBe('PortSocket');
  });
});

describe('the platform', () => {
  const run = async (env: Record<string, string>) => {
    const p = await startTestPlatform({ projectDir: path.join(__dirname, '..', 'fixtures', 'relay-app'), env });
    const ow = openwhisk({ apihost: p.url, api_key: p.config.auth, namespace: p.config.namespace });
    const other = await listen((_req, res) => res.end('elsewhere'));
    try {
      const relay = (params: Record<string, unknown>) =>
        ow.actions.invoke({ name: 'relay/relay', params, blocking: true, result: true }) as Promise<Reply>;
      const mirror = await relay({
        url: `${p.url}/api/v1/web/${p.config.namespace}/relay/mirror?q=1`,
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'x-trace': 'abc' },
        bodyBytes: 300_000,
      });
      const away = await relay({ url: other.url });
      return { mirror, away };
    } finally {
      other.server.closeAllConnections();
      await new Promise((r) => other.server.close(r));
      await p.close();
    }
  };

  test("a container's request reaches the platform's routes in memory, unchanged", async () => {
    const { mirror, away } = await run({});
    expect(mirror.status).toBe(200);
    expect(mirror.socket).toBe('PortSocket');
    const got = JSON.parse(mirror.text!) as { method: string; headers: Record<string, string>; bytes: number };
    expect(got.method).toBe('post');
    expect(got.headers).toMatchObject({ 'content-type': 'text/plain', 'x-trace': 'abc' });
    expect(got.bytes).toBe(300_000);
    expect(away).toMatchObject({ status: 200, socket: 'Socket', text: 'elsewhere' });
  });

  test('PLATFORM_IN_MEMORY_HTTP=false keeps containers on TCP', async () => {
    const { mirror } = await run({ PLATFORM_IN_MEMORY_HTTP: 'false' });
    expect(mirror.status).toBe(200);
    expect(mirror.socket).toBe('Socket');
    expect((JSON.parse(mirror.text!) as { bytes: number }).bytes).toBe(300_000);
  });
});
