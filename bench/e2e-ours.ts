/**
 * Ours alone, the app's whole pipeline on the platform (bench/e2e-peer.ts's `ours` side
 * without the BullMQ peer): a warm-up, then closed-loop runs at c=10, alternating between
 * platform environments given on the command line, so that a before/after is measured back
 * to back under the same machine load. The figure is CPU per event delivered (user + sys of
 * the platform process, every thread), which moves much less with load than events/s.
 *
 *   npx tsx bench/e2e-ours.ts [--n 500] [--rounds 2] [--env A=1,B=2 --env A=0 ...]
 *
 * An `--env` entry NODE_ARGS=<flag> (e.g. NODE_ARGS=--v8-pool-size=2) is a flag for node itself.
 *
 * Without `--env`: the containers' requests to the platform over loopback TCP
 * (PLATFORM_IN_MEMORY_HTTP=false), then the defaults. The first configuration is the baseline
 * of the figures printed for `npm run bench` as `BENCH {json}` lines (bench/report.ts).
 * Loopback only, bounded by the counts and a drain timeout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuMs, startLoadDriver, type LoadDriver } from './e2e-load-lib';
import { ROOT, startPlatformProcess, stop, waitHealthy } from './platform-lib';
import { reportBench } from './report';

const API_KEY = 'bench-ingestion-key';
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const N = Number(arg('--n') ?? (process.env.BENCH_QUICK ? 300 : 500));
const ROUNDS = Number(arg('--rounds') ?? 2);
const ENVS = args.flatMap((a, i) => (a === '--env' ? [args[i + 1] ?? ''] : []));

function parseEnv(spec: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of spec.split(',').filter(Boolean)) {
    const [k, ...v] = kv.split('=');
    out[k as string] = v.join('=');
  }
  return out;
}

async function once(load: LoadDriver, env: Record<string, string>, label: string): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ours-'));
  const envFile = path.join(dir, 'bench.env');
  fs.writeFileSync(envFile, `INGESTION_API_KEY=${API_KEY}\nCOMMERCE_BASE_URL=${load.target}/rest/\nLOG_LEVEL=error\n`);
  const { NODE_ARGS: nodeArgs, ...rest } = env;
  const p = await startPlatformProcess({
    projectDir: ROOT,
    env: { LOG_LEVEL: 'error', ...rest },
    args: ['--env-file', envFile],
    nodeArgs: nodeArgs ? nodeArgs.split(' ') : [],
  });
  try {
    await waitHealthy(`${p.url}/readyz`);
    const run = (n: number, prefix: string) =>
      load.run({
        url: `${p.url}/api/v1/web/${p.namespace}/ingestion/webhook`,
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        mode: 'closed',
        c: 10,
        n,
        prefix: `${prefix}-${Date.now()}`,
        drainMs: 300_000,
      });
    await run(200, 'warm');
    const before = cpuMs([p.child.pid!]);
    const r = await run(N, 'run');
    const cpu = (cpuMs([p.child.pid!]) - before) / Math.max(1, r.delivered);
    process.stdout.write(
      `${label.padEnd(40)} ${r.rate.toFixed(0).padStart(4)} events/s  p50 ${r.p50.toFixed(0).padStart(5)} ms  CPU ${cpu.toFixed(2)} ms/event  ${r.delivered}/${r.accepted} delivered ${r.lost} lost ${r.duplicates} dup  load ${(os.loadavg()[0] ?? 0).toFixed(1)}\n`,
    );
    return cpu;
  } finally {
    await stop(p.child);
    fs.rmSync(p.dataDir, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const configs = ENVS.length ? ENVS : ['PLATFORM_IN_MEMORY_HTTP=false', ''];
  const load = await startLoadDriver();
  const sums = new Map<string, number[]>();
  try {
    for (let i = 0; i < ROUNDS; i++) {
      for (const c of configs) {
        const cpu = await once(load, parseEnv(c), c || 'defaults');
        sums.set(c, [...(sums.get(c) ?? []), cpu]);
      }
    }
  } finally {
    await load.close();
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  for (const [c, v] of sums)
    process.stdout.write(
      `${(c || 'defaults').padEnd(40)} CPU per event: ${v.map((x) => x.toFixed(2)).join(', ')} ms (mean ${mean(v).toFixed(2)})\n`,
    );
  const [base, ...others] = configs;
  for (const c of others)
    reportBench({
      name: `e2e CPU per event, ours alone, c=10, ${c || 'defaults'}`,
      value: mean(sums.get(c) ?? []),
      unit: 'ms',
      baseline: base || 'defaults',
      baselineValue: mean(sums.get(base as string) ?? []),
    });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
