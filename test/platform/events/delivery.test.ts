/**
 * Delivery against a real local webhook server: outcome matrix, retry schedule (by order
 * and count), dead letter, health transitions, signatures, webhook_batch, pause/resume,
 * replay, runtime-action targets and the traces API.
 */
import { createPublicKey, verify } from 'node:crypto';
import { eventsModule } from '../../../platform/events';
import type { RegistrationRow } from '../../../platform/events/registrations';
import { startHarness, startReceiver, waitFor, type Harness, type Receiver } from './harness';

const WS = { orgId: '000000', projectId: 'local-project', workspaceId: 'local-workspace' };
const AUTH = { authorization: 'Bearer t', 'x-api-key': 'k' };

interface Ctx {
  h: Harness;
  mod: ReturnType<typeof eventsModule>;
  providerId: string;
}

async function setup(
  timeScale: number,
  codes: string[],
  webhookTimeoutMs = 1000,
  healthWindowMs?: number,
): Promise<Ctx> {
  const mod = eventsModule({
    webhookTimeoutMs,
    verifyWebhooks: true,
    housekeepingMs: 20,
    ...(healthWindowMs !== undefined ? { healthWindowMs } : {}),
  });
  const h = await startHarness([mod], { timeScale });
  const { providers } = mod.handle();
  const p = providers.createProvider(WS, { label: 'Backoffice' });
  for (const c of codes) providers.createEventMetadata(p.id, { event_code: c, label: c });
  return { h, mod, providerId: p.id };
}

function register(
  c: Ctx,
  name: string,
  target: { webhook_url?: string; runtime_action?: string },
  codes: string[],
  deliveryType = 'webhook',
): RegistrationRow {
  return c.mod.handle().registrations.createRegistration(WS, {
    client_id: 'local-client',
    name,
    delivery_type: deliveryType,
    ...target,
    events_of_interest: codes.map((event_code) => ({ provider_id: c.providerId, event_code })),
  });
}

let n = 0;
async function publish(c: Ctx, type: string, data: unknown, id = `ev-${++n}`): Promise<string> {
  const res = await fetch(`${c.h.base}/ingress`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify({
      specversion: '1.0',
      id,
      source: `urn:uuid:${c.providerId}`,
      type,
      datacontenttype: 'application/json',
      data,
    }),
  });
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('OK');
  return id;
}

async function api<T = any>(c: Ctx, path: string, init?: { method?: string; body?: unknown }): Promise<T> {
  const res = await fetch(`${c.h.base}${path}`, {
    method: init?.method ?? 'GET',
    headers: init?.body !== undefined ? { 'content-type': 'application/json' } : {},
    body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

function deliveries(c: Ctx, reg: RegistrationRow) {
  return c.h.ctx.db.prepare('SELECT * FROM ev_deliveries WHERE registration_pk = ?').all(reg.id) as Array<{
    status: string;
    attempts: number;
    failures: number;
  }>;
}

describe('delivery outcome matrix (real HTTP)', () => {
  let c: Ctx;
  let rx: Receiver;
  const hanging: Array<() => void> = [];

  beforeAll(async () => {
    c = await setup(0.0001, ['m.code']);
    rx = await startReceiver((req, _body, res) => {
      const status = Number((req.url ?? '').split('/').pop());
      if (status === 0) {
        hanging.push(() => res.destroy());
        return; // never answers: timeout
      }
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
    });
  });
  afterAll(async () => {
    hanging.forEach((f) => f());
    await c.h.close();
    await rx.close();
  });

  test('2xx success, 4xx/505 final, 429/5xx/timeout/refused retried', async () => {
    const base = rx.url.replace(/\/hook$/, '');
    const cases: Array<[string, string, 'delivered' | 'rejected' | 'retry']> = [
      ['200', `${base}/s/200`, 'delivered'],
      ['400', `${base}/s/400`, 'rejected'],
      ['404', `${base}/s/404`, 'rejected'],
      ['429', `${base}/s/429`, 'retry'],
      ['500', `${base}/s/500`, 'retry'],
      ['505', `${base}/s/505`, 'rejected'],
      ['timeout', `${base}/s/0`, 'retry'],
      ['refused', 'http://127.0.0.1:1/refused', 'retry'],
    ];
    const regs = cases.map(([name, url]) => register(c, `matrix-${name}`, { webhook_url: url }, ['m.code']));
    await publish(c, 'm.code', { sku: 'MATRIX-1' });

    await waitFor(
      () =>
        regs.every((reg, i) => {
          const d = deliveries(c, reg)[0];
          const want = cases[i]![2];
          if (!d) return false;
          return want === 'retry' ? d.attempts >= 3 : d.status === want;
        }),
      15_000,
      'every registration to reach its outcome',
    );
    // finals stay final: one attempt only
    await new Promise((r) => setTimeout(r, 200));
    regs.forEach((reg, i) => {
      const d = deliveries(c, reg)[0]!;
      const want = cases[i]![2];
      if (want === 'retry') {
        expect(['retrying', 'in_flight']).toContain(d.status);
        expect(d.attempts).toBeGreaterThanOrEqual(3);
      } else {
        expect([cases[i]![0], d.status]).toEqual([cases[i]![0], want]);
        if (d.attempts !== 1)
          console.log(
            cases[i],
            JSON.stringify(
              c.h.ctx.db
                .prepare('SELECT outcome, response_status, error FROM ev_attempts WHERE registration_pk = ?')
                .all(reg.id),
            ),
          );
        expect([cases[i]![0], d.attempts]).toEqual([cases[i]![0], 1]);
      }
    });
    // headers of the retried 500: same event id, new delivery id, retry count 0, 1, 2...
    const got = rx.requests.filter((r) => r.url === '/s/500');
    expect(got.length).toBeGreaterThanOrEqual(3);
    expect(new Set(got.map((r) => r.headers['x-adobe-event-id'])).size).toBe(1);
    expect(new Set(got.map((r) => r.headers['x-adobe-delivery-id'])).size).toBe(got.length);
    expect(got.slice(0, 3).map((r) => r.headers['x-adobe-retry-count'])).toEqual(['0', '1', '2']);
    expect(got[0]!.headers['x-adobe-event-code']).toBe('m.code');
    expect(got[0]!.headers['x-adobe-provider']).toBe('3rd_party_custom_events');
    for (const reg of regs) c.mod.handle().registrations.deleteRegistration(reg);
  });
});

describe('retry schedule, dead letter, health, signatures, batch, pause, replay', () => {
  let c: Ctx;
  let rx: Receiver;
  let answer = 200;

  beforeAll(async () => {
    c = await setup(0.00001, ['s.dead', 's.health', 's.sig', 's.batch', 's.pause', 's.replay', 's.action']);
    rx = await startReceiver((_req, _body, res) => {
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(`answer ${answer}`);
    });
  });
  afterAll(async () => {
    await c.h.close();
    await rx.close();
  });

  test('a retried delivery follows the schedule by order and count, then is dead-lettered', async () => {
    const base = rx.url.replace(/\/hook$/, '');
    const rx2 = await startReceiver((_req, _body, res) => res.writeHead(503).end('down'));
    const reg = register(c, 'dead', { webhook_url: rx2.url }, ['s.dead']);
    const id = await publish(c, 's.dead', { sku: 'DEAD-1' });
    await waitFor(() => deliveries(c, reg)[0]?.status === 'dead', 20_000, 'dead letter');
    const d = deliveries(c, reg)[0]!;
    expect(d.attempts).toBe(100); // first attempt + 99 retries within 24 h (scaled)
    expect(rx2.requests.map((r) => r.headers['x-adobe-retry-count'])).toEqual(
      Array.from({ length: 100 }, (_, i) => String(i)),
    );
    const ev = await api(c, `/events/_local/events/${id}`);
    expect(ev.event.status).toBe('dead');
    expect(ev.deliveries[0].trace).toHaveLength(100);
    expect(ev.deliveries[0].trace.every((a: any) => a.outcome === 'retry' && a.response.status === 503)).toBe(true);
    const list = await api(c, '/events/_local/events?status=dead');
    expect(list.events.map((e: any) => e.id)).toContain(id);
    await rx2.close();
    void base;
  });

  test('signatures verify with the served public keys', async () => {
    answer = 200;
    register(c, 'sig', { webhook_url: rx.url }, ['s.sig']);
    await publish(c, 's.sig', { sku: 'SIG-1' });
    const req = await waitFor(
      () => rx.requests.find((r) => r.headers['x-adobe-event-code'] === 's.sig'),
      5000,
      'signed delivery',
    );
    for (const i of [1, 2]) {
      const path = req.headers[`x-adobe-public-key${i}-path`] as string;
      const pem = await (await fetch(`${c.h.base}${path}`)).text();
      const ok = verify(
        'rsa-sha256',
        Buffer.from(req.body),
        createPublicKey(pem),
        Buffer.from(req.headers[`x-adobe-digital-signature-${i}`] as string, 'base64'),
      );
      expect(ok).toBe(true);
    }
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({ type: 's.sig', data: { sku: 'SIG-1' }, recipient_client_id: 'local-client' });
    expect(
      verify(
        'rsa-sha256',
        Buffer.from(req.body + ' '),
        createPublicKey(await (await fetch(`${c.h.base}${req.headers['x-adobe-public-key1-path']}`)).text()),
        Buffer.from(req.headers['x-adobe-digital-signature-1'] as string, 'base64'),
      ),
    ).toBe(false);
  });

  test('a webhook URL must answer the challenge', async () => {
    const mk = (url: string, name: string) =>
      fetch(`${c.h.base}/events/000000/local-project/local-workspace/registrations`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: 'c',
          name,
          delivery_type: 'webhook',
          webhook_url: url,
          events_of_interest: [{ provider_id: c.providerId, event_code: 's.sig' }],
        }),
      });
    expect((await mk(rx.url, 'challenge-ok')).status).toBe(201);
    const bad = await mk('http://127.0.0.1:1/nothing', 'challenge-bad');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('webhook_url');
  });

  test('webhook_batch: at most 20 events per POST, as a JSON array', async () => {
    const batchRx = await startReceiver((_req, _body, res) => res.writeHead(200).end());
    const reg = register(c, 'batch', { webhook_url: batchRx.url }, ['s.batch'], 'webhook_batch');
    await api(c, `/events/_local/registrations/${reg.registration_id}/pause`, {
      method: 'POST',
      body: { reason: 'collect a batch' },
    });
    for (let i = 0; i < 45; i++) await publish(c, 's.batch', { sku: `B-${i}` });
    await api(c, `/events/_local/registrations/${reg.registration_id}/resume`, {
      method: 'POST',
      body: { reason: 'go' },
    });
    await waitFor(() => deliveries(c, reg).every((x) => x.status === 'delivered'), 5000, 'batch delivered');
    const sizes = batchRx.requests.map((r) => (JSON.parse(r.body) as unknown[]).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(45);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(20);
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    await batchRx.close();
  });

  test('pause holds events, resume delivers them; the log keeps both reasons', async () => {
    const prx = await startReceiver((_req, _body, res) => res.writeHead(200).end('ok'));
    const reg = register(c, 'pause', { webhook_url: prx.url }, ['s.pause']);
    const paused = await api(c, `/events/_local/registrations/${reg.registration_id}/pause`, {
      method: 'POST',
      body: { reason: 'maintenance window' },
    });
    expect(paused.paused).toBe(true);
    await publish(c, 's.pause', { sku: 'P-1' });
    await new Promise((r) => setTimeout(r, 100));
    expect(prx.requests).toHaveLength(0);
    expect((await api(c, `/events/_local/events?registration=${reg.registration_id}&status=held`)).events).toHaveLength(
      1,
    );
    await api(c, `/events/_local/registrations/${reg.registration_id}/resume`, {
      method: 'POST',
      body: { reason: 'done' },
    });
    await waitFor(() => prx.requests.length === 1, 5000, 'delivery after resume');
    const detail = await api(c, `/events/_local/registrations/${reg.registration_id}`);
    expect(detail.log.filter((l: any) => l.action !== 'create')).toEqual([
      expect.objectContaining({ action: 'pause', reason: 'maintenance window' }),
      expect.objectContaining({ action: 'resume', reason: 'done' }),
    ]);
    await prx.close();
  });

  test('replay after the target recovers delivers a rejected event; traces redact secrets', async () => {
    let status = 400;
    const rrx = await startReceiver((_req, _body, res) =>
      res.writeHead(status, { 'set-cookie': 'secret=1' }).end(status === 400 ? '{"error":"bad sku"}' : 'ok'),
    );
    const reg = register(c, 'replay', { webhook_url: rrx.url }, ['s.replay']);
    const id = await publish(c, 's.replay', { sku: 'R-1' });
    await waitFor(() => deliveries(c, reg)[0]?.status === 'rejected', 5000, 'rejected');
    const found = await api(c, `/events/_local/events?entity=R-1`);
    expect(found.events).toHaveLength(1);
    expect(found.events[0].status).toBe('rejected');
    status = 200;
    const r = await api(c, `/events/_local/events/${id}/replay`, { method: 'POST', body: {} });
    expect(r.replayed).toBe(1);
    await waitFor(() => deliveries(c, reg)[0]?.status === 'delivered', 5000, 'delivered after replay');
    const ev = await api(c, `/events/_local/events/${id}`);
    const trace = ev.deliveries[0].trace;
    expect(trace.map((a: any) => a.response.status)).toEqual([400, 200]);
    expect(trace[0].response.body).toBe('{"error":"bad sku"}');
    expect(trace[0].response.headers['set-cookie']).toBe('***');
    expect(trace[0].request.headers['x-adobe-event-code']).toBe('s.replay');
    expect(JSON.parse(trace[0].request.body).data).toEqual({ sku: 'R-1' });
    await rrx.close();
  });

  test('runtime-action registrations: CloudEvent merged into params, x-adobe headers, status decides, activations in the timeline', async () => {
    let calls = 0;
    c.h.runtime.handlers.set('product/consumer', () =>
      ++calls === 1 ? { statusCode: 503, body: { error: 'busy' } } : { statusCode: 200, body: { ok: true } },
    );
    register(c, 'action', { runtime_action: 'product/consumer' }, ['s.action']);
    const id = await publish(c, 's.action', { sku: 'A-1' });
    await waitFor(() => calls >= 2, 5000, 'retry of the action');
    const ev = await waitFor(
      async () => {
        const e = await api(c, `/events/_local/events/${id}`);
        return e.event.status === 'delivered' && e;
      },
      5000,
      'delivered',
    );
    expect(ev.deliveries[0].trace.map((a: any) => a.response.status)).toEqual([503, 200]);
    expect(ev.deliveries[0].trace[1].activationId).toBeTruthy();
    expect(ev.activations).toHaveLength(2);
    const p = c.h.runtime.calls.find((x) => x.fullName === 'product/consumer')!.params;
    expect(p).toMatchObject({ id, type: 's.action', data: { sku: 'A-1' }, source: `urn:uuid:${c.providerId}` });
    expect((p.__ow_headers as Record<string, string>)['x-adobe-event-code']).toBe('s.action');
  });

  test("non-web actions (the app's consumers) are invoked with web params; their result decides", async () => {
    c.h.runtime.nonWeb.add('order/consumer');
    c.h.runtime.handlers.set('order/consumer', (params) =>
      (params.data as { bad?: boolean }).bad
        ? ({ error: { statusCode: 400, body: { error: 'invalid order' } } } as never)
        : { statusCode: 200, body: { type: params.type, response: { success: true } } },
    );
    const reg = register(c, 'non-web', { runtime_action: 'order/consumer' }, ['s.action']);
    const good = await publish(c, 's.action', { orderId: 1 });
    const bad = await publish(c, 's.action', { orderId: 2, bad: true });
    await waitFor(
      () =>
        deliveries(c, reg).every((x) => x.status === 'delivered' || x.status === 'rejected') &&
        deliveries(c, reg).length === 2,
      5000,
      'both settled',
    );
    const g = await api(c, `/events/_local/events/${good}`);
    const b = await api(c, `/events/_local/events/${bad}`);
    expect(g.deliveries.find((d: any) => d.registration === 'non-web').status).toBe('delivered');
    const bd = b.deliveries.find((d: any) => d.registration === 'non-web');
    expect(bd.status).toBe('rejected');
    expect(bd.trace[0].response).toMatchObject({ status: 400, body: '{"error":"invalid order"}' });
    const call = c.h.runtime.calls.find((x) => x.fullName === 'order/consumer')!;
    expect((call.params.__ow_headers as Record<string, string>)['x-adobe-event-code']).toBe('s.action');
    expect(call.params.type).toBe('s.action');
  });

  test('health: many failures disable a registration; its events are held; resume delivers them', async () => {
    // its own platform, with a health window that does not depend on how loaded the machine is
    const outer = c;
    c = await setup(0.00001, ['s.health'], 1000, 60_000);
    const failing = await startReceiver((_req, _body, res) => res.writeHead(500).end('no'));
    let ok = false;
    const recovering = await startReceiver((_req, _body, res) => res.writeHead(ok ? 200 : 500).end(ok ? 'ok' : 'no'));
    void failing;
    const reg = register(c, 'health', { webhook_url: recovering.url }, ['s.health']);
    for (let i = 0; i < 12; i++) await publish(c, 's.health', { sku: `H-${i}` });
    await waitFor(
      () => c.mod.handle().registrations.getRegistration(reg.id)?.health === 'DISABLED',
      10_000,
      'DISABLED',
    );
    const held = await waitFor(
      () => {
        const ds = deliveries(c, reg);
        return ds.every((x) => x.status === 'held' || x.status === 'dead') && ds;
      },
      5000,
      'held deliveries',
    );
    expect(held.some((x) => x.status === 'held')).toBe(true);
    const before = recovering.requests.length;
    await publish(c, 's.health', { sku: 'H-late' });
    await new Promise((r) => setTimeout(r, 100));
    expect(recovering.requests.length).toBe(before);
    const r = await api(c, `/events/_local/registrations/${reg.registration_id}`);
    expect(r.health).toBe('DISABLED');
    expect(r.webhook_status).toBe('disabled');
    expect(r.log.map((l: any) => l.action)).toContain('disable');

    ok = true;
    await api(c, `/events/_local/registrations/${reg.registration_id}/resume`, {
      method: 'POST',
      body: { reason: 'target fixed' },
    });
    await waitFor(
      () =>
        deliveries(c, reg).filter(
          (x) => x.status === 'held' || x.status === 'retrying' || x.status === 'pending' || x.status === 'in_flight',
        ).length === 0,
      10_000,
      'delivered',
    );
    const after = deliveries(c, reg);
    expect(after.filter((x) => x.status === 'delivered').length).toBeGreaterThanOrEqual(1);
    expect(c.mod.handle().registrations.getRegistration(reg.id)?.health).toBe('ACTIVE');
    await failing.close();
    await recovering.close();
    await c.h.close();
    c = outer;
  });

  test('live feed: server-sent events for ingest and deliveries', async () => {
    const ac = new AbortController();
    const res = await fetch(`${c.h.base}/events/_local/stream`, { signal: ac.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const id = await publish(c, 's.sig', { sku: 'LIVE-1' });
    await waitFor(
      async () => {
        const { value } = await reader.read();
        text += Buffer.from(value ?? new Uint8Array()).toString();
        return text.includes('event: delivery') && text.includes(id);
      },
      5000,
      'live events',
    );
    ac.abort();
  });
});
