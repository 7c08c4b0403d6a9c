/**
 * The shipped artifacts: the deployed bundles of a consumer and its handler (as `npm run build`
 * makes them, with the bundle trims) run the delivery flow against the local OpenWhisk,
 * Commerce (OAuth 1.0a checked), back-office and State servers: the trims must not break
 * aio-lib-state, the openwhisk client or the signing.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildActions } from '../../../scripts/build-actions';
import { DeliverEnv, startDeliverEnv } from '../../support/deliver-env';
import { OpenWhiskServer, startOpenWhiskServer } from '../../support/openwhisk-server';

type Main = (p: Record<string, unknown>) => Promise<Record<string, unknown>>;
const root = path.resolve(__dirname, '../../..');
const names = [
  'product-backoffice/consumer',
  'product-backoffice/handler',
  'product-commerce/consumer',
  'product-commerce/handler',
];

let outdir: string;
let env: DeliverEnv;
let ow: OpenWhiskServer;
let mains: Record<string, Main>;

beforeAll(async () => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'deliver-bundles-'));
  await buildActions({ root, outdir, only: names, log: () => undefined });
  env = await startDeliverEnv();
  ow = await startOpenWhiskServer({ namespace: env.namespace, auth: env.auth, timeLimitMs: 5_000 });
  Object.assign(process.env, ow.env());
  // required after the env is set: aio-lib-state reads AIO_STATE_ENDPOINT when it loads
  mains = Object.fromEntries(
    names.map((n) => [n, (require(path.join(outdir, ...n.split('/')) + '.js') as { main: Main }).main]),
  );
  for (const n of names.filter((x) => x.endsWith('/handler')))
    ow.define(n, (p) => mains[n]!({ ...env.inputs(), ...p }));
}, 60_000);
afterAll(async () => {
  await ow?.close();
  await env?.close();
  fs.rmSync(outdir, { recursive: true, force: true });
});

test('bundled consumer → bundled handler → Commerce, signed; a repeat is already applied; the echo is skipped', async () => {
  const id = crypto.randomUUID();
  const create = {
    LOG_LEVEL: 'error',
    type: 'be-observer.catalog_product_create',
    id,
    source: 'urn:uuid:bo',
    data: { sku: 'BUNDLE-1', name: 'Bundled', price: 3, description: 'from the bundle' },
  };
  expect(await mains['product-backoffice/consumer']!(create)).toMatchObject({
    statusCode: 200,
    body: { response: { message: 'product BUNDLE-1 created in Commerce' } },
  });
  expect(await mains['product-backoffice/consumer']!(create)).toMatchObject({
    statusCode: 200,
    body: { response: { code: 'already_applied' } },
  });
  expect(env.commerce.requests.map((r) => [r.method, r.path, r.auth])).toEqual([['POST', 'V1/products', 'oauth1']]);
  expect(env.commerce.rejected).toEqual([]);

  const echo = await mains['product-commerce/consumer']!({
    LOG_LEVEL: 'error',
    type: 'com.adobe.commerce.observer.catalog_product_save_commit_after',
    id: crypto.randomUUID(),
    source: 'urn:uuid:commerce',
    data: { value: { id: 1, sku: 'BUNDLE-1', name: 'Bundled', description: 'from the bundle' } },
  });
  expect(echo).toMatchObject({ statusCode: 200, body: { response: { code: 'loop_skipped' } } });
  expect(env.backoffice.requests).toEqual([]);
});

test('bundled handler maps a Commerce 422 to a final 422 at the bundled consumer', async () => {
  env.commerce.answer({ status: 422, body: { message: 'Invalid attribute set' } });
  const r = await mains['product-backoffice/consumer']!({
    LOG_LEVEL: 'error',
    type: 'be-observer.catalog_product_create',
    id: crypto.randomUUID(),
    data: { sku: 'BUNDLE-2', name: 'B', price: 1, description: 'd' },
  });
  expect(r).toMatchObject({
    error: { statusCode: 422, body: { error: 'Commerce answered 422: Invalid attribute set' } },
  });
});
