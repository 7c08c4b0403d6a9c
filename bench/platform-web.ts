/**
 * Requests per second of a trivial web action through the platform, beside a bare Node
 * HTTP server doing one SQLite insert per request, in the same run (autocannon, 10
 * connections). Goal: platform ≥ 40% of bare, and ≥ 10,500 req/s (10× `aio app dev`).
 *   npx tsx bench/platform-web.ts [--duration 10] [--connections 10]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { bareServerCode, startPlatformProcess, startScript, stop, TRIVIAL_APP } from './platform-lib';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

async function load(url: string, duration: number, connections: number): Promise<autocannon.Result> {
  await autocannon({ url, connections, duration: 2 }); // warm-up
  return autocannon({ url, connections, duration });
}

async function main(): Promise<void> {
  const duration = arg('duration', 10);
  const connections = arg('connections', 10);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bare-'));
  const bare = await startScript(bareServerCode(path.join(tmp, 'bare.sqlite')));
  const plat = await startPlatformProcess({ projectDir: TRIVIAL_APP });
  try {
    const webUrl = `${plat.url}/api/v1/web/${plat.namespace}/bench/hello`;
    const check = await fetch(webUrl);
    if (check.status !== 200) throw new Error(`web action answered ${check.status}`);
    const b = await load(bare.url, duration, connections);
    const p = await load(webUrl, duration, connections);
    const row = (name: string, r: autocannon.Result): string =>
      `${name.padEnd(28)} ${String(Math.round(r.requests.average)).padStart(8)} req/s   p50 ${r.latency.p50} ms   p99 ${r.latency.p99} ms   errors ${r.errors + r.non2xx}`;
    console.log(`\n${os.cpus().length} cores, ${connections} connections, ${duration} s each`);
    console.log(row('bare http + SQLite insert', b));
    console.log(row('platform web action', p));
    const ratio = p.requests.average / b.requests.average;
    console.log(
      `ratio platform/bare: ${(ratio * 100).toFixed(1)}% (goal ≥ 40%); platform vs 1,050 req/s of aio app dev: ${(p.requests.average / 1050).toFixed(1)}× (goal ≥ 10×)`,
    );
    console.log(
      `BENCH ${JSON.stringify({ name: 'web action req/s (trivial action)', value: p.requests.average, unit: 'req/s', baseline: 'bare http + SQLite insert', baselineValue: b.requests.average, ratio, goal: '>= 0.4x and >= 10,500 req/s' })}`,
    );
  } finally {
    await stop(plat.child);
    await stop(bare.child);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
