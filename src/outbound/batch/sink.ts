/**
 * The batch sink: a small long-lived HTTP service that I/O Events delivers to (a `webhook`
 * or `webhook_batch` registration whose webhook_url is this sink) and that writes the
 * events into batch files through a BatchWriter (see writer.ts for why this is a process
 * with a disk and not an action).
 *
 *   GET  ?challenge=X  → 200 {"challenge": X}     (I/O Events verifies a new webhook URL)
 *   POST one CloudEvent, or a JSON array of them (webhook_batch)
 *        → 200 once appended and fsynced; 400 for a body that is not events; 413 over 10 MB
 *        → 410 Gone after the end date (a temporary target): I/O Events treats it as final
 *   GET  /status       → {open, closed, endsAt, stopped}
 * With `token` set, requests need `?token=` (I/O Events calls the URL as registered, so a
 * secret in the URL is the way to keep strangers out without custom headers).
 *
 * A temporary sink (`endsAt`): at the end date it closes the open file (reason "end-date"),
 * logs "batch target stopped: end date ... reached" and refuses further events with 410.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual, createHash } from 'node:crypto';
import type { BatchEvent, BatchWriter } from './writer';

export interface BatchSinkOptions {
  writer: BatchWriter;
  host?: string;
  port?: number;
  token?: string;
  /** epoch ms: a temporary target */
  endsAt?: number;
  /** how often the age of the open file is checked; default maxAgeMs / 10 (at most 1 s) */
  tickMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

const MAX_BODY = 10 * 1024 * 1024;

function same(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const isEvent = (e: unknown): e is BatchEvent =>
  typeof e === 'object' &&
  e !== null &&
  !Array.isArray(e) &&
  typeof (e as { id?: unknown }).id === 'string' &&
  (e as { id: string }).id !== '';

export async function startBatchSink(opts: BatchSinkOptions) {
  const { writer } = opts;
  const now = opts.now ?? Date.now;
  const log = opts.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  let stopped: string | undefined;
  let stopping: Promise<void> | undefined;

  const checkEnd = async (): Promise<void> => {
    if (stopped || opts.endsAt === undefined || now() < opts.endsAt) return;
    stopping ??= (async () => {
      await writer.flush('end-date');
      stopped = `end date ${new Date(opts.endsAt as number).toISOString()} reached`;
      log(`batch target stopped: ${stopped}; further deliveries are refused with 410`);
    })();
    await stopping;
  };

  await writer.recover();

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sink');
      if (opts.token !== undefined && !same(url.searchParams.get('token') ?? '', opts.token))
        return json(res, 401, { error: 'missing or wrong ?token=' });
      if (req.method === 'GET' && url.searchParams.has('challenge'))
        return json(res, 200, { challenge: url.searchParams.get('challenge') });
      if (req.method === 'GET' && url.pathname.endsWith('/status')) {
        return json(res, 200, {
          open: writer.openBatch ?? null,
          closed: writer.closed.length,
          endsAt: opts.endsAt === undefined ? null : new Date(opts.endsAt).toISOString(),
          stopped: stopped ?? null,
        });
      }
      if (req.method !== 'POST') return json(res, 405, { error: 'POST events, or GET ?challenge=' });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > MAX_BODY) return json(res, 413, { error: `body over ${MAX_BODY} bytes` });
        chunks.push(c as Buffer);
      }
      await checkEnd();
      if (stopped) return json(res, 410, { error: `batch target stopped: ${stopped}` });
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return json(res, 400, { error: 'the body is not JSON' });
      }
      const events = Array.isArray(body) ? body : [body];
      const badAt = events.findIndex((e) => !isEvent(e));
      if (badAt >= 0) return json(res, 400, { error: `item ${badAt} is not a CloudEvent with an id` });
      const added = await writer.add(events as BatchEvent[]);
      log(`batch sink: ${events.length} event(s) received, ${added} new, file ${writer.openBatch?.name ?? '-'}`);
      return json(res, 200, { accepted: events.length, new: added });
    })().catch((err: unknown) => {
      log(`batch sink: write failed: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) json(res, 503, { error: 'write failed, retry' });
    });
  });

  const tickMs = opts.tickMs ?? Math.max(10, Math.min(1000, Math.floor(writer.maxAgeMs / 10)));
  const timer = setInterval(() => {
    void checkEnd()
      .then(() => (stopped ? undefined : writer.tick()))
      .catch((err: unknown) => log(`batch sink: tick failed: ${err instanceof Error ? err.message : String(err)}`));
  }, tickMs);
  timer.unref();

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://${opts.host ?? '127.0.0.1'}:${port}/`;
  return {
    url: opts.token === undefined ? base : `${base}?token=${encodeURIComponent(opts.token)}`,
    port,
    get stopped() {
      return stopped;
    },
    /** stop serving; the open file stays open on disk unless `flush` (then closed as "shutdown") */
    async close(flush = false): Promise<void> {
      clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      if (flush) await writer.flush('shutdown');
    },
  };
}

export type BatchSink = Awaited<ReturnType<typeof startBatchSink>>;
