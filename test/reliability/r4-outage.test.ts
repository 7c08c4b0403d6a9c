/**
 * R4 outage, through the platform's events engine (time compressed with PLATFORM_TIME_SCALE):
 * the target answers 503, then refuses connections, then recovers.
 *
 * - short outage, two events: each attempt is recorded, the retry count goes 0, 1, 2, …, the
 *   pause before retry n is at least the scheduled 1, 2, 4, 8 minutes (scaled), and each
 *   event is delivered exactly once after recovery;
 * - long outage, many events: Adobe's health rule disables the registration (≥ 10 attempts,
 *   ≥ 80 % failed); deliveries are held, not dropped, and when it is re-enabled every event is
 *   delivered, none lost, none delivered twice.
 * Nothing asserts an absolute time: only order, counts, and gaps not shorter than the schedule.
 */
import { INITIAL_DELAYS_MIN, MINUTE_MS } from '../../platform/events/policy';
import { FULL, budget } from './support/sizes';
import { imsToken, providerIdByLabel, publish, startRelPlatform, waitFor, type RelPlatform } from './support/platform';
import { Target } from './support/target';

const TIME_SCALE = 0.001; // a minute is 60 ms
const PROVIDER = 'Reliability Provider';
const CODE = 'reliability.outage';

interface TraceAttempt {
  attempt: number;
  at: string;
  outcome: string;
  response: { status: number } | null;
  error: string | null;
  request: { headers: Record<string, string> };
}
interface EventTrace {
  event: { eventId: string; status: string };
  deliveries: Array<{ status: string; attempts: number; trace: TraceAttempt[] }>;
}

async function setup(target: Target): Promise<{ rp: RelPlatform; token: string; providerId: string }> {
  const rp = await startRelPlatform({
    timeScale: TIME_SCALE,
    seed: {
      providers: [{ label: PROVIDER, event_metadata: [{ event_code: CODE }] }],
      registrations: [
        {
          name: 'outage-target',
          delivery_type: 'webhook',
          webhook_url: target.url,
          events_of_interest: [{ provider_label: PROVIDER, event_code: CODE }],
        },
      ],
    },
  });
  const token = await imsToken(rp.url, rp.p.config.env);
  return { rp, token, providerId: providerIdByLabel(rp, PROVIDER) };
}

async function send(rp: RelPlatform, token: string, providerId: string, n: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await publish(rp.url, token, {
      specversion: '1.0',
      id: `${prefix}-${i}`,
      source: `urn:uuid:${providerId}`,
      type: CODE,
      datacontenttype: 'application/json',
      data: { n: i },
    });
    expect(res.status).toBe(200);
    ids.push(res.headers.get('x-adobe-event-id') as string);
  }
  return ids;
}

async function trace(rp: RelPlatform, eventId: string): Promise<EventTrace> {
  const res = await fetch(`${rp.url}/events/_local/events/${eventId}`);
  expect(res.status).toBe(200);
  return (await res.json()) as EventTrace;
}

describe('R4: the target is down for a while, then recovers', () => {
  it(
    'short outage: 503, then connection refused, then 200; attempts follow the schedule, each event delivered once',
    async () => {
      const target = await new Target().start();
      const { rp, token, providerId } = await setup(target);
      try {
        const attempts = new Map<string, number>();
        let ids: string[] = [];
        target.decide = ({ retryCount }) => (retryCount < 2 ? 503 : 200);
        rp.p.ctx.bus.on('delivery', (d: { eventId: string; attempt: number }) => {
          attempts.set(d.eventId, d.attempt);
          const all = (k: number) => ids.length > 0 && ids.every((id) => (attempts.get(id) ?? 0) >= k);
          if (all(4) && !target.listening) void target.up();
          else if (
            all(2) &&
            attempts.size === ids.length &&
            target.listening &&
            ![...attempts.values()].some((a) => a >= 3)
          )
            void target.down();
        });
        ids = await send(rp, token, providerId, 2, 'short');
        await waitFor('both delivered', () => ids.every((id) => target.successes(id) === 1), 30_000);

        for (const id of ids) {
          const t = await trace(rp, id);
          expect(t.event.status).toBe('delivered');
          const attemptsOf = t.deliveries[0]?.trace ?? [];
          // 503, 503, refused, refused, 200
          expect(attemptsOf.map((a) => a.outcome)).toEqual(['retry', 'retry', 'retry', 'retry', 'success']);
          expect(attemptsOf.map((a) => a.response?.status ?? 'no response')).toEqual([
            503,
            503,
            'no response',
            'no response',
            200,
          ]);
          expect(attemptsOf.map((a) => Number(a.request.headers['x-adobe-retry-count']))).toEqual([0, 1, 2, 3, 4]);
          const at = attemptsOf.map((a) => Date.parse(a.at));
          for (let i = 1; i < at.length; i++) {
            const scheduled = (INITIAL_DELAYS_MIN[i - 1] as number) * MINUTE_MS * TIME_SCALE;
            // never earlier than the schedule (ms clock granularity aside)
            expect((at[i] as number) - (at[i - 1] as number)).toBeGreaterThanOrEqual(scheduled - 2);
          }
          expect(target.successes(id)).toBe(1);
        }
      } finally {
        await rp.close();
        await target.down();
      }
    },
    budget(30, 60),
  );

  it(
    'long outage with many events: the registration is disabled, deliveries are held, and after re-enabling none is lost',
    async () => {
      const n = FULL ? 500 : 30;
      const target = await new Target().start();
      const { rp, token, providerId } = await setup(target);
      try {
        target.decide = () => 503;
        const ids = await send(rp, token, providerId, n, 'long');
        const reg = rp.events.registrations.listRegistrations().find((r) => r.name === 'outage-target');
        const healthNow = () => rp.events.registrations.getRegistration(reg!.id)?.health;
        // 503 until every event failed once or the registration was disabled, then refused connections for a while
        await waitFor(
          'every event failed once, or the registration disabled',
          () => healthNow() === 'DISABLED' || ids.every((id) => target.of(id).length >= 1),
          30_000,
        );
        await target.down();
        await new Promise((r) => setTimeout(r, 8 * MINUTE_MS * TIME_SCALE));
        target.decide = () => 200;
        await target.up();

        const health = healthNow();
        if (health === 'DISABLED') {
          const held = (await (await fetch(`${rp.url}/events/_local/registrations/outage-target`)).json()) as {
            counts: Record<string, number>;
          };
          expect(held.counts.held ?? 0).toBeGreaterThan(0);
          const res = await fetch(`${rp.url}/events/_local/registrations/outage-target/resume`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ reason: 'target recovered' }),
          });
          expect(res.status).toBe(200);
        }
        await waitFor('every event delivered', () => ids.every((id) => target.successes(id) >= 1), budget(25, 120));
        // settle: nothing more arrives
        await new Promise((r) => setTimeout(r, 300));
        const twice = ids.filter((id) => target.successes(id) !== 1);
        expect(twice).toEqual([]);
        for (const id of ids) {
          const rc = target.of(id).map((d) => d.retryCount);
          expect(rc).toEqual([...rc].sort((a, b) => a - b));
        }
        const statuses = rp.p.ctx.db
          .prepare('SELECT status, COUNT(*) AS n FROM ev_events WHERE type = ? GROUP BY status')
          .all(CODE) as Array<{ status: string; n: number }>;
        expect(statuses).toEqual([{ status: 'delivered', n }]);
        const maxTries = Math.max(...ids.map((id) => target.of(id).length));
        console.log(
          `R4 long outage: ${n} events, registration ${health === 'DISABLED' ? 'DISABLED then re-enabled' : `stayed ${health}`}, ${target.deliveries.length} requests reached the target (max ${maxTries} per event), ${n} delivered once, 0 lost`,
        );
      } finally {
        await rp.close();
        await target.down();
      }
    },
    budget(40, 180),
  );
});
