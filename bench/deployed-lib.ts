/**
 * Part of bench/deployed-bundles.ts: the plain-Node script that runs one case in a fresh
 * process (a bundle's `main`, or a floor: the same requests on node:http with keep-alive). With `record`, it also notes every HTTP request
 * the bundle makes (node:http and fetch) and prints those of the last event, so the floor can
 * make the same ones.
 */

/** One HTTP request as a bundle made it. */
export interface Recorded {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * What the child runs: `bundle` (its main, with `params`), or the floor: `requests` replayed
 * and, with `hmac`, a JSON.parse + HMAC-SHA256 check of the webhook body. `{i}` in strings is
 * the event number (the webhook refuses a replayed webhook-id). With `hmac`, each event's body
 * is signed first as the sender would (Standard Webhooks), for the bundle and the floor alike.
 */
export interface Job {
  mode: 'cold' | 'warm';
  bundle?: string;
  params?: Record<string, unknown>;
  requests?: Recorded[];
  /** base64 key; id, timestamp and body of the signed message */
  hmac?: { key: string; id: string; ts: string; body: string };
  warmup?: number;
  events?: number;
  record?: boolean;
  /** put before each event number: ids stay unique across processes (the State stand-in remembers) */
  salt?: string;
}

/** The child's source (plain CommonJS: it runs in bare Node, as Runtime runs a bundle). */
export const RUNNER = `'use strict';
const t0 = performance.now();
const job = JSON.parse(process.env.BENCH_JOB);
const crypto = require('node:crypto');
const recorded = [];
// TCP connections opened (keep-alive shows as about 0 per warm event)
let connects = 0;
const net = require('node:net');
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...a) { connects++; return connect.apply(this, a); };
if (job.record) {
  const { ClientRequest } = require('node:http');
  const { write, end } = ClientRequest.prototype;
  const keep = (req, chunk, enc) => {
    if (chunk && typeof chunk !== 'function') (req.benchChunks = req.benchChunks || []).push(Buffer.from(chunk, typeof enc === 'string' ? enc : undefined));
  };
  const skip = ['host', 'connection', 'content-length', 'transfer-encoding'];
  ClientRequest.prototype.write = function (chunk, enc, cb) { keep(this, chunk, enc); return write.call(this, chunk, enc, cb); };
  ClientRequest.prototype.end = function (chunk, enc, cb) {
    keep(this, chunk, enc);
    const headers = {};
    for (const [k, v] of Object.entries(this.getHeaders())) if (!skip.includes(k)) headers[k] = String(v);
    recorded.push({ method: this.method, url: this.protocol + '//' + this.getHeader('host') + this.path, headers, body: Buffer.concat(this.benchChunks || []).toString() });
    return end.call(this, chunk, enc, cb);
  };
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const req = new Request(input, init);
    const headers = {};
    for (const [k, v] of req.headers) if (!skip.includes(k)) headers[k] = v;
    recorded.push({ method: req.method, url: req.url, headers, body: req.body ? await req.clone().text() : '' });
    return realFetch(input, init);
  };
}
const main = job.bundle ? require(job.bundle).main : undefined;
const t1 = performance.now();
const paramsJson = JSON.stringify(job.params || {});
const hmacKey = job.hmac ? Buffer.from(job.hmac.key, 'base64') : undefined;

// the floor's requests: node:http with keep-alive, the cheapest client Node has
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true });
const request = (q) =>
  new Promise((resolve, reject) => {
    const req = http.request(q.url, { method: q.method, headers: q.headers, agent }, (res) => {
      res.on('data', () => undefined);
      res.on('end', resolve);
    });
    req.on('error', reject);
    req.end(q.body || undefined);
  });
const fill = (s, i) => s.split('{i}').join((job.salt || '') + i);
const sign = (i) => {
  const id = fill(job.hmac.id, i);
  const body = fill(job.hmac.body, i);
  const signed = id + '.' + job.hmac.ts + '.' + body;
  return { id, body, signed, signature: crypto.createHmac('sha256', hmacKey).update(signed).digest('base64') };
};

async function one(i) {
  recorded.length = 0;
  if (main) {
    const p = JSON.parse(fill(paramsJson, i));
    if (job.hmac) p.__ow_headers['webhook-signature'] = 'v1,' + sign(i).signature;
    const r = await main(p);
    const status = r && (r.statusCode || (r.error && r.error.statusCode) || 200);
    if (status >= 300 || (r && r.error)) throw new Error('event ' + i + ': ' + JSON.stringify(r).slice(0, 400));
  } else {
    if (job.hmac) {
      const m = sign(i);
      const mac = crypto.createHmac('sha256', hmacKey).update(m.signed).digest();
      if (!crypto.timingSafeEqual(mac, Buffer.from(m.signature, 'base64'))) throw new Error('bad signature');
      JSON.parse(m.body);
    }
    for (const q of job.requests || []) await request(q);
  }
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
  const c0 = connects;
  const n = job.events || 1;
  for (const end = i + n; i < end; i++) await one(i);
  const used = process.cpuUsage(cpu);
  const ms = performance.now() - w;
  process.stdout.write('RESULT ' + JSON.stringify({ cpuMsPerEvent: (used.user + used.system) / 1000 / n, wallMsPerEvent: ms / n, connectsPerEvent: (connects - c0) / n, ...(job.record ? { requests: recorded } : {}) }) + '\\n');
  process.exit(0);
})().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\\n'); process.exit(1); });
`;
