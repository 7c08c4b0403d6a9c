/**
 * The load side of bench/e2e-peer.ts, run as a process of its own (`--role load`) so that the
 * senders never share a CPU budget with the servers they measure. It holds
 *
 * - the target: a bare `node:http` server standing in for Commerce; it records when each
 *   product (by sku) first arrives and counts any second arrival as a duplicate;
 * - the senders: POST back-office product creates to a webhook, in a closed loop (`c`
 *   senders, each sending its next event when the previous one was answered) or an open loop
 *   (a fixed rate, whatever the answers).
 *
 * Both live in this one process, so a latency is two readings of one clock: from the moment
 * the sender starts the POST to the moment the target receives the product. It speaks JSON
 * lines with its parent: `{"id", "run": LoadRun}` in, `{"id", "result": LoadResult}` out.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { percentile, ROOT, stop } from './platform-lib';

export interface LoadRun {
  /** the webhook URL */
  url: string;
  headers: Record<string, string>;
  mode: 'closed' | 'open';
  /** events to send */
  n: number;
  /** closed loop: concurrent senders */
  c?: number;
  /** open loop: events per second */
  rate?: number;
  /** sku prefix, unique per run */
  prefix: string;
  /** how long to wait for the last delivery after the last answer */
  drainMs: number;
  /** answer 429 by waiting and sending the same event again (as a back office would) */
  retry429?: boolean;
}

export interface LoadResult {
  sent: number;
  accepted: number;
  /** answers other than 2xx, by status (after retries, when retry429) */
  refused: Record<string, number>;
  /** 429s that were retried */
  retried: number;
  /** accepted events that reached the target */
  delivered: number;
  /** accepted events that did not reach the target within drainMs */
  lost: number;
  /** second and later arrivals of one product */
  duplicates: number;
  /** from the first POST to the last POST's answer */
  sendSeconds: number;
  /** from the first POST to the last arrival */
  seconds: number;
  /** delivered / seconds */
  rate: number;
  /** POST start → target received, ms */
  p50: number;
  p99: number;
  max: number;
  /** POST start → the webhook's answer, ms */
  acceptP50: number;
  acceptP99: number;
}

interface Arrivals {
  first: Map<string, number>;
  duplicates: number;
  /** called on each first arrival */
  onArrive?: () => void;
}

const SKU = /"sku"\s*:\s*"([^"]+)"/;

/** The Commerce stand-in of the benchmark: answers every write 200 and records arrivals. */
export async function startTarget(arrivals: Arrivals): Promise<string> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const sku = SKU.exec(body)?.[1];
      if (sku) {
        if (arrivals.first.has(sku)) arrivals.duplicates++;
        else {
          arrivals.first.set(sku, performance.now());
          arrivals.onArrive?.();
        }
      }
      const out = JSON.stringify({ id: arrivals.first.size, sku });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
      res.end(out);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export function productCreate(sku: string): string {
  return JSON.stringify({
    data: {
      uid: sku,
      event: 'be-observer.catalog_product_create',
      value: { sku, name: `Bench product ${sku}`, price: 9.99, description: 'A product of the benchmark' },
    },
  });
}

interface Sending {
  starts: Map<string, number>;
  accepted: Set<string>;
  acceptMs: number[];
  refused: Record<string, number>;
  retried: number;
  lastAnswer: number;
}

async function sendOne(run: LoadRun, sku: string, s: Sending): Promise<void> {
  const body = productCreate(sku);
  const t0 = performance.now();
  s.starts.set(sku, t0);
  for (let attempt = 0; ; attempt++) {
    let status = 0; // stays 0 when the connection is refused or reset: counted as refused
    let retryAfter: string | null = null;
    try {
      const res = await fetch(run.url, { method: 'POST', headers: run.headers, body });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      await res.arrayBuffer();
    } catch {
      // status 0
    }
    s.lastAnswer = performance.now();
    if (status >= 200 && status < 300) {
      s.accepted.add(sku);
      s.acceptMs.push(s.lastAnswer - t0);
      return;
    }
    if (status === 429 && run.retry429 && attempt < 100) {
      s.retried++;
      const wait = Math.min(5000, Math.max(100, Number(retryAfter) * 1000 || 500));
      await new Promise((r) => setTimeout(r, wait));
      continue;
    }
    s.refused[String(status)] = (s.refused[String(status)] ?? 0) + 1;
    return;
  }
}

async function sendClosed(run: LoadRun, s: Sending): Promise<void> {
  let next = 0;
  const sender = async () => {
    while (next < run.n) {
      const i = next++;
      await sendOne(run, `${run.prefix}-${i}`, s);
    }
  };
  await Promise.all(Array.from({ length: run.c ?? 10 }, sender));
}

async function sendOpen(run: LoadRun, s: Sending): Promise<void> {
  const rate = run.rate ?? 100;
  const start = performance.now();
  const inFlight: Array<Promise<void>> = [];
  let i = 0;
  while (i < run.n) {
    // every event whose time has come, then sleep until the next one's
    const due = Math.min(run.n, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
    while (i < due) inFlight.push(sendOne(run, `${run.prefix}-${i++}`, s));
    await new Promise((r) => setTimeout(r, Math.max(0, start + (i / rate) * 1000 - performance.now())));
  }
  await Promise.all(inFlight);
}

async function waitDelivered(arrivals: Arrivals, s: Sending, drainMs: number): Promise<void> {
  const missing = () => [...s.accepted].filter((sku) => !arrivals.first.has(sku)).length;
  if (missing() === 0) return;
  await new Promise<void>((resolve) => {
    const deadline = setTimeout(done, drainMs);
    let left = missing();
    function done() {
      clearTimeout(deadline);
      arrivals.onArrive = undefined;
      resolve();
    }
    arrivals.onArrive = () => {
      if (--left <= 0 && missing() === 0) done();
    };
  });
}

export async function runLoad(run: LoadRun, arrivals: Arrivals): Promise<LoadResult> {
  const s: Sending = { starts: new Map(), accepted: new Set(), acceptMs: [], refused: {}, retried: 0, lastAnswer: 0 };
  const dupBefore = arrivals.duplicates;
  const first = performance.now();
  if (run.mode === 'closed') await sendClosed(run, s);
  else await sendOpen(run, s);
  await waitDelivered(arrivals, s, run.drainMs);
  const lat: number[] = [];
  let last = s.lastAnswer;
  for (const sku of s.accepted) {
    const at = arrivals.first.get(sku);
    if (at === undefined) continue;
    lat.push(at - (s.starts.get(sku) as number));
    if (at > last) last = at;
  }
  lat.sort((a, b) => a - b);
  s.acceptMs.sort((a, b) => a - b);
  const seconds = (last - first) / 1000;
  for (const sku of s.starts.keys()) arrivals.first.delete(sku); // keep the map to one run
  return {
    sent: s.starts.size,
    accepted: s.accepted.size,
    refused: s.refused,
    retried: s.retried,
    delivered: lat.length,
    lost: s.accepted.size - lat.length,
    duplicates: arrivals.duplicates - dupBefore,
    sendSeconds: (s.lastAnswer - first) / 1000,
    seconds,
    rate: seconds > 0 ? lat.length / seconds : 0,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: lat.at(-1) ?? NaN,
    acceptP50: percentile(s.acceptMs, 50),
    acceptP99: percentile(s.acceptMs, 99),
  };
}

/** `--role load`: print the target's URL, then run each LoadRun read from stdin. */
export async function loadRole(): Promise<void> {
  const arrivals: Arrivals = { first: new Map(), duplicates: 0 };
  const target = await startTarget(arrivals);
  process.stdout.write(`${JSON.stringify({ target })}\n`);
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (!line.trim()) continue;
    const msg = JSON.parse(line) as { id: number; run: LoadRun };
    const result = await runLoad(msg.run, arrivals);
    process.stdout.write(`${JSON.stringify({ id: msg.id, result })}\n`);
  }
  process.exit(0);
}

/** The parent's handle on a load process: the target's URL, and runs answered in order of ids. */
export interface LoadDriver {
  target: string;
  run(r: LoadRun): Promise<LoadResult>;
  close(): Promise<void>;
}

/** Start the load process (bench/e2e-peer.ts `--role load`, which runs `loadRole`). */
export async function startLoadDriver(): Promise<LoadDriver> {
  const child = spawn(
    process.execPath,
    ['--require', 'tsx/cjs', path.join(__dirname, 'e2e-peer.ts'), '--role', 'load'],
    {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const rl = readline.createInterface({ input: child.stdout! });
  const target = await new Promise<string>((resolve, reject) => {
    rl.once('line', (l) => resolve((JSON.parse(l) as { target: string }).target));
    child.once('exit', (code) => reject(new Error(`the load process exited with ${code}`)));
  });
  const waiting = new Map<number, (r: LoadResult) => void>();
  rl.on('line', (l) => {
    const msg = JSON.parse(l) as { id: number; result: LoadResult };
    waiting.get(msg.id)?.(msg.result);
  });
  let seq = 0;
  return {
    target,
    run: (r) =>
      new Promise((resolve) => {
        const id = ++seq;
        waiting.set(id, resolve);
        child.stdin!.write(`${JSON.stringify({ id, run: r })}\n`);
      }),
    close: async () => {
      child.stdin!.end();
      await stop(child);
    },
  };
}

const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** user + sys CPU of processes (all their threads), ms */
export function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(f[11]) + Number(f[12]);
  }
  return (ticks * 1000) / TICK;
}
