/**
 * The console in a real browser (Debian's chromium through puppeteer-core) against the
 * platform started in-process. The scenarios of the console issue, in order, on one
 * platform: registrations listed; a POSTed event appears live; filter by sku; its timeline
 * shows request and response; a failing target retries and dead-letters; replay after
 * recovery delivers; pause holds, resume delivers, the log shows both reasons; replay of
 * selected and of all matching; activations filtered; an end date stops an integration.
 * Screenshots of every page go to test-artifacts/console/.
 */
import type { Page } from 'puppeteer-core';
import {
  CUSTOMER_CREATE,
  PRODUCT_CREATE,
  PRODUCT_UPDATE,
  startConsoleHarness,
  until,
  type ConsoleHarness,
} from './harness';

/*
 * The callbacks given to page.evaluate / waitForFunction run in the browser. The project
 * compiles without the DOM lib, so the few page globals they use are declared here, for
 * this file only.
 */
interface PageEl {
  innerText: string;
  value: string;
  dataset: Record<string, string | undefined>;
}
declare const document: {
  getElementById(id: string): PageEl | null;
  querySelector(selector: string): PageEl | null;
  querySelectorAll(selector: string): PageEl[] & { length: number };
};
declare const location: { hash: string };
declare const window: { dispatchEvent(e: unknown): boolean };
declare class HashChangeEvent {
  constructor(type: string);
}

jest.setTimeout(60_000);

let h: ConsoleHarness;
let page: Page;

interface RegJson {
  registration_id: string;
  name: string;
  paused: boolean;
}

async function registrations(): Promise<RegJson[]> {
  return ((await (await fetch(`${h.base}/events/_local/registrations`)).json()) as { registrations: RegJson[] })
    .registrations;
}

async function reg(name: string): Promise<RegJson> {
  const r = (await registrations()).find((x) => x.name === name);
  if (!r) throw new Error(`no registration ${name}`);
  return r;
}

async function eventStatus(eventId: string): Promise<string> {
  const t = (await (await fetch(`${h.base}/events/_local/events/${eventId}`)).json()) as { event: { status: string } };
  return t.event.status;
}

/** navigate inside the single-page console and wait until the view has rendered */
async function go(hash: string): Promise<void> {
  const url = `${h.base}/console/${hash}`;
  if (page.url().startsWith(`${h.base}/console/`)) {
    await page.evaluate(() => {
      const m = document.getElementById('main');
      if (m) delete m.dataset.ready;
    });
    await page.evaluate((hh: string) => {
      // the same hash again fires no hashchange: ask for a fresh render explicitly
      if (location.hash === hh) window.dispatchEvent(new HashChangeEvent('hashchange'));
      else location.hash = hh;
    }, hash);
  } else {
    await page.goto(url);
  }
  await page.waitForSelector('main[data-ready]');
}

/**
 * Click inside the page in one step (find + click): the console re-renders live, so an
 * element handle taken a moment earlier may be gone by the time a CDP click lands.
 */
async function click(selector: string): Promise<void> {
  await page.waitForSelector(selector);
  await page.$eval(selector, (e) => (e as unknown as { click(): void }).click());
}

async function texts(selector: string): Promise<string[]> {
  return page.$$eval(selector, (els) => els.map((e) => (e as unknown as PageEl).innerText));
}

/** fill the reason dialog and confirm */
async function answerDialog(text: string): Promise<void> {
  await page.waitForSelector('[data-testid=dialog] [data-testid=dialog-input]');
  await page.type('[data-testid=dialog] [data-testid=dialog-input]', text);
  await click('[data-testid=dialog] [data-testid=dialog-confirm]');
  await page.waitForSelector('[data-testid=dialog]', { hidden: true });
}

beforeAll(async () => {
  h = await startConsoleHarness();
  page = h.page;
});

afterAll(async () => {
  await h?.close();
});

test('the integrations page lists the registrations with target, events and health', async () => {
  await go('#/integrations');
  await page.waitForSelector('[data-testid=registration-row]');
  const names = await page.$$eval('[data-testid=registration-row]', (rows) =>
    rows.map((r) => (r as unknown as PageEl).dataset.name),
  );
  expect(names.sort()).toEqual(['erp-webhook', 'product-consumer']);
  const row = (await texts('[data-testid=registration-row][data-name=product-consumer]'))[0] ?? '';
  expect(row).toContain('action:shop/consumer');
  expect(row).toContain(PRODUCT_CREATE);
  expect(row).toContain('ACTIVE');
  expect(row).toContain('RUNNING');
  await h.shot('01-integrations');
});

let liveEventId = '';

test('a POSTed event appears live in the events list, without a reload', async () => {
  await go('#/events');
  await page.waitForSelector('[data-testid=events]');
  const marker = await page.evaluate(() => ((window as unknown as { __marker: number }).__marker = 42));
  liveEventId = await h.publish(PRODUCT_CREATE, { sku: 'SKU-LIVE-1', name: 'Joust Duffle Bag' });
  await h.publish(CUSTOMER_CREATE, { email: 'jane.doe@example.com', firstname: 'Jane' });
  await page.waitForSelector(`[data-testid=event-row][data-event-id="${liveEventId}"]`, { timeout: 30_000 });
  // delivered to both registrations, shown live
  await page.waitForFunction(
    (id: string) =>
      document.querySelector(`[data-testid=event-row][data-event-id="${id}"] [data-status=delivered]`) !== null,
    { timeout: 30_000 },
    liveEventId,
  );
  // same page object: no reload happened
  expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(marker);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-row]').length >= 2);
  await h.shot('02-events-live');
});

test('filtering by sku finds the event', async () => {
  await h.publish(PRODUCT_UPDATE, { sku: 'SKU-OTHER', name: 'Other' });
  await go('#/events');
  // the live update that brings the event just published re-renders the list: let it land
  // before typing, or the keystrokes may go to the form it replaces
  await page.waitForSelector('main[data-ready] [data-testid=event-row][data-entity="SKU-OTHER"]');
  await page.waitForSelector('[data-testid=filter-entity]');
  await page.type('[data-testid=filter-entity]', 'SKU-LIVE-1');
  await click('[data-testid=filter-apply]');
  await page.waitForFunction(() => location.hash.includes('entity=SKU-LIVE-1'));
  await page.waitForSelector('main[data-ready] [data-testid=events]');
  await page.waitForFunction(() => {
    const rows = Array.from(document.querySelectorAll('[data-testid=event-row]'));
    return rows.length === 1 && rows[0]?.dataset.entity === 'SKU-LIVE-1';
  });
  // and by event code: the customer event is not a product event
  await go(`#/events?type=${CUSTOMER_CREATE}`);
  const entities = await page.$$eval('[data-testid=event-row]', (rows) =>
    rows.map((r) => (r as unknown as PageEl).dataset.entity),
  );
  expect(entities).toEqual(['jane.doe@example.com']);
  // a time range: nothing received before an hour ago; the "last 15 min" preset finds it
  await go(`#/events?entity=SKU-LIVE-1&until=${Date.now() - 3600_000}`);
  expect(await page.$$eval('[data-testid=event-row]', (x) => x.length)).toBe(0);
  await click('[data-testid=preset-15]');
  await page.waitForFunction(() => location.hash.includes('since=') && !location.hash.includes('until='));
  await page.waitForSelector('main[data-ready] [data-testid=event-row][data-entity="SKU-LIVE-1"]');
  await go('#/events?entity=SKU-LIVE-1');
  await h.shot('03-events-filtered-by-sku');
});

test('the events list pages back and forth', async () => {
  await go('#/events?limit=2');
  const ids = () =>
    page.$$eval('[data-testid=event-row]', (rows) => rows.map((r) => (r as unknown as PageEl).dataset.eventId));
  const first = await ids();
  expect(first).toHaveLength(2);
  await click('[data-testid=older]');
  await page.waitForFunction(() => location.hash.includes('before='));
  await page.waitForSelector('main[data-ready] [data-testid=newer]');
  const second = await ids();
  expect(second.length).toBeGreaterThanOrEqual(1);
  expect(second.some((id) => first.includes(id))).toBe(false);
  await click('[data-testid=newer]');
  await page.waitForFunction(() => !location.hash.includes('before='));
  await page.waitForFunction(
    (want: string) =>
      JSON.stringify(Array.from(document.querySelectorAll('[data-testid=event-row]')).map((r) => r.dataset.eventId)) ===
      want,
    {},
    JSON.stringify(first),
  );
});

test("an event's timeline shows ingest, each attempt's request and response, and the activations with their logs", async () => {
  await go('#/events?entity=SKU-LIVE-1');
  await click(`[data-testid=event-row][data-event-id="${liveEventId}"]`);
  await page.waitForFunction(() => location.hash.startsWith('#/events/'));
  await page.waitForSelector('[data-testid=timeline] [data-testid=attempt]');
  // the activation record is written within milliseconds; the view refreshes live
  await page.waitForSelector('[data-testid=timeline] [data-testid=activation]', { timeout: 30_000 });
  expect(await page.$$eval('[data-testid=ingest]', (x) => x.length)).toBe(1);
  const attempts = await texts('[data-testid=attempt]');
  expect(attempts).toHaveLength(2);
  const request = (await texts('[data-testid=attempt] [data-testid=request]')).join('\n');
  expect(request).toContain('x-adobe-event-id');
  expect(request).toContain('x-adobe-digital-signature-1');
  expect(request).toContain('SKU-LIVE-1');
  const response = (await texts('[data-testid=attempt] [data-testid=response]')).join('\n');
  expect(response).toContain('200');
  expect(response).toContain('erp-stand-in'); // the webhook target's response header
  expect(response).toContain('processed SKU-LIVE-1'); // the consumer action's response body
  const activation = (await texts('[data-testid=activation]')).join('\n');
  expect(activation).toContain('shop/consumer');
  expect(activation).toContain('consumer: received be-observer.catalog_product_create');
  await h.shot('04-event-timeline');
});

let failingEventId = '';

test('a failing target makes the event retry, then show as dead-lettered', async () => {
  h.target.status = 503;
  failingEventId = await h.publish(PRODUCT_CREATE, { sku: 'SKU-FAIL-1', name: 'Failing' });
  await go(`#/events/${failingEventId}`);
  await page.waitForSelector('[data-testid=timeline]');
  // live: the page re-renders on each delivery until the schedule runs out (time-scaled)
  await page.waitForFunction(() => document.querySelector('h2 [data-status=dead]') !== null, { timeout: 30_000 });
  // the page says why, in words: which registration, what the target answered, what to do
  const why = (await texts('[data-testid=why]'))[0] ?? '';
  expect(why).toContain('erp-webhook');
  expect(why).toContain('dead-lettered after 100 attempts');
  expect(why).toContain('HTTP 503');
  expect(why).toContain('replay');
  const deliveries = await texts('[data-testid=delivery-row]');
  expect(deliveries.find((d) => d.includes('erp-webhook'))).toContain('dead-lettered');
  expect(deliveries.find((d) => d.includes('product-consumer'))).toContain('delivered');
  // many attempts are folded into one line; the first and the last are shown
  expect(await page.$$eval('[data-testid=folded-attempts]', (x) => x.length)).toBe(1);
  const retry = await page.$$eval('[data-testid=attempt][data-outcome=retry]', (x) => x.length);
  expect(retry).toBeGreaterThanOrEqual(4);
  const explain = (await texts('[data-testid=attempt][data-outcome=retry] .explain')).join('\n');
  expect(explain).toContain('503');
  expect(explain).toContain('dead-lettered');
  await h.shot('05-event-dead-lettered');
  await go('#/rejected');
  await page.waitForSelector(`[data-testid=event-row][data-event-id="${failingEventId}"]`);
  const row = (await texts(`[data-testid=event-row][data-event-id="${failingEventId}"]`))[0] ?? '';
  expect(row).toContain('dead-lettered');
  expect(row).toContain('HTTP 503');
  await h.shot('06-rejected-and-dead-lettered');
});

test('replay after the target recovers delivers it, and the replay is traced', async () => {
  h.target.status = 200;
  const before = h.target.requests.length;
  await go('#/rejected');
  await click(`[data-testid=event-row][data-event-id="${failingEventId}"] [data-testid=replay-one]`);
  // live: the row leaves the rejected list once the replayed delivery succeeds
  await page.waitForSelector(`[data-testid=event-row][data-event-id="${failingEventId}"]`, {
    hidden: true,
    timeout: 30_000,
  });
  expect(await eventStatus(failingEventId)).toBe('delivered');
  expect(h.target.requests.slice(before).some((r) => r.body.includes('SKU-FAIL-1'))).toBe(true);
  // only the failed delivery was repeated: the consumer that took it is not sent it again
  const consumerAttempts = (await (await fetch(`${h.base}/events/_local/events/${failingEventId}`)).json()) as {
    deliveries: Array<{ registration: string; attempts: number }>;
  };
  expect(consumerAttempts.deliveries.find((d) => d.registration === 'product-consumer')?.attempts).toBe(1);
  await go(`#/events/${failingEventId}`);
  await page.waitForSelector('[data-testid=attempt][data-outcome=success]');
  const last = (await texts('[data-testid=attempt]')).pop() ?? '';
  expect(last).toContain('replay');
  expect(last).toContain('HTTP 200');
  await h.shot('07-event-replayed');
});

test('pausing a registration holds its events, resuming delivers them, and the log shows both with reasons', async () => {
  const erp = await reg('erp-webhook');
  await go('#/integrations');
  await click('[data-testid=registration-row][data-name=erp-webhook] [data-testid=pause]');
  // an empty reason is refused
  await page.waitForSelector('[data-testid=dialog]');
  await click('[data-testid=dialog] [data-testid=dialog-confirm]');
  expect(await page.$eval('[data-testid=dialog] .dialog-error', (e) => (e as unknown as PageEl).innerText)).toContain(
    'required',
  );
  await answerDialog('ERP maintenance window');
  await page.waitForFunction(
    () =>
      (
        document.querySelector(
          '[data-testid=registration-row][data-name=erp-webhook] [data-testid=state]',
        ) as unknown as PageEl | null
      )?.innerText === 'PAUSED',
  );
  expect((await reg('erp-webhook')).paused).toBe(true);
  // the Paused tab lists it alone
  await click('[data-testid=tab-paused]');
  await page.waitForFunction(() => location.hash === '#/integrations?show=paused');
  await page.waitForSelector('main[data-ready] [data-testid=tab-paused].on');
  expect(
    await page.$$eval('[data-testid=registration-row]', (rows) =>
      rows.map((r) => (r as unknown as PageEl).dataset.name),
    ),
  ).toEqual(['erp-webhook']);

  const before = h.target.requests.length;
  const heldId = await h.publish(PRODUCT_CREATE, { sku: 'SKU-HELD-1', name: 'Held' });
  await until(async () => (await eventStatus(heldId)) === 'held', 'the event to be held');
  // live: the held count of the paused integration goes up
  await page.waitForFunction(
    () =>
      (
        document.querySelector(
          '[data-testid=registration-row][data-name=erp-webhook] [data-testid=count-held]',
        ) as unknown as PageEl | null
      )?.innerText === '1',
    {
      timeout: 30_000,
    },
  );
  await new Promise((r) => setTimeout(r, 300));
  expect(h.target.requests.slice(before).some((r) => r.body.includes('SKU-HELD-1'))).toBe(false);
  await h.shot('08-integration-paused');

  await click('[data-testid=registration-row][data-name=erp-webhook] [data-testid=resume]');
  await answerDialog('maintenance over');
  await until(
    () => h.target.requests.slice(before).some((r) => r.body.includes('SKU-HELD-1')),
    'the held event to be delivered on resume',
  );
  await until(async () => (await eventStatus(heldId)) === 'delivered', 'the held event to be delivered');

  await go(`#/integrations/${erp.registration_id}`);
  await page.waitForSelector('[data-testid=registration-log]');
  const log = await texts('[data-testid=log-row]');
  const pause = log.find((l) => l.includes('pause'));
  const resume = log.find((l) => l.includes('resume'));
  expect(pause).toContain('ERP maintenance window');
  expect(resume).toContain('maintenance over');
  // the chart has both successes and failures of this registration's last hour
  expect(await page.$$eval('[data-testid=chart] rect.bar-ok', (x) => x.length)).toBeGreaterThan(0);
  expect(await page.$$eval('[data-testid=chart] rect.bar-fail', (x) => x.length)).toBeGreaterThan(0);
  expect(await page.$$eval('[data-testid=chart] path.line-p99', (x) => x.length)).toBe(1);
  await h.shot('09-integration-log-and-chart');
});

test('rejected events replay one by one, the selected ones, or all that match the filter', async () => {
  h.target.status = 404; // final: rejected at once, no retry
  const ids: string[] = [];
  for (const sku of ['SKU-REJ-1', 'SKU-REJ-2', 'SKU-REJ-3'])
    ids.push(await h.publish(PRODUCT_CREATE, { sku, name: sku }));
  for (const id of ids) await until(async () => (await eventStatus(id)) === 'rejected', `event ${id} to be rejected`);
  const erp = await reg('erp-webhook');
  await go(`#/rejected?registration=${erp.registration_id}&status=rejected`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-row]').length === 3);
  const row0 = (await texts(`[data-testid=event-row][data-event-id="${ids[0]}"]`))[0] ?? '';
  expect(row0).toContain('rejected');
  expect(row0).toContain('HTTP 404');
  await h.shot('10-rejected-list');

  h.target.status = 200;
  await click(`[data-testid=event-row][data-event-id="${ids[0]}"] [data-testid=select-event]`);
  expect(await page.$eval('[data-testid=replay-selected]', (b) => (b as unknown as PageEl).innerText)).toBe(
    'Replay selected (1)',
  );
  await click('[data-testid=replay-selected]');
  await until(async () => (await eventStatus(ids[0] as string)) === 'delivered', 'the selected event to be delivered');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-row]').length === 2, {
    timeout: 30_000,
  });

  await click('[data-testid=replay-all]');
  await answerDialog('replay');
  for (const id of ids) await until(async () => (await eventStatus(id)) === 'delivered', `event ${id} to be delivered`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=event-row]').length === 0, {
    timeout: 30_000,
  });
  await h.shot('11-rejected-replayed');
});

test('activations can be filtered by action and status, and open with their logs', async () => {
  await go('#/activations?action=shop/consumer&status=success');
  await page.waitForSelector('[data-testid=activation-row]');
  const actions = await page.$$eval('[data-testid=activation-row]', (rows) =>
    rows.map((r) => (r as unknown as PageEl).dataset.action),
  );
  expect(actions.length).toBeGreaterThanOrEqual(3);
  expect(new Set(actions)).toEqual(new Set(['shop/consumer']));
  const statuses = await texts('[data-testid=activation-row] .badge[data-status]');
  expect(new Set(statuses)).toEqual(new Set(['success']));
  await click('[data-testid=activation-row]');
  await page.waitForSelector('[data-testid=activation-logs]');
  expect((await texts('[data-testid=activation-logs]'))[0]).toContain('consumer: received');
  await h.shot('12-activations');
  await go('#/activations?status=application error');
  expect(await page.$$eval('[data-testid=activation-row]', (x) => x.length)).toBe(0);
  // the console API refuses an unknown status, naming the field
  const res = await fetch(`${h.base}/console/api/activations?status=bogus`);
  expect(res.status).toBe(400);
  expect(((await res.json()) as { field: string }).field).toBe('status');
});

test('a temporary integration stops by itself at its end date, and the log says so', async () => {
  const consumer = await reg('product-consumer');
  await go('#/integrations');
  // set through the dialog: a date in the future shows "temporary"
  await click('[data-testid=registration-row][data-name=product-consumer] [data-testid=end-date]');
  await page.waitForSelector('[data-testid=dialog] input[type=datetime-local]');
  await page.$eval('[data-testid=dialog] input[type=datetime-local]', (i) => {
    const d = new Date(Date.now() + 2 * 3600_000);
    const p = (n: number) => String(n).padStart(2, '0');
    (i as unknown as PageEl).value =
      `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  });
  await click('[data-testid=dialog] [data-testid=dialog-confirm]');
  await page.waitForFunction(() =>
    (
      document.querySelector('[data-testid=registration-row][data-name=product-consumer]') as unknown as PageEl | null
    )?.innerText.includes('temporary'),
  );
  // then an end date a moment away (the dialog's precision is a minute)
  await fetch(`${h.base}/events/_local/registrations/${consumer.registration_id}/end-date`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ endsAt: Date.now() + 500 }),
  });
  await page.waitForFunction(
    () =>
      (
        document.querySelector(
          '[data-testid=registration-row][data-name=product-consumer] [data-testid=state]',
        ) as unknown as PageEl | null
      )?.innerText === 'PAUSED',
    {
      timeout: 30_000,
    },
  );
  await go(`#/integrations/${consumer.registration_id}`);
  const log = await texts('[data-testid=log-row]');
  expect(log.some((l) => l.includes('end date reached'))).toBe(true);
  await h.shot('13-integration-ended');
});
