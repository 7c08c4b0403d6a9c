/**
 * Beyond the starter kit, end to end over real HTTP through the local platform (the real
 * app, bundled and run by the platform's runtime; registrations from events.config.json;
 * lookups against the platform's query API stand-ins):
 * - commercetools: included (published, delivered, handled, in the Commerce stand-in),
 *   filtered out, stale version, duplicate id;
 * - thin events: a burst of 100 changes to one product → 1 lookup within the TTL;
 * - batch files: the batch sink fed by a real `webhook_batch` registration, files complete
 *   with correct manifests.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunningPlatform } from '../../platform/core/server';
import { ctCustomerUpsert, ctProductUpsert } from '../../src/catalog/commercetools';
import {
  BatchWriter,
  LocalDirectoryStorage,
  startBatchSink,
  type BatchSink,
  type Manifest,
} from '../../src/outbound/batch';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { waitFor } from '../platform/events/harness';
import { startTestPlatform } from '../platform/helpers';

const ROOT = path.join(__dirname, '..', '..');

let p: RunningPlatform;
let key = '';
let ctUrl = '';
let webhookUrl = '';
let erp: WebhookReceiver;
let promo: WebhookReceiver;
const SECRET = `whsec_${Buffer.from('e2e outbound secret, 32 bytes!!!').toString('base64')}`;
let promoEndsAt = 0;

beforeAll(async () => {
  erp = await startWebhookReceiver({ secret: SECRET, apiKey: 'erp-e2e-key' });
  promo = await startWebhookReceiver({ secret: SECRET });
  // a temporary target whose end date has passed (receiving until then is unit-tested on a moved clock)
  promoEndsAt = Date.now() - 1000;
  const targets = [
    {
      name: 'erp',
      type: 'webhook',
      url: erp.url,
      apiKey: '$OUTBOUND_WEBHOOK_API_KEY',
      secret: '$OUTBOUND_WEBHOOK_SECRET',
      events: ['com.adobe.commerce.observer.sales_order_*'],
    },
    {
      name: 'promo',
      type: 'webhook',
      url: promo.url,
      secret: '$OUTBOUND_WEBHOOK_SECRET',
      endsAt: new Date(promoEndsAt).toISOString(),
    },
  ];
  // 0.05: retries come after seconds, and a blocking invoke still waits 3 s for a handler on a loaded machine
  p = await startTestPlatform({
    projectDir: ROOT,
    timeScale: 0.05,
    env: {
      OUTBOUND_TARGETS: JSON.stringify(targets),
      OUTBOUND_WEBHOOK_API_KEY: 'erp-e2e-key',
      OUTBOUND_WEBHOOK_SECRET: SECRET,
    },
  });
  const url = (name: string) =>
    p.ctx.runtime.actions().find((a) => a.fullName === name)?.webUrl ??
    `${p.url}/api/v1/web/${p.config.namespace}/${name}`;
  ctUrl = url('ingestion/commercetools');
  webhookUrl = url('ingestion/webhook');
  key = p.config.env.INGESTION_API_KEY ?? '';
}, 180_000);
afterAll(async () => {
  await p?.close();
  await erp?.close();
  await promo?.close();
});

async function management() {
  const env = p.config.env;
  const tokenRes = await fetch(`${p.url}/ims/token/v3`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: env.OAUTH_CLIENT_ID ?? '',
      client_secret: env.OAUTH_CLIENT_SECRET ?? '',
      scope: 'adobeio_api',
    }),
  });
  const token = ((await tokenRes.json()) as { access_token: string }).access_token;
  const headers = {
    authorization: `Bearer ${token}`,
    'x-api-key': env.OAUTH_CLIENT_ID ?? '',
    'x-ims-org-id': env.OAUTH_ORG_ID ?? '',
    'content-type': 'application/json',
  };
  const consumer = env.IO_CONSUMER_ID ?? '000000';
  const ws = `${p.url}/events/${consumer}/${env.IO_PROJECT_ID ?? 'local-project'}/${env.IO_WORKSPACE_ID ?? 'local-workspace'}`;
  const providers = (await (await fetch(`${p.url}/events/${consumer}/providers`, { headers })).json()) as {
    _embedded: { providers: Array<{ id: string; label: string }> };
  };
  const providerId = (label: string) =>
    providers._embedded.providers.find((x) => x.label.startsWith(label))?.id as string;
  return { headers, ws, providerId };
}

async function postJson(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function eventStatus(eventId: string): Promise<string | undefined> {
  const r = await fetch(`${p.url}/events/_local/events/${encodeURIComponent(eventId)}`);
  if (r.status !== 200) return undefined;
  const d = (await r.json()) as { deliveries?: Array<{ status: string }> };
  return d.deliveries?.[0]?.status;
}

const settled = (id: string, what: string) =>
  waitFor(
    async () => {
      const s = await eventStatus(id);
      return s && ['delivered', 'rejected', 'dead'].includes(s) && s;
    },
    60_000,
    what,
  );

describe('commercetools subscription → ingestion/commercetools → I/O Events → handler → Commerce stand-in', () => {
  test('included: a product change notification ends as the product in the stand-in (looked up in the commercetools stand-in)', async () => {
    const r = await postJson(ctUrl, ctProductUpsert.sample);
    expect(r.status).toBe(200);
    const id = r.json.response.id as string;
    expect(await settled(id, 'the product upsert')).toBe('delivered');
    const product = await waitFor(
      async () => {
        const res = await fetch(`${p.url}/commerce/rest/V1/products/CT-DUFFLE-BAG`);
        return res.status === 200 && ((await res.json()) as { name?: string; price?: number });
      },
      30_000,
      'the product in the stand-in',
    );
    expect(product).toMatchObject({ name: 'Duffle Bag', price: 45.99 });
  }, 90_000);

  test('included, then duplicate id and stale version are skipped with 200 and never published', async () => {
    const m = { ...ctCustomerUpsert.sample, id: 'e2e-ct-msg-1', resourceVersion: 3 };
    const first = await postJson(ctUrl, m);
    expect(first.status).toBe(200);
    expect(first.json.response).toMatchObject({ id: 'e2e-ct-msg-1', event: 'commercetools.connect.customer.upsert' });
    expect(await settled('e2e-ct-msg-1', 'the customer upsert')).toBe('delivered');

    const dup = await postJson(ctUrl, m);
    expect(dup).toMatchObject({ status: 200, json: { response: { skipped: 'duplicate' } } });
    const stale = await postJson(ctUrl, { ...m, id: 'e2e-ct-msg-0', resourceVersion: 2, type: 'CustomerEmailChanged' });
    expect(stale).toMatchObject({ status: 200, json: { response: { skipped: 'stale' } } });
    expect(await eventStatus('e2e-ct-msg-0')).toBeUndefined();
  }, 90_000);

  test('filtered out: a kind outside the inclusion filter is acknowledged and not published', async () => {
    const r = await postJson(ctUrl, {
      ...ctCustomerUpsert.sample,
      id: 'e2e-ct-filtered',
      type: 'CustomerPasswordUpdated',
      resourceVersion: 9,
    });
    expect(r).toMatchObject({ status: 200, json: { response: { skipped: 'filtered' } } });
    expect(await eventStatus('e2e-ct-filtered')).toBeUndefined();
  });

  test('no credentials → 401', async () => {
    const res = await fetch(ctUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ctCustomerUpsert.sample),
    });
    expect(res.status).toBe(401);
  });
});

describe('thin events → webhook → handler lookup (cached) → Commerce stand-in', () => {
  test('a burst of 100 changes to one product costs 1 lookup in the query API', async () => {
    const sku = 'SKU-E2E-THIN';
    await fetch(`${p.url}/query/products/${sku}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sku, name: 'Thin E2E', price: 7.5, description: 'looked up once' }),
    });
    const ids: string[] = [];
    for (let i = 0; i < 100; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, j) =>
          postJson(webhookUrl, {
            data: { uid: `thin-${i + j}`, event: 'thin.product.changed', value: { sku, entityChanged: ['Price'] } },
          }),
        ),
      );
      for (const b of batch) {
        expect(b.status).toBe(200);
        ids.push(b.json.response.id as string);
      }
    }
    for (const id of ids) expect(await settled(id, `thin event ${id}`)).toBe('delivered');
    const stats = (await (await fetch(`${p.url}/query/_stats`)).json()) as {
      lookups: Array<{ path: string; count: number }>;
    };
    expect(stats.lookups.find((l) => l.path === `query/products/${sku}`)?.count).toBe(1);
    const product = (await (await fetch(`${p.url}/commerce/rest/V1/products/${sku}`)).json()) as { name?: string };
    expect(product.name).toBe('Thin E2E');
  }, 180_000);
});

describe('batch file target fed by a real webhook_batch registration', () => {
  let dir: string;
  let sink: BatchSink;
  afterAll(async () => {
    await sink?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  test('events published through the webhook land in NDJSON files with correct manifests', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'e2e-batch-'));
    const writer = new BatchWriter({ storage: new LocalDirectoryStorage(dir), maxBytes: 4000, maxAgeMs: 500 });
    sink = await startBatchSink({ writer, log: () => undefined });

    const env = p.config.env;
    const m = await management();
    const headers = m.headers;
    const provider = { id: m.providerId('Backoffice Provider') };
    expect(provider.id).toBeDefined();
    const reg = await fetch(`${m.ws}/registrations`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        client_id: env.OAUTH_CLIENT_ID,
        name: 'Warehouse batch files',
        description: 'back-office stock updates into NDJSON files',
        delivery_type: 'webhook_batch',
        webhook_url: sink.url,
        events_of_interest: [{ provider_id: provider?.id, event_code: 'be-observer.catalog_stock_update' }],
      }),
    });
    expect(reg.status).toBeLessThan(300);

    const sent: string[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await postJson(webhookUrl, {
        data: {
          uid: `stock-${i}`,
          event: 'be-observer.catalog_stock_update',
          value: [{ sku: `SKU-B${i}`, source: 'default', quantity: i, outOfStock: false }],
        },
      });
      expect(r.status).toBe(200);
      sent.push(r.json.response.id as string);
    }
    const files = await waitFor(
      async () => {
        const names = (await fs.readdir(dir)).filter((n) => n.endsWith('.manifest.json'));
        const manifests = await Promise.all(
          names.map(async (n) => JSON.parse(await fs.readFile(path.join(dir, n), 'utf8')) as Manifest),
        );
        return manifests.reduce((s, m) => s + m.count, 0) >= 30 && manifests;
      },
      60_000,
      'every event in a closed file',
    );
    const ids: string[] = [];
    for (const m of files) {
      const text = await fs.readFile(path.join(dir, m.file), 'utf8');
      expect(m.bytes).toBe(Buffer.byteLength(text));
      expect(m.bytes).toBeLessThanOrEqual(4000);
      expect(m.sha256).toBe(createHash('sha256').update(text).digest('hex'));
      const lines = text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; type: string });
      expect(m.count).toBe(lines.length);
      ids.push(...lines.map((l) => l.id));
    }
    expect([...new Set(ids)].sort()).toEqual([...sent].sort());
  }, 120_000);
});

describe('Commerce events → outbound/dispatch → webhook targets (signed), and a temporary target', () => {
  test('an order event reaches the ERP receiver signed (verified with standardwebhooks); a temporary target past its end date gets nothing and says why', async () => {
    const m = await management();
    const commerce = m.providerId('Commerce Provider');
    expect(commerce).toBeDefined();
    const reg = await fetch(`${m.ws}/registrations`, {
      method: 'POST',
      headers: m.headers,
      body: JSON.stringify({
        client_id: p.config.env.OAUTH_CLIENT_ID,
        name: 'Outbound targets',
        description: 'Commerce order events to the outbound webhook targets',
        delivery_type: 'webhook',
        runtime_action: 'outbound/dispatch',
        events_of_interest: [
          { provider_id: commerce, event_code: 'com.adobe.commerce.observer.sales_order_save_commit_after' },
        ],
      }),
    });
    expect(reg.status).toBeLessThan(300);
    const publish = (id: string) =>
      fetch(`${p.url}/ingress`, {
        method: 'POST',
        headers: { ...m.headers, 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify({
          specversion: '1.0',
          id,
          source: `urn:uuid:${commerce}`,
          type: 'com.adobe.commerce.observer.sales_order_save_commit_after',
          datacontenttype: 'application/json',
          time: new Date().toISOString(),
          data: { value: { id: '12', increment_id: '000000012' } },
        }),
      });
    expect((await publish('order-1')).status).toBeLessThan(300);
    await waitFor(() => erp.received.some((r) => r.id === 'order-1'), 60_000, 'the ERP got the order');
    expect(erp.rejected).toEqual([]);
    expect(erp.received.find((r) => r.id === 'order-1')?.body).toMatchObject({
      id: 'order-1',
      type: 'com.adobe.commerce.observer.sales_order_save_commit_after',
      data: { value: { id: '12' } },
    });
    expect(String(erp.received[0]?.headers['webhook-signature'])).toMatch(/^v1,/);
    expect(promo.received).toHaveLength(0);
    // the dispatcher's activation says which target stopped and why
    const detail = await waitFor(
      async () => {
        const text = await (await fetch(`${p.url}/events/_local/events/order-1`)).text();
        return /end date [0-9T:.-]+Z reached/.test(text) && text;
      },
      30_000,
      'the stopped target in the trace',
    );
    expect(detail).toMatch(/promo/);
  }, 120_000);
});
