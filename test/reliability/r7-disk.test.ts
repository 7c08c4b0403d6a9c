/**
 * R7 disk: the store reports full (SQLITE_FULL) or read-only (SQLITE_READONLY). SQLite
 * reports both itself, no mock in between: `PRAGMA max_page_count` at the file's current size
 * makes the next growing write fail with SQLITE_FULL, `PRAGMA query_only` makes every write
 * fail with SQLITE_READONLY (see platform/store/faults.ts). While the fault lasts the ingress
 * answers 503 with `retry-after` (the sender tries again), the platform keeps serving, nothing
 * already accepted is lost, and when space returns it accepts and delivers again: every event
 * that got a 200 is delivered exactly once.
 */
import { budget } from './support/sizes';
import { imsToken, providerIdByLabel, publish, startRelPlatform, waitFor } from './support/platform';
import { Target } from './support/target';

const PROVIDER = 'Reliability Provider';
const CODE = 'reliability.disk';

it(
  'disk full and read-only store: 503 + retry-after, nothing accepted is lost, recovery when space returns',
  async () => {
    const target = await new Target().start();
    const rp = await startRelPlatform({
      timeScale: 0.001,
      seed: {
        providers: [{ label: PROVIDER, event_metadata: [{ event_code: CODE }] }],
        registrations: [
          {
            name: 'disk-target',
            delivery_type: 'webhook',
            webhook_url: target.url,
            events_of_interest: [{ provider_label: PROVIDER, event_code: CODE }],
          },
        ],
      },
    });
    const db = rp.p.ctx.db;
    try {
      const token = await imsToken(rp.url, rp.p.config.env);
      const providerId = providerIdByLabel(rp, PROVIDER);
      const accepted = new Map<string, string>(); // CloudEvent id → platform event id
      const refused: string[] = [];
      let n = 0;
      const send = async (id = `r7-${n++}`) => {
        const res = await publish(rp.url, token, {
          specversion: '1.0',
          id,
          source: `urn:uuid:${providerId}`,
          type: CODE,
          datacontenttype: 'application/json',
          data: { id, pad: 'x'.repeat(2000) },
        });
        if (res.status === 200) accepted.set(id, res.headers.get('x-adobe-event-id') as string);
        else {
          if (res.status !== 503) console.log(`R7: unexpected ${res.status}`, await res.clone().text());
          expect(res.status).toBe(503);
          expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
          const body = (await res.json()) as { error_code?: string; message?: string };
          expect(body.error_code).toBe('store_unavailable');
          refused.push(id);
        }
        return res.status;
      };
      const storedCount = () =>
        (db.prepare('SELECT COUNT(*) AS n FROM ev_events WHERE type = ?').get(CODE) as { n: number }).n;

      // before: a few events accepted and in flight (the target answers slowly) when the disk fills,
      // so their outcomes cannot be written when the answers come
      target.delayMs = 1500;
      for (let i = 0; i < 5; i++) expect(await send()).toBe(200);
      await waitFor('the first deliveries in flight', () => target.deliveries.length >= 5, 10_000);

      // 1. disk full: the file may not grow
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
      let first503 = -1;
      for (let i = 0; i < 300 && first503 < 0; i++) if ((await send()) === 503) first503 = i;
      expect(first503).toBeGreaterThanOrEqual(0);
      const storedAtFull = storedCount();
      for (let i = 0; i < 20; i++) expect(await send()).toBe(503);
      expect(storedCount()).toBe(storedAtFull);
      expect((await fetch(`${rp.url}/healthz`)).status).toBe(200);

      // 2. read-only: nothing can be written at all
      db.pragma('max_page_count = 2147483646');
      db.pragma('query_only = ON');
      for (let i = 0; i < 20; i++) expect(await send()).toBe(503);
      expect(storedCount()).toBe(storedAtFull);
      // the slow answers came while nothing could be written: the engine keeps those outcomes and retries
      await new Promise((r) => setTimeout(r, 1600));
      target.delayMs = 0;
      expect((await fetch(`${rp.url}/healthz`)).status).toBe(200);

      // 3. space returns: the senders resend what was refused, and everything is delivered once
      db.pragma('query_only = OFF');
      const toResend = [...refused];
      refused.length = 0;
      for (const id of toResend) expect(await send(id)).toBe(200);
      expect(storedCount()).toBe(accepted.size);
      await waitFor(
        'every accepted event delivered',
        () => [...accepted.values()].every((eid) => target.successes(eid) >= 1),
        budget(30, 60),
      );
      await new Promise((r) => setTimeout(r, 300));
      const notOnce = [...accepted.values()].filter((eid) => target.successes(eid) !== 1);
      expect(notOnce).toEqual([]);
      const statuses = db
        .prepare('SELECT status, COUNT(*) AS n FROM ev_events WHERE type = ? GROUP BY status')
        .all(CODE);
      expect(statuses).toEqual([{ status: 'delivered', n: accepted.size }]);
      console.log(
        `R7: ${accepted.size} events accepted (${toResend.length} of them refused with 503 while the store was full or read-only, then resent), all delivered once, 0 lost`,
      );
    } finally {
      try {
        db.pragma('query_only = OFF');
      } catch {
        /* closed */
      }
      await rp.close();
      await target.down();
    }
  },
  budget(40, 60),
);
