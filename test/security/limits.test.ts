/**
 * Memory and time an unauthenticated caller can take: bodies are capped while they are
 * read (the web actions at I/O Runtime's 1 MB, by default), so several concurrent oversized
 * POSTs get 413 before they are sent in full and the process does not grow by their size;
 * slow headers and slow bodies are timed out, while a long blocking invoke and an SSE stream
 * (whose requests have arrived) are not.
 */
import http from 'node:http';
import net from 'node:net';
import { startTestPlatform, basicAuth } from '../platform/helpers';
import type { RunningPlatform } from '../../platform/core/server';

/**
 * Two platforms: the size limits are checked with the default timeouts (under a loaded
 * machine, eight 48 MB uploads can outlast a short request timeout and get its 408 first),
 * the timeouts on a platform whose timeouts are short.
 */
let p: RunningPlatform;
let quick: RunningPlatform;
beforeAll(async () => {
  p = await startTestPlatform({ env: { LOG_LEVEL: 'error' } });
  quick = await startTestPlatform({
    env: { PLATFORM_HEADERS_TIMEOUT_MS: '500', PLATFORM_REQUEST_TIMEOUT_MS: '1500', LOG_LEVEL: 'error' },
  });
}, 60_000);
afterAll(async () => {
  await p?.close();
  await quick?.close();
});

const MB = 1024 * 1024;

/** Stream `total` bytes (chunked: no content-length to refuse up front) until the server answers. */
function oversized(url: string, total: number): Promise<{ status: number; sentBeforeAnswer: number }> {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false });
    req.on('response', (res) => {
      answered = true;
      const status = res.statusCode ?? 0;
      res.resume();
      req.destroy();
      resolve({ status, sentBeforeAnswer: sent });
    });
    req.on('error', (e) => (answered ? undefined : reject(e)));
    const pump = (): void => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

it('8 concurrent 48 MB POSTs to a web action get 413 before they are sent, and RSS stays bounded', async () => {
  const url = `${p.url}/api/v1/web/${p.config.namespace}/demo/echo`;
  const before = process.memoryUsage().rss;
  let peak = before;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const total = 48 * MB;
  const results = await Promise.all(Array.from({ length: 8 }, () => oversized(url, total)));
  clearInterval(sample);
  peak = Math.max(peak, process.memoryUsage().rss);
  for (const r of results) {
    expect(r.status).toBe(413);
    expect(r.sentBeforeAnswer).toBeLessThan(total);
  }
  // each may hold its own 1 MB limit (and socket buffers) at most; buffering them would be 384 MB
  expect(peak - before).toBeLessThan(96 * MB);
  const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
  expect(ok.status).toBe(200);
}, 60_000);

it('a declared content-length over the cap is refused before reading, in the surface dialect', async () => {
  const r = await fetch(`${p.url}/api/v1/web/${p.config.namespace}/demo/echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data: 'x'.repeat(MB + 10) }),
  });
  expect(r.status).toBe(413);
  expect(((await r.json()) as { error: string }).error).toMatch(/too large/);
  const ev = await fetch(`${p.url}/events/_local/replay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ data: 'x'.repeat(5 * MB) }),
  });
  expect(ev.status).toBe(413);
  expect(await ev.json()).toMatchObject({ error_code: 'payload_too_large' });
});

/** Open a connection, send `text`, and wait until the server closes it (what it wrote before). */
function until_closed(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    let got = '';
    s.on('data', (c: Buffer) => (got += c.toString('utf8')));
    s.on('close', () => resolve(got));
    s.on('error', reject);
  });
}

it('closes a connection whose headers never end (408)', async () => {
  const got = await until_closed(
    Number(new URL(quick.url).port),
    'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ',
  );
  expect(got).toMatch(/^HTTP\/1\.1 408/);
}, 20_000);

it('closes a connection whose body never ends (408)', async () => {
  const got = await until_closed(
    Number(new URL(quick.url).port),
    'POST /events/_local/replay HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
  );
  expect(got).toMatch(/^HTTP\/1\.1 408/);
}, 20_000);

it('does not cut a blocking invoke or an SSE stream that outlast the request timeout', async () => {
  const stream = await fetch(`${quick.url}/events/_local/stream`);
  const reader = stream.body!.getReader();
  const invoke = await fetch(`${quick.url}/api/v1/namespaces/_/actions/demo/parallel?blocking=true&result=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: basicAuth(quick.config.auth) },
    body: JSON.stringify({ tag: 'long', ms: 2500 }),
  });
  expect(invoke.status).toBe(200);
  expect(await invoke.json()).toMatchObject({ tag: 'long' });
  // the stream is still open: past what it buffered, a read waits for the next event or ping
  let state = 'data';
  let pending: Promise<string> | undefined;
  for (let i = 0; i < 50 && state === 'data'; i++) {
    pending ??= reader.read().then((r) => (r.done ? 'ended' : 'data'));
    state = await Promise.race([pending, new Promise<string>((r) => setTimeout(r, 300, 'open'))]);
    if (state !== 'open') pending = undefined;
  }
  expect(state).toBe('open');
  await reader.cancel();
}, 30_000);
