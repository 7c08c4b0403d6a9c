/**
 * Journal registrations: `GET {events_url}?limit=&since=&latest=` answers
 * `{events: [{position, event}], _page: {last, count}}` with `Link: <…>; rel="next"` always
 * (getEventsFromJournal and the observable follow it), 204 + `retry-after` when caught up,
 * 410 when the position has expired (retention removed it).
 */
import type { FastifyInstance } from 'fastify';
import type BetterSqlite3 from 'better-sqlite3';
import type { Catalog } from './catalog';
import { ApiError, requireImsAuth, sendError, type TokenCheck } from './http';

/** Positions are opaque to clients; here a prefixed sequence number. */
export function encodePosition(seq: number): string {
  return `pos-${seq.toString(36)}`;
}

export function decodePosition(pos: string): number | undefined {
  const m = /^pos-([0-9a-z]+)$/.exec(pos);
  if (!m || !m[1]) return undefined;
  const n = parseInt(m[1], 36);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function registerJournal(
  app: FastifyInstance,
  deps: { db: BetterSqlite3.Database; catalog: Catalog; timeScale: number; tokenCheck?: TokenCheck | undefined; floor: () => number },
): void {
  const page = deps.db.prepare(
    `SELECT j.event_seq AS seq, e.body, e.event_id FROM ev_journal j JOIN ev_events e ON e.seq = j.event_seq
     WHERE j.registration_pk = ? AND j.event_seq > ? ORDER BY j.event_seq LIMIT ?`,
  );
  const last = deps.db.prepare('SELECT MAX(event_seq) AS seq FROM ev_journal WHERE registration_pk = ?');

  app.get('/events/organizations/:orgId/integrations/:clientId/:registrationId', async (req, reply) => {
    try {
      requireImsAuth(req, deps.tokenCheck);
      const p = req.params as Record<string, string>;
      const reg = deps.catalog.getRegistration(p.registrationId ?? '');
      if (!reg || reg.org_id !== p.orgId) throw new ApiError(404, 'not_found', `registration ${p.registrationId} not found`, 'registrationId');
      if (reg.delivery_type !== 'journal') {
        throw new ApiError(400, 'not_a_journal', `registration ${reg.name} is a ${reg.delivery_type} registration; only journal registrations can be read`, 'registrationId');
      }
      const q = (req.query ?? {}) as Record<string, string | undefined>;
      const limit = Math.min(1000, Math.max(1, Number(q.limit ?? 100) || 100));
      let after = 0;
      if (q.since !== undefined) {
        const s = decodePosition(q.since);
        if (s === undefined) throw new ApiError(400, 'invalid_field', `since is not a journal position: ${q.since}`, 'since');
        if (s < deps.floor()) throw new ApiError(410, 'position_expired', `position ${q.since} has expired (events before it were removed by retention)`, 'since');
        after = s;
      } else if (q.latest === 'true') {
        const l = (last.get(reg.id) as { seq: number | null }).seq;
        after = l === null ? 0 : l - 1;
      }
      const rows = page.all(reg.id, after, limit) as Array<{ seq: number; body: string; event_id: string }>;
      const base = deps.catalog.journalUrl(reg);
      const lastSeq = rows.length > 0 ? (rows[rows.length - 1] as { seq: number }).seq : after;
      reply.header('link', `<${base}?since=${encodePosition(lastSeq)}&limit=${limit}>; rel="next"`);
      if (rows.length === 0) {
        reply.header('retry-after', String(Math.max(1, Math.round(10 * deps.timeScale))));
        return reply.code(204).send();
      }
      const events = rows.map((r) => ({
        position: encodePosition(r.seq),
        event: { ...(JSON.parse(r.body) as Record<string, unknown>), event_id: r.event_id, recipient_client_id: reg.client_id },
      }));
      return reply.type('application/json').send({ events, _page: { last: encodePosition(lastSeq), count: events.length } });
    } catch (e) {
      if (e instanceof ApiError) return sendError(reply, e);
      throw e;
    }
  });
}
