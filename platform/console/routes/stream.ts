/**
 * `GET /console/api/stream`: one server-sent-events feed of the platform's bus (events,
 * deliveries, registration changes and activations), so that every view updates live.
 */
import type { FastifyInstance } from 'fastify';
import { streamEvents } from '../../core/http';
import type { ActivationRecord, PlatformContext } from '../../core/types';
import { authorizeConsole } from '../auth';

/** a summary only: logs and results can be large, the view fetches them on demand */
function activationSummary(d: unknown) {
  const rec = d as ActivationRecord;
  return {
    activationId: rec.activationId,
    name: rec.name,
    status: rec.response?.status,
    eventId: rec.eventId ?? null,
    start: rec.start,
  };
}

export function registerStream(app: FastifyInstance, ctx: PlatformContext): void {
  app.get('/console/api/stream', async (req, reply) => {
    authorizeConsole(req, ctx);
    streamEvents(
      req,
      reply,
      ctx.bus,
      [
        { name: 'event' },
        { name: 'delivery' },
        { name: 'registration' },
        { name: 'activation', map: activationSummary },
      ],
      2000,
    );
  });
}
