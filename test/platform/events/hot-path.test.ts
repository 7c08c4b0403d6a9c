/**
 * What one delivery costs the engine: signatures only where the target can verify them,
 * and a delivery stored while the engine has a free slot attempted right after its commit,
 * without a pick query (a pick only for what waits: deliveries stored while every slot was
 * busy, retries).
 */
import { eventsModule } from '../../../platform/events';
import { deliveredJson } from '../../../platform/events/attempt';
import type { RegistrationRow } from '../../../platform/events/rows';
import { startHarness, startReceiver, waitFor, type Harness, type Receiver } from './harness';

const WS = { orgId: '000000', projectId: 'local-project', workspaceId: 'local-workspace' };
const AUTH = { authorization: 'Bearer t', 'x-api-key': 'k' };
const SIGNATURE_HEADERS = [
  'x-adobe-digital-signature-1',
  'x-adobe-digital-signature-2',
  'x-adobe-public-key1-path',
  'x-adobe-public-key2-path',
];

interface Ctx {
  h: Harness;
  mod: ReturnType<typeof eventsModule>;
  providerId: string;
}

async function setup(codes: string[], maxInFlight?: number): Promise<Ctx> {
  const mod = eventsModule({ verifyWebhooks: false, ...(maxInFlight !== undefined ? { maxInFlight } : {}) });
  const h = await startHarness([mod]);
  const p = mod.handle().providers.createProvider(WS, { label: 'Backoffice' });
  for (const c of codes) mod.handle().providers.createEventMetadata(p.id, { event_code: c, label: c });
  return { h, mod, providerId: p.id };
}

function register(c: Ctx, name: string, target: { webhook_url?: string; runtime_action?: string }, code: string) {
  return c.mod.handle().registrations.createRegistration(WS, {
    client_id: 'local-client',
    name,
    delivery_type: 'webhook',
    ...target,
    events_of_interest: [{ provider_id: c.providerId, event_code: code }],
  });
}

let n = 0;
async function publish(c: Ctx, type: string, data: unknown): Promise<string> {
  const id = `hot-${++n}`;
  const res = await fetch(`${c.h.base}/ingress`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify({ specversion: '1.0', id, source: `urn:uuid:${c.providerId}`, type, data }),
  });
  expect(res.status).toBe(200);
  return id;
}

function statuses(c: Ctx, reg: RegistrationRow): string[] {
  return (
    c.h.ctx.db.prepare('SELECT status FROM ev_deliveries WHERE registration_pk = ? ORDER BY id').all(reg.id) as Array<{
      status: string;
    }>
  ).map((r) => r.status);
}

async function trace(c: Ctx, id: string, registration: string): Promise<any[]> {
  const ev = (await (await fetch(`${c.h.base}/events/_local/events/${id}`)).json()) as any;
  return ev.deliveries.find((d: any) => d.registration === registration).trace;
}

describe('signatures only where the target can verify them', () => {
  let c: Ctx;
  let rx: Receiver;
  beforeAll(async () => {
    c = await setup(['h.nonweb', 'h.web', 'h.hook']);
    rx = await startReceiver();
  });
  afterAll(async () => {
    await c.h.close();
    await rx.close();
  });

  test('a non-web action gets the x-adobe headers without signatures; a web action and a webhook are signed', async () => {
    const sign = jest.spyOn(c.mod.handle().signer, 'headers');
    c.h.runtime.nonWeb.add('shop/consumer');
    c.h.runtime.handlers.set('shop/consumer', () => ({ statusCode: 200, body: { ok: true } }));
    c.h.runtime.handlers.set('shop/web-hook', () => ({ statusCode: 200, body: { ok: true } }));
    const nonWeb = register(c, 'non-web', { runtime_action: 'shop/consumer' }, 'h.nonweb');
    const web = register(c, 'web', { runtime_action: 'shop/web-hook' }, 'h.web');
    const hook = register(c, 'hook', { webhook_url: rx.url }, 'h.hook');

    const id = await publish(c, 'h.nonweb', { sku: 'NW-1' });
    await waitFor(() => statuses(c, nonWeb)[0] === 'delivered', 5000, 'non-web delivery');
    expect(sign).not.toHaveBeenCalled();
    const call = c.h.runtime.calls.find((x) => x.fullName === 'shop/consumer')!;
    const sent = call.params.__ow_headers as Record<string, string>;
    for (const h of ['x-adobe-event-id', 'x-adobe-delivery-id', 'x-adobe-retry-count', 'x-adobe-provider'])
      expect(sent[h]).toBeTruthy();
    expect(sent['x-adobe-event-code']).toBe('h.nonweb');
    for (const h of SIGNATURE_HEADERS) expect(sent).not.toHaveProperty(h);
    expect(call.params).toMatchObject({
      id,
      type: 'h.nonweb',
      data: { sku: 'NW-1' },
      recipient_client_id: 'local-client',
    });
    // the trace says what was sent: no signature
    const [attempt] = await trace(c, id, 'non-web');
    expect(attempt.request.headers['x-adobe-delivery-id']).toBe(sent['x-adobe-delivery-id']);
    for (const h of SIGNATURE_HEADERS) expect(attempt.request.headers).not.toHaveProperty(h);

    await publish(c, 'h.web', { sku: 'W-1' });
    await waitFor(() => statuses(c, web)[0] === 'delivered', 5000, 'web action delivery');
    const webSent = c.h.runtime.calls.find((x) => x.fullName === 'shop/web-hook')!.params.__ow_headers as Record<
      string,
      string
    >;
    for (const h of SIGNATURE_HEADERS) expect(webSent[h]).toBeTruthy();

    const hookId = await publish(c, 'h.hook', { sku: 'H-1' });
    await waitFor(() => statuses(c, hook)[0] === 'delivered', 5000, 'webhook delivery');
    for (const h of SIGNATURE_HEADERS) expect(rx.requests[0]?.headers[h]).toBeTruthy();
    const [hookAttempt] = await trace(c, hookId, 'hook');
    for (const h of SIGNATURE_HEADERS) expect(hookAttempt.request.headers[h]).toBe(rx.requests[0]?.headers[h]);
    expect(sign).toHaveBeenCalledTimes(2);
  });
});

describe('wake on commit', () => {
  let c: Ctx;
  let rx: Receiver;
  const held: Array<() => void> = [];
  let hold = false;
  beforeAll(async () => {
    c = await setup(['h.code'], 2);
    rx = await startReceiver((_req, _body, res) => {
      const answer = () => res.writeHead(200).end('ok');
      if (hold) held.push(answer);
      else answer();
    });
  });
  afterAll(async () => {
    held.forEach((f) => f());
    await c.h.close();
    await rx.close();
  });

  test('an idle engine attempts each new delivery after its commit without picking it from the store', async () => {
    const reg = register(c, 'idle', { webhook_url: rx.url }, 'h.code');
    await new Promise((r) => setTimeout(r, 50)); // the start-up pick is over
    const pick = jest.spyOn(c.mod.handle().store.s.pick, 'all');
    const minDue = jest.spyOn(c.mod.handle().store.s.minDue, 'get');
    for (let i = 0; i < 5; i++) {
      await publish(c, 'h.code', { sku: `IDLE-${i}` });
      await waitFor(() => statuses(c, reg)[i] === 'delivered', 5000, `delivery ${i}`);
    }
    expect(rx.requests).toHaveLength(5);
    expect(pick).not.toHaveBeenCalled();
    expect(minDue).not.toHaveBeenCalled();
    pick.mockRestore();
    minDue.mockRestore();
  });

  test('with every slot busy, a new delivery is stored pending and picked once a slot frees', async () => {
    const reg = register(c, 'busy', { webhook_url: rx.url }, 'h.code');
    const before = rx.requests.length;
    const pick = jest.spyOn(c.mod.handle().store.s.pick, 'all');
    hold = true;
    // 2 slots: the first two events of each registration ('idle' and 'busy' both want h.code)
    await publish(c, 'h.code', { sku: 'BUSY-1' });
    await waitFor(() => held.length === 2, 5000, 'two attempts in flight');
    await publish(c, 'h.code', { sku: 'BUSY-2' });
    expect(statuses(c, reg)).toEqual(['in_flight', 'pending']);
    hold = false;
    held.splice(0).forEach((f) => f());
    await waitFor(() => statuses(c, reg).every((s) => s === 'delivered'), 5000, 'both delivered');
    expect(rx.requests.length - before).toBe(4);
    expect(pick).toHaveBeenCalled();
  });
});

describe('the delivered body', () => {
  test('is the CloudEvent with event_id and recipient_client_id, as JSON.stringify of the spread writes it', () => {
    const bodies = [
      { specversion: '1.0', id: 'a', source: 's', type: 't', data: { sku: 'X "1"', n: [1, 2] } },
      // members already there are replaced in place
      { specversion: '1.0', id: 'b', source: 's', type: 't', event_id: 'old', data: {} },
      { specversion: '1.0', id: 'c', source: 's', type: 't', data: { recipient_client_id: 'inner' } },
    ];
    for (const ce of bodies)
      expect(deliveredJson(JSON.stringify(ce), 'ev-1', 'client "x"')).toBe(
        JSON.stringify({ ...ce, event_id: 'ev-1', recipient_client_id: 'client "x"' }),
      );
  });
});
