/**
 * Invocation overhead of an empty action through the REST API (blocking invoke, the call
 * the `openwhisk` client makes), p50/p99 over sequential calls, beside a bare HTTP POST
 * round trip to a bare node:http server doing one SQLite insert, in the same run.
 *   npx tsx bench/invoke-overhead.ts [--n 2000]
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { bareServerCode, percentile, startPlatformProcess, startScript, stop, TRIVIAL_APP } from './platform-lib';

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(n: number, call: () => Promise<number>): Promise<number[]> {
  for (let i = 0; i < 200; i++) await call(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    const status = await call();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (status !== 200) throw new Error(`status ${status}`);
  }
  return out.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--n');
  const n = i > 0 ? Number(process.argv[i + 1]) : 2000;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bare-'));
  const bare = await startScript(bareServerCode(path.join(tmp, 'bare.sqlite')));
  const plat = await startPlatformProcess({ projectDir: TRIVIAL_APP });
  try {
    const invokeUrl = `${plat.url}/api/v1/namespaces/${plat.namespace}/actions/bench/empty?blocking=true`;
    const auth = `Basic ${Buffer.from(plat.auth).toString('base64')}`;
    const b = await measure(n, () => post(bare.url, '{}', {}));
    const p = await measure(n, () => post(invokeUrl, '{}', { authorization: auth }));
    const fmt = (x: number): string => `${x.toFixed(3)} ms`;
    console.log(`\n${n} sequential calls each`);
    console.log(`bare http + SQLite insert     p50 ${fmt(percentile(b, 50))}   p99 ${fmt(percentile(b, 99))}`);
    console.log(`platform REST invoke (empty)  p50 ${fmt(percentile(p, 50))}   p99 ${fmt(percentile(p, 99))}`);
    console.log(
      `overhead over bare: p50 +${fmt(percentile(p, 50) - percentile(b, 50))} (${(percentile(p, 50) / percentile(b, 50)).toFixed(2)}×), p99 +${fmt(percentile(p, 99) - percentile(b, 99))}`,
    );
    console.log(
      `BENCH ${JSON.stringify({ name: 'invoke overhead p99, empty action (REST, blocking)', value: percentile(p, 99), unit: 'ms', baseline: 'bare http + SQLite insert', baselineValue: percentile(b, 99), ratio: percentile(p, 99) / percentile(b, 99) })}`,
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
