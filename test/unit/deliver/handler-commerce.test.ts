/**
 * Back office → Commerce handlers against a local Commerce REST server that checks every
 * request's OAuth 1.0a signature; State is the real aio-lib-state against a local State server.
 */
import crypto from 'node:crypto';
import { catalog, dataOf, eventsOf, CatalogEntry, PackageName } from '../../../src/catalog';
import { createHandler } from '../../../src/deliver/handler';
import { DeliverEnv, startDeliverEnv } from '../../support/deliver-env';
import { listen, sendJson } from '../../support/http-util';

const quiet = () => ({ debug() {}, info() {}, warn() {}, error() {} });
const handlers = new Map<string, ReturnType<typeof createHandler>>();
const handlerFor = (pkg: PackageName) => {
  let h = handlers.get(pkg);
  if (!h) handlers.set(pkg, (h = createHandler({ package: pkg, logger: quiet })));
  return h;
};

let env: DeliverEnv;
beforeAll(async () => {
  env = await startDeliverEnv();
});
afterAll(() => env.close());
beforeEach(() => env.commerce.reset());

function eventFor(entry: CatalogEntry, value: unknown = entry.sample, id: string = crypto.randomUUID()) {
  return { type: entry.code, id, source: 'urn:uuid:backoffice-provider', data: dataOf(entry, value) };
}
function run(entry: CatalogEntry, extra: Record<string, unknown> = {}, value?: unknown, id?: string) {
  return handlerFor(entry.package)({ ...env.inputs(), ...eventFor(entry, value, id), ...extra });
}
const entry = (code: string) => catalog.find((e) => e.code === code) as CatalogEntry;

function seedCommerce() {
  env.commerce.products.set('SKU-EXT-0001', { id: 1, sku: 'SKU-EXT-0001', name: 'seed' });
  env.commerce.customers.set(15, { id: 15, email: 'old@example.com', firstname: 'Old', lastname: 'Name' });
  env.commerce.groups.set(19, { id: 19, code: 'Old', tax_class_id: 3 });
}

const expectedCall: Record<string, [string, string]> = {
  'be-observer.catalog_product_create': ['POST', 'V1/products'],
  'be-observer.catalog_product_update': ['PUT', 'V1/products/SKU-EXT-0001'],
  'be-observer.catalog_product_delete': ['DELETE', 'V1/products/SKU-EXT-0001'],
  'be-observer.customer_create': ['POST', 'V1/customers'],
  'be-observer.customer_update': ['PUT', 'V1/customers/15'],
  'be-observer.customer_delete': ['DELETE', 'V1/customers/15'],
  'be-observer.customer_group_create': ['POST', 'V1/customerGroups'],
  'be-observer.customer_group_update': ['PUT', 'V1/customerGroups/19'],
  'be-observer.customer_group_delete': ['DELETE', 'V1/customerGroups/19'],
  'be-observer.sales_order_status_update': ['POST', 'V1/orders/1/comments'],
  'be-observer.sales_order_shipment_create': ['POST', 'V1/order/8/ship'],
  'be-observer.sales_order_shipment_update': ['POST', 'V1/shipment'],
  'be-observer.catalog_stock_update': ['POST', 'V1/inventory/source-items'],
};

describe('every back-office sample reaches Commerce, signed with OAuth 1.0a', () => {
  // the kit's back-office events; commercetools and thin events are tested in test/unit/beyond
  const backoffice = eventsOf({ direction: 'backoffice' }).filter((e) => e.code.startsWith('be-observer.'));
  test('the table covers every back-office event of the catalog', () => {
    expect(backoffice.map((e) => e.code).sort()).toEqual(Object.keys(expectedCall).sort());
  });

  test.each(backoffice.map((e) => [e.code, e] as const))('%s', async (_code, e) => {
    seedCommerce();
    const r = await run(e);
    expect(r).toMatchObject({ statusCode: 200, body: { success: true, target: { status: 200 } } });
    expect(env.commerce.rejected).toEqual([]);
    expect(env.commerce.requests.map((q) => [q.method, q.path, q.auth])).toEqual([
      [...expectedCall[e.code]!, 'oauth1'],
    ]);
  });
});

describe('payloads are mapped to the Commerce REST shapes', () => {
  test('product create: sku, name, price, description as custom attribute, Commerce defaults', async () => {
    await run(entry('be-observer.catalog_product_create'));
    expect(env.commerce.requests[0]?.body).toEqual({
      product: {
        sku: 'SKU-EXT-0001',
        name: 'Product Created Externally',
        price: 0,
        attribute_set_id: 4,
        status: 1,
        visibility: 4,
        type_id: 'simple',
        custom_attributes: [{ attribute_code: 'description', value: 'This is a sample product created externally' }],
      },
    });
  });

  test('customer create: name → firstname', async () => {
    env.commerce.customers.clear();
    await run(entry('be-observer.customer_create'));
    expect(env.commerce.requests[0]?.body).toEqual({
      customer: { email: 'jane.doe@fakedomain.com', firstname: 'Jane', lastname: 'Doe' },
    });
  });

  test('order status update: comment with the new status', async () => {
    await run(entry('be-observer.sales_order_status_update'));
    expect(env.commerce.requests[0]?.body).toEqual({
      statusHistory: {
        comment: 'Order status changed to shipped',
        status: 'shipped',
        is_customer_notified: 0,
        is_visible_on_front: 1,
      },
    });
  });

  test('shipment create: items, tracks, comment and the source code', async () => {
    await run(entry('be-observer.sales_order_shipment_create'));
    expect(env.commerce.requests[0]?.body).toEqual({
      items: [{ order_item_id: 8, qty: 1 }],
      tracks: [{ track_number: 'Custom Value', title: 'Custom Title', carrier_code: 'custom' }],
      comment: { comment: 'Order Shipped in Backoffice', is_visible_on_front: 1 },
      arguments: { extension_attributes: { source_code: 'default' } },
    });
  });

  test('stock update: source items', async () => {
    await run(entry('be-observer.catalog_stock_update'));
    expect(env.commerce.requests[0]?.body).toEqual({
      sourceItems: [{ sku: 'SKU-EXT-0001', source_code: 'default', quantity: 66, status: 1 }],
    });
  });
});

describe('Commerce outcome → handler status (retry intent)', () => {
  const create = entry('be-observer.catalog_product_create');

  test.each([400, 404, 409, 422])('%i → the same status, final, with Commerce’s message', async (status) => {
    env.commerce.answer({ status, body: { message: 'The "%1" value is invalid.', parameters: ['price'] } });
    const r = await run(create);
    expect(r).toEqual({
      statusCode: status,
      body: {
        success: false,
        error: `Commerce answered ${status}: The "price" value is invalid.`,
        code: expect.stringMatching(/^target_/),
      },
    });
  });

  test('429 → 429 keeping retry-after', async () => {
    env.commerce.answer({ status: 429, headers: { 'retry-after': '17' }, body: { message: 'Too many requests' } });
    const r = await run(create);
    expect(r).toMatchObject({
      statusCode: 429,
      headers: { 'retry-after': '17' },
      body: { success: false, code: 'target_unavailable' },
    });
  });

  test.each([500, 502, 503])('%i → retryable with the same status', async (status) => {
    env.commerce.answer({ status });
    expect((await run(create)).statusCode).toBe(status);
  });

  test('408 → 504 target_timeout, retryable (I/O Events does not retry a 408)', async () => {
    env.commerce.answer({ status: 408 });
    expect(await run(create)).toMatchObject({ statusCode: 504, body: { success: false, code: 'target_timeout' } });
  });

  test('Commerce slower than TARGET_TIMEOUT_MS → 503 target_timeout', async () => {
    env.commerce.answer({ status: 200, delayMs: 800 });
    const r = await run(create, { TARGET_TIMEOUT_MS: '150' });
    expect(r).toMatchObject({ statusCode: 503, body: { code: 'target_timeout' } });
  });

  test('connection dropped → 503 target_unreachable', async () => {
    env.commerce.answer({ status: 200, destroy: true });
    expect(await run(create)).toMatchObject({ statusCode: 503, body: { code: 'target_unreachable' } });
  });

  test('wrong OAuth secret → signature rejected → 500 target_unauthorized (misconfiguration, retried)', async () => {
    const r = await run(create, { COMMERCE_ACCESS_TOKEN_SECRET: 'not-the-secret' });
    expect(r).toMatchObject({ statusCode: 500, body: { code: 'target_unauthorized' } });
    expect(env.commerce.rejected).toEqual([{ reason: 'bad oauth1 signature' }]);
  });

  test('missing COMMERCE_BASE_URL → 500 naming the input', async () => {
    const r = await run(create, { COMMERCE_BASE_URL: '' });
    expect(r).toMatchObject({ statusCode: 500, body: { code: 'missing_input' } });
    expect(r.body.error).toContain('COMMERCE_BASE_URL');
  });

  test('no Commerce credentials at all → 500 saying what to set', async () => {
    const r = await run(create, { COMMERCE_CONSUMER_KEY: '$COMMERCE_CONSUMER_KEY', OAUTH_CLIENT_ID: '' });
    expect(r).toMatchObject({ statusCode: 500, body: { code: 'missing_input' } });
    expect(r.body.error).toContain('OAUTH_CLIENT_ID');
  });
});

describe('validation, routing, idempotency', () => {
  test('an invalid value → 400 invalid_value with every field path, Commerce untouched', async () => {
    const r = await run(entry('be-observer.catalog_product_create'), {}, { sku: '', price: -1 });
    expect(r.statusCode).toBe(400);
    expect(r.body.code).toBe('invalid_value');
    expect(r.body.details?.map((d) => d.path).sort()).toEqual([
      '/data/description',
      '/data/name',
      '/data/price',
      '/data/sku',
    ]);
    expect(env.commerce.requests).toEqual([]);
  });

  test('an event of another package → 400 unknown_event', async () => {
    const r = await handlerFor('product-backoffice')({
      ...env.inputs(),
      ...eventFor(entry('be-observer.customer_create')),
    });
    expect(r).toMatchObject({ statusCode: 400, body: { code: 'unknown_event' } });
  });

  test('the same event id twice → applied once, then 200 "already applied"', async () => {
    const id = crypto.randomUUID();
    const e = entry('be-observer.catalog_product_update');
    seedCommerce();
    expect((await run(e, {}, undefined, id)).statusCode).toBe(200);
    const again = await run(e, {}, undefined, id);
    expect(again).toMatchObject({
      statusCode: 200,
      body: { success: true, message: 'already applied', code: 'already_applied' },
    });
    expect(env.commerce.requests).toHaveLength(1);
    // recorded in State with a TTL
    const put = env.state.requests.find((q) => q.method === 'PUT' && q.key === `applied.${id}`);
    expect(put?.ttl).toBe(String(7 * 24 * 3600));
  });

  test('a failed attempt is not recorded: its retry is applied', async () => {
    const id = crypto.randomUUID();
    const e = entry('be-observer.catalog_product_create');
    env.commerce.answer({ status: 503 });
    expect((await run(e, {}, undefined, id)).statusCode).toBe(503);
    expect(await run(e, {}, undefined, id)).toMatchObject({
      statusCode: 200,
      body: { message: 'product SKU-EXT-0001 created in Commerce' },
    });
    expect(env.commerce.requests).toHaveLength(2);
  });

  test('State unavailable → 503 state_unavailable, Commerce untouched', async () => {
    env.state.fail(403);
    const r = await run(entry('be-observer.catalog_product_create'));
    expect(r).toMatchObject({ statusCode: 503, body: { code: 'state_unavailable' } });
    expect(env.commerce.requests).toEqual([]);
  });
});

describe('overriding one step of one event keeps the rest of the pipeline', () => {
  test('transform override: a custom attribute set, still signed, validated and idempotent', async () => {
    const custom = createHandler({
      package: 'product-backoffice',
      logger: quiet,
      steps: {
        'be-observer.catalog_product_create': {
          transform: (ctx) => ({ sku: ctx.value.sku, name: ctx.value.name.toUpperCase(), attribute_set_id: 9 }),
        },
      },
    });
    const id = crypto.randomUUID();
    const ev = { ...env.inputs(), ...eventFor(entry('be-observer.catalog_product_create'), undefined, id) };
    expect((await custom(ev)).statusCode).toBe(200);
    expect(env.commerce.requests[0]?.body).toEqual({
      product: { sku: 'SKU-EXT-0001', name: 'PRODUCT CREATED EXTERNALLY', attribute_set_id: 9 },
    });
    expect((await custom(ev)).body.code).toBe('already_applied');
    expect((await custom({ ...ev, id: crypto.randomUUID(), data: { sku: 'x' } })).statusCode).toBe(400);
  });
});

describe('IMS bearer token when the OAuth 1.0a inputs are absent', () => {
  test('token fetched from IMS (client_credentials), sent as Bearer', async () => {
    const token = crypto.randomBytes(8).toString('hex');
    const forms: string[] = [];
    const ims = await listen((req, res) => {
      let b = '';
      req.on('data', (c: Buffer) => (b += c.toString()));
      req.on('end', () => {
        forms.push(b);
        if (req.url !== '/ims/token/v3') return sendJson(res, 404, {});
        return sendJson(res, 200, { access_token: token, token_type: 'bearer', expires_in: 86399 });
      });
    });
    const bearerEnv = await startDeliverEnv({ commerce: { bearerToken: token } });
    try {
      const h = createHandler({ package: 'product-backoffice', logger: quiet });
      const params = {
        COMMERCE_BASE_URL: bearerEnv.commerce.baseUrl,
        OAUTH_CLIENT_ID: 'client-1',
        OAUTH_CLIENT_SECRET: 's3cret',
        OAUTH_BASE_URL: `${ims.url}/ims/token/`,
        ...eventFor(entry('be-observer.catalog_product_create')),
      };
      expect((await h(params)).statusCode).toBe(200);
      expect((await h({ ...params, id: crypto.randomUUID() })).statusCode).toBe(200);
      expect(bearerEnv.commerce.requests.map((r) => r.auth)).toEqual(['bearer', 'bearer']);
      // cached per warm container: one token request for two calls
      expect(forms).toHaveLength(1);
      expect(new URLSearchParams(forms[0]).get('grant_type')).toBe('client_credentials');
    } finally {
      await bearerEnv.close();
      process.env.AIO_STATE_ENDPOINT = `${env.state.url}/`;
      Object.assign(process.env, { __OW_NAMESPACE: env.namespace, __OW_API_KEY: env.auth });
      await ims.close();
    }
  });
});

describe('after the change is applied, nothing turns it into a retry', () => {
  test('a throwing written step and a State failure on record are logged, the answer stays 200', async () => {
    const warnings: string[] = [];
    const h = createHandler({
      package: 'product-backoffice',
      logger: () => ({ debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} }),
      steps: {
        'be-observer.catalog_product_create': {
          written: () => {
            throw new Error('boom');
          },
        },
      },
    });
    const r = await h({ ...env.inputs(), ...eventFor(entry('be-observer.catalog_product_create')) });
    expect(r.statusCode).toBe(200);
    expect(warnings.join('\n')).toContain('written step failed');
  });

  test('a malformed IDEMPOTENCY_TTL is reported (500) before anything is written', async () => {
    const r = await run(entry('be-observer.catalog_product_create'), { IDEMPOTENCY_TTL: '-5' });
    expect(r).toMatchObject({ statusCode: 500, body: { code: 'bad_input' } });
    expect(r.body.error).toContain('IDEMPOTENCY_TTL');
    expect(env.commerce.requests).toEqual([]);
  });
});
