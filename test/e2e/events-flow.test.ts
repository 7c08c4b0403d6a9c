/**
 * The whole main job on the real app: every back-office sample of the catalog POSTed to the
 * ingestion webhook ends in the Commerce stand-in (webhook → I/O Events → consumer →
 * handler → stand-in), each delivery is traced, and a forced failure of the stand-in is
 * retried and recovered. Registrations come from the project's events.config.json.
 */
import path from 'node:path';
import type { RunningPlatform } from '../../platform/core/server';
import { catalog, type CatalogEntry } from '../../src/catalog';
import { startTestPlatform } from '../platform/helpers';
import { waitFor } from '../platform/events/harness';

const ROOT = path.join(__dirname, '..', '..');

let p: RunningPlatform;
let webhook = '';
let key = '';

beforeAll(async () => {
  // 0.05: retries after 3 s, 6 s...; the REST blocking wait (consumer → handler) scales too, to 3 s
  p = await startTestPlatform({ projectDir: ROOT, timeScale: 0.05 });
  const w = p.ctx.runtime.actions().find((a) => a.fullName === 'ingestion/webhook');
  webhook = w?.webUrl ?? `${p.url}/api/v1/web/${p.config.namespace}/ingestion/webhook`;
  key = p.config.env.INGESTION_API_KEY ?? '';
}, 120_000);
afterAll(() => p?.close());

async function post(uid: string, event: string, value: unknown): Promise<Response> {
  return fetch(webhook, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ data: { uid, event, value } }),
  });
}

/** the webhook answers the CloudEvent id it published (derived from the back office's uid) */
async function publishedId(res: Response): Promise<string> {
  const body = (await res.json()) as { response?: { id?: string } };
  const id = body.response?.id;
  if (!id) throw new Error(`the webhook answered no event id: ${JSON.stringify(body)}`);
  return id;
}

async function settled(id: string): Promise<any> {
  return waitFor(
    async () => {
      const r = await fetch(`${p.url}/events/_local/events/${id}`);
      if (r.status !== 200) return false;
      const e = (await r.json()) as any;
      return ['delivered', 'rejected', 'dead'].includes(e.event.status) && e;
    },
    30_000,
    `delivery of ${id}`,
  );
}

const backoffice = catalog.filter((e) => e.direction === 'backoffice');

describe('back office → webhook → I/O Events → consumer → handler → Commerce stand-in', () => {
  test('the platform seeded one registration per consumer from events.config.json', async () => {
    const r = (await (await fetch(`${p.url}/events/_local/registrations`)).json()) as {
      registrations: Array<{ name: string; runtime_action: string }>;
    };
    const consumers = [...new Set(catalog.map((e: CatalogEntry) => e.consumer))].sort();
    expect(r.registrations.map((x) => x.runtime_action).sort()).toEqual(consumers);
  });

  // in catalog order, so creates come before the updates and deletes of the same sample entity
  test.each(backoffice.map((e) => [e.code, e] as const))(
    '%s reaches the stand-in through consumer and handler',
    async (code, entry) => {
      const before = (p.ctx.db.prepare('SELECT COUNT(*) AS n FROM cm_requests').get() as { n: number }).n;
      const res = await post(`e2e-${code}-${Date.now()}`, code, entry.sample);
      expect(res.status).toBeLessThan(300);
      const detail = await settled(await publishedId(res));
      const d = detail.deliveries[0];
      // every kit sample applies on a first run: the stand-in holds the entities they name
      expect({ code, status: d?.status, last: d?.trace.at(-1)?.response?.status }).toEqual({
        code,
        status: 'delivered',
        last: 200,
      });
      expect(detail.activations.length).toBeGreaterThanOrEqual(2); // consumer + handler
      const after = (p.ctx.db.prepare('SELECT COUNT(*) AS n FROM cm_requests').get() as { n: number }).n;
      expect(after).toBeGreaterThan(before); // the handler called the stand-in
    },
    40_000,
  );

  test('a product lands in the stand-in; a forced failure is retried and recovered', async () => {
    const sku = `E2E-${Date.now()}`;
    const first = await post(`e2e-create-${sku}`, 'be-observer.catalog_product_create', {
      sku,
      name: 'E2E product',
      price: 5,
      description: 'x',
    });
    expect(first.status).toBeLessThan(300);
    await waitFor(
      async () => (await fetch(`${p.url}/commerce/rest/V1/products/${sku}`)).status === 200,
      30_000,
      'the product in the stand-in',
    );

    await fetch(`${p.url}/commerce/_control/fail`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 503, count: 2 }),
    });
    const upd = await post(`e2e-update-${sku}`, 'be-observer.catalog_product_update', {
      sku,
      name: 'E2E product v2',
      price: 6,
      description: 'y',
    });
    const id = await publishedId(upd);
    const product = await waitFor(
      async () => {
        const r = await fetch(`${p.url}/commerce/rest/V1/products/${sku}`);
        const j = (await r.json()) as { name?: string };
        return j.name === 'E2E product v2' && j;
      },
      30_000,
      'the update after the retries',
    );
    expect(product.name).toBe('E2E product v2');
    const detail = await settled(id);
    const statuses = detail.deliveries[0].trace.map((a: any) => a.response?.status);
    expect(statuses.at(-1)).toBe(200);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(statuses.slice(0, -1).every((s: number) => s >= 500 || s === 429)).toBe(true);

    // with no Commerce subscription recorded, the stand-in publishes the Commerce codes the app
    // declared: our writes come back as Commerce events, and the loop breaker stops them
    const echoes = await waitFor(
      async () => {
        const r = await fetch(
          `${p.url}/events/_local/events?entity=${sku}&type=com.adobe.commerce.observer.catalog_product_save_commit_after`,
        );
        const list = ((await r.json()) as { events: Array<{ status: string }> }).events;
        return list.length >= 2 && list.every((e) => e.status === 'delivered') && list;
      },
      30_000,
      'the Commerce events of our writes',
    );
    expect(echoes.length).toBe(2);
    const log = (await (await fetch(`${p.url}/backoffice/_log`)).json()) as { items: Array<{ path: string }> };
    expect(log.items.filter((i) => i.path === `products/${sku}`)).toEqual([]);
  }, 60_000);
});
