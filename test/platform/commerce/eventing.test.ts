/**
 * The Commerce stand-in's eventing: which saves publish which Commerce events, with which
 * fields, under which code; read back from the local I/O Events' own events API.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPlatform, type RunningPlatform } from '../../../platform';
import { waitFor } from '../events/harness';

const SAVE = 'observer.catalog_product_save_commit_after';
let p: RunningPlatform;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-eventing-'));
  fs.writeFileSync(path.join(dir, 'app.config.yaml'), 'application:\n  runtimeManifest:\n    packages: {}\n');
  fs.writeFileSync(
    path.join(dir, 'events.config.json'),
    JSON.stringify({
      providers: [
        {
          label: 'Commerce Provider',
          provider_metadata: 'dx_commerce_events',
          event_metadata: [
            { event_code: `com.adobe.commerce.${SAVE}` },
            { event_code: `com.adobe.commerce.acme.${SAVE}` },
            { event_code: 'com.adobe.commerce.observer.customer_group_save_commit_after' },
          ],
        },
      ],
      registrations: [],
    }),
  );
  fs.writeFileSync(path.join(dir, '.env'), 'COMMERCE_EVENTS_DELAY_MS=0\n');
  p = await startPlatform({ projectDir: dir, dataDir: dir, port: 0, quiet: true, watch: false });
}, 60_000);

afterAll(async () => {
  await p?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** a write as an admin (a bearer token of the platform's IMS) */
async function commerce(method: string, rel: string, body: unknown): Promise<number> {
  const env = p.config.env;
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: env.OAUTH_CLIENT_ID!,
    client_secret: env.OAUTH_CLIENT_SECRET!,
    scope: 'adobeio_api',
  });
  const tok = (await (await fetch(`${p.url}/ims/token/v3`, { method: 'POST', body: form })).json()) as {
    access_token: string;
  };
  const res = await fetch(`${p.url}/commerce/rest/V1/${rel}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tok.access_token}` },
    body: JSON.stringify(body),
  });
  return res.status;
}

async function eventsOf(type: string, entity: string): Promise<Array<{ data: { value: Record<string, unknown> } }>> {
  const r = (await (await fetch(`${p.url}/events/_local/events?type=${type}&entity=${entity}`)).json()) as {
    events: Array<{ eventId: string }>;
  };
  const out = [];
  for (const e of r.events) {
    const d = (await (await fetch(`${p.url}/events/_local/events/${e.eventId}`)).json()) as {
      event: { cloudEvent: { data: { value: Record<string, unknown> } } };
    };
    out.push(d.event.cloudEvent);
  }
  return out;
}

const queued = (): number =>
  (p.ctx.db.prepare("SELECT COUNT(*) AS n FROM cm_entities WHERE kind = 'eventQueue'").get() as { n: number }).n;

test('before any subscription: the declared Commerce codes, every field, custom attributes as fields', async () => {
  expect(
    await commerce('POST', 'products', {
      product: {
        sku: 'EV-1',
        name: 'Mug',
        price: 4,
        custom_attributes: [{ attribute_code: 'description', value: 'tall' }],
      },
    }),
  ).toBe(200);
  const [e] = await waitFor(
    async () => {
      const list = await eventsOf(`com.adobe.commerce.${SAVE}`, 'EV-1');
      return list.length > 0 && list;
    },
    10_000,
    'the product event',
  );
  expect(e?.data.value).toMatchObject({ sku: 'EV-1', name: 'Mug', price: 4, description: 'tall', type_id: 'simple' });
  expect(e?.data.value).not.toHaveProperty('custom_attributes');
  // each declared code stands for a subscription: the alias too
  const [alias] = await eventsOf(`com.adobe.commerce.acme.${SAVE}`, 'EV-1');
  expect(alias?.data.value).toMatchObject({ sku: 'EV-1', description: 'tall' });
});

test('subscribed: the alias {prefix}.observer.X with the fields it selects; unsubscribed events are not sent', async () => {
  expect(
    await commerce('POST', 'eventing/eventSubscribe', {
      event: { name: `acme.${SAVE}`, parent: SAVE, fields: [{ name: 'sku' }, { name: 'name' }] },
    }),
  ).toBe(200);
  expect(await commerce('PUT', 'products/EV-2', { product: { sku: 'EV-2', name: 'Cup', price: 3 } })).toBe(200);
  expect(await commerce('POST', 'customerGroups', { group: { code: 'Not subscribed', tax_class_id: 3 } })).toBe(200);
  const [e] = await waitFor(
    async () => {
      const list = await eventsOf(`com.adobe.commerce.acme.${SAVE}`, 'EV-2');
      return list.length > 0 && list;
    },
    10_000,
    'the alias event',
  );
  expect(e?.data.value).toEqual({ sku: 'EV-2', name: 'Cup' });
  await waitFor(async () => queued() === 0, 10_000, 'the queue to drain');
  expect(await eventsOf(`com.adobe.commerce.${SAVE}`, 'EV-2')).toEqual([]);
  expect(await eventsOf('com.adobe.commerce.observer.customer_group_save_commit_after', 'Not subscribed')).toEqual([]);
});

test('eventing disabled in the configuration: saves publish nothing', async () => {
  expect(await commerce('PUT', 'eventing/updateConfiguration', { config: { enabled: false } })).toBe(200);
  expect(await commerce('PUT', 'products/EV-3', { product: { sku: 'EV-3', name: 'Jug' } })).toBe(200);
  expect(queued()).toBe(0);
  await new Promise((r) => setTimeout(r, 300));
  expect(await eventsOf(`com.adobe.commerce.acme.${SAVE}`, 'EV-3')).toEqual([]);
});

test("the kit's samples' entities are there on a first run; other unknown ids are still 404", async () => {
  expect((await fetch(`${p.url}/commerce/rest/V1/customers/15`)).status).toBe(200);
  expect((await fetch(`${p.url}/commerce/rest/V1/customerGroups/19`)).status).toBe(200);
  expect((await fetch(`${p.url}/commerce/rest/V1/customers/16`)).status).toBe(404);
  expect(await commerce('PUT', 'customerGroups/20', { group: { code: 'x' } })).toBe(404);
});

test("an admin's curl: the integration's access token as a bearer writes; another bearer does not", async () => {
  const put = (bearer: string) =>
    fetch(`${p.url}/commerce/rest/V1/products/EV-4`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ product: { name: 'Bowl' } }),
    });
  expect((await put(p.config.env.COMMERCE_ACCESS_TOKEN!)).status).toBe(200);
  expect((await put('not-a-token')).status).toBe(401);
});
