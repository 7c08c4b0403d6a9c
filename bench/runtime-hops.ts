/**
 * CPU of the platform process per container → platform hop, one kind at a time: a blocking
 * invoke of an empty action through the `openwhisk` client (the consumer → handler call) and
 * State get / put through `@adobe/aio-lib-state` (the handler's four calls), each made from
 * inside an action (bench/fixtures/hops-app), `--c` at a time. Environments given with `--env`
 * alternate run by run, so a before/after is read back to back; without `--env`, over loopback
 * TCP (PLATFORM_IN_MEMORY_HTTP=false) and then with the defaults. The first configuration is
 * the baseline of the figures printed for `npm run bench` as `BENCH {json}` lines.
 *
 *   npx tsx bench/runtime-hops.ts [--n 1000] [--c 4] [--rounds 2] [--env A=1 --env A=0 ...]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPlatformProcess, stop } from './platform-lib';
import { reportBench } from './report';

const args = process.argv.slice(2);
const arg = (name: string, d: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const N = arg('--n', process.env.BENCH_QUICK ? 1000 : 2000);
const C = arg('--c', 4);
const ROUNDS = arg('--rounds', 2);
const ENVS = args.flatMap((a, i) => (a === '--env' ? [args[i + 1] ?? ''] : []));
const APP = path.join(__dirname, 'fixtures', 'hops-app');
const TICK_MS = 10; // /proc/<pid>/stat counts clock ticks of 10 ms (CLK_TCK 100)

function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}

function parseEnv(spec: string): Record<string, string> {
  return Object.fromEntries(
    spec
      .split(',')
      .filter(Boolean)
      .map((kv) => [kv.split('=')[0] as string, kv.split('=').slice(1).join('=')]),
  );
}

async function once(env: Record<string, string>): Promise<Record<string, number>> {
  const p = await startPlatformProcess({ projectDir: APP, env: { LOG_LEVEL: 'error', ...env } });
  const auth = `Basic ${Buffer.from(p.auth).toString('base64')}`;
  const call = async (op: string, n: number) => {
    const r = await fetch(`${p.url}/api/v1/namespaces/_/actions/hops/caller?blocking=true&result=true`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ op, n, c: C }),
    });
    if (r.status !== 200) throw new Error(`${op}: ${r.status} ${await r.text()}`);
  };
  const out: Record<string, number> = {};
  try {
    for (const op of ['invoke', 'put', 'get']) {
      await call(op, 200); // warm-up: containers, JIT
      const before = cpuMs(p.child.pid!);
      await call(op, N);
      out[op] = ((cpuMs(p.child.pid!) - before) * 1000) / N;
    }
  } finally {
    await stop(p.child);
    fs.rmSync(p.dataDir, { recursive: true, force: true });
  }
  return out;
}

async function main(): Promise<void> {
  const configs = ENVS.length ? ENVS : ['PLATFORM_IN_MEMORY_HTTP=false', ''];
  const all = new Map<string, Array<Record<string, number>>>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of configs) {
      const res = await once(parseEnv(c));
      all.set(c, [...(all.get(c) ?? []), res]);
      const line = Object.entries(res).map(([k, v]) => `${k} ${v.toFixed(0)} µs`);
      process.stdout.write(
        `${(c || 'defaults').padEnd(34)} ${line.join('  ')}   load ${(os.loadavg()[0] ?? 0).toFixed(1)}\n`,
      );
    }
  }
  process.stdout.write(`\nCPU of the platform process per operation, ${N} per run, ${C} at a time (mean):\n`);
  const mean = (c: string, op: string) => {
    const runs = all.get(c) ?? [];
    return runs.reduce((a, r) => a + (r[op] ?? 0), 0) / Math.max(1, runs.length);
  };
  for (const c of configs)
    process.stdout.write(
      `${(c || 'defaults').padEnd(34)} invoke ${mean(c, 'invoke').toFixed(0)} µs  put ${mean(c, 'put').toFixed(0)} µs  get ${mean(c, 'get').toFixed(0)} µs\n`,
    );
  const [base, ...others] = configs;
  const names: Record<string, string> = { invoke: 'blocking invoke (openwhisk)', put: 'State put', get: 'State get' };
  for (const c of others)
    for (const op of ['invoke', 'put', 'get'])
      reportBench({
        name: `platform CPU per ${names[op]} from a container, ${C} at a time, ${c || 'defaults'}`,
        value: mean(c, op),
        unit: 'µs',
        baseline: base || 'defaults',
        baselineValue: mean(base as string, op),
      });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
