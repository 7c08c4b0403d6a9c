/**
 * Console-only endpoints under `/console/api/`. Everything about events, deliveries,
 * registrations, replay and pause/resume comes from the events module's own API
 * (`/events/_local/...`), which the browser calls directly; this file adds only what that
 * API does not offer:
 *
 * - `GET /console/api/overview`: the platform (namespace, base URL), the known event codes,
 *   the registrations' names and the actions, to fill the console's filter menus;
 * - `GET /console/api/activations?action=&status=&eventId=&before=&limit=`: activations
 *   filtered by action and status (the OpenWhisk REST list filters by name only), newest
 *   first, paged by a cursor;
 * - `GET /console/api/activations/:id`: one activation record with its logs and result;
 * - `GET /console/api/stream`: one server-sent-events feed of the platform's bus (events,
 *   deliveries, registration changes and activations), so that every view updates live.
 *
 * The activations and events tables are read directly, read-only: the console is a viewer
 * of the same SQLite file and never writes to another module's tables.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type BetterSqlite3 from 'better-sqlite3';
import type { ActivationRecord, PlatformContext } from '../core/types';

/** OpenWhisk response status codes, by the words `aio rt activation list` shows. */
export const ACTIVATION_STATUSES: Record<string, number> = {
  success: 0,
  'application error': 1,
  'action developer error': 2,
  'whisk internal error': 3,
};

export class ConsoleApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

function isLoopback(ip: string | undefined): boolean {
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}

/**
 * Same rule as the events module's local API: the platform binds to 127.0.0.1 by default
 * and loopback callers need no credentials; others need the namespace's Basic auth.
 */
export function authorizeConsole(req: FastifyRequest, auth: string): void {
  if (isLoopback(req.socket.remoteAddress)) return;
  const given = req.headers.authorization ?? '';
  if (given === `Basic ${Buffer.from(auth).toString('base64')}`) return;
  throw new ConsoleApiError(401, 'unauthorized', 'the console answers loopback callers; others use the namespace key (Basic auth)', 'authorization');
}

function sendError(reply: FastifyReply, e: ConsoleApiError): FastifyReply {
  const body: Record<string, unknown> = { error_code: e.code, message: e.message };
  if (e.field) body.field = e.field;
  return reply.code(e.status).type('application/json').send(body);
}

function tableExists(db: BetterSqlite3.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function intParam(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = String(v);
  if (!/^\d+$/.test(s)) throw new ConsoleApiError(400, 'invalid_field', `${field} must be a non-negative integer`, field);
  return Number(s);
}

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

export function registerConsoleApi(app: FastifyInstance, ctx: PlatformContext): void {
  const { db } = ctx;

  const h =
    (fn: (req: FastifyRequest, p: Record<string, string>) => unknown) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      try {
        authorizeConsole(req, ctx.config.auth);
        const out = fn(req, req.params as Record<string, string>);
        return reply.type('application/json').send(out);
      } catch (e) {
        if (e instanceof ConsoleApiError) return sendError(reply, e);
        throw e;
      }
    };

  app.get(
    '/console/api/overview',
    h(() => {
      const eventCodes = tableExists(db, 'ev_event_metadata')
        ? (db.prepare('SELECT DISTINCT event_code FROM ev_event_metadata ORDER BY event_code').all() as Array<{ event_code: string }>).map((r) => r.event_code)
        : [];
      const registrations = tableExists(db, 'ev_registrations')
        ? (db.prepare('SELECT registration_id, name FROM ev_registrations ORDER BY name').all() as Array<{ registration_id: string; name: string }>).map((r) => ({
            registrationId: r.registration_id,
            name: r.name,
          }))
        : [];
      let actions: string[] = [];
      try {
        actions = ctx.runtime.actions().map((a) => a.fullName).sort();
      } catch {
        actions = [];
      }
      return {
        namespace: ctx.config.namespace,
        baseUrl: ctx.config.baseUrl,
        timeScale: ctx.config.timeScale,
        eventsModule: tableExists(db, 'ev_events'),
        eventCodes,
        registrations,
        actions,
        activationStatuses: Object.keys(ACTIVATION_STATUSES),
      };
    }),
  );

  app.get(
    '/console/api/activations',
    h((req) => {
      if (!tableExists(db, 'activations')) return { activations: [], next: null };
      const q = (req.query ?? {}) as Record<string, unknown>;
      const limit = Math.min(200, Math.max(1, intParam(q.limit, 'limit') ?? 50));
      const where: string[] = [];
      const args: Array<string | number> = [];
      if (typeof q.action === 'string' && q.action !== '') {
        // "pkg/action" matches the path; a bare name matches the action name
        if (q.action.includes('/')) {
          where.push('path = ?');
          args.push(q.action.replace(/^\/?[^/]+\/(?=[^/]+\/[^/]+$)/, ''));
        } else {
          where.push('name = ?');
          args.push(q.action);
        }
      }
      if (typeof q.status === 'string' && q.status !== '') {
        const codes = q.status.split(',').map((s) => {
          const c = ACTIVATION_STATUSES[s];
          if (c === undefined) throw new ConsoleApiError(400, 'invalid_field', `status must be one of ${Object.keys(ACTIVATION_STATUSES).join(', ')}`, 'status');
          return c;
        });
        where.push(`status_code IN (${codes.map(() => '?').join(',')})`);
        args.push(...codes);
      }
      if (typeof q.eventId === 'string' && q.eventId !== '') {
        where.push('event_id = ?');
        args.push(q.eventId);
      }
      // cursor "start.seq" of the last row of the previous page (newest first, as OpenWhisk)
      if (typeof q.before === 'string' && q.before !== '') {
        const m = /^(\d+)\.(\d+)$/.exec(q.before);
        if (!m) throw new ConsoleApiError(400, 'invalid_field', 'before must be the cursor "next" of the previous page', 'before');
        where.push('(start < ? OR (start = ? AND seq < ?))');
        args.push(Number(m[1]), Number(m[1]), Number(m[2]));
      }
      // records are written in small group commits by the runtime: one that just ended shows
      // on the next refresh (the live feed triggers it)
      const rows = db
        .prepare(`SELECT seq, start, path, doc FROM activations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY start DESC, seq DESC LIMIT ?`)
        .all(...args, limit + 1) as Array<{ seq: number; start: number; path: string; doc: string }>;
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        activations: page.map((r): ActivationSummary => {
          const rec = JSON.parse(r.doc) as ActivationRecord;
          return {
            seq: r.seq,
            activationId: rec.activationId,
            action: r.path,
            name: rec.name,
            start: rec.start,
            end: rec.end,
            duration: rec.duration,
            status: rec.response.status,
            statusCode: rec.response.statusCode,
            eventId: rec.eventId ?? null,
            httpStatus: httpStatusOf(rec),
          };
        }),
        next: rows.length > limit && last ? `${last.start}.${last.seq}` : null,
      };
    }),
  );

  app.get(
    '/console/api/activations/:id',
    h((_req, p) => {
      const id = p.id ?? '';
      const row = tableExists(db, 'activations')
        ? (db.prepare('SELECT path, doc FROM activations WHERE activation_id = ?').get(id) as { path: string; doc: string } | undefined)
        : undefined;
      if (!row) throw new ConsoleApiError(404, 'not_found', `activation ${id} not found (it may not be written yet, or was pruned)`, 'id');
      return { ...(JSON.parse(row.doc) as ActivationRecord), action: row.path };
    }),
  );

  /**
   * The latest attempt of each given event (any registration; the latest failed one while
   * the event is not delivered everywhere): what the target answered last, so that the events lists can say why an event failed without opening it (with
   * the event's code and entity id, for lists that show attempts).
   */
  app.get(
    '/console/api/last-attempts',
    h((req) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      const ids = typeof q.eventIds === 'string' && q.eventIds !== '' ? q.eventIds.split(',').slice(0, 500) : [];
      const out: Record<
        string,
        { type: string; entityId: string | null; registration: string | null; attempt: number; outcome: string; responseStatus: number | null; error: string | null; at: number; durationMs: number }
      > = {};
      if (ids.length === 0 || !tableExists(db, 'ev_attempts')) return { lastAttempts: out };
      const stmt = db.prepare(
        `SELECT e.type, e.entity_id, a.attempt, a.outcome, a.response_status, a.error, a.started_at, a.duration_ms, r.name AS registration
         FROM ev_events e JOIN ev_attempts a ON a.event_seq = e.seq LEFT JOIN ev_registrations r ON r.id = a.registration_pk
         WHERE e.event_id = ?
         ORDER BY CASE WHEN e.status != 'delivered' AND a.outcome != 'success' THEN 1 ELSE 0 END DESC, a.id DESC LIMIT 1`,
      );
      for (const id of ids) {
        const row = stmt.get(id) as
          | {
              type: string;
              entity_id: string | null;
              attempt: number;
              outcome: string;
              response_status: number | null;
              error: string | null;
              started_at: number;
              duration_ms: number;
              registration: string | null;
            }
          | undefined;
        if (row) {
          out[id] = {
            type: row.type,
            entityId: row.entity_id,
            registration: row.registration,
            attempt: row.attempt,
            outcome: row.outcome,
            responseStatus: row.response_status,
            error: row.error,
            at: row.started_at,
            durationMs: row.duration_ms,
          };
        }
      }
      return { lastAttempts: out };
    }),
  );

  /**
   * Replay what failed, and only that: for each chosen event, its rejected or dead-lettered
   * deliveries (of one registration when given), not the ones that were delivered. The
   * events API's replay makes every delivery of an event due again, which would send an
   * event twice to the registrations that already took it; the Rejected page must not.
   * Body: {eventIds: [...]} or a filter {entity, type, since, until, status, registration}.
   * Each delivery is replayed through the events API (one traced new series each).
   */
  app.post('/console/api/replay-failed', async (req, reply) => {
    try {
      authorizeConsole(req, ctx.config.auth);
      if (!tableExists(db, 'ev_deliveries')) throw new ConsoleApiError(404, 'not_found', 'the events module is not loaded', 'events');
      const b = (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {}) as Record<string, unknown>;
      const str = (k: string): string | undefined => {
        const v = b[k];
        if (v === undefined || v === null || v === '') return undefined;
        if (typeof v !== 'string' && typeof v !== 'number') throw new ConsoleApiError(400, 'invalid_field', `${k} must be a string`, k);
        return String(v);
      };
      const statuses = (str('status') ?? 'rejected,dead').split(',');
      for (const s of statuses) if (s !== 'rejected' && s !== 'dead') throw new ConsoleApiError(400, 'invalid_field', 'status must be rejected, dead or both', 'status');
      const registration = str('registration');
      const regRow = registration
        ? (db.prepare('SELECT id, registration_id FROM ev_registrations WHERE registration_id = ? OR name = ?').get(registration, registration) as { id: number; registration_id: string } | undefined)
        : undefined;
      if (registration && !regRow) throw new ConsoleApiError(404, 'not_found', `registration ${registration} not found`, 'registration');

      const where = [`d.status IN (${statuses.map(() => '?').join(',')})`];
      const args: Array<string | number> = [...statuses];
      if (regRow) {
        where.push('d.registration_pk = ?');
        args.push(regRow.id);
      }
      if (Array.isArray(b.eventIds)) {
        const ids = b.eventIds.map(String).slice(0, 10_000);
        if (ids.length === 0) return reply.type('application/json').send({ events: 0, deliveries: 0 });
        where.push(`e.event_id IN (${ids.map(() => '?').join(',')})`);
        args.push(...ids);
      } else {
        const type = str('type');
        const entity = str('entity');
        const since = str('since');
        const until = str('until');
        if (type) (where.push('e.type = ?'), args.push(type));
        if (entity) (where.push('e.entity_id = ?'), args.push(entity));
        const time = (v: string, k: string): number => {
          const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
          if (!Number.isFinite(n)) throw new ConsoleApiError(400, 'invalid_field', `${k} must be an ISO date or epoch ms`, k);
          return n;
        };
        if (since) (where.push('e.received_at >= ?'), args.push(time(since, 'since')));
        if (until) (where.push('e.received_at <= ?'), args.push(time(until, 'until')));
      }
      const pairs = db
        .prepare(
          `SELECT e.event_id, r.registration_id FROM ev_deliveries d JOIN ev_events e ON e.seq = d.event_seq JOIN ev_registrations r ON r.id = d.registration_pk
           WHERE ${where.join(' AND ')} ORDER BY e.seq LIMIT 10000`,
        )
        .all(...args) as Array<{ event_id: string; registration_id: string }>;
      let deliveries = 0;
      for (const p of pairs) {
        const res = await fetch(`${ctx.config.baseUrl}/events/_local/events/${encodeURIComponent(p.event_id)}/replay`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(ctx.config.auth).toString('base64')}` },
          body: JSON.stringify({ registration: p.registration_id }),
        });
        if (res.ok) deliveries += ((await res.json()) as { replayed?: number }).replayed ?? 0;
      }
      return reply.type('application/json').send({ events: new Set(pairs.map((p) => p.event_id)).size, deliveries });
    } catch (e) {
      if (e instanceof ConsoleApiError) return sendError(reply, e);
      throw e;
    }
  });

  app.get('/console/api/stream', async (req, reply) => {
    try {
      authorizeConsole(req, ctx.config.auth);
    } catch (e) {
      if (e instanceof ConsoleApiError) return sendError(reply, e);
      throw e;
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write('retry: 2000\n: connected\n\n');
    const send = (name: string, data: unknown): void => {
      res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const listeners: Array<[string, (data: unknown) => void]> = [
      ['event', (d) => send('event', d)],
      ['delivery', (d) => send('delivery', d)],
      ['registration', (d) => send('registration', d)],
      [
        'activation',
        (d) => {
          // a summary only: logs and results can be large, the view fetches them on demand
          const rec = d as ActivationRecord;
          send('activation', { activationId: rec.activationId, name: rec.name, status: rec.response?.status, eventId: rec.eventId ?? null, start: rec.start });
        },
      ],
    ];
    for (const [n, fn] of listeners) ctx.bus.on(n, fn);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    ping.unref();
    req.raw.on('close', () => {
      clearInterval(ping);
      for (const [n, fn] of listeners) ctx.bus.off(n, fn);
    });
  });
}
