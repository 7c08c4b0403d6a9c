/**
 * Warm request handling of ingestion/webhook up to the publish call — raw body → Standard
 * Webhooks signature check → JSON parse → envelope → catalog lookup → schema validation →
 * CloudEvent — in requests per second in one process, beside two yardsticks measured in
 * the same run on the same signed body:
 * - the floor of the work: `JSON.parse` + one HMAC-SHA256 verify (node:crypto) alone;
 * - the starter kit's pattern: a new ajv instance compiling the schema on every call.
 *
 * The webhook's checks up to publishing (src/ingest/sources/backoffice.ts `prepare`) are
 * measured as they ship: bundled with the same trims and ahead-of-time validators as
 * `npm run build` makes the action, and, for comparison, from source (ajv compiling at first
 * use, standardwebhooks' pure-JS SHA-256).
 *
 *   npx tsx bench/validation.ts [--seconds 2]
 * Goal: ≥ 0.67× the floor's rate (the warm webhook's goal).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv';
import { bundleEntry } from '../scripts/build-actions';
import { Webhook } from 'standardwebhooks';
import { findEvent } from '../src/catalog';
import type { RawHttpParams } from '../src/ingest/raw-body';
import { prepare as prepareFromSource } from '../src/ingest/sources/backoffice';
import { fmt, median, root } from './lib';

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 2;

const SECRET = `whsec_${Buffer.from('benchmark secret benchmark secret').toString('base64')}`;
const key = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
const entry = findEvent('be-observer.catalog_product_create');
if (!entry) throw new Error('catalog entry missing');
const code = entry.code;

const body = JSON.stringify({
  data: {
    uid: 'bench-0001',
    event: entry.code,
    value: {
      sku: 'SKU-EXT-0001',
      name: 'Product Created Externally',
      price: 99.99,
      description: 'This is a sample product created externally',
    },
  },
});
const msgId = 'msg_bench';
const at = new Date();
const signature = new Webhook(SECRET).sign(msgId, at, body);
const headers = {
  'content-type': 'application/json',
  'webhook-id': msgId,
  'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
  'webhook-signature': signature,
};
const params: RawHttpParams = {
  INGESTION_WEBHOOK_SECRET: SECRET,
  __ow_method: 'post',
  __ow_headers: headers,
  __ow_body: body,
};

/** run fn for `seconds` (after a short warm-up), return calls per second */
function rate(fn: () => unknown, seconds: number): number {
  const warm = Date.now() + 50;
  while (Date.now() < warm) fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < end) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
    now = process.hrtime.bigint();
  }
  return n / (Number(now - start) / 1e9);
}

/** the cases in interleaved rounds, so machine noise hits them alike; median rate of each */
function rates(cases: Array<() => unknown>, rounds = 8): number[] {
  const per: number[][] = cases.map(() => []);
  for (let r = 0; r < rounds; r++) cases.forEach((fn, i) => per[i]?.push(rate(fn, SECONDS / rounds)));
  return per.map((xs) => median(xs));
}

const expected = signature.split(',')[1] as string;
const floor = (): unknown => {
  const mac = createHmac('sha256', key).update(`${msgId}.${headers['webhook-timestamp']}.${body}`).digest();
  if (!timingSafeEqual(mac, Buffer.from(expected, 'base64'))) throw new Error('bad signature');
  return JSON.parse(body);
};

const kitPattern = (): unknown => {
  const parsed = JSON.parse(body) as { data: { value: unknown } };
  const validate = new Ajv({ allErrors: true }).compile(JSON.parse(JSON.stringify(entry.schema)) as object);
  if (!validate(parsed.data.value)) throw new Error('invalid');
  return parsed;
};

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-validation-'));
  const bundled = path.join(tmp, 'ingestion.js');
  await bundleEntry(path.join(root, 'src', 'ingest', 'sources', 'backoffice.ts'), bundled, {
    root,
    config: path.join(root, 'actions', 'ingestion', 'webhook', 'webpack-config.js'),
  });
  const { prepare } = require(bundled) as { prepare: typeof prepareFromSource };
  fs.rmSync(tmp, { recursive: true, force: true });

  const ours = (): unknown => prepare(params, at);
  const oursFromSource = (): unknown => prepareFromSource(params, at);

  // sanity: every case accepts the body
  floor();
  kitPattern();
  for (const p of [prepare, prepareFromSource]) {
    if (p(params, at).event.type !== code) throw new Error('prepare did not accept the body');
  }

  process.stdout.write(
    `warm handling of a ${body.length}-byte signed ${code} body, ${SECONDS} s per case in interleaved rounds (medians)\n\n`,
  );
  const [rFloor = 0, rOurs = 0, rSource = 0] = rates([floor, ours, oursFromSource]);
  // the kit pattern is ~1000x slower: a few rounds are enough
  const [rKit = 0] = rates([kitPattern], 2);
  process.stdout.write('case                                                     requests/s\n');
  process.stdout.write(`floor: JSON.parse + one HMAC-SHA256 verify (node:crypto)  ${fmt(rFloor).padStart(10)}\n`);
  process.stdout.write(`starter kit pattern: ajv compile per call                  ${fmt(rKit).padStart(10)}\n`);
  process.stdout.write(`webhook: auth + parse + envelope + validate + CloudEvent   ${fmt(rOurs).padStart(10)}\n`);
  process.stdout.write(`  the same from source (not bundled, no trims)             ${fmt(rSource).padStart(10)}\n\n`);
  process.stdout.write(
    `webhook / floor: ${fmt(rOurs / rFloor, 3)} (goal ≥ 0.670)  ${rOurs / rFloor >= 0.67 ? 'met' : 'NOT met'}\n`,
  );
  process.stdout.write(`webhook / kit pattern: ${fmt(rOurs / rKit, 1)}x\n`);
  process.stdout.write(
    `BENCH ${JSON.stringify({ name: 'warm webhook handling req/s (auth, parse, validate, CloudEvent)', value: rOurs, unit: 'req/s', baseline: 'starter kit: ajv compile per call', baselineValue: rKit, ratio: rOurs / rKit })}\n`,
  );
  process.stdout.write(
    `BENCH ${JSON.stringify({ name: 'warm webhook handling vs its floor', value: rOurs, unit: 'req/s', baseline: 'JSON.parse + one HMAC-SHA256', baselineValue: rFloor, ratio: rOurs / rFloor, goal: '>= 0.67x' })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
