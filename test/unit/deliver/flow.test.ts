/**
 * Consumer → handler through the real action files: the consumer's `main` (actions/…/consumer)
 * invokes the real handler's `main` (actions/…/handler) through the `openwhisk` client and a
 * local OpenWhisk REST server; the handler writes to the local Commerce / back-office servers
 * and keeps its records in State through aio-lib-state. This is the status propagation of the
 * whole delivery side: repeat → 200 already applied, loop → 200 skipped, target final/retry
 * statuses arrive at the consumer unchanged.
 */
import crypto from 'node:crypto';
import { dataOf, events, prefixedCode } from '../../../src/catalog';
import { main as productBackofficeConsumer } from '../../../actions/product-backoffice/consumer';
import { main as productBackofficeHandler } from '../../../actions/product-backoffice/handler';
import { main as productCommerceConsumer } from '../../../actions/product-commerce/consumer';
import { main as productCommerceHandler } from '../../../actions/product-commerce/handler';
import { main as stockBackofficeConsumer } from '../../../actions/stock-backoffice/consumer';
import { main as stockBackofficeHandler } from '../../../actions/stock-backoffice/handler';
import { DeliverEnv, startDeliverEnv } from '../../support/deliver-env';
import { OpenWhiskServer, startOpenWhiskServer } from '../../support/openwhisk-server';

// the actions log through aio-lib-core-logging, retried outcomes at error level: keep the run quiet
jest.mock('@adobe/aio-lib-core-logging', () => () => ({ debug() {}, info() {}, warn() {}, error() {} }));

let env: DeliverEnv;
let ow: OpenWhiskServer;
beforeAll(async () => {
  env = await startDeliverEnv();
  ow = await startOpenWhiskServer({ namespace: env.namespace, auth: env.auth, timeLimitMs: 5_000 });
  Object.assign(process.env, ow.env());
  // the platform merges the action's inputs under the invoke params, as Runtime does
  const withInputs = (main: (p: Record<string, unknown>) => unknown) => (p: Record<string, unknown>) =>
    main({ ...env.inputs(), ...p });
  ow.define('product-backoffice/handler', withInputs(productBackofficeHandler));
  ow.define('product-commerce/handler', withInputs(productCommerceHandler));
  ow.define('stock-backoffice/handler', withInputs(stockBackofficeHandler));
});
afterAll(async () => {
  await ow.close();
  await env.close();
});
beforeEach(() => {
  env.commerce.reset();
  env.backoffice.reset();
});

const consumerInputs = { LOG_LEVEL: 'error' };
const productCreate = (id: string, sku = 'FLOW-1') => ({
  ...consumerInputs,
  type: events.productCreate.code,
  id,
  source: 'urn:uuid:backoffice',
  data: dataOf(events.productCreate, { sku, name: 'Flow', price: 5, description: 'through the consumer' }),
});

test('back-office product create → Commerce, 200 in the kit shape with the handler response', async () => {
  const r = await productBackofficeConsumer(productCreate(crypto.randomUUID()));
  expect(r).toEqual({
    statusCode: 200,
    body: {
      type: 'be-observer.catalog_product_create',
      response: { success: true, message: 'product FLOW-1 created in Commerce', target: { status: 200 } },
    },
  });
  expect(env.commerce.requests.map((q) => [q.method, q.path, q.auth])).toEqual([['POST', 'V1/products', 'oauth1']]);
});

test('the same event delivered again → 200 already applied, Commerce written once', async () => {
  const id = crypto.randomUUID();
  expect(await productBackofficeConsumer(productCreate(id, 'FLOW-2'))).toMatchObject({ statusCode: 200 });
  const again = await productBackofficeConsumer(productCreate(id, 'FLOW-2'));
  expect(again).toMatchObject({
    statusCode: 200,
    body: { response: { success: true, message: 'already applied', code: 'already_applied' } },
  });
  expect(env.commerce.requests).toHaveLength(1);
});

test.each([
  [400, 400],
  [404, 404],
  [409, 409],
  [422, 422],
  [429, 429],
  [500, 500],
  [503, 503],
])('Commerce %i → handler → consumer %i', async (target, expected) => {
  env.commerce.answer({
    status: target,
    body: { message: 'from Commerce' },
    ...(target === 429 ? { headers: { 'retry-after': '9' } } : {}),
  });
  const r = await productBackofficeConsumer(productCreate(crypto.randomUUID(), `FLOW-${target}`));
  expect(r).toMatchObject({
    error: { statusCode: expected, body: { error: `Commerce answered ${target}: from Commerce` } },
  });
  if (target === 429) expect(r).toMatchObject({ error: { headers: { 'retry-after': '9' } } });
});

test('an invalid value stops at the handler with 400 and its field paths', async () => {
  const r = await productBackofficeConsumer({ ...productCreate(crypto.randomUUID()), data: { sku: 'X' } });
  expect(r).toMatchObject({
    error: {
      statusCode: 400,
      body: { code: 'invalid_value', details: [{ path: '/data/name' }, { path: '/data/description' }] },
    },
  });
});

test('loop: our Commerce write comes back as a prefixed Commerce event → 200 skipped, back office untouched', async () => {
  expect(await productBackofficeConsumer(productCreate(crypto.randomUUID(), 'FLOW-LOOP'))).toMatchObject({
    statusCode: 200,
  });
  const type = prefixedCode(events.commerceProductSave.code, 'shop1');
  const value = {
    id: 9,
    sku: 'FLOW-LOOP',
    name: 'Flow',
    description: 'through the consumer',
    created_at: '2024-08-05 10:03:49',
    updated_at: '2024-08-05 10:03:49',
  };
  const r = await productCommerceConsumer({
    ...consumerInputs,
    EVENT_PREFIX: 'shop1',
    type,
    id: crypto.randomUUID(),
    source: 'urn:uuid:commerce',
    data: { value },
  });
  expect(r).toMatchObject({ statusCode: 200, body: { type, response: { code: 'loop_skipped' } } });
  expect(env.backoffice.requests).toEqual([]);
  // ...while a change made in Commerce goes through
  const edited = await productCommerceConsumer({
    ...consumerInputs,
    EVENT_PREFIX: 'shop1',
    type,
    id: crypto.randomUUID(),
    source: 'urn:uuid:commerce',
    data: { value: { ...value, name: 'Renamed in Commerce' } },
  });
  expect(edited).toMatchObject({ statusCode: 200 });
  expect(env.backoffice.requests.map((q) => q.path)).toEqual(['products/FLOW-LOOP']);
});

test('stock: the kit sample (a bare array as data) flows to V1/inventory/source-items', async () => {
  const r = await stockBackofficeConsumer({
    ...consumerInputs,
    type: events.stockUpdate.code,
    id: crypto.randomUUID(),
    data: events.stockUpdate.sample,
  });
  expect(r).toMatchObject({ statusCode: 200 });
  expect(env.commerce.requests.map((q) => q.path)).toEqual(['V1/inventory/source-items']);
});

test('a consumer answers 400 unknown_event for another package’s event', async () => {
  const r = await productBackofficeConsumer({
    ...consumerInputs,
    type: events.customerCreate.code,
    id: 'x',
    data: events.customerCreate.sample,
  });
  expect(r).toMatchObject({ error: { statusCode: 400, body: { code: 'unknown_event' } } });
});
