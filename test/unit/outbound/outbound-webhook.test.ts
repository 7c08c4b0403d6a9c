/**
 * Outbound webhook targets through the dispatcher action: signatures verified by the
 * receiver with standardwebhooks' Webhook.verify, API key header, the retry rules, event
 * filters, configuration errors, and temporary targets that stop at their end date.
 */
import { main } from '../../../actions/outbound/dispatch';
import { createOutboundDispatcher, parseTargets } from '../../../src/outbound';
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver';

const SECRET = `whsec_${Buffer.from('outbound secret of the test suite').toString('base64')}`;
const KEY = 'erp-api-key-1';
let erp: WebhookReceiver;
let promo: WebhookReceiver;

beforeAll(async () => {
  erp = await startWebhookReceiver({ secret: SECRET, apiKey: KEY });
  promo = await startWebhookReceiver({ secret: SECRET });
});
afterAll(async () => {
  await erp.close();
  await promo.close();
});
beforeEach(() => {
  erp.reset();
  promo.reset();
});

const logs: string[] = [];
const logger = () => ({
  debug() {},
  info: (m: string) => logs.push(m),
  warn: (m: string) => logs.push(m),
  error: (m: string) => logs.push(m),
});

function targets(extra: Record<string, unknown>[] = []) {
  return JSON.stringify([
    {
      name: 'erp',
      type: 'webhook',
      url: erp.url,
      apiKey: '$ERP_KEY',
      secret: '$ERP_SECRET',
      timeoutMs: 5000,
      events: ['com.adobe.commerce.observer.sales_order_*'],
    },
    ...extra,
  ]);
}
const order = { value: { id: '12', increment_id: '000000012' } };
function event(over: Record<string, unknown> = {}) {
  return {
    OUTBOUND_TARGETS: targets(),
    ERP_KEY: KEY,
    ERP_SECRET: SECRET,
    type: 'com.adobe.commerce.observer.sales_order_save_commit_after',
    id: `evt-${Math.random().toString(36).slice(2)}`,
    source: 'urn:uuid:commerce-provider',
    time: '2026-01-01T00:00:00.000Z',
    data: order,
    ...over,
  };
}
type Out = {
  statusCode?: number;
  body?: { response: { delivered: string[]; stopped: Array<{ name: string; reason: string }> } };
  error?: { statusCode: number; headers?: Record<string, string>; body: { code: string; error: string } };
};

describe('outbound webhook target', () => {
  test('delivers the CloudEvent signed (Standard Webhooks, verified by the receiver) with the API key header', async () => {
    const e = event();
    const r = (await createOutboundDispatcher({ logger })(e)) as Out;
    expect(r.statusCode).toBe(200);
    expect(r.body?.response.delivered).toEqual(['erp']);
    expect(erp.rejected).toEqual([]);
    expect(erp.received).toHaveLength(1);
    const got = erp.received[0];
    expect(got?.id).toBe(e.id);
    expect(got?.body).toMatchObject({ id: e.id, type: e.type, source: e.source, data: order, specversion: '1.0' });
    expect(String(got?.headers['webhook-signature'])).toMatch(/^v1,/);
  });

  test('a wrong secret is refused by the receiver (final 400), so the signature really is checked', async () => {
    const other = `whsec_${Buffer.from('not the receiver secret at all!!').toString('base64')}`;
    const r = (await createOutboundDispatcher({ logger })(event({ ERP_SECRET: other }))) as Out;
    expect(r.error?.statusCode).toBe(400);
    expect(erp.rejected[0]).toMatch(/signature/);
  });

  test('same retry rules: 5xx → same status, 429 keeps retry-after, timeout → 503, 404 final, 401 → 500 misconfiguration', async () => {
    const d = createOutboundDispatcher({ logger });
    erp.fail(502);
    expect(((await d(event())) as Out).error?.statusCode).toBe(502);
    erp.fail(429);
    const limited = (await d(event())) as Out;
    expect(limited.error?.statusCode).toBe(429);
    expect(limited.error?.headers?.['retry-after']).toBe('3');
    erp.fail(404);
    expect(((await d(event())) as Out).error?.statusCode).toBe(404);
    const short = targets().replace('"timeoutMs":5000', '"timeoutMs":200');
    erp.slow(1000);
    expect(((await d(event({ OUTBOUND_TARGETS: short }))) as Out).error?.body.code).toBe('target_timeout');
    erp.slow(0);
    await new Promise((r) => setTimeout(r, 1000)); // let the slow delivery finish
    expect(((await d(event({ ERP_KEY: 'wrong' }))) as Out).error).toMatchObject({
      statusCode: 500,
      body: { code: 'target_unauthorized' },
    });
  });

  test('a retried event keeps its webhook-id, so receivers deduplicate', async () => {
    const d = createOutboundDispatcher({ logger });
    const e = event();
    erp.fail(503);
    await d(e);
    await d(e);
    expect(erp.received.map((x) => x.id)).toEqual([e.id]);
  });

  test('event filters: a target gets only the events it names; none wanted → 200, nothing sent', async () => {
    const d = createOutboundDispatcher({ logger });
    const r = (await d(event({ type: 'com.adobe.commerce.observer.catalog_product_save_commit_after' }))) as Out;
    expect(r.statusCode).toBe(200);
    expect(r.body?.response.delivered).toEqual([]);
    expect(erp.received).toHaveLength(0);
    // EVENT_PREFIX is stripped before matching
    const p = (await d(
      event({ type: 'com.adobe.commerce.acme.observer.sales_order_save_commit_after', EVENT_PREFIX: 'acme' }),
    )) as Out;
    expect(p.body?.response.delivered).toEqual(['erp']);
  });

  test('several targets: one failing retryably fails the event (retried), the other already has it', async () => {
    const d = createOutboundDispatcher({ logger });
    promo.fail(500);
    const r = (await d(
      event({ OUTBOUND_TARGETS: targets([{ name: 'promo', type: 'webhook', url: promo.url, secret: SECRET }]) }),
    )) as Out;
    expect(r.error?.statusCode).toBe(500);
    expect(erp.received).toHaveLength(1);
  });

  test('configuration errors are 500s naming the field', async () => {
    expect(() => parseTargets('[{"name": "x", "type": "ftp"}]', {})).toThrow(/type/);
    expect(() => parseTargets('[{"name": "x", "type": "webhook", "url": "https://a", "secret": "$NOPE"}]', {})).toThrow(
      /NOPE/,
    );
    expect(() => parseTargets('{}', {})).toThrow(/array/);
    const r = (await createOutboundDispatcher({ logger })(event({ OUTBOUND_TARGETS: 'nope' }))) as Out;
    expect(r.error).toMatchObject({ statusCode: 500, body: { code: 'bad_targets' } });
  });
});

test('the action file is the dispatcher', async () => {
  const r = (await main({ ...event(), LOG_LEVEL: 'error' })) as Out;
  expect(r.statusCode).toBe(200);
});

describe('temporary targets', () => {
  test('a target with an end date receives until then, then stops by itself and logs why (once)', async () => {
    let clock = Date.parse('2026-12-31T23:59:00Z');
    const d = createOutboundDispatcher({ logger, now: () => clock });
    const cfg = targets([
      { name: 'campaign', type: 'webhook', url: promo.url, secret: SECRET, endsAt: '2026-12-31T23:59:59Z' },
    ]);
    logs.length = 0;
    const before = (await d(event({ OUTBOUND_TARGETS: cfg }))) as Out;
    expect(before.body?.response.delivered.sort()).toEqual(['campaign', 'erp']);
    clock = Date.parse('2027-01-01T00:00:00Z');
    const after = (await d(event({ OUTBOUND_TARGETS: cfg }))) as Out;
    expect(after.statusCode).toBe(200);
    expect(after.body?.response.delivered).toEqual(['erp']);
    expect(after.body?.response.stopped).toEqual([
      { name: 'campaign', reason: 'end date 2026-12-31T23:59:59.000Z reached' },
    ]);
    await d(event({ OUTBOUND_TARGETS: cfg }));
    expect(promo.received).toHaveLength(1);
    expect(
      logs.filter((l) => /target campaign stopped: end date 2026-12-31T23:59:59.000Z reached/.test(l)),
    ).toHaveLength(1);
  });
});
