/**
 * The Commerce and back-office stand-ins: OAuth 1.0a checks, Commerce-shaped answers, the
 * failure switch, and the whole path event → runtime action → stand-in with a retry.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import OAuth from 'oauth-1.0a';
import type { RunningPlatform } from '../../../platform/core/server';
import { startTestPlatform } from '../helpers';
import { waitFor } from '../events/harness';

const EVENTS_APP = path.join(__dirname, '..', '..', 'fixtures', 'events-app');

let p: RunningPlatform;
let env: Record<string, string>;

function oauthHeader(url: string, method: string, secret?: string): string {
  const oauth = new OAuth({
    consumer: { key: env.COMMERCE_CONSUMER_KEY!, secret: secret ?? env.COMMERCE_CONSUMER_SECRET! },
    signature_method: 'HMAC-SHA256',
    hash_function: (text, key) => crypto.createHmac('sha256', key).update(text).digest('base64'),
  });
  return oauth.toHeader(
    oauth.authorize({ url, method }, { key: env.COMMERCE_ACCESS_TOKEN!, secret: env.COMMERCE_ACCESS_TOKEN_SECRET! }),
  ).Authorization;
}

async function commerce(
  method: string,
  rel: string,
  body?: unknown,
  opts: { auth?: 'oauth' | 'none' | 'bad' } = {},
): Promise<{ status: number; json: any; headers: Headers }> {
  const url = `${p.url}/commerce/rest/V1/${rel}`;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if ((opts.auth ?? 'oauth') === 'oauth') headers.authorization = oauthHeader(url, method);
  if (opts.auth === 'bad') headers.authorization = oauthHeader(url, method, 'wrong-secret');
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

beforeAll(async () => {
  p = await startTestPlatform({ projectDir: EVENTS_APP, timeScale: 0.0001 });
  env = p.config.env;
});
afterAll(() => p.close());

describe('Commerce stand-in', () => {
  test('products: OAuth 1.0a writes, Commerce-shaped reads without credentials from loopback, labelled a stand-in', async () => {
    const created = await commerce('POST', 'products', { product: { sku: 'SKU-C1', name: 'Chair', price: 10 } });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ sku: 'SKU-C1', name: 'Chair', price: 10, type_id: 'simple' });
    expect(created.headers.get('x-local-stand-in')).toBe('commerce');
    const put = await commerce('PUT', 'products/SKU-C1', { product: { sku: 'SKU-C1', price: 12 } });
    expect(put.json).toMatchObject({ id: created.json.id, name: 'Chair', price: 12 });
    const got = await commerce('GET', 'products/SKU-C1', undefined, { auth: 'none' });
    expect(got.status).toBe(200);
    expect(got.json.price).toBe(12);
    expect((await commerce('POST', 'products', { product: { sku: 'X' } }, { auth: 'none' })).status).toBe(401);
    const bad = await commerce('POST', 'products', { product: { sku: 'X' } }, { auth: 'bad' });
    expect(bad.status).toBe(401);
    expect(bad.json.message).toMatch(/signature/);
    expect((await commerce('DELETE', 'products/SKU-C1')).json).toBe(true);
    const gone = await commerce('GET', 'products/SKU-C1', undefined, { auth: 'none' });
    expect(gone.status).toBe(404);
    expect(gone.json.message).toContain("doesn't exist");
  });

  test('bearer tokens from the platform IMS are accepted; others are not', async () => {
    const tok = (await (
      await fetch(`${p.url}/ims/token/v3`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: p.config.env.OAUTH_CLIENT_ID!,
          client_secret: p.config.env.OAUTH_CLIENT_SECRET!,
        }),
      })
    ).json()) as { access_token: string };
    const ok = await fetch(`${p.url}/commerce/rest/default/V1/customerGroups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tok.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ group: { code: 'VIP', tax_class_id: 3 } }),
    });
    expect(ok.status).toBe(200);
    const group = (await ok.json()) as { id: number };
    expect(group.id).toBeGreaterThan(3);
    const no = await fetch(`${p.url}/commerce/rest/V1/customerGroups`, {
      method: 'POST',
      headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
      body: '{"group":{"code":"x"}}',
    });
    expect(no.status).toBe(401);
    expect((await commerce('PUT', `customerGroups/${group.id}`, { group: { code: 'VIP2' } })).json.code).toBe('VIP2');
    expect((await commerce('DELETE', `customerGroups/${group.id}`)).json).toBe(true);
  });

  test('customers, order comments, shipments, source items', async () => {
    const c = await commerce('POST', 'customers', {
      customer: { email: 'jane@x.com', firstname: 'Jane', lastname: 'Doe' },
    });
    expect(c.json.id).toBeGreaterThan(0);
    expect(
      (await commerce('POST', 'customers', { customer: { email: 'jane@x.com', firstname: 'J', lastname: 'D' } }))
        .status,
    ).toBe(400);
    expect((await commerce('PUT', `customers/${c.json.id}`, { customer: { firstname: 'Janet' } })).json.firstname).toBe(
      'Janet',
    );
    expect((await commerce('PUT', 'customers/999999', { customer: { firstname: 'x' } })).status).toBe(404);
    expect((await commerce('DELETE', `customers/${c.json.id}`)).json).toBe(true);

    expect(
      (
        await commerce('POST', 'orders/8/comments', {
          statusHistory: { comment: 'shipped', status: 'shipped', is_customer_notified: 0 },
        })
      ).json,
    ).toBe(true);
    const order = await commerce('GET', 'orders/8', undefined, { auth: 'none' });
    expect(order.json.status).toBe('shipped');
    const ship = await commerce('POST', 'order/8/ship', {
      items: [{ order_item_id: 8, qty: 1 }],
      tracks: [{ track_number: 'T1', title: 'T', carrier_code: 'custom' }],
    });
    expect(typeof ship.json).toBe('string');
    expect(
      (await commerce('POST', 'shipment', { entity: { entity_id: Number(ship.json), order_id: 8, tracks: [] } })).json
        .entity_id,
    ).toBe(Number(ship.json));

    expect(
      (
        await commerce('POST', 'inventory/source-items', {
          sourceItems: [{ sku: 'SKU-EXT-0001', source_code: 'default', quantity: 66, status: 1 }],
        })
      ).json,
    ).toEqual([]);
    const items = await commerce('GET', 'inventory/source-items', undefined, { auth: 'none' });
    expect(items.json.items).toEqual([expect.objectContaining({ sku: 'SKU-EXT-0001', quantity: 66 })]);
  });

  test('eventing endpoints used by commerce:subscribe', async () => {
    expect(
      (
        await commerce('PUT', 'eventing/updateConfiguration', {
          config: { enabled: true, merchant_id: 'm', environment_id: 'e' },
        })
      ).json,
    ).toBe(true);
    expect(
      (
        await commerce('POST', 'eventing/eventProvider', {
          eventProvider: { provider_id: 'p-1', instance_id: 'i-1', label: 'Commerce' },
        })
      ).status,
    ).toBe(200);
    expect((await commerce('GET', 'eventing/eventProvider')).json).toEqual([
      expect.objectContaining({ provider_id: 'p-1' }),
    ]);
    const sub = { event: { name: 'observer.catalog_product_save_commit_after', fields: [{ name: 'sku' }] } };
    expect((await commerce('POST', 'eventing/eventSubscribe', sub)).json).toBe(true);
    expect((await commerce('POST', 'eventing/eventSubscribe', sub)).status).toBe(400);
    expect((await commerce('POST', 'eventing/eventSubscribe', { ...sub, force: true })).json).toBe(true);
    expect((await commerce('GET', 'eventing/getEventSubscriptions')).json.map((s: any) => s.name)).toEqual([
      'observer.catalog_product_save_commit_after',
    ]);
    expect((await commerce('DELETE', 'eventing/eventSubscribe/observer.catalog_product_save_commit_after')).json).toBe(
      true,
    );
    expect((await commerce('GET', 'eventing/getEventSubscriptions')).json).toEqual([]);
  });

  test('back-office stand-in stores writes behind an x-api-key and answers GET with them', async () => {
    const no = await fetch(`${p.url}/backoffice/products/SKU-9`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"sku":"SKU-9"}',
    });
    expect(no.status).toBe(401);
    const wrong = await fetch(`${p.url}/backoffice/products/SKU-9`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k' },
      body: '{"sku":"SKU-9"}',
    });
    expect(wrong.status).toBe(401);
    // the platform generates BACKOFFICE_API_KEY once, like the other local secrets
    const key = p.config.env.BACKOFFICE_API_KEY;
    expect(key).toBeTruthy();
    const ok = await fetch(`${p.url}/backoffice/products/SKU-9`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-api-key': key! },
      body: '{"sku":"SKU-9","qty":3}',
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-local-stand-in')).toBe('backoffice');
    const got = (await (await fetch(`${p.url}/backoffice/products/SKU-9`)).json()) as { body: unknown; method: string };
    expect(got).toMatchObject({ method: 'PUT', body: { sku: 'SKU-9', qty: 3 } });
  });
});

describe('event → runtime action → Commerce stand-in, with a forced failure retried', () => {
  test('a product event ends in the stand-in after the stand-in failed twice', async () => {
    const tok = (await (
      await fetch(`${p.url}/ims/token/v3`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: p.config.env.OAUTH_CLIENT_ID!,
          client_secret: p.config.env.OAUTH_CLIENT_SECRET!,
        }),
      })
    ).json()) as { access_token: string };
    const auth = {
      authorization: `Bearer ${tok.access_token}`,
      'x-api-key': p.config.env.OAUTH_CLIENT_ID!,
      'content-type': 'application/json',
    };
    const base = `${p.url}/events/000000/local-project/local-workspace`;
    const prov = (await (
      await fetch(`${base}/providers`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ label: 'Back office' }),
      })
    ).json()) as { id: string };
    await fetch(`${base}/providers/${prov.id}/eventmetadata`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ event_code: 'be-observer.catalog_product_create', label: 'Product created' }),
    });
    const reg = await fetch(`${base}/registrations`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        client_id: 'c',
        name: 'product-backoffice',
        delivery_type: 'webhook',
        runtime_action: 'product-backoffice/consumer',
        events_of_interest: [{ provider_id: prov.id, event_code: 'be-observer.catalog_product_create' }],
      }),
    });
    expect(reg.status).toBe(201);

    await fetch(`${p.url}/commerce/_control/fail`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 503, count: 2 }),
    });
    const pub = await fetch(`${p.url}/ingress`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({
        specversion: '1.0',
        id: 'flow-1',
        source: `urn:uuid:${prov.id}`,
        type: 'be-observer.catalog_product_create',
        data: { sku: 'FLOW-1', name: 'Flow product', price: 5 },
      }),
    });
    expect(pub.status).toBe(200);
    const product = await waitFor(
      async () => {
        const r = await fetch(`${p.url}/commerce/rest/V1/products/FLOW-1`);
        return r.status === 200 && ((await r.json()) as { name: string });
      },
      20_000,
      'the product in the stand-in',
    );
    expect(product.name).toBe('Flow product');
    const ev = await waitFor(
      async () => {
        const e = (await (await fetch(`${p.url}/events/_local/events/flow-1`)).json()) as any;
        return e.event.status === 'delivered' && e;
      },
      5000,
      'delivered',
    );
    expect(ev.deliveries[0].trace.map((a: any) => a.response.status)).toEqual([503, 503, 200]);
    expect(ev.activations).toHaveLength(3);
  });
});
