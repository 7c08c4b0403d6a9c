/**
 * R5 poison events, through the platform's events engine (time compressed): an event its
 * target always answers with a 5xx is retried on the whole schedule, ends dead-lettered after
 * the last attempt, stays visible in the traces API, and is delivered once when replayed
 * after the fix; an event answered with a 4xx is rejected at once (one attempt, no retry);
 * the events next to them are delivered normally.
 */
import { retrySchedule } from '../../platform/events/policy';
import { budget } from './support/sizes';
import { imsToken, providerIdByLabel, publish, startRelPlatform, waitFor } from './support/platform';
import { Target } from './support/target';

const TIME_SCALE = 0.00005; // 24 hours of retries in about 4.3 s
const PROVIDER = 'Reliability Provider';
const CODE = 'reliability.poison';

interface EventsList {
  events: Array<{ eventId: string; id: string; status: string }>;
}
interface EventTrace {
  event: { status: string };
  deliveries: Array<{
    status: string;
    attempts: number;
    trace: Array<{ outcome: string; response: { status: number } | null }>;
  }>;
}

it(
  'a 5xx poison event is dead-lettered after the last attempt, stays visible, replays once fixed; a 4xx one is rejected at once',
  async () => {
    const target = await new Target().start();
    const rp = await startRelPlatform({
      timeScale: TIME_SCALE,
      seed: {
        providers: [{ label: PROVIDER, event_metadata: [{ event_code: CODE }] }],
        registrations: [
          {
            name: 'poison-target',
            delivery_type: 'webhook',
            webhook_url: target.url,
            events_of_interest: [{ provider_label: PROVIDER, event_code: CODE }],
          },
        ],
      },
    });
    try {
      const token = await imsToken(rp.url, rp.p.config.env);
      const providerId = providerIdByLabel(rp, PROVIDER);
      let fixed = false;
      target.decide = ({ body }) => {
        const kind = (body.data as { kind?: string } | undefined)?.kind;
        if (kind === 'poison') return fixed ? 200 : 500;
        if (kind === 'final') return 400;
        return 200;
      };
      const ids: Record<string, string> = {};
      for (const kind of ['ok-before', 'poison', 'final', 'ok-after']) {
        const res = await publish(rp.url, token, {
          specversion: '1.0',
          id: `r5-${kind}`,
          source: `urn:uuid:${providerId}`,
          type: CODE,
          datacontenttype: 'application/json',
          data: { kind: kind.startsWith('ok') ? 'ok' : kind },
        });
        expect(res.status).toBe(200);
        ids[kind] = res.headers.get('x-adobe-event-id') as string;
      }
      const attemptsInAll = retrySchedule().length + 1;

      const listDead = async () =>
        ((await (await fetch(`${rp.url}/events/_local/events?status=dead`)).json()) as EventsList).events;
      const dead = await waitFor(
        'the poison event dead-lettered',
        async () => {
          const l = await listDead();
          return l.length > 0 ? l : undefined;
        },
        budget(30, 60),
      );
      expect(dead.map((e) => e.id)).toEqual(['r5-poison']);

      const poison = (await (await fetch(`${rp.url}/events/_local/events/${ids.poison}`)).json()) as EventTrace;
      expect(poison.event.status).toBe('dead');
      expect(poison.deliveries[0]?.status).toBe('dead');
      expect(poison.deliveries[0]?.attempts).toBe(attemptsInAll);
      expect(poison.deliveries[0]?.trace).toHaveLength(attemptsInAll);
      expect(poison.deliveries[0]?.trace.every((a) => a.outcome === 'retry' && a.response?.status === 500)).toBe(true);
      expect(target.of(ids.poison as string)).toHaveLength(attemptsInAll);

      const final = (await (await fetch(`${rp.url}/events/_local/events/${ids.final}`)).json()) as EventTrace;
      expect(final.event.status).toBe('rejected');
      expect(final.deliveries[0]?.trace.map((a) => [a.outcome, a.response?.status])).toEqual([['final', 400]]);
      expect(target.of(ids.final as string)).toHaveLength(1);
      for (const k of ['ok-before', 'ok-after']) expect(target.successes(ids[k] as string)).toBe(1);

      // the fix ships; the dead letter is replayed through the traces API and delivered once
      fixed = true;
      const replay = await fetch(`${rp.url}/events/_local/events/${ids.poison}/replay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(replay.status).toBe(200);
      expect(((await replay.json()) as { replayed: number }).replayed).toBe(1);
      await waitFor('the replayed event delivered', () => target.successes(ids.poison as string) === 1, 10_000);
      await new Promise((r) => setTimeout(r, 200));
      expect(target.successes(ids.poison as string)).toBe(1);
      const after = (await (await fetch(`${rp.url}/events/_local/events/${ids.poison}`)).json()) as EventTrace;
      expect(after.event.status).toBe('delivered');
      expect(await listDead()).toEqual([]);
      // the rejected one stays rejected, attempted once
      expect(target.of(ids.final as string)).toHaveLength(1);
      console.log(
        `R5: poison event dead after ${attemptsInAll} attempts (schedule of ${retrySchedule().length} retries), delivered once on replay; 4xx event rejected after 1 attempt`,
      );
    } finally {
      await rp.close();
      await target.down();
    }
  },
  budget(40, 90),
);
