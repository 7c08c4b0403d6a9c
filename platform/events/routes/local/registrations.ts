/**
 * The platform's own events API, registrations: their state and delivery counts, the
 * start/stop log, attempts (newest first), per-minute stats, pause and resume with a
 * reason, and end dates.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PlatformError } from '../../../core/errors';
import { asRecord, queryLimit, queryTime, timeOrNumber } from '../../fields';
import type { RegistrationRow } from '../../rows';
import { localRoute, type LocalDeps } from './local-route';

function reasonOf(req: FastifyRequest): string | null {
  const b = asRecord(req.body) ?? {};
  return typeof b.reason === 'string' && b.reason.trim() !== '' ? b.reason.trim() : null;
}

function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
}

/** attempts per minute: successes, failures, p50 and p99 durations */
function perMinute(rows: Array<{ started_at: number; duration_ms: number; outcome: string }>) {
  const buckets = new Map<number, { success: number; failure: number; durations: number[] }>();
  for (const a of rows) {
    const m = Math.floor(a.started_at / 60_000) * 60_000;
    const b = buckets.get(m) ?? { success: 0, failure: 0, durations: [] };
    if (a.outcome === 'success') b.success++;
    else b.failure++;
    b.durations.push(a.duration_ms);
    buckets.set(m, b);
  }
  return [...buckets.entries()].map(([m, b]) => ({
    minute: new Date(m).toISOString(),
    success: b.success,
    failure: b.failure,
    p50: percentile(b.durations, 50),
    p99: percentile(b.durations, 99),
  }));
}

export function registerLocalRegistrations(app: FastifyInstance, d: LocalDeps): void {
  const h = localRoute(d.auth);
  const { views, registrations } = d;
  const fresh = (r: RegistrationRow) => views.registration(registrations.getRegistration(r.id) as RegistrationRow);

  app.get(
    '/events/_local/registrations',
    h(() => ({ registrations: registrations.listRegistrations().map((r) => views.registration(r)) })),
  );

  app.get(
    '/events/_local/registrations/:id',
    h((_req, _reply, p) => {
      const r = views.registrationOf(p.id ?? '');
      return {
        ...views.registration(r),
        log: registrations.registrationLog(r.id).map((l) => ({ ...l, at: new Date(l.at).toISOString() })),
      };
    }),
  );

  app.get(
    '/events/_local/registrations/:id/attempts',
    h((req, _reply, p) => {
      const r = views.registrationOf(p.id ?? '');
      const q = (req.query ?? {}) as Record<string, unknown>;
      const limit = queryLimit(q, 'limit', 100, 500);
      const rows = d.store.registrationAttempts(
        r.id,
        typeof q.outcome === 'string' ? q.outcome : undefined,
        queryTime(q, 'before'),
        limit,
      );
      const page = rows.slice(0, limit);
      const seqs = new Map<number, string>();
      for (const a of page)
        if (!seqs.has(a.event_seq)) seqs.set(a.event_seq, d.store.s.eventIdOfSeq.get(a.event_seq)?.event_id ?? '');
      const last = page[page.length - 1];
      return {
        attempts: page.map((a) => ({ eventId: seqs.get(a.event_seq), ...views.attempt(a) })),
        next: rows.length > limit && last ? String(last.id) : null,
      };
    }),
  );

  app.get(
    '/events/_local/registrations/:id/stats',
    h((req, _reply, p) => {
      const r = views.registrationOf(p.id ?? '');
      const q = (req.query ?? {}) as Record<string, unknown>;
      const minutes = Math.min(24 * 60, Math.max(1, Number(q.minutes ?? 60) || 60));
      const rows = d.store.s.attemptsSince.all(r.id, Date.now() - minutes * 60_000);
      return { registrationId: r.registration_id, minutes, series: perMinute(rows) };
    }),
  );

  app.post(
    '/events/_local/registrations/:id/pause',
    h((req, _reply, p) => {
      const r = views.registrationOf(p.id ?? '');
      const reason = reasonOf(req);
      if (!reason)
        throw new PlatformError(400, 'missing_field', 'reason is required to pause a registration', {
          field: 'reason',
        });
      d.engine.pause(r, reason);
      return fresh(r);
    }),
  );

  app.post(
    '/events/_local/registrations/:id/resume',
    h((req, _reply, p) => {
      const r = views.registrationOf(p.id ?? '');
      const reason = reasonOf(req) ?? 'resumed';
      d.engine.resume(r, reason);
      d.bus.emit('registration', { registrationId: r.registration_id, paused: false, reason });
      return fresh(r);
    }),
  );

  app.post(
    '/events/_local/registrations/:id/end-date',
    h((req, _reply, p) => {
      const r = views.registrationOf(p.id ?? '');
      const b = asRecord(req.body) ?? {};
      const at = b.endsAt === null ? null : timeOrNumber(b.endsAt);
      if (at === undefined)
        throw new PlatformError(400, 'invalid_field', 'endsAt must be an ISO date, epoch ms or null', {
          field: 'endsAt',
        });
      registrations.setEndDate(r, at);
      return fresh(r);
    }),
  );
}
