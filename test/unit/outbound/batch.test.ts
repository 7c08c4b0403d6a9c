/**
 * The batch file target over real HTTP: the sink receives deliveries (single events and
 * webhook_batch arrays), files close by size and by time (time-scaled: milliseconds instead
 * of minutes), every file is complete and its manifest correct (count, bytes, sha256,
 * first/last event time), duplicates are written once, a crash leaves nothing behind, and a
 * temporary sink stops at its end date.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BatchWriter,
  LocalDirectoryStorage,
  startBatchSink,
  type BatchSink,
  type Manifest,
} from '../../../src/outbound/batch';

let dir: string;
const sinks: BatchSink[] = [];
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'batch-'));
});
afterEach(async () => {
  while (sinks.length) await sinks.pop()?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const lines: string[] = [];
async function sink(
  opts: {
    maxBytes?: number;
    maxAgeMs?: number;
    endsAt?: number;
    token?: string;
    now?: () => number;
    storage?: LocalDirectoryStorage;
  } = {},
) {
  const storage = opts.storage ?? new LocalDirectoryStorage(dir);
  const writer = new BatchWriter({
    storage,
    ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}),
    ...(opts.maxAgeMs ? { maxAgeMs: opts.maxAgeMs } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  const s = await startBatchSink({
    writer,
    log: (l) => lines.push(l),
    ...(opts.endsAt ? { endsAt: opts.endsAt } : {}),
    ...(opts.token ? { token: opts.token } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
  sinks.push(s);
  return { sink: s, writer, storage };
}

function event(i: number, over: Record<string, unknown> = {}) {
  return {
    specversion: '1.0',
    id: `evt-${String(i).padStart(4, '0')}`,
    source: 'urn:uuid:commerce',
    type: 'com.adobe.commerce.observer.sales_order_save_commit_after',
    time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    data: { value: { id: String(i), increment_id: `0000000${i}`, padding: 'x'.repeat(100) } },
    ...over,
  };
}

async function post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** every closed file with its manifest, checked for completeness */
async function closedFiles(): Promise<Array<{ manifest: Manifest; events: Array<{ id: string; time: string }> }>> {
  const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.ndjson')).sort();
  const out = [];
  for (const n of names) {
    const text = await fs.readFile(path.join(dir, n), 'utf8');
    const manifest = JSON.parse(await fs.readFile(path.join(dir, `${n}.manifest.json`), 'utf8')) as Manifest;
    expect(text.endsWith('\n')).toBe(true);
    const events = text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; time: string });
    expect(manifest.file).toBe(n);
    expect(manifest.count).toBe(events.length);
    expect(manifest.bytes).toBe(Buffer.byteLength(text));
    expect(manifest.sha256).toBe(createHash('sha256').update(text).digest('hex'));
    const times = events.map((e) => Date.parse(e.time));
    expect(manifest.firstEventTime).toBe(new Date(Math.min(...times)).toISOString());
    expect(manifest.lastEventTime).toBe(new Date(Math.max(...times)).toISOString());
    out.push({ manifest, events });
  }
  return out;
}

async function until(cond: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('closes by size: no file over maxBytes, every event exactly once and in order, manifests correct', async () => {
  const { sink: s, writer } = await sink({ maxBytes: 2000, maxAgeMs: 60_000 });
  for (let i = 0; i < 40; i += 4) {
    expect((await post(s.url, [event(i), event(i + 1), event(i + 2), event(i + 3)])).status).toBe(200);
  }
  await writer.flush('shutdown');
  const files = await closedFiles();
  expect(files.length).toBeGreaterThan(3);
  expect(files.every((f) => f.manifest.bytes <= 2000)).toBe(true);
  expect(files.slice(0, -1).every((f) => f.manifest.reason === 'size')).toBe(true);
  expect(files.flatMap((f) => f.events.map((e) => e.id))).toEqual(Array.from({ length: 40 }, (_, i) => event(i).id));
  expect((await fs.readdir(dir)).some((n) => n.endsWith('.open'))).toBe(false);
});

test('closes by time (time-scaled): a file closes maxAgeMs after its first event, later events start a new one', async () => {
  const { sink: s } = await sink({ maxAgeMs: 150 });
  await post(s.url, event(1));
  await post(s.url, event(2));
  await until(async () => (await fs.readdir(dir)).some((n) => n.endsWith('.manifest.json')));
  await post(s.url, [event(3), event(4)]);
  await until(async () => (await fs.readdir(dir)).filter((n) => n.endsWith('.manifest.json')).length === 2);
  const files = await closedFiles();
  expect(files.map((f) => f.events.map((e) => e.id))).toEqual([
    [event(1).id, event(2).id],
    [event(3).id, event(4).id],
  ]);
  expect(files.every((f) => f.manifest.reason === 'age')).toBe(true);
  expect(files[0]?.manifest).toMatchObject({ firstEventTime: event(1).time, lastEventTime: event(2).time });
});

test('a redelivered event already in the open file is written once', async () => {
  const { sink: s, writer } = await sink();
  expect((await post(s.url, [event(1), event(2)])).body).toEqual({ accepted: 2, new: 2 });
  expect((await post(s.url, event(2))).body).toEqual({ accepted: 1, new: 0 });
  await writer.flush('shutdown');
  expect((await closedFiles())[0]?.manifest.count).toBe(2);
});

test('crash and restart: the open file is recovered (a torn last line dropped) and closed complete', async () => {
  const first = await sink({ maxAgeMs: 60_000 });
  await post(first.sink.url, [event(1), event(2), event(3)]);
  await first.sink.close(false);
  await first.storage.release();
  const open = (await fs.readdir(dir)).find((n) => n.endsWith('.open')) as string;
  await fs.appendFile(path.join(dir, open), '{"id":"evt-torn","ti'); // the crash tore a write
  const second = await sink({ maxAgeMs: 60_000 });
  expect(second.writer.openBatch?.count).toBe(3);
  await post(second.sink.url, [event(3), event(4)]);
  await second.writer.flush('shutdown');
  const files = await closedFiles();
  expect(files).toHaveLength(1);
  expect(files[0]?.events.map((e) => e.id)).toEqual([1, 2, 3, 4].map((i) => event(i).id));
});

test('I/O Events webhook verification, bad bodies, and the token', async () => {
  const { sink: s } = await sink({ token: 'sekret' });
  const challenge = await fetch(`${s.url}&challenge=abc`);
  expect(await challenge.json()).toEqual({ challenge: 'abc' });
  expect((await fetch(s.url.replace('sekret', 'wrong'), { method: 'POST', body: '{}' })).status).toBe(401);
  expect((await post(s.url, { no: 'id' })).status).toBe(400);
  expect((await fetch(s.url, { method: 'POST', body: 'nope' })).status).toBe(400);
});

test('a temporary sink stops at its end date: the open file is closed, later deliveries get 410, the log says why', async () => {
  let clock = Date.parse('2026-06-30T23:59:00Z');
  const endsAt = Date.parse('2026-06-30T23:59:59Z');
  lines.length = 0;
  const { sink: s } = await sink({ endsAt, now: () => clock, maxAgeMs: 60_000 });
  expect((await post(s.url, event(1))).status).toBe(200);
  clock = endsAt + 1;
  await until(async () => s.stopped !== undefined);
  const late = await post(s.url, event(2));
  expect(late.status).toBe(410);
  const files = await closedFiles();
  expect(files).toHaveLength(1);
  expect(files[0]?.manifest.reason).toBe('end-date');
  expect(
    lines.filter(
      (l) =>
        l ===
        'batch target stopped: end date 2026-06-30T23:59:59.000Z reached; further deliveries are refused with 410',
    ),
  ).toHaveLength(1);
});
