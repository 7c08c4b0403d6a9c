/**
 * Parts of bench/deployed-bundles.ts: the plain-Node script that runs one case in a fresh
 * process (a bundle's `main`, or a floor), and a recording proxy that learns which HTTP
 * requests a bundle makes per event, so its floor can make the same ones.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One HTTP request as a bundle made it. */
export interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * What the child runs: `bundle` (its main, with `params`), or the floor: `requests` replayed
 * and, with `hmac`, a JSON.parse + HMAC-SHA256 check of the webhook body. `{i}` in params'
 * strings is the event number. `mark`: a URL fetched between events (recording).
 */
export interface Job {
  mode: 'cold' | 'warm';
  bundle?: string;
  params?: Record<string, unknown>;
  requests?: Recorded[];
  hmac?: { key: string; signed: string; signature: string; body: string };
  warmup?: number;
  events?: number;
  mark?: string;
}

/** The child's source (plain CommonJS: it runs in bare Node, as Runtime runs a bundle). */
export const RUNNER = `'use strict';
const t0 = performance.now();
const job = JSON.parse(process.env.BENCH_JOB);
const crypto = require('node:crypto');
const main = job.bundle ? require(job.bundle).main : undefined;
const t1 = performance.now();
const paramsJson = JSON.stringify(job.params || {});
const hmacKey = job.hmac ? Buffer.from(job.hmac.key, 'base64') : undefined;

async function one(i) {
  if (main) {
    const r = await main(JSON.parse(paramsJson.split('{i}').join(String(i))));
    const status = r && (r.statusCode || (r.error && r.error.statusCode) || 200);
    if (status >= 300 || (r && r.error)) throw new Error('event ' + i + ': ' + JSON.stringify(r).slice(0, 400));
  } else {
    if (job.hmac) {
      const mac = crypto.createHmac('sha256', hmacKey).update(job.hmac.signed).digest();
      if (!crypto.timingSafeEqual(mac, Buffer.from(job.hmac.signature, 'base64'))) throw new Error('bad signature');
      JSON.parse(job.hmac.body);
    }
    for (const q of job.requests || []) {
      const res = await fetch(q.url, { method: q.method, headers: q.headers, body: q.body || undefined });
      await res.arrayBuffer();
    }
  }
  if (job.mark) await (await fetch(job.mark)).arrayBuffer();
}

(async () => {
  if (job.mode === 'cold') {
    await one(0);
    const t2 = performance.now();
    process.stdout.write('RESULT ' + JSON.stringify({ boot: t0, load: t1 - t0, first: t2 - t1, rssKb: process.resourceUsage().maxRSS }) + '\\n');
    process.exit(0); // the answer is ready: that ends a cold start (idle keep-alive sockets would only delay exit)
  }
  let i = 0;
  for (const end = i + (job.warmup || 0); i < end; i++) await one(i);
  const cpu = process.cpuUsage();
  const w = performance.now();
  const n = job.events || 1;
  for (const end = i + n; i < end; i++) await one(i);
  const used = process.cpuUsage(cpu);
  const ms = performance.now() - w;
  process.stdout.write('RESULT ' + JSON.stringify({ cpuMsPerEvent: (used.user + used.system) / 1000 / n, wallMsPerEvent: ms / n }) + '\\n');
  process.exit(0);
})().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\\n'); process.exit(1); });
`;

/**
 * A proxy per target origin, all recording into one list (a fetch of `/__bench_mark` on any
 * of them records a separator). `map` rewrites a string's target origins to the proxies'.
 */
export async function startRecorder(targets: string[]) {
  const log: Array<Recorded | 'mark'> = [];
  const servers: http.Server[] = [];
  const origins = new Map<string, string>();
  for (const t of [...new Set(targets.map((u) => new URL(u).origin))]) {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === '/__bench_mark') {
          log.push('mark');
          res.end('ok');
          return;
        }
        const body = Buffer.concat(chunks);
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (typeof v === 'string' && !['host', 'connection', 'content-length', 'transfer-encoding'].includes(k))
            headers[k] = v;
        log.push({ method: req.method ?? 'GET', url: `${t}${req.url}`, headers, body: body.toString('utf8') });
        const up = http.request(`${t}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        });
        up.on('error', () => res.destroy());
        up.end(body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    origins.set(t, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }
  return {
    log,
    markUrl: `${[...origins.values()][0]}/__bench_mark`,
    map(s: string): string {
      let out = s;
      for (const [from, to] of origins) out = out.split(from).join(to);
      return out;
    },
    /** the requests made after the last mark but one: those of the last event */
    lastEvent(): Recorded[] {
      const marks = log.flatMap((x, i) => (x === 'mark' ? [i] : []));
      const from = marks.length >= 2 ? (marks[marks.length - 2] as number) + 1 : 0;
      return log.slice(from, marks[marks.length - 1]).filter((x): x is Recorded => x !== 'mark');
    },
    async close() {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
    },
  };
}
