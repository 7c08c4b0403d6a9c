/**
 * What a runtime-action registration receives for an event published with the real
 * `@adobe/aio-lib-events` `publishEvent`: the CloudEvent's fields as params, its `data`
 * exactly as published. I/O Events wraps nothing: a custom provider's event carries what
 * its publisher sent (Adobe's commerce starter kit registers its back-office samples as
 * `{sku, name, price, description}`), and a Commerce event carries `{value: {...}}` because
 * the Commerce module publishes it so. docs/aio-cli.md says what this means for the kit.
 */
import path from 'node:path';
import openwhisk from 'openwhisk';
import type { RunningPlatform } from '../../platform/core/server';
import { startTestPlatform } from './helpers';

const APP = path.join(__dirname, '..', 'fixtures', 'echo-consumer-app');
const ORG = '000000';
const PROJ = 'local-project';
const WS = 'local-workspace';

const sdk = require('@adobe/aio-lib-events') as {
  init(org: string, apiKey: string, token: string, opts: Record<string, unknown>): Promise<any>;
};

interface Echo {
  id: string;
  type: string;
  data: unknown;
  params: string[];
}

let p: RunningPlatform;
let ow: ReturnType<typeof openwhisk>;
let events: any;

beforeAll(async () => {
  p = await startTestPlatform({ projectDir: APP });
  const env = p.config.env;
  const res = await fetch(`${p.url}/ims/token/v3`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: env.OAUTH_CLIENT_ID!,
      client_secret: env.OAUTH_CLIENT_SECRET!,
      scope: 'adobeio_api',
    }),
  });
  const { access_token } = (await res.json()) as { access_token: string };
  events = await sdk.init(env.OAUTH_ORG_ID!, env.OAUTH_CLIENT_ID!, access_token, {
    eventsBaseURL: p.url,
    eventsIngressURL: `${p.url}/ingress`,
  });
  ow = openwhisk({ apihost: p.url, api_key: p.config.auth, namespace: p.config.namespace });
}, 120_000);
afterAll(async () => p?.close());

/** the answer of the registered action to the event of CloudEvent id `id` */
async function echoed(id: string): Promise<Echo> {
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    const list = (await ow.activations.list({ limit: 50, docs: true } as never)) as unknown as Array<{
      response?: { result?: { body?: Echo } };
    }>;
    const body = list.map((a) => a.response?.result?.body).find((b) => b?.id === id);
    if (body) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no activation answered event ${id}`);
}

async function provider(label: string, code: string, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await events.createProvider(ORG, PROJ, WS, { label, ...extra });
  await events.createEventMetadataForProvider(ORG, PROJ, WS, created.id, { event_code: code, label: code });
  await events.createRegistration(ORG, PROJ, WS, {
    client_id: p.config.env.OAUTH_CLIENT_ID,
    name: `${label} to echo`,
    delivery_type: 'webhook',
    runtime_action: 'echo/consumer',
    events_of_interest: [{ provider_id: created.id, event_code: code }],
  });
  return created.id;
}

test("a custom event's data reaches the runtime action as published, not wrapped under value", async () => {
  const code = 'be-observer.catalog_product_create';
  const providerId = await provider('Backoffice', code);
  // what the starter kit's ingestion webhook publishes: the sample's `value`, unwrapped
  const data = { sku: 'SKU-EXT-0001', name: 'Product Created Externally', price: 0, description: 'a sample' };
  const id = `custom-${Date.now()}`;
  const published = await events.publishEvent({
    specversion: '1.0',
    id,
    source: `urn:uuid:${providerId}`,
    type: code,
    datacontenttype: 'application/json',
    data,
  });
  expect(published).toBe('OK');
  const got = await echoed(id);
  expect(got.type).toBe(code);
  expect(got.data).toEqual(data);
  expect(got.params).toEqual(expect.arrayContaining(['data', 'id', 'source', 'specversion', 'type', 'event_id']));
}, 60_000);

test('a Commerce event carries {value} because its publisher put it there; it is delivered as published too', async () => {
  const code = 'com.adobe.commerce.observer.catalog_product_save_commit_after';
  const providerId = await provider('Commerce', code, { provider_metadata: 'dx_commerce_events', instance_id: 'shop' });
  const data = { value: { sku: '24-MB01', name: 'Joust Duffle Bag' } };
  const id = `commerce-${Date.now()}`;
  await events.publishEvent({
    specversion: '1.0',
    id,
    source: `urn:uuid:${providerId}`,
    type: code,
    datacontenttype: 'application/json',
    data,
  });
  expect((await echoed(id)).data).toEqual(data);
}, 60_000);
