/**
 * Cold start of ingestion/webhook: a fresh Node process loads the built bundle
 * (dist/actions/ingestion/webhook.js, as `npm run build` makes it) and serves one request,
 * publishing to a local ingress/IMS/management server (IMS token, provider lookup, publish:
 * what a real cold container does). Beside it, in the same run: a fresh process that only
 * loads `@adobe/aio-sdk` (what every starter-kit action does first) and bare `node -e 0`.
 * Each is run several times, interleaved; medians of wall time (spawn to exit) and of
 * peak RSS are printed with the ratios.
 *
 *   npx tsx bench/cold-start.ts [--runs 9]
 * Goal: webhook ≤ 1/5 of the @adobe/aio-sdk time, ≤ 60 MB peak RSS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildActions } from '../scripts/build-actions';
import { FakeIoEvents } from '../test/support/io-events-server';
import { aioSdkDir, fmt, median, root, runNode } from './lib';

interface Sample {
  ms: number;
  rssKb: number;
  /** inside the webhook child: node boot until the script ran, bundle load, one request */
  boot?: number;
  load?: number;
  req?: number;
}

const REPORT_RSS = 'process.stdout.write("\\nRSS " + process.resourceUsage().maxRSS)';

async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Sample> {
  const { ms, out } = await runNode(args, env);
  const m = /RSS (\d+)/.exec(out);
  if (!m) throw new Error(`${args.join(' ')} printed no RSS: ${out}`);
  const t = /BOOT ([\d.]+) LOAD ([\d.]+) REQ ([\d.]+)/.exec(out);
  return { ms, rssKb: Number(m[1]), ...(t ? { boot: Number(t[1]), load: Number(t[2]), req: Number(t[3]) } : {}) };
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 9;
  const log = (l: string) => process.stdout.write(`${l}\n`);

  log('building ingestion/webhook with npm run build ...');
  const { built } = await buildActions({ root, only: ['ingestion/webhook'], log });
  const bundle = built[0]?.file as string;
  const sdkModules = aioSdkDir(log);

  const io = await new FakeIoEvents().start();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cold-start-'));
  const webhookScript = path.join(tmp, 'webhook-once.js');
  fs.writeFileSync(
    webhookScript,
    `const t0 = performance.now();
const { main } = require(${JSON.stringify(bundle)});
const t1 = performance.now();
const params = JSON.parse(process.env.BENCH_PARAMS);
main(params).then((r) => {
  const t2 = performance.now();
  if (r.statusCode !== 200) { process.stderr.write(JSON.stringify(r)); process.exit(1); }
  process.stdout.write("BOOT " + t0 + " LOAD " + (t1 - t0) + " REQ " + (t2 - t1));
  ${REPORT_RSS};
  // the response is ready: that ends a cold start (idle keep-alive sockets would only delay exit)
  process.exit(0);
});
`,
  );
  const body = JSON.stringify({
    data: {
      uid: 'cold-1',
      event: 'be-observer.catalog_product_create',
      value: { sku: 'SKU-1', name: 'Cold start', price: 1, description: 'd' },
    },
  });
  const params = {
    ...io.inputs(),
    LOG_LEVEL: 'warn',
    INGESTION_API_KEY: 'bench-key',
    __ow_method: 'post',
    __ow_headers: { 'content-type': 'application/json', 'x-api-key': 'bench-key' },
    __ow_body: body,
  };

  const cases: Array<{ name: string; args: string[]; env?: NodeJS.ProcessEnv }> = [
    { name: 'bare node -e 0', args: ['-e', REPORT_RSS] },
    {
      name: 'require("@adobe/aio-sdk")',
      args: ['-e', `require("@adobe/aio-sdk"); ${REPORT_RSS}`],
      env: { NODE_PATH: sdkModules },
    },
    { name: 'webhook bundle: load + 1 request', args: [webhookScript], env: { BENCH_PARAMS: JSON.stringify(params) } },
  ];
  const results = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  log(
    `running each case ${runs} times, interleaved (${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(2)}) ...`,
  );
  await run(cases[2]?.args ?? [], cases[2]?.env); // warm the file cache once
  for (let i = 0; i < runs; i++) {
    for (const c of cases) results.get(c.name)?.push(await run(c.args, c.env));
  }
  await io.stop();
  fs.rmSync(tmp, { recursive: true, force: true });

  const med = (name: string) => {
    const s = results.get(name) ?? [];
    return { ms: median(s.map((x) => x.ms)), mb: median(s.map((x) => x.rssKb)) / 1024 };
  };
  const bare = med('bare node -e 0');
  const sdk = med('require("@adobe/aio-sdk")');
  const hook = med('webhook bundle: load + 1 request');
  log('');
  log('case                                  wall ms (median)   peak RSS MB (median)');
  for (const [name, m] of [
    ['bare node -e 0', bare],
    ['require("@adobe/aio-sdk")', sdk],
    ['webhook bundle: load + 1 request', hook],
  ] as const) {
    log(`${name.padEnd(38)}${fmt(m.ms, 0).padStart(8)}${fmt(m.mb, 1).padStart(20)}`);
  }
  log('');
  log(
    `webhook / aio-sdk time: ${fmt(hook.ms / sdk.ms, 3)} (goal ≤ 0.200)  ${hook.ms / sdk.ms <= 0.2 ? 'met' : 'NOT met'}`,
  );
  log(
    `webhook above bare node: ${fmt(hook.ms - bare.ms, 0)} ms; aio-sdk above bare node: ${fmt(sdk.ms - bare.ms, 0)} ms (ratio ${fmt((hook.ms - bare.ms) / (sdk.ms - bare.ms), 3)})`,
  );
  const inner = results.get('webhook bundle: load + 1 request') ?? [];
  log(
    `inside the webhook process (medians): node boot ${fmt(median(inner.map((x) => x.boot ?? 0)), 0)} ms, bundle load ${fmt(median(inner.map((x) => x.load ?? 0)), 1)} ms, first request (IMS token, provider lookup, publish) ${fmt(median(inner.map((x) => x.req ?? 0)), 1)} ms`,
  );
  log(
    `webhook peak RSS: ${fmt(hook.mb, 1)} MB (goal ≤ 60 MB)  ${hook.mb <= 60 ? 'met' : 'NOT met'}; bundle ${fmt(fs.statSync(bundle).size / 1024, 0)} KB`,
  );
  log(
    `BENCH ${JSON.stringify({ name: 'cold start: webhook bundle, load + 1 request', value: hook.ms, unit: 'ms', baseline: 'require("@adobe/aio-sdk")', baselineValue: sdk.ms, ratio: hook.ms / sdk.ms, goal: '<= 0.2x' })}`,
  );
  log(
    `BENCH ${JSON.stringify({ name: 'cold start: webhook peak RSS', value: hook.mb, unit: 'MB', baseline: 'require("@adobe/aio-sdk")', baselineValue: sdk.mb, ratio: hook.mb / sdk.mb, goal: '<= 60 MB' })}`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
