/**
 * The platform's own events API (not Adobe's), events: a filtered list newest first, and
 * one event with its deliveries, every attempt's request and response, a timeline and the
 * activations it caused. The console and the events CLI use it.
 */
import type { FastifyInstance } from 'fastify';
import { queryLimit, queryTime } from '../../fields';
import type { EventRow } from '../../rows';
import { localRoute, type LocalDeps } from './local-route';

function details(d: LocalDeps, e: EventRow) {
  const { views } = d;
  const s = d.store.s;
  const attempts = s.attemptsOfEvent.all(e.seq);
  let activations: unknown[];
  try {
    activations = d.runtime()?.activationsForEvent(e.ce_id) ?? [];
  } catch {
    activations = [];
  }
  return {
    event: { ...views.event(e), cloudEvent: JSON.parse(e.body) as Record<string, unknown> },
    deliveries: s.deliveriesOfEvent.all(e.seq).map((x) => {
      const reg = views.registrationByPk(x.registration_pk);
      return {
        registrationId: reg?.registration_id,
        registration: reg?.name,
        target: reg ? (reg.runtime_action ? `action:${reg.runtime_action}` : reg.webhook_url) : null,
        status: x.status,
        attempts: x.attempts,
        nextAttemptAt:
          x.next_attempt_at !== null && x.status !== 'in_flight' ? new Date(x.next_attempt_at).toISOString() : null,
        lastStatus: x.last_status,
        trace: attempts.filter((a) => a.delivery_id === x.id).map((a) => views.attempt(a)),
      };
    }),
    journals: s.journalsOfEvent.all(e.seq).map((j) => views.registrationByPk(j.registration_pk)?.name),
    timeline: [
      { at: new Date(e.received_at).toISOString(), kind: 'ingest', detail: `${e.type} from ${e.source}` },
      ...attempts.map((a) => ({
        at: new Date(a.started_at).toISOString(),
        kind: 'attempt',
        detail: `${views.registrationByPk(a.registration_pk)?.name ?? a.registration_pk} attempt ${a.attempt}: ${a.response_status ?? a.error} → ${a.outcome}`,
      })),
    ],
    activations,
  };
}

export function registerLocalEvents(app: FastifyInstance, d: LocalDeps): void {
  const h = localRoute(d.auth);

  app.get(
    '/events/_local/events',
    h((req) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      const limit = queryLimit(q, 'limit', 50, 500);
      const rows = d.store.listEvents(d.views.eventFilter(q), queryTime(q, 'before'), limit);
      const more = rows.length > limit;
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { events: page.map((e) => d.views.event(e)), next: more && last ? String(last.seq) : null };
    }),
  );

  app.get(
    '/events/_local/events/:id',
    h((_req, _reply, p) => details(d, d.views.eventOf(p.id ?? ''))),
  );
}
