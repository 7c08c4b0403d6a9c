/**
 * The deployed bundles, in plain Node, against the local stand-ins: ingestion/webhook,
 * product-backoffice/consumer and product-backoffice/handler as `aio app build` makes them
 * (webpack-config.js through scripts/webpack-build.js, which runs webpack as the Adobe CLI
 * does), each beside its floor measured in the same run:
 * - cold start: a fresh process loads the bundle and answers one event (the webhook: IMS
 *   token, provider lookup, publish; the consumer: a blocking invoke of its handler; the
 *   handler: State get, Commerce write, State put), beside bare `node -e 0` and a process that
 *   only loads `@adobe/aio-sdk` (what a starter-kit action loads first; the goal's yardstick);
 * - warm CPU per event (user + system CPU of the action's process over many events after a
 *   warm-up), beside a bare script making the same HTTP requests to the same stand-ins (the
 *   requests the bundle made, recorded in its process), plus for the webhook the JSON.parse
 *   and HMAC-SHA256 check of the body;
 * - the deployable zip of each (`zip` of the bundle, as `aio app build` packs it), beside the
 *   same action built unminified (the CLI's default).
 *
 *   npx tsx bench/deployed-bundles.ts [--runs 7] [--events 200] [--profile dir [--plain]]
 * (`--profile`: the warm runs of the bundles write V8 CPU profiles into dir; `--plain`: the
 * warm runs use the unminified bundles, whose profiles name functions and modules)
 * Figures go to `npm run bench` as `BENCH {json}` lines (bench/report.ts `reportBench`).
 * Goals: webhook cold start ≤ 0.12× require("@adobe/aio-sdk"), peak RSS ≤ 50 MiB; warm webhook
 * ≥ 0.67× its floor's rate; warm handler CPU ≤ 2× its floor; zip ≤ 150 KB per action.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildActions } from '../scripts/build-actions';
import { startDeliverEnv } from '../test/support/deliver-env';
import { FakeIoEvents } from '../test/support/io-events-server';
import { startOpenWhiskServer } from '../test/support/openwhisk-server';
import { RUNNER, type Job, type Recorded } from './deployed-lib';
import { aioSdkDir, fmt, median, root, runNode } from './lib';
import { reportBench } from './report';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = arg('--runs', QUICK ? 3 : 7);
const EVENTS = arg('--events', QUICK ? 60 : 200);
const NAMES = ['ingestion/webhook', 'product-backoffice/consumer', 'product-backoffice/handler'] as const;
const log = (l: string) => process.stdout.write(`${l}\n`);

interface Result {
  load?: number;
  first?: number;
  rssKb?: number;
  cpuMsPerEvent?: number;
  wallMsPerEvent?: number;
  connectsPerEvent?: number;
  requests?: Recorded[];
  wall: number;
}

let runnerFile = '';
async function run(args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  const { ms: wall, out } = await runNode(args, env);
  const m = /RESULT (.*)/.exec(out);
  if (!m) throw new Error(`${args.join(' ')} printed no RESULT: ${out.slice(-2000)}`);
  return { ...(JSON.parse(m[1] as string) as Omit<Result, 'wall'>), wall };
}
const profileAt = process.argv.indexOf('--profile');
const PROFILE = profileAt > 0 ? path.resolve(process.argv[profileAt + 1] as string) : undefined;
const PLAIN = process.argv.includes('--plain');
const job = (j: Job, env: NodeJS.ProcessEnv = {}) =>
  run(
    [
      ...(PROFILE && j.bundle && j.mode === 'warm' && !j.record ? ['--cpu-prof', '--cpu-prof-dir', PROFILE] : []),
      runnerFile,
    ],
    { ...env, BENCH_JOB: JSON.stringify({ salt: `${crypto.randomBytes(3).toString('hex')}-`, ...j }) },
  );
const RSS = 'process.stdout.write("RESULT " + JSON.stringify({ rssKb: process.resourceUsage().maxRSS }))';

function zipKb(file: string, dir: string): number {
  const z = path.join(dir, `${path.basename(file)}-${crypto.randomBytes(4).toString('hex')}.zip`);
  execFileSync('zip', ['-q', '-j', z, file]);
  return fs.statSync(z).size / 1024;
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-deployed-'));
  runnerFile = path.join(tmp, 'runner.js');
  fs.writeFileSync(runnerFile, RUNNER);
  log('building the deployed bundles with webpack-config.js (as aio app build does) ...');
  const { built } = await buildActions({ root, outdir: path.join(tmp, 'min'), only: [...NAMES], log });
  const plain = await buildActions({ root, outdir: path.join(tmp, 'plain'), only: [...NAMES], minify: false, log });
  const file = (n: string) => built.find((b) => b.name === n)?.file as string;
  const warmFile = (n: string) =>
    ((PLAIN ? plain.built : built).find((b) => b.name === n)?.file as string | undefined) ?? file(n);
  let sdk: string | undefined;
  try {
    sdk = aioSdkDir(log);
  } catch (e) {
    log(
      `@adobe/aio-sdk could not be installed (${(e as Error).message}): the unminified webhook bundle is the yardstick`,
    );
  }

  // the stand-ins
  const io = await new FakeIoEvents().start();
  const deliver = await startDeliverEnv();
  const ow = await startOpenWhiskServer({ namespace: deliver.namespace, auth: deliver.auth, blockingWaitMs: 5_000 });
  ow.define('product-backoffice/handler', () => ({ statusCode: 200, body: { success: true, message: 'done' } }));

  const SECRET = `whsec_${Buffer.from('benchmark secret benchmark secret').toString('base64')}`;
  const body = JSON.stringify({
    data: {
      uid: 'bench-{i}',
      event: 'be-observer.catalog_product_create',
      value: { sku: 'SKU-{i}', name: 'Bench', price: 1, description: 'd' },
    },
  });
  const ts = String(Math.floor(Date.now() / 1000));
  const event = (extra: Record<string, unknown>) => ({
    LOG_LEVEL: 'info',
    type: 'be-observer.catalog_product_create',
    id: 'bench-{i}',
    source: 'urn:uuid:bench',
    data: { sku: 'BENCH-{i}', name: 'Bench', price: 1, description: 'd' },
    ...extra,
  });
  const stateEnv = {
    AIO_STATE_ENDPOINT: `${deliver.state.url}/`,
    __OW_NAMESPACE: deliver.namespace,
    __OW_API_KEY: deliver.auth,
  };
  const cases = {
    'ingestion/webhook': {
      params: {
        ...io.inputs(),
        LOG_LEVEL: 'info',
        INGESTION_WEBHOOK_SECRET: SECRET,
        __ow_method: 'post',
        __ow_headers: {
          'content-type': 'application/json',
          'webhook-id': 'msg_{i}',
          'webhook-timestamp': ts,
        },
        __ow_body: body,
      } as Record<string, unknown>,
      env: {} as Record<string, string>,
      hmac: { key: SECRET.slice('whsec_'.length), id: 'msg_{i}', ts, body },
    },
    'product-backoffice/consumer': { params: event({}), env: ow.env() as Record<string, string>, hmac: undefined },
    'product-backoffice/handler': {
      params: event(deliver.inputs()),
      env: stateEnv as Record<string, string>,
      hmac: undefined,
    },
  };

  // which requests a warm event makes (recorded in the bundle's process), to be made again by the floor
  const floors: Record<string, Recorded[]> = {};
  for (const n of NAMES) {
    const c = cases[n];
    const r = await job(
      { mode: 'warm', bundle: file(n), params: c.params, events: 3, record: true, ...(c.hmac ? { hmac: c.hmac } : {}) },
      c.env,
    );
    floors[n] = r.requests ?? [];
    log(
      `${n}: a warm event makes ${floors[n]?.map((r) => `${r.method} ${new URL(r.url).pathname}`).join(', ') || 'no request'}`,
    );
  }

  // cold starts, interleaved
  const cold: Record<string, Result[]> = {};
  const push = (k: string, r: Result) => (cold[k] = [...(cold[k] ?? []), r]);
  log(`\ncold starts: ${RUNS} runs of each, interleaved (load average ${os.loadavg()[0]?.toFixed(1)}) ...`);
  for (let i = 0; i < RUNS; i++) {
    push('bare node -e 0', await run(['-e', RSS], {}));
    if (sdk)
      push('require("@adobe/aio-sdk")', await run(['-e', `require("@adobe/aio-sdk"); ${RSS}`], { NODE_PATH: sdk }));
    push(
      'unminified webhook bundle',
      await job({
        mode: 'cold',
        bundle: plain.built[0]?.file as string,
        params: cases['ingestion/webhook'].params,
        hmac: cases['ingestion/webhook'].hmac,
      }),
    );
    for (const n of NAMES)
      push(
        n,
        await job(
          { mode: 'cold', bundle: file(n), params: cases[n].params, ...(cases[n].hmac ? { hmac: cases[n].hmac } : {}) },
          cases[n].env,
        ),
      );
  }

  // warm CPU per event, bundle and floor in alternating rounds
  const warm: Record<string, number[]> = {};
  const rounds = QUICK ? 2 : 3;
  log(`warm: ${rounds} rounds of ${EVENTS} events after a warm-up, per case ...`);
  for (let r = 0; r < rounds; r++) {
    for (const n of NAMES) {
      const c = cases[n];
      const b = await job(
        {
          mode: 'warm',
          bundle: warmFile(n),
          params: c.params,
          ...(c.hmac ? { hmac: c.hmac } : {}),
          warmup: 30,
          events: EVENTS,
        },
        c.env,
      );
      const f = await job({
        mode: 'warm',
        requests: floors[n] ?? [],
        ...(c.hmac ? { hmac: c.hmac } : {}),
        warmup: 30,
        events: EVENTS,
      });
      warm[n] = [...(warm[n] ?? []), b.cpuMsPerEvent ?? 0];
      warm[`${n} floor`] = [...(warm[`${n} floor`] ?? []), f.cpuMsPerEvent ?? 0];
      warm[`${n} connects`] = [...(warm[`${n} connects`] ?? []), b.connectsPerEvent ?? Number.NaN];
    }
  }
  await ow.close();
  await deliver.close();
  await io.stop();

  report(cold, warm, built, plain.built, tmp, !!sdk);
  fs.rmSync(tmp, { recursive: true, force: true });
}

function report(
  cold: Record<string, Result[]>,
  warm: Record<string, number[]>,
  built: Array<{ name: string; file: string }>,
  plain: Array<{ name: string; file: string }>,
  tmp: string,
  haveSdk: boolean,
): void {
  const med = (k: string) => {
    const s = cold[k] ?? [];
    return { ms: median(s.map((x) => x.wall)), mb: median(s.map((x) => x.rssKb ?? 0)) / 1024, s };
  };
  const yard = haveSdk ? 'require("@adobe/aio-sdk")' : 'unminified webhook bundle';
  const y = med(yard);
  log('\ncold start (spawn to exit)              wall ms   peak RSS MiB   inside: load ms, first event ms');
  for (const k of [
    'bare node -e 0',
    ...(haveSdk ? ['require("@adobe/aio-sdk")'] : []),
    'unminified webhook bundle',
    ...NAMES,
  ]) {
    const m = med(k);
    const inner =
      m.s[0]?.load !== undefined
        ? `${fmt(median(m.s.map((x) => x.load ?? 0)), 1)}, ${fmt(median(m.s.map((x) => x.first ?? 0)), 1)}`
        : '';
    log(`${k.padEnd(38)}${fmt(m.ms, 0).padStart(9)}${fmt(m.mb, 1).padStart(15)}   ${inner}`);
  }
  const hook = med('ingestion/webhook');
  reportBench({
    name: 'deployed webhook cold start (load + 1 request)',
    value: hook.ms,
    unit: 'ms',
    baseline: yard,
    baselineValue: y.ms,
    goal: '<= 0.12x',
  });
  reportBench({
    name: 'deployed webhook peak RSS',
    value: hook.mb,
    unit: 'MiB',
    baseline: yard,
    baselineValue: y.mb,
    goal: '<= 50 MiB',
  });
  for (const n of NAMES.slice(1))
    reportBench({
      name: `deployed ${n.split('/')[1]} cold start (load + 1 event)`,
      value: med(n).ms,
      unit: 'ms',
      baseline: yard,
      baselineValue: y.ms,
    });
  log('\nwarm CPU per event (median of rounds)    bundle ms   floor ms   ratio   bundle TCP connects/event');
  const floorName: Record<string, string> = {
    'ingestion/webhook': 'JSON.parse + HMAC + the same publish request',
    'product-backoffice/consumer': 'bare script, same HTTP requests',
    'product-backoffice/handler': 'bare script, same HTTP requests',
  };
  const goal: Record<string, string> = {
    'ingestion/webhook': '<= 1.5x (>= 0.67x its rate)',
    'product-backoffice/handler': '<= 2x',
  };
  for (const n of NAMES) {
    const b = median(warm[n] ?? []);
    const f = median(warm[`${n} floor`] ?? []);
    const c = median(warm[`${n} connects`] ?? []);
    log(
      `${n.padEnd(40)}${fmt(b, 2).padStart(9)}${fmt(f, 2).padStart(11)}${fmt(b / f, 2).padStart(8)}${fmt(c, 2).padStart(10)}`,
    );
    reportBench({
      name: `deployed ${n.split('/')[1]} warm CPU per event`,
      value: b,
      unit: 'ms',
      baseline: floorName[n] as string,
      baselineValue: f,
      ...(goal[n] ? { goal: goal[n] } : {}),
    });
  }
  log('\ndeployable zip                          minified KB   unminified KB');
  for (const n of NAMES) {
    const z = zipKb(built.find((b) => b.name === n)?.file as string, tmp);
    const p = zipKb(plain.find((b) => b.name === n)?.file as string, tmp);
    log(`${n.padEnd(40)}${fmt(z, 1).padStart(11)}${fmt(p, 1).padStart(16)}`);
    reportBench({
      name: `deployed ${n.split('/')[1]} zip`,
      value: z,
      unit: 'KB',
      baseline: 'the same unminified (CLI default)',
      baselineValue: p,
      goal: '<= 150 KB',
    });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
