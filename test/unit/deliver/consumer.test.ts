/**
 * Consumer propagation matrix: the consumer's `main` runs in-process and invokes
 * the handler through the real `openwhisk` client against a local OpenWhisk REST server;
 * each case makes the handler answer one way and checks the consumer's status.
 */
import { createConsumer } from '../../../src/deliver/consumer';
import { startOpenWhiskServer, OpenWhiskServer } from '../../support/openwhisk-server';
import { idle } from '../../support/http-util';

interface Entry {
  code: string;
  package: string;
  handler: string;
  consumer: string;
  direction: string;
  dataWrapsValue: boolean;
}
const entries: Entry[] = [
  {
    code: 'be-observer.catalog_product_create',
    package: 'product-backoffice',
    handler: 'product-backoffice/handler',
    consumer: 'product-backoffice/consumer',
    direction: 'backoffice',
    dataWrapsValue: false,
  },
  {
    code: 'com.adobe.commerce.observer.catalog_product_save_commit_after',
    package: 'product-commerce',
    handler: 'product-commerce/handler',
    consumer: 'product-commerce/consumer',
    direction: 'commerce',
    dataWrapsValue: true,
  },
];
const findEvent = (type: string, prefix?: string) =>
  entries.find(
    (e) =>
      e.code === type ||
      (prefix !== undefined &&
        e.code.replace('com.adobe.commerce.observer.', `com.adobe.commerce.${prefix}.observer.`) === type),
  );
const valueOf = (e: Entry, data: unknown) =>
  e.dataWrapsValue ? (data as { value?: unknown } | undefined)?.value : data;

const silent = () => ({ debug() {}, info() {}, warn() {}, error() {} });
const consumer = createConsumer({ package: 'product-backoffice', entries, findEvent, valueOf, logger: silent });
const commerceConsumer = createConsumer({ package: 'product-commerce', entries, findEvent, valueOf, logger: silent });

const event = {
  type: 'be-observer.catalog_product_create',
  id: 'evt-1',
  source: 'urn:uuid:provider',
  data: { sku: 'SKU-1', name: 'One', price: 1, description: 'd' },
};

let ow: OpenWhiskServer;
const saved = { ...process.env };
beforeAll(async () => {
  ow = await startOpenWhiskServer({ timeLimitMs: 300, blockingWaitMs: 5_000 });
  Object.assign(process.env, ow.env());
});
afterAll(async () => {
  process.env = saved;
  await ow.close();
});

type Result = Awaited<ReturnType<typeof consumer>>;
const statusOf = (r: Result) => ('error' in r ? r.error.statusCode : r.statusCode);

function handlerAnswers(statusCode: number, body: Record<string, unknown>, headers?: Record<string, string>) {
  ow.define('product-backoffice/handler', () => ({ statusCode, body, ...(headers ? { headers } : {}) }));
}

describe('propagation matrix: handler outcome → consumer status', () => {
  test('200 → 200 with the handler body in the kit success shape', async () => {
    handlerAnswers(200, { success: true, message: 'Product created' });
    const r = await consumer({ ...event, LOG_LEVEL: 'info' });
    expect(r).toEqual({
      statusCode: 200,
      body: { type: event.type, response: { success: true, message: 'Product created' } },
    });
    const call = ow.invocations.at(-1);
    expect(call?.name).toBe('product-backoffice/handler');
    // the handler gets the CloudEvent, not the consumer's inputs
    expect(call?.params).toEqual({ type: event.type, id: event.id, source: event.source, data: event.data });
  });

  test.each([400, 404, 409, 422])('%i → the same status, final, with the handler message and code', async (status) => {
    handlerAnswers(status, {
      success: false,
      error: `Commerce answered ${status}: nope`,
      code: 'target_x',
      details: [{ path: '/sku', message: 'bad' }],
    });
    const r = await consumer(event);
    expect(r).toEqual({
      error: {
        statusCode: status,
        body: {
          error: `Commerce answered ${status}: nope`,
          code: 'target_x',
          details: [{ path: '/sku', message: 'bad' }],
        },
      },
    });
  });

  test('429 → 429 keeping retry-after', async () => {
    handlerAnswers(429, { success: false, error: 'slow down', code: 'target_unavailable' }, { 'retry-after': '30' });
    const r = await consumer(event);
    expect(r).toEqual({
      error: {
        statusCode: 429,
        headers: { 'retry-after': '30' },
        body: { error: 'slow down', code: 'target_unavailable' },
      },
    });
  });

  test.each([500, 503])('%i → the same status (retried)', async (status) => {
    handlerAnswers(status, { success: false, error: 'target down', code: 'target_unavailable' });
    const r = await consumer(event);
    expect(statusOf(r)).toBe(status);
    expect('error' in r && r.error.body.code).toBe('target_unavailable');
  });

  test('handler timeout (time limit) → 503 handler_timeout', async () => {
    ow.define('product-backoffice/handler', async () => {
      await idle(2_000);
      return { statusCode: 200, body: { success: true } };
    });
    const r = await consumer(event);
    expect(r).toMatchObject({ error: { statusCode: 503, body: { code: 'handler_timeout' } } });
  });

  test('handler outlives the platform’s blocking wait (202 + activation id) → 503 handler_timeout', async () => {
    const slow = await startOpenWhiskServer({
      auth: ow.auth,
      namespace: ow.namespace,
      timeLimitMs: 5_000,
      blockingWaitMs: 150,
    });
    slow.define('product-backoffice/handler', async () => {
      await idle(1_000);
      return { statusCode: 200, body: { success: true } };
    });
    const host = process.env.__OW_API_HOST;
    process.env.__OW_API_HOST = slow.url;
    try {
      expect(await consumer(event)).toMatchObject({ error: { statusCode: 503, body: { code: 'handler_timeout' } } });
    } finally {
      process.env.__OW_API_HOST = host;
      await slow.close();
    }
  });

  test('handler throws → 503 handler_crashed, no internal message leaked', async () => {
    ow.define('product-backoffice/handler', () => {
      throw new Error('secret=abc123 exploded');
    });
    const r = await consumer(event);
    expect(r).toMatchObject({ error: { statusCode: 503, body: { code: 'handler_crashed' } } });
    expect(JSON.stringify(r)).not.toContain('abc123');
  });

  test('handler returns a result without statusCode → 503', async () => {
    ow.define('product-backoffice/handler', () => ({ hello: 'world' }));
    expect(await consumer(event)).toMatchObject({ error: { statusCode: 503, body: { code: 'handler_bad_result' } } });
  });

  test('kit-style {error: {statusCode: 404}} result (application error) → 404', async () => {
    ow.define('product-backoffice/handler', () => ({ error: { statusCode: 404, body: { error: 'no such product' } } }));
    expect(await consumer(event)).toEqual({
      error: { statusCode: 404, body: { error: 'no such product', code: 'handler_error' } },
    });
  });

  test('handler action missing (invoke 404) → 503 handler_invoke_failed', async () => {
    const other = createConsumer({ package: 'product-backoffice', entries, findEvent, valueOf, logger: silent });
    const r = await other({
      ...event,
      ROUTES_OVERRIDE: JSON.stringify({ 'be-observer.catalog_product_create': { action: 'nowhere/handler' } }),
    });
    expect(r).toMatchObject({ error: { statusCode: 503, body: { code: 'handler_invoke_failed' } } });
  });

  test('platform unreachable → 503', async () => {
    handlerAnswers(200, { success: true });
    const host = process.env.__OW_API_HOST;
    process.env.__OW_API_HOST = 'http://127.0.0.1:1';
    try {
      expect(await consumer(event)).toMatchObject({
        error: { statusCode: 503, body: { code: 'handler_invoke_failed' } },
      });
    } finally {
      process.env.__OW_API_HOST = host;
    }
  });
});

describe('routing', () => {
  test('unknown event → 400 unknown_event, handler not invoked', async () => {
    const before = ow.invocations.length;
    const r = await consumer({ ...event, type: 'be-observer.nothing_like_it' });
    expect(r).toMatchObject({ error: { statusCode: 400, body: { code: 'unknown_event' } } });
    expect(ow.invocations.length).toBe(before);
  });

  test("another package's event → 400 unknown_event", async () => {
    const r = await consumer({ type: entries[1]!.code, id: 'x', data: { value: {} } });
    expect(r).toMatchObject({ error: { statusCode: 400, body: { code: 'unknown_event' } } });
  });

  test('missing type → 400 missing_type', async () => {
    expect(await consumer({ id: 'x', data: {} })).toMatchObject({
      error: { statusCode: 400, body: { code: 'missing_type' } },
    });
  });

  test('EVENT_PREFIX-ed Commerce code routes to its handler', async () => {
    ow.define('product-commerce/handler', () => ({ statusCode: 200, body: { success: true, message: 'sent' } }));
    const type = 'com.adobe.commerce.acme.observer.catalog_product_save_commit_after';
    const r = await commerceConsumer({ type, id: 'c-1', data: { value: { sku: 'S' } }, EVENT_PREFIX: 'acme' });
    expect(r).toEqual({ statusCode: 200, body: { type, response: { success: true, message: 'sent' } } });
  });

  test('inclusion filter: a non-matching event is acknowledged (200) and not handled', async () => {
    ow.define('product-commerce/handler', () => ({ statusCode: 200, body: { success: true, message: 'sent' } }));
    const ROUTES_OVERRIDE = JSON.stringify({
      'com.adobe.commerce.observer.catalog_product_save_commit_after': {
        filters: [{ field: 'value.store_id', include: ['1'] }],
      },
    });
    const before = ow.invocations.length;
    const skipped = await commerceConsumer({
      type: entries[1]!.code,
      id: 'c-2',
      data: { value: { sku: 'S', store_id: '2' } },
      ROUTES_OVERRIDE,
    });
    expect(skipped).toMatchObject({ statusCode: 200, body: { response: { skipped: 'filtered' } } });
    expect(ow.invocations.length).toBe(before);
    const passed = await commerceConsumer({
      type: entries[1]!.code,
      id: 'c-3',
      data: { value: { sku: 'S', store_id: 1 } },
      ROUTES_OVERRIDE,
    });
    expect(passed).toMatchObject({ statusCode: 200, body: { response: { message: 'sent' } } });
    expect(ow.invocations.length).toBe(before + 1);
  });

  test('override to another action, and a disabled route', async () => {
    ow.define('custom/product-create', () => ({ statusCode: 200, body: { success: true, message: 'custom' } }));
    const r = await consumer({
      ...event,
      ROUTES_OVERRIDE: { 'be-observer.catalog_product_create': { action: 'custom/product-create' } },
    });
    expect(r).toMatchObject({ statusCode: 200, body: { response: { message: 'custom' } } });
    const off = await consumer({ ...event, ROUTES_OVERRIDE: '{"be-observer.catalog_product_create": null}' });
    expect(off).toMatchObject({ statusCode: 200, body: { response: { skipped: 'route_disabled' } } });
  });

  test("another package's routes in the shared ROUTES_OVERRIDE do not disturb this consumer", async () => {
    handlerAnswers(200, { success: true, message: 'mine' });
    const ROUTES_OVERRIDE = JSON.stringify({ 'com.adobe.commerce.observer.catalog_product_save_commit_after': null });
    expect(await consumer({ ...event, ROUTES_OVERRIDE })).toMatchObject({
      statusCode: 200,
      body: { response: { message: 'mine' } },
    });
  });

  test('malformed ROUTES_OVERRIDE → 500 naming the input', async () => {
    const r = await consumer({ ...event, ROUTES_OVERRIDE: '{not json' });
    expect(r).toMatchObject({ error: { statusCode: 500, body: { code: 'bad_routes' } } });
    expect('error' in r && r.error.body.error).toContain('ROUTES_OVERRIDE');
  });
});
