/**
 * The platform's own events API, replay: one event (to every registration, or one), or
 * every event matching a filter (by default the rejected and dead-lettered ones). Each
 * replayed delivery starts a new series: its retry count restarts.
 */
import type { FastifyInstance } from 'fastify';
import { asRecord } from '../../fields';
import { localRoute, type LocalDeps } from './local-route';

export function registerLocalReplay(app: FastifyInstance, d: LocalDeps): void {
  const h = localRoute(d.auth, d.ims);

  app.post(
    '/events/_local/events/:id/replay',
    h((req, _reply, p) => {
      const e = d.views.eventOf(p.id ?? '');
      const b = asRecord(req.body) ?? {};
      const reg = typeof b.registration === 'string' ? d.views.registrationOf(b.registration) : undefined;
      const n = d.engine.replay(e.seq, reg?.id);
      return { replayed: n, eventId: e.event_id };
    }),
  );

  app.post(
    '/events/_local/replay',
    h((req) => {
      const b = asRecord(req.body) ?? {};
      const filter = d.views.eventFilter({ status: 'rejected,dead', ...b });
      const ids = Array.isArray(b.eventIds) ? b.eventIds.map(String) : undefined;
      const rows = ids ? ids.map((id) => d.views.eventOf(id)) : d.store.eventsMatching(filter);
      const reg = typeof b.registration === 'string' ? d.views.registrationOf(b.registration) : undefined;
      let deliveries = 0;
      for (const r of rows) deliveries += d.engine.replay(r.seq, reg?.id);
      return { events: rows.length, deliveries };
    }),
  );
}
