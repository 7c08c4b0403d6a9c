/** Trace and event retention by count and age; an expired journal position answers 410; end dates pause. */
import { eventsModule } from '../../../platform/events';
import { startHarness, startReceiver, waitFor } from './harness';

const WS = { orgId: '000000', projectId: 'local-project', workspaceId: 'local-workspace' };
const AUTH = { authorization: 'Bearer t', 'x-api-key': 'k' };

test('retention keeps at most N attempts, drops settled events past their age, and expires journal positions', async () => {
  const mod = eventsModule({
    verifyWebhooks: false,
    traceMaxAttempts: 3,
    eventMaxAgeMs: 1500,
    housekeepingMs: 20,
    retentionEveryMs: 50,
  });
  const h = await startHarness([mod]);
  const rx = await startReceiver((_req, _body, res) => res.writeHead(200).end());
  try {
    const { providers, registrations } = mod.handle();
    const p = providers.createProvider(WS, { label: 'P' });
    providers.createEventMetadata(p.id, { event_code: 'r.code', label: 'r' });
    registrations.createRegistration(WS, {
      client_id: 'c',
      name: 'hook',
      delivery_type: 'webhook',
      webhook_url: rx.url,
      events_of_interest: [{ provider_id: p.id, event_code: 'r.code' }],
    });
    const journal = registrations.createRegistration(WS, {
      client_id: 'c',
      name: 'journal',
      delivery_type: 'journal',
      events_of_interest: [{ provider_id: p.id, event_code: 'r.code' }],
    });
    const publish = (i: number) =>
      fetch(`${h.base}/ingress`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify({
          specversion: '1.0',
          id: `r-${i}`,
          source: `urn:uuid:${p.id}`,
          type: 'r.code',
          data: {},
        }),
      });
    await publish(0);
    const url = registrations.journalUrl(journal);
    const first = await fetch(`${url}?limit=1`, { headers: AUTH });
    expect(first.status).toBe(200);
    const next = /<([^>]+)>/.exec(first.headers.get('link') ?? '')?.[1] ?? '';
    for (let i = 1; i < 6; i++) await publish(i);
    await waitFor(() => rx.requests.length === 6, 5000, 'deliveries');
    await waitFor(
      () => (h.ctx.db.prepare('SELECT COUNT(*) AS n FROM ev_attempts').get() as { n: number }).n <= 3,
      5000,
      'attempts trimmed to 3',
    );
    await waitFor(
      () => (h.ctx.db.prepare('SELECT COUNT(*) AS n FROM ev_events').get() as { n: number }).n === 0,
      5000,
      'old events removed',
    );
    expect((await fetch(next, { headers: AUTH })).status).toBe(410);
  } finally {
    await rx.close();
    await h.close();
  }
});

test('an end date pauses the registration by itself, and the log says why', async () => {
  const mod = eventsModule({ verifyWebhooks: false, housekeepingMs: 20 });
  const h = await startHarness([mod]);
  try {
    const { providers, registrations } = mod.handle();
    const p = providers.createProvider(WS, { label: 'P' });
    providers.createEventMetadata(p.id, { event_code: 'e.code', label: 'e' });
    const reg = registrations.createRegistration(WS, {
      client_id: 'c',
      name: 'temp',
      delivery_type: 'webhook',
      webhook_url: 'http://127.0.0.1:1/x',
      events_of_interest: [{ provider_id: p.id, event_code: 'e.code' }],
    });
    const r = await fetch(`${h.base}/events/_local/registrations/temp/end-date`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endsAt: Date.now() + 100 }),
    });
    expect(r.status).toBe(200);
    await waitFor(() => registrations.getRegistration(reg.id)?.paused === 1, 5000, 'paused by its end date');
    expect(registrations.registrationLog(reg.id).map((l) => l.reason)).toContain('end date reached');
  } finally {
    await h.close();
  }
});
