/**
 * What the console's events views need beyond the events module's own API, asked of the
 * events module (`ctx.events`):
 *
 * - `GET /console/api/last-attempts?eventIds=`: the latest attempt of each given event
 *   (any registration; the latest failed one while the event is not delivered everywhere):
 *   what the target answered last, so that the events lists can say why an event failed
 *   without opening it (with the event's code and entity id, for lists that show attempts);
 * - `POST /console/api/replay-failed`: replay what failed, and only that: for each chosen
 *   event, its rejected or dead-lettered deliveries (of one registration when given), not
 *   the ones that were delivered. The events API's replay makes every delivery of an event
 *   due again, which would send an event twice to the registrations that already took it;
 *   the Rejected page must not. Body: {eventIds: [...]} or a filter {entity, type, since,
 *   until, status, registration}.
 */
import type { FastifyInstance } from 'fastify';
import { PlatformError } from '../../core/errors';
import type { FailedReplayFilter, PlatformContext } from '../../core/types';
import { consoleRoute } from '../route';

const invalid = (message: string, field: string): PlatformError =>
  new PlatformError(400, 'invalid_field', message, { field });

/** the replay-failed body as a filter, or a 400 naming the field at fault */
function failedReplayFilter(b: Record<string, unknown>): FailedReplayFilter {
  const str = (k: string): string | undefined => {
    const v = b[k];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string' && typeof v !== 'number') throw invalid(`${k} must be a string`, k);
    return String(v);
  };
  const statuses = (str('status') ?? 'rejected,dead').split(',');
  for (const s of statuses)
    if (s !== 'rejected' && s !== 'dead') throw invalid('status must be rejected, dead or both', 'status');
  const filter: FailedReplayFilter = { statuses, registration: str('registration') };
  if (Array.isArray(b.eventIds)) return { ...filter, eventIds: b.eventIds.map(String).slice(0, 10_000) };
  const time = (k: string): number | undefined => {
    const v = str(k);
    if (v === undefined) return undefined;
    const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(n)) throw invalid(`${k} must be an ISO date or epoch ms`, k);
    return n;
  };
  return { ...filter, type: str('type'), entity: str('entity'), since: time('since'), until: time('until') };
}

export function registerEventsHelpers(app: FastifyInstance, ctx: PlatformContext): void {
  const h = consoleRoute(ctx);

  app.get(
    '/console/api/last-attempts',
    h((req) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      const ids = typeof q.eventIds === 'string' && q.eventIds !== '' ? q.eventIds.split(',').slice(0, 500) : [];
      return { lastAttempts: ids.length === 0 || !ctx.events ? {} : ctx.events.lastAttempts(ids) };
    }),
  );

  app.post(
    '/console/api/replay-failed',
    h((req) => {
      if (!ctx.events)
        throw new PlatformError(404, 'not_found', 'the events module is not loaded', { field: 'events' });
      const b = (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}) as Record<
        string,
        unknown
      >;
      return ctx.events.replayFailed(failedReplayFilter(b));
    }),
  );
}
