/**
 * The console as a user reads it, in chromium: no page scrolls sideways at 1280, 1400 or
 * 1920 px wide, even with Commerce's long event codes (`com.adobe.commerce.observer.*`)
 * and an integration that listens to many of them; nothing in a table spills out of it.
 * An activation whose action answered HTTP 503 shows that status next to "success".
 * Screenshots go to test-artifacts/console/layout-*.png.
 */
import { startConsoleHarness, until, type ConsoleHarness } from './harness';

jest.setTimeout(120_000);

const LONG_CODES = [
  'com.adobe.commerce.observer.catalog_product_save_commit_after',
  'com.adobe.commerce.observer.catalog_product_delete_commit_after',
  'com.adobe.commerce.observer.customer_save_commit_after',
  'com.adobe.commerce.observer.sales_order_save_commit_after',
  'com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after',
];
const WS = '000000/local-project/local-workspace';

let h: ConsoleHarness;
let headers: Record<string, string>;
let failingEventId = '';

/** what overflows on the current page: the document, and any element wider than its box */
interface Overflow {
  page: number;
  viewport: number;
  spills: string[];
}

beforeAll(async () => {
  h = await startConsoleHarness();
  const env = h.platform.config.env;
  const tok = (await (
    await fetch(`${h.base}/ims/token/v3`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: env.OAUTH_CLIENT_ID ?? '',
        client_secret: env.OAUTH_CLIENT_SECRET ?? '',
      }),
    })
  ).json()) as { access_token: string };
  headers = {
    authorization: `Bearer ${tok.access_token}`,
    'x-api-key': env.OAUTH_CLIENT_ID ?? '',
    'content-type': 'application/json',
  };
  for (const code of LONG_CODES) {
    const res = await fetch(`${h.base}/events/${WS}/providers/${h.providerId}/eventmetadata`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ event_code: code, label: code.split('.').pop() }),
    });
    expect(res.status).toBeLessThan(300);
  }
  const res = await fetch(`${h.base}/events/${WS}/registrations`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      client_id: env.OAUTH_CLIENT_ID,
      name: 'commerce-observer-events-to-the-erp-system-of-record',
      description: 'every catalog, customer, order and stock change from Commerce to the ERP',
      delivery_type: 'webhook',
      webhook_url: `${h.target.url}/with/a/rather/long/path/for/the/commerce/observer/events`,
      events_of_interest: LONG_CODES.map((event_code) => ({ provider_id: h.providerId, event_code })),
    }),
  });
  expect(res.status).toBe(201);
  await h.publish(LONG_CODES[0] as string, { sku: 'LAYOUT-1' });
  failingEventId = `layout-503-${Date.now()}`;
  await h.publish('be-observer.catalog_product_create', { sku: 'LAYOUT-2', respond: 503 }, failingEventId);
});

afterAll(async () => {
  await h?.close();
});

async function overflowAt(width: number, hash: string): Promise<Overflow> {
  await h.page.setViewport({ width, height: 900 });
  await h.page.goto(`${h.base}/console/${hash}`);
  await h.page.waitForSelector('main[data-ready]');
  return h.page.evaluate(() => {
    const d = (globalThis as unknown as { document: any }).document;
    const spills: string[] = [];
    for (const e of Array.from(d.querySelectorAll('main table, main td, main th, main .view-head')) as any[]) {
      const parent = e.parentElement;
      const r = e.getBoundingClientRect();
      const box = (e.closest('main') as any).getBoundingClientRect();
      if (r.right > box.right + 1 || (e.tagName === 'TD' && e.scrollWidth > e.clientWidth + 1)) {
        spills.push(
          `${e.tagName.toLowerCase()}.${e.className || ''} in ${parent?.tagName?.toLowerCase()}: ${String(e.innerText).slice(0, 40)}`,
        );
      }
    }
    return { page: d.documentElement.scrollWidth, viewport: d.documentElement.clientWidth, spills: spills.slice(0, 5) };
  });
}

const PAGES = ['#/', '#/integrations', '#/events', '#/activations', '#/rejected', 'integration', 'event'];

/** a page to open: the fixed ones, one integration's page, one event's timeline */
async function hashOf(page: string): Promise<string> {
  if (page === 'event') return `#/events/${failingEventId}`;
  if (page !== 'integration') return page;
  const regs = (await (await fetch(`${h.base}/events/_local/registrations`)).json()) as {
    registrations: Array<{ registration_id: string; name: string }>;
  };
  const long = regs.registrations.find((r) => r.name.startsWith('commerce-observer'));
  return `#/integrations/${long?.registration_id ?? ''}`;
}

describe.each([1280, 1400, 1920])('at %i px wide', (width) => {
  test.each(PAGES)('%s does not scroll sideways and nothing spills out of its table', async (page) => {
    const hash = await hashOf(page);
    const o = await overflowAt(width, hash);
    await h.shot(`layout-${width}-${page.replace(/[#/]/g, '') || 'overview'}`);
    expect(o.spills).toEqual([]);
    expect(o.page).toBeLessThanOrEqual(o.viewport);
  });
});

describe('an action that answered HTTP 503', () => {
  test('shows "success" and "HTTP 503" side by side in the list, on its page and in the timeline', async () => {
    await until(
      async () => {
        const r = await fetch(`${h.base}/console/api/activations?eventId=${failingEventId}`);
        const body = (await r.json()) as { activations: Array<{ httpStatus: number }> };
        return body.activations.some((a) => a.httpStatus === 503);
      },
      'an activation that answered 503',
      30_000,
    );
    await h.page.setViewport({ width: 1280, height: 900 });
    const cell = async (selector: string): Promise<string[]> =>
      h.page.$$eval(selector, (els) =>
        els.map((e) =>
          Array.from((e as unknown as { querySelectorAll(s: string): any[] }).querySelectorAll('.badge'))
            .map((b) => String(b.innerText))
            .join(' | '),
        ),
      );

    await h.page.goto(`${h.base}/console/#/activations?eventId=${failingEventId}`);
    await h.page.waitForSelector('main[data-ready] [data-testid=activation-row]');
    expect(await cell('[data-testid=activation-row] [data-testid=activation-status]')).toContain('success | HTTP 503');
    await h.shot('layout-activation-503-list');

    await h.page.goto(`${h.base}/console/#/events/${failingEventId}`);
    await h.page.waitForSelector('main[data-ready] [data-testid=activation]');
    expect(await cell('[data-testid=activation] [data-testid=activation-status]')).toContain('success | HTTP 503');
    await h.shot('layout-activation-503-timeline');

    const id = await h.page.$eval('[data-testid=activation] a[href^="#/activations/"]', (a) =>
      String((a as unknown as { getAttribute(n: string): string }).getAttribute('href'))
        .split('/')
        .pop(),
    );
    await h.page.goto(`${h.base}/console/#/activations/${id}`);
    await h.page.waitForSelector('main[data-ready] [data-testid=activation-status]');
    expect(await cell('main h2 [data-testid=activation-status]')).toEqual(['success | HTTP 503']);
  });
});
