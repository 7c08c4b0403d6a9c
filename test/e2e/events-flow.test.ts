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
  p = await startTestPlatform({ projectDir: ROOT, timeScale: 0.0001 });
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

async function traced(uid: string): Promise<any> {
  const r = await fetch(`${p.url}/events/_local/events?limit=200`);
  const list = (await r.json()) as { events: Array<{ id: string; eventId: string; status: string }> };
  return list.events.find((e) => e.id === uid || e.id.includes(uid));
}

const backoffice = catalog.filter((e) => e.direction === 'backoffice');

describe('back office → webhook → I/O Events → consumer → handler → Commerce stand-in', () => {
  test('the platform seeded one registration per consumer from events.config.json', async () => {
    const r = (await (await fetch(`${p.url}/events/_local/registrations`)).json()) as { registrations: Array<{ name: string; runtime_action: string }> };
    const consumers = [...new Set(catalog.map((e: CatalogEntry) => e.consumer))].sort();
    expect(r.registrations.map((x) => x.runtime_action).sort()).toEqual(consumers);
  });

  test.each(backoffice.map((e) => [e.code, e] as const))('%s is delivered and handled', async (code, entry) => {
    const uid = `e2e-${code}-${Date.now()}`;
    const res = await post(uid, code, entry.sample);
    expect(res.status).toBeLessThan(300);
    const ev = await waitFor(async () => {
      const e = await traced(uid);
      return e && (e.status === 'delivered' || e.status === 'rejected' || e.status === 'dead') && e;
    }, 30_000, `delivery of ${code}`);
    const detail = (await (await fetch(`${p.url}/events/_local/events/${ev.eventId}`)).json()) as any;
    const d = detail.deliveries[0];
    expect({ code, status: d?.status, last: d?.trace.at(-1)?.response }).toMatchObject({ code, status: 'delivered' });
    expect(detail.activations.length).toBeGreaterThanOrEqual(2); // consumer + handler
  }, 40_000);

  test('a product lands in the stand-in; a forced failure is retried and recovered', async () => {
    const sku = `E2E-${Date.now()}`;
    const first = await post(`e2e-create-${sku}`, 'be-observer.catalog_product_create', { sku, name: 'E2E product', price: 5, description: 'x' });
    expect(first.status).toBeLessThan(300);
    await waitFor(async () => (await fetch(`${p.url}/commerce/rest/V1/products/${sku}`)).status === 200, 30_000, 'the product in the stand-in');

    await fetch(`${p.url}/commerce/_control/fail`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 503, count: 2 }) });
    const uid = `e2e-update-${sku}`;
    await post(uid, 'be-observer.catalog_product_update', { sku, name: 'E2E product v2', price: 6, description: 'y' });
    const product = await waitFor(async () => {
      const r = await fetch(`${p.url}/commerce/rest/V1/products/${sku}`);
      const j = (await r.json()) as { name?: string };
      return j.name === 'E2E product v2' && j;
    }, 30_000, 'the update after the retries');
    expect(product.name).toBe('E2E product v2');
    const ev = await traced(uid);
    const detail = (await (await fetch(`${p.url}/events/_local/events/${ev.eventId}`)).json()) as any;
    const statuses = detail.deliveries[0].trace.map((a: any) => a.response?.status);
    expect(statuses.at(-1)).toBe(200);
    expect(statuses.length).toBeGreaterThanOrEqual(2);
    expect(statuses.slice(0, -1).every((s: number) => s >= 500 || s === 429)).toBe(true);
  }, 60_000);
});
