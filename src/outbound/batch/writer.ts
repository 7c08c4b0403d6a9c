/**
 * The batch file target: events collected into newline-delimited JSON files, a file closed
 * when the next event would take it over `maxBytes` (default 50 MB) or `maxAgeMs` after its
 * first event (default 5 minutes), whichever comes first; each closed file gets a manifest:
 *
 *   {"file", "count", "bytes", "sha256", "firstEventTime", "lastEventTime",
 *    "openedAt", "closedAt", "reason": "size" | "age" | "end-date" | "shutdown"}
 *
 * (`firstEventTime` / `lastEventTime`: the earliest and the latest event `time` in the
 * file; events without one count at their arrival). Each event is one line, the CloudEvent
 * as received. An event id already in the open file is not written twice (I/O Events
 * delivers at least once; a retry of an acknowledged delivery lands here again).
 *
 * WHERE IT RUNS, and why not in an action: a batch lives for minutes across many
 * deliveries, but an action has no disk that outlives its activation, and State caps a
 * value at 1 MB, far below a 50 MB file. So the writer runs in a long-lived process with a
 * disk (the batch sink, sink.ts), which I/O Events feeds directly through a `webhook` /
 * `webhook_batch` registration; the open batch is appended and fsynced before each delivery
 * is acknowledged, and an open batch left by a crash is recovered at the next start.
 *
 * Appends are serialised (one chain of promises), so lines never interleave.
 */
import { createHash, type Hash } from 'node:crypto';
import type { BatchStorage } from './storage';

export interface BatchEvent {
  id: string;
  time?: string;
  [field: string]: unknown;
}

export type CloseReason = 'size' | 'age' | 'end-date' | 'shutdown';

export interface Manifest {
  file: string;
  count: number;
  bytes: number;
  sha256: string;
  firstEventTime: string;
  lastEventTime: string;
  openedAt: string;
  closedAt: string;
  reason: CloseReason | 'recovered';
}

export interface BatchWriterOptions {
  storage: BatchStorage;
  /** close before a file would exceed this; default 50 MB */
  maxBytes?: number;
  /** close this long after a file's first event; default 5 minutes */
  maxAgeMs?: number;
  /** file name prefix, default `events` */
  prefix?: string;
  now?: () => number;
  /** called after each close (logs, tests) */
  onClose?: (m: Manifest) => void;
}

interface OpenBatch {
  name: string;
  openedAt: number;
  count: number;
  bytes: number;
  hash: Hash;
  first: number;
  last: number;
  ids: Set<string>;
}

export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
export const DEFAULT_MAX_AGE_MS = 5 * 60 * 1000;

export class BatchWriter {
  readonly maxBytes: number;
  readonly maxAgeMs: number;
  private readonly storage: BatchStorage;
  private readonly prefix: string;
  private readonly now: () => number;
  private open: OpenBatch | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private seq = 0;
  readonly closed: Manifest[] = [];

  constructor(private readonly opts: BatchWriterOptions) {
    this.storage = opts.storage;
    this.maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    this.maxAgeMs = opts.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
    this.prefix = opts.prefix ?? 'events';
    this.now = opts.now ?? Date.now;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn, fn);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Append events; resolves once they are durable. Returns how many were new. */
  add(events: readonly BatchEvent[]): Promise<number> {
    return this.serial(async () => {
      let added = 0;
      let text = '';
      const flush = async () => {
        if (text !== '' && this.open) await this.storage.append(this.open.name, text);
        text = '';
      };
      for (const e of events) {
        if (this.open?.ids.has(e.id)) continue;
        const line = `${JSON.stringify(e)}\n`;
        const size = Buffer.byteLength(line);
        if (this.open && this.open.bytes + size > this.maxBytes && this.open.count > 0) {
          await flush();
          await this.closeOpen('size');
        }
        const b = this.open ?? (this.open = this.newBatch());
        const t = eventTime(e, this.now());
        b.count++;
        b.bytes += size;
        b.hash.update(line);
        b.first = Math.min(b.first, t);
        b.last = Math.max(b.last, t);
        b.ids.add(e.id);
        text += line;
        added++;
      }
      await flush();
      return added;
    });
  }

  /** Close the open file when it is old enough (call on a timer). */
  tick(): Promise<void> {
    return this.serial(async () => {
      if (this.open && this.now() - this.open.openedAt >= this.maxAgeMs) await this.closeOpen('age');
    });
  }

  /** Close the open file now, whatever its age (end date, shutdown). */
  flush(reason: CloseReason): Promise<void> {
    return this.serial(async () => {
      if (this.open) await this.closeOpen(reason);
    });
  }

  /** Pick up open files an earlier run left: the newest continues if young enough, the rest close. */
  recover(): Promise<void> {
    return this.serial(async () => {
      const names = await this.storage.listOpen();
      for (const [i, name] of names.entries()) {
        let text = await this.storage.readOpen(name);
        const end = text.lastIndexOf('\n') + 1;
        if (end < text.length) {
          await this.storage.truncateOpen(name, Buffer.byteLength(text.slice(0, end)));
          text = text.slice(0, end);
        }
        const b = emptyBatch(name, openedAtOf(name, this.now()));
        for (const line of text.split('\n')) {
          if (line === '') continue;
          const full = `${line}\n`;
          b.count++;
          b.bytes += Buffer.byteLength(full);
          b.hash.update(full);
          try {
            const e = JSON.parse(line) as BatchEvent;
            const t = eventTime(e, b.openedAt);
            b.first = Math.min(b.first, t);
            b.last = Math.max(b.last, t);
            if (typeof e.id === 'string') b.ids.add(e.id);
          } catch {
            // a line we wrote is JSON; anything else is kept as is and counted
          }
        }
        this.open = b;
        const young = this.now() - b.openedAt < this.maxAgeMs;
        if (i < names.length - 1 || !young || b.count === 0)
          await this.closeOpen(b.count === 0 ? 'shutdown' : 'age', 'recovered');
      }
    });
  }

  get openBatch(): { name: string; count: number; bytes: number } | undefined {
    return this.open ? { name: this.open.name, count: this.open.count, bytes: this.open.bytes } : undefined;
  }

  private newBatch(): OpenBatch {
    const at = this.now();
    const stamp = new Date(at).toISOString().replace(/[-:]/g, '').replace('.', '');
    this.seq = (this.seq + 1) % 1000;
    const name = `${this.prefix}-${stamp}-${String(this.seq).padStart(3, '0')}.ndjson`;
    return emptyBatch(name, at);
  }

  private async closeOpen(reason: CloseReason, as?: 'recovered'): Promise<void> {
    const b = this.open;
    if (!b) return;
    this.open = undefined;
    const manifest: Manifest = {
      file: b.name,
      count: b.count,
      bytes: b.bytes,
      sha256: b.hash.digest('hex'),
      firstEventTime: new Date(Number.isFinite(b.first) ? b.first : b.openedAt).toISOString(),
      lastEventTime: new Date(Number.isFinite(b.last) ? b.last : b.openedAt).toISOString(),
      openedAt: new Date(b.openedAt).toISOString(),
      closedAt: new Date(this.now()).toISOString(),
      reason: as ?? reason,
    };
    if (b.count === 0) await this.storage.append(b.name, '');
    await this.storage.close(b.name, manifest as unknown as Record<string, unknown>);
    this.closed.push(manifest);
    this.opts.onClose?.(manifest);
  }
}

function eventTime(e: BatchEvent, fallback: number): number {
  const t = typeof e.time === 'string' ? Date.parse(e.time) : NaN;
  return Number.isFinite(t) ? t : fallback;
}

/** `events-20260101T000000000Z-001.ndjson` → its opening time. */
function openedAtOf(name: string, fallback: number): number {
  const m = /-(\d{8})T(\d{6})(\d{3})Z-/.exec(name);
  if (!m) return fallback;
  const [d, t, ms] = [m[1] as string, m[2] as string, m[3] as string];
  const iso = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}.${ms}Z`;
  const at = Date.parse(iso);
  return Number.isFinite(at) ? at : fallback;
}

/** A batch file with nothing in it yet. */
function emptyBatch(name: string, openedAt: number): OpenBatch {
  return {
    name,
    openedAt,
    count: 0,
    bytes: 0,
    hash: createHash('sha256'),
    first: Infinity,
    last: -Infinity,
    ids: new Set(),
  };
}
