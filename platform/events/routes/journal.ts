/**
 * Journal registrations: `GET {events_url}?limit=&since=&latest=` answers
 * `{events: [{position, event}], _page: {last, count}}` with `Link: <…>; rel="next"` always
 * (getEventsFromJournal and the observable follow it), 204 + `retry-after` when caught up,
 * 410 when the position has expired (retention removed it).
 */
import type { FastifyInstance } from 'fastify';
import { PlatformError } from '../../core/errors';
import { requireImsAuth } from '../ims-auth';
import { decodePosition, encodePosition } from '../journal-position';
import type { RegistrationRow } from '../rows';
import type { EventsRouteDeps, Params } from './deps';

type JournalDeps = Pick<EventsRouteDeps, 'store' | 'registrations' | 'timeScale' | 'tokenCheck'>;

/** the position after which to read: `since`, or just before the latest event with `latest=true` */
function startAfter(deps: JournalDeps, reg: RegistrationRow, q: Record<string, string | undefined>): number {
  if (q.since !== undefined) {
    const s = decodePosition(q.since);
    if (s === undefined)
      throw new PlatformError(400, 'invalid_field', `since is not a journal position: ${q.since}`, { field: 'since' });
    if (s < deps.store.journalFloor()) {
      throw new PlatformError(
        410,
        'position_expired',
        `position ${q.since} has expired (events before it were removed by retention)`,
        { field: 'since' },
      );
    }
    return s;
  }
  if (q.latest === 'true') {
    const l = deps.store.s.journalLast.get(reg.id)?.seq ?? null;
    return l === null ? 0 : l - 1;
  }
  return 0;
}

export function registerJournal(app: FastifyInstance, deps: JournalDeps): void {
  app.get('/events/organizations/:orgId/integrations/:clientId/:registrationId', async (req, reply) => {
    requireImsAuth(req, deps.tokenCheck);
    const p = req.params as Params;
    const reg = deps.registrations.getRegistration(p.registrationId ?? '');
    if (!reg || reg.org_id !== p.orgId)
      throw new PlatformError(404, 'not_found', `registration ${p.registrationId} not found`, {
        field: 'registrationId',
      });
    if (reg.delivery_type !== 'journal') {
      throw new PlatformError(
        400,
        'not_a_journal',
        `registration ${reg.name} is a ${reg.delivery_type} registration; only journal registrations can be read`,
        { field: 'registrationId' },
      );
    }
    const q = (req.query ?? {}) as Record<string, string | undefined>;
    const limit = Math.min(1000, Math.max(1, Number(q.limit ?? 100) || 100));
    const after = startAfter(deps, reg, q);
    const rows = deps.store.s.journalPage.all(reg.id, after, limit);
    const base = deps.registrations.journalUrl(reg);
    const lastSeq = rows.length > 0 ? (rows[rows.length - 1] as { seq: number }).seq : after;
    reply.header('link', `<${base}?since=${encodePosition(lastSeq)}&limit=${limit}>; rel="next"`);
    if (rows.length === 0) {
      reply.header('retry-after', String(Math.max(1, Math.round(10 * deps.timeScale))));
      return reply.code(204).send();
    }
    const events = rows.map((r) => ({
      position: encodePosition(r.seq),
      event: {
        ...(JSON.parse(r.body) as Record<string, unknown>),
        event_id: r.event_id,
        recipient_client_id: reg.client_id,
      },
    }));
    return reply
      .type('application/json')
      .send({ events, _page: { last: encodePosition(lastSeq), count: events.length } });
  });
}
