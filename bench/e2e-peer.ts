/**
 * The app's whole pipeline on the local platform beside the same pipeline on BullMQ + Redis,
 * measured in one run on one machine: back-office product creates POSTed to a webhook, made
 * durable, consumed, handled, and written to an HTTP target standing in for Commerce.
 *
 *   ours   sender → ingestion/webhook (web action) → I/O Events ingress (committed) → delivery
 *          engine → product-backoffice/consumer → blocking invoke → handler → target
 *   BullMQ sender → the same webhook pipeline (src/ingest) → queue.add on redis-server
 *          (AOF everysec) → worker → the same handler (src/deliver/handler, State in Redis) → target
 *
 * Each side's servers run in processes of their own; the senders and the target run in a
 * third (bench/e2e-load-lib.ts), so a latency is read on one clock, from the start of the POST
 * to the target receiving the product. Figures:
 *
 * - sustained throughput, 10 senders in a closed loop, 3,000 events: events delivered per
 *   second from the first POST to the last arrival; every accepted event must arrive once;
 * - latency below saturation: an open loop at half the BullMQ figure, p50 / p99;
 * - the same at 100 senders; CPU per event (user + sys of each side's server processes,
 *   /proc/<pid>/stat, worker threads included) for both;
 * - ours again with `--production-limits` (Adobe's 600 activations a minute, 100 at once):
 *   the platform runs 3 activations per event, so that run is kept under the cap (80 events).
 *
 *   npx tsx bench/e2e-peer.ts [--n 3000] [--open-seconds 10]
 *   npx tsx bench/e2e-peer.ts --profile <dir>   ours only, c=10, every thread of the platform profiled
 *   npm run bench:e2e                            this comparison through the bench runner
 *
 * Figures go to `npm run bench` as `BENCH {json}` lines (bench/report.ts), ours against BullMQ.
 * BENCH_QUICK=1 (npm run bench -- --quick) sends 1,000 events instead of 3,000. Loopback only;
 * every run is bounded by its count and a drain timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { bundleModules, formatSummary, merge, summarize, type LineModules } from './cpuprofile-lib';
import { ensureRedis, ioredisPath, peerWebhookRole, peerWorkerRole, startRedis } from './e2e-bullmq-lib';
import { cpuMs, loadRole, startLoadDriver, type LoadDriver, type LoadResult, type LoadRun } from './e2e-load-lib';
import { ROOT, startPlatformProcess, stop, waitHealthy } from './platform-lib';
import { reportBench } from './report';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const N = Number(arg('--n') ?? (process.env.BENCH_QUICK ? 1000 : 3000));
const OPEN_SECONDS = Number(arg('--open-seconds') ?? (process.env.BENCH_QUICK ? 5 : 10));
const LIMITS_N = 80;
const WARM_N = 200;
const DRAIN_MS = 600_000;
const API_KEY = 'bench-ingestion-key';
const BULL = 'BullMQ + Redis (AOF everysec)';
const load1 = () => (os.loadavg()[0] ?? 0).toFixed(1);

/** A role of this file in a child process (tsx's CommonJS hook), resolved on its first stdout line. */
function spawnRole(role: string, env: Record<string, string>): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', __filename, '--role', role], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', (line) => resolve({ child, line }));
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

interface Measured extends LoadResult {
  label: string;
  cpuPerEvent: number;
  load: string;
}

interface Side {
  name: string;
  url: string;
  pids: number[];
}

async function measure(
  d: LoadDriver,
  side: Side,
  label: string,
  run: Omit<LoadRun, 'url' | 'headers' | 'prefix' | 'drainMs'>,
) {
  const before = cpuMs(side.pids);
  const r = await d.run({
    ...run,
    url: side.url,
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    prefix: `${side.name}-${label}-${Date.now()}`.replace(/[^\w-]/g, '_'),
    drainMs: DRAIN_MS,
  });
  const m: Measured = {
    ...r,
    label,
    cpuPerEvent: (cpuMs(side.pids) - before) / Math.max(1, r.delivered),
    load: load1(),
  };
  const refused = Object.entries(r.refused).map(([s, n]) => `${n}×${s}`);
  process.stdout.write(
    `${side.name.padEnd(16)} ${label.padEnd(18)} ${r.rate.toFixed(0).padStart(5)} events/s  p50 ${r.p50.toFixed(0).padStart(6)} ms  p99 ${r.p99.toFixed(0).padStart(6)} ms  accept p99 ${r.acceptP99.toFixed(0).padStart(5)} ms  CPU ${m.cpuPerEvent.toFixed(2)} ms/event  ${r.delivered}/${r.accepted} delivered, ${r.duplicates} dup, ${r.lost} lost${refused.length ? `, refused ${refused.join(' ')}` : ''}${r.retried ? `, ${r.retried} retried 429` : ''}  load ${m.load}\n`,
  );
  return m;
}

interface PeerFigures {
  c10: Measured;
  open: Measured;
  c100: Measured;
}

async function runBull(d: LoadDriver): Promise<PeerFigures> {
  const redis = await startRedis(ensureRedis());
  const env = { BENCH_REDIS_URL: redis.url, BENCH_API_KEY: API_KEY, BENCH_COMMERCE_BASE_URL: `${d.target}/rest/` };
  const webhook = await spawnRole('peer-webhook', env);
  const worker = await spawnRole('peer-worker', env);
  const side: Side = {
    name: 'BullMQ + Redis',
    url: webhook.line.trim(),
    pids: [redis.child.pid!, webhook.child.pid!, worker.child.pid!],
  };
  try {
    await measure(d, side, 'warm-up', { mode: 'closed', c: 10, n: WARM_N });
    const c10 = await measure(d, side, 'c=10', { mode: 'closed', c: 10, n: N });
    const rate = c10.rate / 2;
    const open = await measure(d, side, `open ${rate.toFixed(0)}/s`, { mode: 'open', rate, n: openN(rate) });
    const c100 = await measure(d, side, 'c=100', { mode: 'closed', c: 100, n: N });
    return { c10, open, c100 };
  } finally {
    await stop(worker.child);
    await stop(webhook.child);
    await redis.stop();
  }
}

const openN = (rate: number) => Math.max(50, Math.min(N, Math.round(rate * OPEN_SECONDS)));

async function startOurs(d: LoadDriver, limits: boolean, nodeArgs: string[] = []) {
  const envFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-env-')), 'bench.env');
  // the app's inputs (.env): a known webhook key, Commerce at the benchmark's target, quiet logs
  fs.writeFileSync(envFile, `INGESTION_API_KEY=${API_KEY}\nCOMMERCE_BASE_URL=${d.target}/rest/\nLOG_LEVEL=error\n`);
  const p = await startPlatformProcess({
    projectDir: ROOT,
    env: { LOG_LEVEL: 'error' },
    args: ['--env-file', envFile, ...(limits ? ['--production-limits'] : [])],
    nodeArgs,
  });
  await waitHealthy(`${p.url}/readyz`); // the ingress and web actions answer 503 until the app is wired
  const side: Side = {
    name: limits ? 'ours, prod limits' : 'ours',
    url: `${p.url}/api/v1/web/${p.namespace}/ingestion/webhook`,
    pids: [p.child.pid!],
  };
  const close = async () => {
    await stop(p.child);
    fs.rmSync(p.dataDir, { recursive: true, force: true });
    fs.rmSync(path.dirname(envFile), { recursive: true, force: true });
  };
  return { side, close, dataDir: p.dataDir };
}

async function runOurs(d: LoadDriver, openRate: number): Promise<PeerFigures> {
  const ours = await startOurs(d, false);
  try {
    await measure(d, ours.side, 'warm-up', { mode: 'closed', c: 10, n: WARM_N });
    const c10 = await measure(d, ours.side, 'c=10', { mode: 'closed', c: 10, n: N });
    const open = await measure(d, ours.side, `open ${openRate.toFixed(0)}/s`, {
      mode: 'open',
      rate: openRate,
      n: openN(openRate),
    });
    const c100 = await measure(d, ours.side, 'c=100', { mode: 'closed', c: 100, n: N });
    return { c10, open, c100 };
  } finally {
    await ours.close();
  }
}

/** ours with Adobe's caps: 3 activations per event, so 2 × 80 events + a warm-up stay under 600 a minute */
async function runOursLimited(d: LoadDriver, openRate: number): Promise<{ c10: Measured; open: Measured }> {
  const ours = await startOurs(d, true);
  try {
    await measure(d, ours.side, 'warm-up', { mode: 'closed', c: 10, n: 10, retry429: true });
    const c10 = await measure(d, ours.side, `c=10, ${LIMITS_N} events`, {
      mode: 'closed',
      c: 10,
      n: LIMITS_N,
      retry429: true,
    });
    const open = await measure(d, ours.side, `open ${openRate.toFixed(0)}/s, ${LIMITS_N}`, {
      mode: 'open',
      rate: openRate,
      n: LIMITS_N,
      retry429: true,
    });
    return { c10, open };
  } finally {
    await ours.close();
  }
}

function report(bull: PeerFigures, ours: PeerFigures, limited: { c10: Measured; open: Measured }): void {
  const fig = (name: string, value: number, unit: string, base: number, goal?: string) =>
    reportBench({ name, value, unit, baseline: BULL, baselineValue: base, ...(goal ? { goal } : {}) });
  fig(
    `e2e app pipeline events/s, c=10, ${N.toLocaleString('en-US')} creates`,
    ours.c10.rate,
    'events/s',
    bull.c10.rate,
    '>= 1.0x',
  );
  fig(
    `e2e p99 at half the BullMQ rate (${bull.open.label.replace('open ', '')})`,
    ours.open.p99,
    'ms',
    bull.open.p99,
    '<= 100 ms',
  );
  fig('e2e app pipeline events/s, c=100', ours.c100.rate, 'events/s', bull.c100.rate);
  fig('e2e CPU per event (user+sys), c=10', ours.c10.cpuPerEvent, 'ms', bull.c10.cpuPerEvent);
  fig(`e2e events/s, --production-limits, c=10, ${LIMITS_N} events`, limited.c10.rate, 'events/s', bull.c10.rate);
  fig(
    `e2e p99, --production-limits, open loop, ${LIMITS_N} events`,
    limited.open.p99,
    'ms',
    bull.open.p99,
    '<= 100 ms',
  );
  const lost = [ours.c10, ours.c100, bull.c10, bull.c100].map((m) => m.lost + m.duplicates);
  process.stdout.write(
    `\nours / BullMQ: ${(ours.c10.rate / bull.c10.rate).toFixed(2)}× at c=10, ${(ours.c100.rate / bull.c100.rate).toFixed(2)}× at c=100; CPU per event ${(ours.c10.cpuPerEvent / bull.c10.cpuPerEvent).toFixed(1)}×; lost + duplicated: ${lost.join(', ')}\n` +
      `${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}\n`,
  );
}

/**
 * `--profile <dir>`: ours alone at c=10, with every thread of the platform (the main thread
 * and each action container) under the V8 profiler for exactly the measured run, after a
 * warm-up (bench/e2e-profile-preload.js, toggled by SIGUSR2); prints where each kind of
 * thread spent its time, per event delivered.
 */
async function profile(dir: string): Promise<void> {
  const abs = path.resolve(dir);
  fs.mkdirSync(abs, { recursive: true });
  const d = await startLoadDriver();
  process.env.BENCH_PROFILE_DIR = abs; // read by the preload in the platform process
  const ours = await startOurs(d, false, ['--require', path.join(__dirname, 'e2e-profile-preload.js')]);
  const pid = ours.side.pids[0] as number;
  const seen = { events: 0, processCpu: 0 };
  try {
    await measure(d, ours.side, 'warm-up', { mode: 'closed', c: 10, n: WARM_N });
    const cpu0 = cpuMs([pid]);
    process.kill(pid, 'SIGUSR2'); // start
    seen.events = (await measure(d, ours.side, 'c=10', { mode: 'closed', c: 10, n: N })).delivered;
    process.kill(pid, 'SIGUSR2'); // stop and write
    seen.processCpu = cpuMs([pid]) - cpu0;
    await new Promise((r) => setTimeout(r, 3000));
    // keep the bundles: container frames are attributed to their modules through them
    fs.cpSync(path.join(ours.dataDir, 'build'), path.join(abs, 'build'), { recursive: true });
  } finally {
    await ours.close();
    await d.close();
  }
  const bundles: Record<string, LineModules> = {};
  for (const f of fs.readdirSync(path.join(abs, 'build'), { recursive: true, encoding: 'utf8' }))
    if (f.endsWith('.js'))
      bundles[`file://${path.join(ours.dataDir, 'build', f)}`] = bundleModules(path.join(abs, 'build', f));
  // one summary per kind of thread: the main thread, and each action's containers together
  const groups = new Map<string, string[]>();
  for (const f of fs.readdirSync(abs).filter((x) => x.endsWith('.cpuprofile'))) {
    const key = f === 'main.cpuprofile' ? 'platform main thread' : f.replace(/^worker-(.*)-\d+\.cpuprofile$/, '$1');
    groups.set(key, [...(groups.get(key) ?? []), path.join(abs, f)]);
  }
  let threads = 0;
  for (const [key, files] of groups) {
    const s = merge(files.map((f) => summarize(f, bundles)));
    threads += s.cpuMs;
    process.stdout.write(`\n${formatSummary(`${key} (${files.length} thread(s))`, s, seen.events)}\n`);
  }
  const per = (ms: number) => `${(ms / Math.max(1, seen.events)).toFixed(2)} ms/event`;
  process.stdout.write(
    `\nplatform process: CPU ${per(seen.processCpu)}; JavaScript threads above ${per(threads)}; ` +
      `the rest (libuv's pool: RSA signatures, fs; V8's helper threads) ${per(seen.processCpu - threads)}\n`,
  );
}

async function main(): Promise<void> {
  const prof = arg('--profile');
  if (prof) return profile(prof);
  ioredisPath(); // fail before any timing when the peer's client is missing
  process.stdout.write(
    `${N} events per closed-loop run, ${os.cpus().length} cores, load average ${load1()} at the start\n`,
  );
  const d = await startLoadDriver();
  try {
    const bull = await runBull(d);
    const ours = await runOurs(d, bull.c10.rate / 2);
    const limited = await runOursLimited(d, bull.c10.rate / 2);
    report(bull, ours, limited);
  } finally {
    await d.close();
  }
}

const roles: Record<string, () => Promise<void>> = {
  load: loadRole,
  'peer-webhook': peerWebhookRole,
  'peer-worker': peerWorkerRole,
};
const role = arg('--role');
(role
  ? (roles[role] ?? (() => Promise.reject(new Error(`unknown role ${role}`))))()
  : main().then(() => process.exit(0))
).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
