/**
 * ingestion/commercetools against a real local ingress + IMS server: each inclusion case
 * (included, filtered out, stale version, duplicate id), route overrides, envelopes, auth
 * and bad input. Version records live in an in-memory State (the same StateStore surface).
 */
import { main } from '../../../actions/ingestion/commercetools';
import { ctCustomerDelete, ctCustomerUpsert, ctProductUpsert } from '../../../src/catalog/commercetools';
import { clearImsCache } from '../../../src/clients/ims';
import { resetPublishCaches } from '../../../src/clients/io-events';
import { ingestCommercetools } from '../../../src/ingest/sources/commercetools';
import { admits, effectiveRoutes, parseRoutesInput, route } from '../../../src/ingest/sources/commercetools/routes';
import { decide, versionKey } from '../../../src/ingest/sources/commercetools/versions';
import { memoryStateStore, type StateStore } from '../../../src/state';
import { FakeIoEvents } from '../../support/io-events-server';

const API_KEY = 'ct-test-key-0123456789';
let io: FakeIoEvents;
let state: StateStore;

beforeAll(async () => {
  io = await new FakeIoEvents().start();
});
afterAll(() => io.stop());
beforeEach(() => {
  io.reset();
  clearImsCache();
  resetPublishCaches();
  state = memoryStateStore();
});

type Params = Record<string, unknown>;
const quiet = () => ({ debug() {}, info() {}, warn() {}, error() {} });

function request(
  body: unknown,
  extra: { headers?: Record<string, string>; inputs?: Params; method?: string } = {},
): Params {
  return {
    ...io.inputs(),
    INGESTION_API_KEY: API_KEY,
    ...extra.inputs,
    __ow_method: extra.method ?? 'post',
    __ow_headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, ...extra.headers },
    __ow_body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}
const send = (body: unknown, extra: Parameters<typeof request>[1] = {}) =>
  ingestCommercetools(request(body, extra), { state: () => state, logger: quiet });

interface Ok {
  statusCode: number;
  body: { type: string; response: { success: true; message: string; id?: string; skipped?: string; event?: string } };
}
interface Err {
  error: { statusCode: number; body: { error: string; code: string; details?: Array<{ path: string }> } };
}
const ok = (r: unknown) => r as Ok;
const err = (r: unknown) => r as Err;

function customerMessage(over: Record<string, unknown> = {}) {
  return { ...ctCustomerUpsert.sample, id: `msg-${Math.random().toString(36).slice(2)}`, ...over };
}

describe('routes (data)', () => {
  test('inclusion filters: exact kinds and trailing-* prefixes', () => {
    expect(admits(['ResourceCreated', 'ResourceUpdated'], 'ResourceUpdated')).toBe(true);
    expect(admits(['ResourceCreated'], 'ResourceDeleted')).toBe(false);
    expect(admits(['Customer*'], 'CustomerEmailChanged')).toBe(true);
  });
  test('typeId + kind → route; known typeId but excluded kind → filtered; unknown typeId → unrouted', () => {
    const routes = effectiveRoutes({}, () => true);
    expect(route(routes, 'customer', 'ResourceCreated')).toMatchObject({
      kind: 'routed',
      route: { route: 'commercetools.connect.customer.upsert' },
    });
    expect(route(routes, 'customer', 'CustomerDeleted')).toMatchObject({
      kind: 'routed',
      route: { route: 'commercetools.connect.customer.delete' },
    });
    expect(route(routes, 'customer', 'CustomerPasswordUpdated')).toMatchObject({ kind: 'filtered' });
    expect(route(routes, 'cart', 'ResourceCreated')).toMatchObject({ kind: 'unrouted' });
  });
  test('COMMERCETOOLS_ROUTES replaces a filter, disables a route, rejects nonsense with a 500 naming the input', () => {
    const routes = effectiveRoutes(
      parseRoutesInput(
        '{"commercetools.connect.customer.upsert": {"inclusionFilter": ["ResourceCreated"]}, "commercetools.connect.product.delete": null}',
      ),
      () => true,
    );
    expect(route(routes, 'customer', 'ResourceUpdated')).toMatchObject({ kind: 'filtered' });
    expect(route(routes, 'product', 'ResourceDeleted')).toMatchObject({ kind: 'filtered' });
    expect(() => parseRoutesInput('{nope')).toThrow(/COMMERCETOOLS_ROUTES/);
    expect(() =>
      effectiveRoutes(
        parseRoutesInput('{"x.y": {"typeId": "cart", "inclusionFilter": ["ResourceCreated"]}}'),
        () => false,
      ),
    ).toThrow(/names no catalog event/);
  });
  test('version decisions', () => {
    expect(decide(undefined, 1, 'a')).toEqual({ kind: 'new' });
    expect(decide({ v: 3, id: 'a' }, 3, 'a').kind).toBe('duplicate');
    expect(decide({ v: 3, id: 'a' }, 3, 'b').kind).toBe('stale');
    expect(decide({ v: 3, id: 'a' }, 2, 'b').kind).toBe('stale');
    expect(decide({ v: 3, id: 'a' }, 4, 'b').kind).toBe('new');
    expect(versionKey('p', 'customer', 'a b/c')).toMatch(/^ct\.v\.h\.[0-9a-f]{64}$/);
  });
});

describe('inclusion cases, end to end through the action and a real ingress', () => {
  test('included: a Message is published with its message id as the CloudEvent id', async () => {
    const m = customerMessage();
    const r = ok(await ingestCommercetools(request(m), { state: () => state, logger: quiet }));
    expect(r.statusCode).toBe(200);
    expect(r.body.response).toMatchObject({ success: true, id: m.id, event: 'commercetools.connect.customer.upsert' });
    expect(io.published).toHaveLength(1);
    const ce = io.published[0]?.body as Record<string, unknown>;
    expect(ce).toMatchObject({
      id: m.id,
      type: 'commercetools.connect.customer.upsert',
      source: `urn:uuid:${io.providers[0]?.id}`,
      subject: m.resource.id,
      data: m,
    });
    expect(ce.time).toBe((m as { createdAt: string }).createdAt);
  });

  test('included: a ResourceUpdated change notification gets a deterministic id', async () => {
    const n = ctProductUpsert.sample;
    const a = ok(await send(n));
    expect(a.body.response.event).toBe('commercetools.connect.product.upsert');
    state = memoryStateStore();
    const b = ok(await send(n));
    expect(b.body.response.id).toBe(a.body.response.id);
    expect(io.published.map((p) => p.body.id)).toEqual([a.body.response.id, a.body.response.id]);
  });

  test('the action file serves the same (default State replaced only in the other tests)', async () => {
    const r = err(await main(request(customerMessage(), { headers: { 'x-api-key': 'wrong' } })));
    expect(r.error.statusCode).toBe(401);
  });

  test('filtered out: a kind outside the inclusion filter, and a resource type without a route → 200 skipped, nothing published', async () => {
    const a = ok(await send(customerMessage({ type: 'CustomerPasswordUpdated' })));
    expect(a.statusCode).toBe(200);
    expect(a.body.response).toMatchObject({ skipped: 'filtered' });
    const b = ok(await send({ ...ctProductUpsert.sample, resource: { typeId: 'cart', id: 'c1' } }));
    expect(b.body.response).toMatchObject({ skipped: 'filtered' });
    expect(io.published).toHaveLength(0);
  });

  test('stale version: older or equal resourceVersion with another id → 200 "stale", nothing published', async () => {
    await send(customerMessage({ resourceVersion: 5 }));
    const older = ok(await send(customerMessage({ resourceVersion: 4, type: 'CustomerEmailChanged' })));
    expect(older.statusCode).toBe(200);
    expect(older.body.response).toMatchObject({ skipped: 'stale' });
    expect(older.body.response.message).toMatch(/stale/);
    const same = ok(await send(customerMessage({ resourceVersion: 5, type: 'CustomerFirstNameSet' })));
    expect(same.body.response.skipped).toBe('stale');
    const newer = ok(await send(customerMessage({ resourceVersion: 6, type: 'CustomerLastNameSet' })));
    expect(newer.body.response.skipped).toBeUndefined();
    expect(io.published.map((p) => (p.body.data as { resourceVersion: number }).resourceVersion)).toEqual([5, 6]);
  });

  test('duplicate id: the same message twice → published once, the second answered 200 "duplicate"', async () => {
    const m = customerMessage({ resourceVersion: 9 });
    await send(m);
    const again = ok(await send(m));
    expect(again.statusCode).toBe(200);
    expect(again.body.response).toMatchObject({ skipped: 'duplicate', id: m.id });
    expect(io.published).toHaveLength(1);
  });

  test('versions are per resource: another customer at a lower version passes', async () => {
    await send(customerMessage({ resourceVersion: 7 }));
    const other = ok(
      await send(customerMessage({ resourceVersion: 1, resource: { typeId: 'customer', id: 'another-customer' } })),
    );
    expect(other.body.response.skipped).toBeUndefined();
    expect(io.published).toHaveLength(2);
  });

  test('a failed publish records nothing: the resend is published', async () => {
    const m = customerMessage({ resourceVersion: 2 });
    io.ingressQueue.push({ kind: 'status', status: 500 });
    const first = err(await send(m));
    expect(first.error.statusCode).toBe(503);
    const resend = ok(await send(m));
    expect(resend.body.response.skipped).toBeUndefined();
    expect(io.published).toHaveLength(1);
  });

  test('ingress 429 → 429 with retry-after', async () => {
    io.ingressQueue.push({ kind: 'status', status: 429, retryAfter: '7' });
    const r = (await send(customerMessage())) as { error: { statusCode: number; headers?: Record<string, string> } };
    expect(r.error.statusCode).toBe(429);
    expect(r.error.headers?.['retry-after']).toBe('7');
  });

  test('COMMERCETOOLS_ROUTES disables a route without code', async () => {
    const r = ok(
      await send(ctCustomerDelete.sample, {
        inputs: { COMMERCETOOLS_ROUTES: '{"commercetools.connect.customer.delete": null}' },
      }),
    );
    expect(r.body.response.skipped).toBe('filtered');
    expect(io.published).toHaveLength(0);
  });

  test('EVENT_PREFIX prefixes the published type', async () => {
    await send(customerMessage(), { inputs: { EVENT_PREFIX: 'acme' } });
    expect(io.published[0]?.body.type).toBe('acme.commercetools.connect.customer.upsert');
  });
});

describe('envelopes of the destinations that reach HTTP', () => {
  test('Google Pub/Sub push: {message: {data: base64}}', async () => {
    const m = customerMessage();
    const r = ok(
      await send({
        message: { data: Buffer.from(JSON.stringify(m)).toString('base64'), messageId: '1' },
        subscription: 'projects/x/subscriptions/y',
      }),
    );
    expect(r.body.response.id).toBe(m.id);
  });
  test('EventBridge: {detail-type, detail}', async () => {
    const m = customerMessage();
    const r = ok(
      await send({ 'detail-type': 'CustomerCreated', source: 'aws.partner/commercetools.com/x', detail: m }),
    );
    expect(r.body.response.id).toBe(m.id);
  });
});

describe('bad requests', () => {
  test('no credentials → 401; GET → 405; not JSON → 400; not a notification → 400 with paths; schema → 400 with paths', async () => {
    expect(err(await send(customerMessage(), { headers: { 'x-api-key': '' } })).error.statusCode).toBe(401);
    expect(err(await send(customerMessage(), { method: 'get' })).error.statusCode).toBe(405);
    expect(err(await send('{not json')).error.body.code).toBe('invalid_json');
    const shape = err(await send({ notificationType: 'Message' }));
    expect(shape.error.statusCode).toBe(400);
    expect(shape.error.body.code).toBe('invalid_notification');
    expect(shape.error.body.details?.map((d) => d.path)).toEqual(expect.arrayContaining(['/projectKey', '/resource']));
    const schema = err(await send({ ...customerMessage(), resourceVersion: 'x', createdAt: undefined }));
    expect(schema.error.body.code).toBe('invalid_value');
    expect(io.published).toHaveLength(0);
  });
});
