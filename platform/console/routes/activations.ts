/**
 * `GET /console/api/activations?action=&status=&eventId=&before=&limit=`: activations
 * filtered by action and status (the OpenWhisk REST list filters by name only), newest
 * first, paged by a cursor; `GET /console/api/activations/:id`: one record with its logs
 * and result. Both ask the runtime (`ctx.runtime`).
 */
import type { FastifyInstance } from 'fastify';
import { PlatformError } from '../../core/errors';
import type { ActivationQuery, ActivationRecord, PlatformContext } from '../../core/types';
import { consoleRoute } from '../route';

/** OpenWhisk response status codes, by the words `aio rt activation list` shows. */
export const ACTIVATION_STATUSES: Record<string, number> = {
  success: 0,
  'application error': 1,
  'action developer error': 2,
  'whisk internal error': 3,
};

/** The list shape: no logs and no result, they are fetched when a row is opened. */
export interface ActivationSummary {
  seq: number;
  activationId: string;
  action: string;
  name: string;
  start: number;
  end: number;
  duration: number;
  status: string;
  statusCode: number;
  eventId: string | null;
  httpStatus: number | null;
}

const invalid = (message: string, field: string): PlatformError =>
  new PlatformError(400, 'invalid_field', message, { field });

function intParam(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = String(v);
  if (!/^\d+$/.test(s)) throw invalid(`${field} must be a non-negative integer`, field);
  return Number(s);
}

function httpStatusOf(rec: ActivationRecord): number | null {
  const r = rec.response.result;
  const direct = r.statusCode;
  if (typeof direct === 'number') return direct;
  const err = r.error;
  if (err && typeof err === 'object' && typeof (err as Record<string, unknown>).statusCode === 'number') {
    return (err as Record<string, unknown>).statusCode as number;
  }
  return null;
}

/** the query parameters as the runtime's activation query */
function activationQuery(q: Record<string, unknown>): ActivationQuery {
  const out: ActivationQuery = { limit: Math.min(200, Math.max(1, intParam(q.limit, 'limit') ?? 50)) };
  if (typeof q.action === 'string' && q.action !== '') {
    // "pkg/action" matches the path; a bare name matches the action name
    if (q.action.includes('/')) out.path = q.action;
    else out.name = q.action;
  }
  if (typeof q.status === 'string' && q.status !== '') {
    out.statusCodes = q.status.split(',').map((s) => {
      const c = ACTIVATION_STATUSES[s];
      if (c === undefined)
        throw invalid(`status must be one of ${Object.keys(ACTIVATION_STATUSES).join(', ')}`, 'status');
      return c;
    });
  }
  if (typeof q.eventId === 'string' && q.eventId !== '') out.eventId = q.eventId;
  // cursor "start.seq" of the last row of the previous page (newest first, as OpenWhisk)
  if (typeof q.before === 'string' && q.before !== '') {
    const m = /^(\d+)\.(\d+)$/.exec(q.before);
    if (!m) throw invalid('before must be the cursor "next" of the previous page', 'before');
    out.before = { start: Number(m[1]), seq: Number(m[2]) };
  }
  return out;
}

export function registerActivations(app: FastifyInstance, ctx: PlatformContext): void {
  const h = consoleRoute(ctx);

  app.get(
    '/console/api/activations',
    h((req) => {
      // records are written in small group commits by the runtime: one that just ended shows
      // on the next refresh (the live feed triggers it)
      const page = ctx.runtime.queryActivations(activationQuery((req.query ?? {}) as Record<string, unknown>));
      return {
        activations: page.rows.map(({ seq, path, record: rec }): ActivationSummary => ({
          seq,
          activationId: rec.activationId,
          action: path,
          name: rec.name,
          start: rec.start,
          end: rec.end,
          duration: rec.duration,
          status: rec.response.status,
          statusCode: rec.response.statusCode,
          eventId: rec.eventId ?? null,
          httpStatus: httpStatusOf(rec),
        })),
        next: page.next ? `${page.next.start}.${page.next.seq}` : null,
      };
    }),
  );

  app.get(
    '/console/api/activations/:id',
    h((_req, p) => {
      const id = p.id ?? '';
      const found = ctx.runtime.activation(id);
      if (!found)
        throw new PlatformError(
          404,
          'not_found',
          `activation ${id} not found (it may not be written yet, or was pruned)`,
          { field: 'id' },
        );
      return { ...found.record, action: found.path };
    }),
  );
}
