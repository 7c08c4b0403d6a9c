/**
 * Both directions on one machine, with a non-empty EVENT_PREFIX, the way a user runs them:
 * onboarding and `commerce:subscribe` against the local platform, the real app's actions,
 * the Commerce stand-in publishing Commerce events after its saves.
 *
 * - an admin's edit in the Commerce stand-in reaches the back-office stand-in once;
 * - a back-office change (webhook → Commerce write) comes back as a Commerce event, and the
 *   loop breaker stops it: the back office receives nothing back, for every entity family;
 * - both sides change one product within a second: nothing loops, no event is lost, both
 *   sides end with the value Commerce committed last;
 * - the starter kit's 8 Commerce samples, published with @adobe/aio-lib-events, apply.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import OAuth from 'oauth-1.0a';
import events from '@adobe/aio-lib-events';
import type { RunningPlatform } from '../../platform/core/server';
import { summary } from '../../platform/cli/summary';
import { catalog, prefixedCode } from '../../src/catalog';
import { runOnboarding } from '../../scripts/onboarding/onboard';
import { runCommerceSubscribe } from '../../scripts/onboarding/commerce-subscribe';
import type { CliIo } from '../../scripts/onboarding/cli-common';
import { startTestPlatform } from '../platform/helpers';
import { waitFor } from '../platform/events/harness';

const ROOT = path.join(__dirname, '..', '..');
const PREFIX = 'acme';
const DONE = ['delivered', 'rejected', 'dead', 'dropped', 'received'];

let p: RunningPlatform;
let env: Record<string, string>;
let commerceProviderId = '';

function quietIo(): CliIo & { text(): string } {
  const lines: string[] = [];
  return {
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    interactive: false,
    confirm: async () => false,
    text: () => lines.join('\n'),
  };
}

beforeAll(async () => {
  p = await startTestPlatform({
    projectDir: ROOT,
    timeScale: 0.05,
    // Commerce's eventing publishes a moment after the save (1 s by default); a little longer
    // here, so that a loaded machine keeps the order of events that Commerce committed apart
    env: { EVENT_PREFIX: PREFIX, PLATFORM_EVENTS_CONFIG: 'none', COMMERCE_EVENTS_DELAY_MS: '1500' },
  });
  env = { ...p.config.env, AIO_RUNTIME_NAMESPACE: p.config.namespace };
  const io = quietIo();
  const onboarded = await runOnboarding({ argv: ['--yes'], env, io });
  if (onboarded.exitCode !== 0) throw new Error(`onboarding failed:\n${io.text()}`);
  commerceProviderId = onboarded.providerIds?.commerce ?? '';
  const sio = quietIo();
  const subscribed = await runCommerceSubscribe({ argv: ['--yes'], env, io: sio });
  if (subscribed.exitCode !== 0) throw new Error(`commerce:subscribe failed:\n${sio.text()}`);
}, 180_000);
afterAll(() => p?.close());

// ---------------------------------------------------------------- doors

async function commerce(method: string, rel: string, body: unknown): Promise<any> {
  const url = `${p.url}/commerce/rest/V1/${rel}`;
  const oauth = new OAuth({
    consumer: { key: env.COMMERCE_CONSUMER_KEY!, secret: env.COMMERCE_CONSUMER_SECRET! },
    signature_method: 'HMAC-SHA256',
    hash_function: (text, key) => crypto.createHmac('sha256', key).update(text).digest('base64'),
  });
  const authorization = oauth.toHeader(
    oauth.authorize({ url, method }, { key: env.COMMERCE_ACCESS_TOKEN!, secret: env.COMMERCE_ACCESS_TOKEN_SECRET! }),
  ).Authorization;
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json();
}

const read = async (rel: string): Promise<any> => (await fetch(`${p.url}/commerce/rest/V1/${rel}`)).json();

async function webhook(code: string, value: unknown): Promise<void> {
  const w = p.ctx.runtime.actions().find((a) => a.fullName === 'ingestion/webhook');
  const res = await fetch(w?.webUrl ?? '', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': env.INGESTION_API_KEY! },
    body: JSON.stringify({ data: { uid: `two-way-${crypto.randomUUID()}`, event: code, value } }),
  });
  expect(res.status).toBeLessThan(300);
}

interface LogEntry {
  path: string;
  method: string;
  body: any;
}
async function backofficeLog(): Promise<LogEntry[]> {
  const r = (await (await fetch(`${p.url}/backoffice/_log`)).json()) as { items: LogEntry[] };
  return r.items.reverse(); // oldest first
}

const count = (sql: string): number => (p.ctx.db.prepare(sql).get() as { n: number }).n;

/** nothing queued in the stand-in, nothing left to deliver, for a moment */
async function quiet(): Promise<void> {
  let since = 0;
  await waitFor(
    async () => {
      const busy =
        count("SELECT COUNT(*) AS n FROM cm_entities WHERE kind = 'eventQueue'") +
        count(`SELECT COUNT(*) AS n FROM ev_events WHERE status NOT IN (${DONE.map((s) => `'${s}'`).join(',')})`);
      if (busy > 0) {
        since = 0;
        return false;
      }
      since ||= Date.now();
      return Date.now() - since > 600;
    },
    60_000,
    'the platform to settle',
  ).catch((e: Error) => {
    const left = p.ctx.db
      .prepare(`SELECT type, status FROM ev_events WHERE status NOT IN (${DONE.map((s) => `'${s}'`).join(',')})`)
      .all();
    const queued = p.ctx.db.prepare("SELECT body FROM cm_entities WHERE kind = 'eventQueue'").all();
    throw new Error(`${e.message}: ${JSON.stringify({ left, queued }).slice(0, 2000)}`);
  });
}

interface StoredEvent {
  event_id: string;
  type: string;
  status: string;
}
const commerceEvents = (): StoredEvent[] =>
  p.ctx.db
    .prepare("SELECT event_id, type, status FROM ev_events WHERE type LIKE 'com.adobe.commerce.%' ORDER BY seq")
    .all() as StoredEvent[];

/** what the handlers of an event answered (a retried delivery runs the handler again) */
function handlerCodes(eventId: string): unknown[] {
  const ce = p.ctx.db.prepare('SELECT ce_id FROM ev_events WHERE event_id = ?').get(eventId) as { ce_id: string };
  return p.ctx.runtime
    .activationsForEvent(ce.ce_id)
    .filter((a) => a.name === 'handler')
    .map((a) => (a.response.result.body as { code?: unknown } | undefined)?.code);
}

// ---------------------------------------------------------------- Commerce → back office

test('an admin edits a product in the Commerce stand-in: the back office receives it once', async () => {
  const sku = `ADMIN-${Date.now()}`;
  await commerce('POST', 'products', { product: { sku, name: 'Desk', price: 120, attribute_set_id: 4 } });
  await quiet();
  await commerce('PUT', `products/${sku}`, {
    product: { sku, name: 'Desk, oak', custom_attributes: [{ attribute_code: 'description', value: 'solid oak' }] },
  });
  await quiet();
  // once per Commerce save (a delivery retried after a slow first attempt may repeat a write;
  // a loop would add writes of its own)
  const writes = (await backofficeLog()).filter((l) => l.path === `products/${sku}`);
  expect([...new Set(writes.map((w) => `${w.method} ${w.body.name}`))]).toEqual(['PUT Desk', 'PUT Desk, oak']);
  expect(writes.at(-1)?.body).toMatchObject({ sku, price: 120, description: 'solid oak' });
  const types = commerceEvents().slice(-2);
  expect(types.map((e) => [e.type, e.status])).toEqual([
    [`com.adobe.commerce.${PREFIX}.observer.catalog_product_save_commit_after`, 'delivered'],
    [`com.adobe.commerce.${PREFIX}.observer.catalog_product_save_commit_after`, 'delivered'],
  ]);
}, 90_000);

test('the curl npm start prints (and the README shows) edits a product in Commerce; the back office gets it', async () => {
  await webhook('be-observer.catalog_product_create', {
    sku: 'SAMPLE-1',
    name: 'Sample product',
    price: 1,
    description: 'A sample product',
  });
  await quiet();
  const line = summary(p)
    .split('\n')
    .find((l) => l.trim().startsWith('curl -sS -X PUT')) as string;
  const r = await promisify(execFile)('bash', ['-c', `${line.trim()} -o /dev/null -w '%{http_code}'`], {
    encoding: 'utf8',
  });
  expect(r.stdout).toBe('200');
  await quiet();
  const writes = (await backofficeLog()).filter((l) => l.path === 'products/SAMPLE-1');
  expect(writes.map((w) => w.body.name)).toEqual(['Renamed in Commerce']);
}, 90_000);

// ---------------------------------------------------------------- back office → Commerce → (stopped)

const sku = `LOOP-${Date.now()}`;
const uniq = Date.now();
const backofficeChanges: Array<[string, string, unknown]> = [
  ['product', 'be-observer.catalog_product_create', { sku, name: 'Lamp', price: 30, description: 'brass' }],
  ['product', 'be-observer.catalog_product_update', { sku, name: 'Lamp XL', price: 35.5, description: 'brass' }],
  ['stock', 'be-observer.catalog_stock_update', [{ sku, source: 'default', quantity: 66, outOfStock: false }]],
  ['customer', 'be-observer.customer_create', { name: 'Ann', lastname: 'Lee', email: `ann.${uniq}@example.com` }],
  [
    'customer',
    'be-observer.customer_update',
    { id: 15, name: 'Sam', lastname: 'Ple', email: `sam.${uniq}@example.com` },
  ],
  ['customer-group', 'be-observer.customer_group_create', { name: `Group ${uniq}`, taxClassId: 3 }],
  ['customer-group', 'be-observer.customer_group_update', { id: 19, name: `Renamed ${uniq}`, taxClassId: 2 }],
  ['order', 'be-observer.sales_order_status_update', { id: 7001, status: 'processing', notifyCustomer: false }],
  ['product', 'be-observer.catalog_product_delete', { sku }],
  ['customer', 'be-observer.customer_delete', { id: 15 }],
  ['customer-group', 'be-observer.customer_group_delete', { id: 19 }],
];

test.each(backofficeChanges)(
  '%s: %s is written to Commerce, comes back as a prefixed Commerce event, and the loop breaker stops it',
  async (_family, code, value) => {
    const before = commerceEvents().length;
    const logBefore = (await backofficeLog()).length;
    await webhook(code, value);
    await quiet();
    const echoes = commerceEvents().slice(before);
    expect(echoes.length).toBeGreaterThanOrEqual(1);
    for (const e of echoes) {
      expect(e.type.startsWith(`com.adobe.commerce.${PREFIX}.observer.`)).toBe(true);
      expect(e.status).toBe('delivered');
      // stopped by the loop breaker; a retry of a slow first attempt finds it already applied
      const codes = handlerCodes(e.event_id);
      expect(codes).toContain('loop_skipped');
      expect(codes.filter((c) => c !== 'loop_skipped' && c !== 'already_applied')).toEqual([]);
    }
    expect((await backofficeLog()).slice(logBefore)).toEqual([]);
  },
  90_000,
);

// ---------------------------------------------------------------- both sides at once

const conflictSku = `BOTH-${Date.now()}`;
describe('the same product changed on both sides within a second', () => {
  const full = (name: string) => ({ sku: conflictSku, name, price: 10, description: 'shared' });
  const admin = (name: string) => commerce('PUT', `products/${conflictSku}`, { product: { sku: conflictSku, name } });

  beforeAll(async () => {
    await webhook('be-observer.catalog_product_create', full('Start'));
    await quiet();
  }, 90_000);

  async function converged(): Promise<{ commerce: string; backoffice: string }> {
    await quiet();
    const inCommerce = (await read(`products/${conflictSku}`)).name as string;
    const last = (await backofficeLog()).filter((l) => l.path === `products/${conflictSku}`).at(-1);
    return { commerce: inCommerce, backoffice: last?.body.name };
  }

  test('back office first, then the admin: the admin write (committed last in Commerce) wins on both sides', async () => {
    const before = commerceEvents().length;
    await webhook('be-observer.catalog_product_update', full('Back-office edit 1'));
    await new Promise((r) => setTimeout(r, 700));
    await admin('Admin edit 1');
    expect(await converged()).toEqual({ commerce: 'Admin edit 1', backoffice: 'Admin edit 1' });
    const after = commerceEvents().slice(before);
    expect(after.map((e) => e.status)).toEqual(after.map(() => 'delivered')); // nothing lost
    expect(after.length).toBeLessThanOrEqual(2); // nothing loops: one event per Commerce write
  }, 90_000);

  test('the admin first, then the back office: the back-office write (committed last) wins on both sides', async () => {
    const before = commerceEvents().length;
    await admin('Admin edit 2');
    await new Promise((r) => setTimeout(r, 700));
    await webhook('be-observer.catalog_product_update', full('Back-office edit 2'));
    expect(await converged()).toEqual({ commerce: 'Back-office edit 2', backoffice: 'Back-office edit 2' });
    const after = commerceEvents().slice(before);
    expect(after.map((e) => e.status)).toEqual(after.map(() => 'delivered'));
    expect(after.length).toBeLessThanOrEqual(2);
  }, 90_000);
});

// ---------------------------------------------------------------- the console

test("the console's entity timeline shows both directions, with the echo the loop breaker stopped and why", async () => {
  const res = await fetch(`${p.url}/console/api/entity-timeline?entity=${sku}`);
  expect(res.status).toBe(200);
  const { items } = (await res.json()) as {
    items: Array<{ direction: string; type: string; outcome: string; why: string | null; at: number }>;
  };
  const summary = items.map((i) => [i.direction, i.type.replace(/^.*observer\./, ''), i.outcome]);
  expect(summary).toEqual(
    expect.arrayContaining([
      ['backoffice-to-commerce', 'catalog_product_create', 'applied'],
      ['commerce-to-backoffice', 'catalog_product_save_commit_after', 'echo-stopped'],
      ['backoffice-to-commerce', 'catalog_product_delete', 'applied'],
      ['commerce-to-backoffice', 'catalog_product_delete_commit_after', 'echo-stopped'],
    ]),
  );
  const echo = items.find((i) => i.outcome === 'echo-stopped');
  expect(echo?.why).toMatch(/written by this integration \(loop breaker\)/);
  expect(items.map((i) => i.at)).toEqual([...items.map((i) => i.at)].sort((x, y) => x - y));
  // the admin's edit of another product: Commerce → back office, applied
  const admin = (await (await fetch(`${p.url}/console/api/entity-timeline?entity=${conflictSku}`)).json()) as {
    items: Array<{ direction: string; outcome: string; why: string | null }>;
  };
  expect(admin.items).toContainEqual(
    expect.objectContaining({
      direction: 'commerce-to-backoffice',
      outcome: 'applied',
      why: expect.stringMatching(/sent to the back office/),
    }),
  );
  const bad = await fetch(`${p.url}/console/api/entity-timeline`);
  expect(bad.status).toBe(400);
  expect(await bad.json()).toMatchObject({ message: expect.stringMatching(/entity/) });
});

// ---------------------------------------------------------------- the kit's Commerce samples

test("the starter kit's 8 Commerce samples, published to the Commerce provider, reach the back office", async () => {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: env.OAUTH_CLIENT_ID!,
    client_secret: env.OAUTH_CLIENT_SECRET!,
    scope: 'adobeio_api,event_receiver_api',
  });
  const tok = (await (await fetch(`${p.url}/ims/token/v3`, { method: 'POST', body: form })).json()) as {
    access_token: string;
  };
  const client = await events.init(env.OAUTH_ORG_ID!, env.OAUTH_CLIENT_ID!, tok.access_token, {
    eventsBaseURL: p.url,
    eventsIngressURL: `${p.url}/ingress`,
  });
  const samples = catalog.filter((e) => e.direction === 'commerce');
  expect(samples).toHaveLength(8);
  const logBefore = (await backofficeLog()).length;
  const before = commerceEvents().length;
  for (const e of samples) {
    await client.publishEvent({
      specversion: '1.0',
      id: crypto.randomUUID(),
      source: `urn:uuid:${commerceProviderId}`,
      type: prefixedCode(e.code, PREFIX),
      datacontenttype: 'application/json',
      data: { value: e.sample },
    } as never);
  }
  await quiet();
  const published = commerceEvents().slice(before);
  expect(published.map((x) => [x.type, x.status])).toEqual(
    samples.map((e) => [prefixedCode(e.code, PREFIX), 'delivered']),
  );
  // at least once: a slow first attempt may be retried, so writes are counted by method and path
  const writes = (await backofficeLog()).slice(logBefore).map((l) => `${l.method} ${l.path}`);
  expect([...new Set(writes)].sort()).toEqual([
    'DELETE customer-groups/18',
    'DELETE customers/123',
    'DELETE products/24-MB01',
    'PUT customer-groups/18',
    'PUT customers/123',
    'PUT orders/12',
    'PUT products/24-MB01',
    'PUT stock/27',
  ]);
}, 90_000);
