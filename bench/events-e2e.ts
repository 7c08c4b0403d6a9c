/**
 * End-to-end events per second and latency through the local I/O Events, durable, with 10
 * concurrent senders, beside a bare HTTP + SQLite pipeline in the same run.
 *
 *   baseline   sender → bare http server (INSERT into SQLite WAL, answer) → HTTP POST → target
 *   webhook    sender → POST /ingress (event + delivery committed) → delivery engine → target
 *   action     sender → POST /ingress → delivery engine → runtime action (isolated worker) → 200
 *   non-web    the same action declared `web: 'no'`, as the app's consumers are (invoked as
 *              Adobe's web sequence invokes it: no signatures, nobody could check them)
 *
 * Latency: from the sender's POST to the target receiving the event (for `action`, to the
 * delivery's completion). `npx tsx bench/events-e2e.ts [seconds=5] [senders=10]`
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startPlatform } from '../platform';

const SECONDS = Number(process.argv[2] ?? 5);
const SENDERS = Number(process.argv[3] ?? 10);
const FIXTURE = path.join(__dirname, '..', 'test', 'fixtures', 'events-app');

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
}

interface Result {
  name: string;
  rate: number;
  p50: number;
  p99: number;
  n: number;
  /** CPU (user + sys, every thread of this process: senders, platform, containers, target) per event, ms */
  cpu: number;
}

/** a target that records when each event id arrives */
async function target(onArrive: (id: string) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET') {
      const c = new URL(req.url ?? '/', 'http://x').searchParams.get('challenge');
      res.end(c ?? 'ok');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const m = /"id":"([^"]+)"/.exec(body);
      if (m?.[1]) onArrive(m[1]);
      res.writeHead(200).end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** 10 senders in a closed loop for `seconds`; latency from send to `done(id)` */
async function drive(
  name: string,
  send: (id: string) => Promise<void>,
  waitDone: Map<string, (t: number) => void>,
): Promise<Result> {
  const lat: number[] = [];
  let stop = false;
  let seq = 0;
  let measuring = false;
  let completed = 0;
  const pending = new Set<Promise<void>>();
  const sender = async (w: number) => {
    while (!stop) {
      const id = `${name}-${w}-${++seq}`;
      const t0 = performance.now();
      const done = new Promise<void>((resolve) => {
        waitDone.set(id, (t) => {
          if (measuring) {
            lat.push(t - t0);
            completed++;
          }
          resolve();
        });
      });
      pending.add(done);
      void done.then(() => pending.delete(done));
      await send(id);
    }
  };
  const workers = Array.from({ length: SENDERS }, (_, w) => sender(w));
  await new Promise((r) => setTimeout(r, 1000)); // warm-up
  measuring = true;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu1 = process.cpuUsage(cpu0);
  measuring = false;
  stop = true;
  await Promise.all(workers);
  await Promise.race([Promise.all([...pending]), new Promise((r) => setTimeout(r, 10_000))]);
  const cpu = (cpu1.user + cpu1.system) / 1000 / Math.max(1, completed);
  return { name, rate: completed / elapsed, p50: pct(lat, 50), p99: pct(lat, 99), n: lat.length, cpu };
}

async function baseline(): Promise<Result> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-base-'));
  const db = new Database(path.join(dir, 'b.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE ev (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, body TEXT, status TEXT)');
  const ins = db.prepare("INSERT OR IGNORE INTO ev (id, body, status) VALUES (?, ?, 'pending')");
  const done = db.prepare("UPDATE ev SET status = 'delivered' WHERE id = ?");
  const waits = new Map<string, (t: number) => void>();
  const tgt = await target((id) => waits.get(id)?.(performance.now()));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const forward = (id: string, body: string) => {
    const r = http.request(
      tgt.url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => done.run(id));
      },
    );
    r.on('error', () => undefined); // closing at the end of the run
    r.end(body);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const id = (JSON.parse(body) as { id: string }).id;
      ins.run(id, body);
      res.writeHead(200).end('OK');
      forward(id, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const r = await drive(
    'baseline',
    async (id) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ specversion: '1.0', id, source: 's', type: 't', data: { sku: id } }),
      });
      await res.text();
    },
    waits,
  );
  server.closeAllConnections();
  server.close();
  await tgt.close();
  agent.destroy();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return r;
}

/** the fixture app with its consumer declared non-web (a copy; its imports resolve through a link) */
function nonWebProject(dir: string): string {
  const project = path.join(dir, 'project');
  fs.cpSync(FIXTURE, project, { recursive: true });
  fs.symlinkSync(path.join(__dirname, '..', 'node_modules'), path.join(project, 'node_modules'));
  const config = path.join(project, 'app.config.yaml');
  fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace("web: 'yes'", "web: 'no'"));
  return project;
}

async function platform(kind: 'webhook' | 'action' | 'non-web'): Promise<Result> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-events-'));
  const envFile = path.join(dataDir, 'none.env');
  fs.writeFileSync(envFile, '');
  const projectDir = kind === 'non-web' ? nonWebProject(dataDir) : FIXTURE;
  const p = await startPlatform({ projectDir, port: 0, quiet: true, dataDir, envFile });
  const waits = new Map<string, (t: number) => void>();
  const tgt = await target((id) => waits.get(id)?.(performance.now()));
  const tok = (
    (await (
      await fetch(`${p.url}/ims/token/v3`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        // the one client pair the platform's IMS accepts (generated in the data dir)
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: p.config.env.OAUTH_CLIENT_ID ?? '',
          client_secret: p.config.env.OAUTH_CLIENT_SECRET ?? '',
        }),
      })
    ).json()) as { access_token: string }
  ).access_token;
  const auth = { authorization: `Bearer ${tok}`, 'x-api-key': p.config.env.OAUTH_CLIENT_ID ?? '' };
  const ws = `${p.url}/events/000000/local-project/local-workspace`;
  const prov = (await (
    await fetch(`${ws}/providers`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ label: 'Bench' }),
    })
  ).json()) as { id: string };
  await fetch(`${ws}/providers/${prov.id}/eventmetadata`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ event_code: 'bench.event', label: 'bench' }),
  });
  const reg = await fetch(`${ws}/registrations`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: 'bench',
      name: `bench-${kind}`,
      delivery_type: 'webhook',
      ...(kind === 'webhook' ? { webhook_url: tgt.url } : { runtime_action: 'product-backoffice/consumer' }),
      events_of_interest: [{ provider_id: prov.id, event_code: 'bench.event' }],
    }),
  });
  if (reg.status !== 201) throw new Error(`registration: ${reg.status} ${await reg.text()}`);
  if (kind !== 'webhook') {
    p.ctx.bus.on('delivery', (d: { outcome: string; eventId: string }) => {
      if (d.outcome !== 'success') return;
      const row = p.ctx.db.prepare('SELECT ce_id FROM ev_events WHERE event_id = ?').get(d.eventId) as
        { ce_id: string } | undefined;
      if (row) waits.get(row.ce_id)?.(performance.now());
    });
  }
  const body = (id: string) =>
    JSON.stringify({
      specversion: '1.0',
      id,
      source: `urn:uuid:${prov.id}`,
      type: 'bench.event',
      datacontenttype: 'application/json',
      data: { name: id },
    });
  const r = await drive(
    kind,
    async (id) => {
      const res = await fetch(`${p.url}/ingress`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/cloudevents+json' },
        body: body(id),
      });
      await res.text();
    },
    waits,
  );
  await tgt.close();
  await p.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
  return r;
}

(async () => {
  const results: Result[] = [];
  results.push(await baseline());
  results.push(await platform('webhook'));
  results.push(await platform('action'));
  results.push(await platform('non-web'));
  const base = results[0] as Result;
  console.log(
    `${SENDERS} concurrent senders, ${SECONDS} s each, ${os.cpus().length} cores, load average ${os.loadavg()[0]?.toFixed(1)}`,
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(9)} ${r.rate.toFixed(0).padStart(6)} events/s  p50 ${r.p50.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  CPU ${r.cpu.toFixed(2)} ms/event  (${r.n} events)  ${r === base ? '' : `${((r.rate / base.rate) * 100).toFixed(0)}% of baseline`}`,
    );
    if (r !== base)
      console.log(
        `BENCH ${JSON.stringify({ name: `end-to-end events/s (${r.name} target)`, value: r.rate, unit: 'events/s', baseline: 'bare HTTP + SQLite pipeline', baselineValue: base.rate, ratio: r.rate / base.rate, goal: '>= 1,300 events/s' })}`,
      );
    if (r !== base)
      console.log(
        `BENCH ${JSON.stringify({ name: `end-to-end p99 (${r.name} target)`, value: r.p99, unit: 'ms', baseline: 'bare HTTP + SQLite pipeline', baselineValue: base.p99, ratio: r.p99 / base.p99, goal: '<= 100 ms' })}`,
      );
  }
  process.exit(0);
})().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
