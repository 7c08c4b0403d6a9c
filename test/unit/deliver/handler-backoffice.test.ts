/**
 * Commerce → back-office handlers against a local back-office API (x-api-key), and the
 * infinite-loop breaker: a change we wrote to Commerce that comes back as a Commerce event is
 * skipped with 200, with or without EVENT_PREFIX.
 */
import crypto from 'node:crypto';
import { catalog, dataOf, eventsOf, prefixedCode, CatalogEntry, PackageName } from '../../../src/catalog';
import { createHandler } from '../../../src/deliver/handler';
import { DeliverEnv, startDeliverEnv } from '../../support/deliver-env';

const quiet = () => ({ debug() {}, info() {}, warn() {}, error() {} });
const handlers = new Map<string, ReturnType<typeof createHandler>>();
const handlerFor = (pkg: PackageName) => {
  let h = handlers.get(pkg);
  if (!h) handlers.set(pkg, (h = createHandler({ package: pkg, logger: quiet })));
  return h;
};
const entry = (code: string) => catalog.find((e) => e.code === code) as CatalogEntry;

let env: DeliverEnv;
beforeAll(async () => {
  env = await startDeliverEnv();
});
afterAll(() => env.close());
beforeEach(() => {
  env.commerce.reset();
  env.backoffice.reset();
});

function run(e: CatalogEntry, value: unknown = e.sample, extra: Record<string, unknown> = {}, type: string = e.code) {
  return handlerFor(e.package)({
    ...env.inputs(),
    type,
    id: crypto.randomUUID(),
    source: 'urn:uuid:commerce-provider',
    data: dataOf(e, value),
    ...extra,
  });
}

const expected: Record<string, [string, string, unknown]> = {
  'com.adobe.commerce.observer.catalog_product_save_commit_after': [
    'PUT',
    'products/24-MB01',
    { sku: '24-MB01', name: 'Joust Duffle Bag', description: 'Comfortable sporty duffel bag' },
  ],
  'com.adobe.commerce.observer.catalog_product_delete_commit_after': ['DELETE', 'products/24-MB01', null],
  'com.adobe.commerce.observer.customer_save_commit_after': [
    'PUT',
    'customers/123',
    { id: 123, name: 'John', lastname: 'Doe', email: 'john.doe@fakedomain.com' },
  ],
  'com.adobe.commerce.observer.customer_delete_commit_after': ['DELETE', 'customers/123', null],
  'com.adobe.commerce.observer.customer_group_save_commit_after': [
    'PUT',
    'customer-groups/18',
    { id: 18, name: 'VIP', taxClassId: 3 },
  ],
  'com.adobe.commerce.observer.customer_group_delete_commit_after': ['DELETE', 'customer-groups/18', null],
  'com.adobe.commerce.observer.sales_order_save_commit_after': [
    'PUT',
    'orders/12',
    { id: 12, incrementId: '000000012', createdAt: '2024-08-05 14:34:19', updatedAt: '2024-08-05 14:34:19' },
  ],
  'com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after': [
    'PUT',
    'stock/27',
    { productId: 27, quantity: 0, outOfStock: true },
  ],
};

describe('every Commerce sample reaches the back office', () => {
  const commerce = eventsOf({ direction: 'commerce' });
  test('the table covers every Commerce event of the catalog', () => {
    expect(commerce.map((e) => e.code).sort()).toEqual(Object.keys(expected).sort());
  });

  test.each(commerce.map((e) => [e.code, e] as const))('%s', async (_code, e) => {
    const [method, path, body] = expected[e.code]!;
    if (method === 'DELETE') env.backoffice.store.set(path, {});
    const r = await run(e);
    expect(r).toMatchObject({ statusCode: 200, body: { success: true } });
    expect(env.backoffice.requests).toEqual([{ method, path, body }]);
  });

  test('back office 404 on delete → 404 final; 503 → 503; wrong api key → 500 target_unauthorized', async () => {
    const del = entry('com.adobe.commerce.observer.catalog_product_delete_commit_after');
    env.backoffice.store.clear();
    expect(await run(del)).toMatchObject({
      statusCode: 404,
      body: { code: 'target_not_found', error: 'the back office answered 404: products/24-MB01 not found' },
    });
    env.backoffice.answer({ status: 503 });
    expect((await run(entry('com.adobe.commerce.observer.catalog_product_save_commit_after'))).statusCode).toBe(503);
    expect(
      await run(entry('com.adobe.commerce.observer.catalog_product_save_commit_after'), undefined, {
        BACKOFFICE_API_KEY: 'wrong',
      }),
    ).toMatchObject({ statusCode: 500, body: { code: 'target_unauthorized' } });
  });

  test.each(['BACKOFFICE_BASE_URL', 'BACKOFFICE_API_KEY'])(
    'missing %s → 500 naming the input, nothing sent',
    async (input) => {
      const r = await run(entry('com.adobe.commerce.observer.customer_save_commit_after'), undefined, { [input]: '' });
      expect(r).toMatchObject({ statusCode: 500, body: { code: 'missing_input' } });
      expect(r.body.error).toContain(input);
      expect(env.backoffice.requests).toEqual([]);
    },
  );
});

describe('infinite-loop breaker', () => {
  const bUpdate = entry('be-observer.catalog_product_update');
  const cSave = entry('com.adobe.commerce.observer.catalog_product_save_commit_after');
  const write = { sku: 'LOOP-1', name: 'Loop product', price: 12.5, description: 'written by us' };
  const echo = {
    id: 7,
    sku: 'LOOP-1',
    name: 'Loop product',
    description: 'written by us',
    price: '12.5000',
    created_at: '2024-06-12 16:31:43',
    updated_at: '2024-08-05 10:03:49',
  };

  async function writeToCommerce(value = write) {
    env.commerce.products.set(value.sku, { sku: value.sku });
    const r = await run(bUpdate, value);
    expect(r.statusCode).toBe(200);
  }

  test('our write coming back as a Commerce event is skipped with 200, back office untouched', async () => {
    await writeToCommerce();
    const r = await run(cSave, echo);
    expect(r).toMatchObject({ statusCode: 200, body: { success: true, code: 'loop_skipped' } });
    expect(env.backoffice.requests).toEqual([]);
  });

  test('works under any EVENT_PREFIX (matched by catalog entry, not by code)', async () => {
    await writeToCommerce({ ...write, sku: 'LOOP-2' });
    const type = prefixedCode(cSave.code, 'acme_stage');
    expect(type).toBe('com.adobe.commerce.acme_stage.observer.catalog_product_save_commit_after');
    const r = await run(cSave, { ...echo, sku: 'LOOP-2' }, { EVENT_PREFIX: 'acme_stage' }, type);
    expect(r).toMatchObject({ statusCode: 200, body: { code: 'loop_skipped' } });
    expect(env.backoffice.requests).toEqual([]);
  });

  test('a different change of the same product (made in Commerce) is sent on', async () => {
    await writeToCommerce({ ...write, sku: 'LOOP-3' });
    const r = await run(cSave, { ...echo, sku: 'LOOP-3', description: 'edited in Commerce' });
    expect(r.body.code).toBeUndefined();
    expect(env.backoffice.requests.map((q) => q.path)).toEqual(['products/LOOP-3']);
  });

  test('an event that carries fewer fields than we wrote is still our echo', async () => {
    await writeToCommerce({ ...write, sku: 'LOOP-4' });
    const { price: _omit, ...noPrice } = echo;
    const r = await run(cSave, { ...noPrice, sku: 'LOOP-4' });
    expect(r.body.code).toBe('loop_skipped');
  });

  test('a product never written by us is sent on', async () => {
    const r = await run(cSave, { ...echo, sku: 'NEVER-WRITTEN' });
    expect(r.statusCode).toBe(200);
    expect(env.backoffice.requests).toHaveLength(1);
  });

  test('delete written to Commerce → Commerce delete event is skipped', async () => {
    env.commerce.products.set('LOOP-5', { sku: 'LOOP-5' });
    expect((await run(entry('be-observer.catalog_product_delete'), { sku: 'LOOP-5' })).statusCode).toBe(200);
    const r = await run(entry('com.adobe.commerce.observer.catalog_product_delete_commit_after'), {
      ...echo,
      sku: 'LOOP-5',
    });
    expect(r.body.code).toBe('loop_skipped');
  });

  test('customer and customer group writes are recognised by their Commerce ids; order status too', async () => {
    env.commerce.customers.clear();
    const created = await run(entry('be-observer.customer_create'), {
      name: 'Ann',
      lastname: 'Lee',
      email: 'Ann.Lee@example.com',
    });
    expect(created.statusCode).toBe(200);
    const [id] = [...env.commerce.customers.keys()];
    const c = await run(entry('com.adobe.commerce.observer.customer_save_commit_after'), {
      id,
      firstname: 'Ann',
      lastname: 'Lee',
      email: 'ann.lee@example.com',
    });
    expect(c.body.code).toBe('loop_skipped');

    expect((await run(entry('be-observer.customer_group_create'), { name: 'Gold', taxClassId: 3 })).statusCode).toBe(
      200,
    );
    const gid = [...env.commerce.groups.entries()].find(([, g]) => g.code === 'Gold')?.[0];
    const g = await run(entry('com.adobe.commerce.observer.customer_group_save_commit_after'), {
      customer_group_id: String(gid),
      customer_group_code: 'Gold',
      tax_class_id: '3',
    });
    expect(g.body.code).toBe('loop_skipped');

    expect((await run(entry('be-observer.sales_order_status_update'), { id: 44, status: 'complete' })).statusCode).toBe(
      200,
    );
    const o = await run(entry('com.adobe.commerce.observer.sales_order_save_commit_after'), {
      id: '44',
      increment_id: '000000044',
      status: 'complete',
    });
    expect(o.body.code).toBe('loop_skipped');
    const o2 = await run(entry('com.adobe.commerce.observer.sales_order_save_commit_after'), {
      id: '44',
      increment_id: '000000044',
      status: 'closed',
    });
    expect(o2.body.code).toBeUndefined();
  });

  test('stock written to Commerce → a stock item event carrying the sku is skipped', async () => {
    expect(
      (
        await run(entry('be-observer.catalog_stock_update'), [
          { sku: 'STOCK-1', source: 'default', quantity: 66, outOfStock: false },
        ])
      ).statusCode,
    ).toBe(200);
    const s = entry('com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after');
    expect((await run(s, { product_id: '27', sku: 'STOCK-1', qty: '66.0000', is_in_stock: '1' })).body.code).toBe(
      'loop_skipped',
    );
    expect(
      (await run(s, { product_id: '27', sku: 'STOCK-1', qty: '65.0000', is_in_stock: '1' })).body.code,
    ).toBeUndefined();
  });

  test('other way round: our write to the back office coming back as a be-observer event is skipped', async () => {
    const commerceValue = {
      id: 70,
      sku: 'BACK-1',
      name: 'From Commerce',
      description: 'made in Commerce',
      price: '20.0000',
    };
    expect((await run(cSave, commerceValue)).statusCode).toBe(200);
    expect(env.backoffice.requests.map((q) => q.path)).toEqual(['products/BACK-1']);
    // the back office applies it and (as back offices do) posts the change back to the webhook
    const r = await run(bUpdate, { sku: 'BACK-1', name: 'From Commerce', description: 'made in Commerce', price: 20 });
    expect(r).toMatchObject({ statusCode: 200, body: { code: 'loop_skipped' } });
    expect(env.commerce.requests).toEqual([]);
    // a real change made in the back office goes through
    env.commerce.products.set('BACK-1', { sku: 'BACK-1' });
    expect(
      (await run(bUpdate, { sku: 'BACK-1', name: 'From Commerce', description: 'made in Commerce', price: 25 })).body
        .code,
    ).toBeUndefined();
    expect(env.commerce.requests.map((q) => q.path)).toEqual(['V1/products/BACK-1']);
  });

  test('a field we did not write is news, not an echo (the kit Commerce event has no price)', async () => {
    const { price: _p, ...noPrice } = echo;
    expect((await run(cSave, { ...noPrice, sku: 'BACK-2' })).statusCode).toBe(200);
    env.commerce.products.set('BACK-2', { sku: 'BACK-2' });
    const r = await run(bUpdate, { sku: 'BACK-2', name: echo.name, description: echo.description, price: 99 });
    expect(r.body.code).toBeUndefined();
    expect(env.commerce.requests.map((q) => q.path)).toEqual(['V1/products/BACK-2']);
  });

  test('customers, groups, orders and stock: the back-office echo of our write is skipped', async () => {
    const c = entry('com.adobe.commerce.observer.customer_save_commit_after');
    expect((await run(c, { id: 501, firstname: 'Bo', lastname: 'Ek', email: 'bo@example.com' })).statusCode).toBe(200);
    expect(
      (
        await run(entry('be-observer.customer_update'), {
          id: 501,
          name: 'Bo',
          lastname: 'Ek',
          email: 'BO@example.com',
        })
      ).body.code,
    ).toBe('loop_skipped');
    const g = entry('com.adobe.commerce.observer.customer_group_save_commit_after');
    expect(
      (await run(g, { customer_group_id: '502', customer_group_code: 'Silver', tax_class_id: '3' })).statusCode,
    ).toBe(200);
    expect(
      (await run(entry('be-observer.customer_group_update'), { id: 502, name: 'Silver', taxClassId: 3 })).body.code,
    ).toBe('loop_skipped');
    const o = entry('com.adobe.commerce.observer.sales_order_save_commit_after');
    expect((await run(o, { id: '503', increment_id: '000000503', status: 'processing' })).statusCode).toBe(200);
    expect(
      (await run(entry('be-observer.sales_order_status_update'), { id: 503, status: 'processing' })).body.code,
    ).toBe('loop_skipped');
    const s = entry('com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after');
    expect((await run(s, { product_id: '504', sku: 'STOCK-504', qty: '3.0000', is_in_stock: '1' })).statusCode).toBe(
      200,
    );
    const stock = entry('be-observer.catalog_stock_update');
    expect(
      (await run(stock, [{ sku: 'STOCK-504', source: 'default', quantity: 3, outOfStock: false }])).body.code,
    ).toBe('loop_skipped');
    // one echo and one real change in the same stock event: not skipped
    env.commerce.reset();
    expect(
      (
        await run(stock, [
          { sku: 'STOCK-504', source: 'default', quantity: 3, outOfStock: false },
          { sku: 'STOCK-505', source: 'default', quantity: 1, outOfStock: false },
        ])
      ).body.code,
    ).toBeUndefined();
    expect(env.commerce.requests.map((q) => q.path)).toEqual(['V1/inventory/source-items']);
    expect(env.commerce.rejected).toEqual([]);
  });

  test('fingerprints live in State under the entity key with the loop TTL, hashed (no values in clear)', async () => {
    await writeToCommerce({ ...write, sku: 'LOOP-6' });
    const put = env.state.requests.find((q) => q.method === 'PUT' && q.key === 'loop.commerce.product.LOOP-6');
    expect(put?.ttl).toBe('300');
    const stored = env.state.data.get('loop.commerce.product.LOOP-6')?.value ?? '';
    expect(stored).not.toContain('Loop product');
    expect(Object.keys(JSON.parse(stored) as object).sort()).toEqual(['@at', 'description', 'name', 'price']);
  });
});
