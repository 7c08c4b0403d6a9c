/**
 * The platform's own events API (not Adobe's), under `/events/_local/`: debug traces
 * (events, their deliveries and attempts with request and response), replay, pause and
 * resume of registrations with a reason and a log, per-registration stats, a live feed
 * (server-sent events) and the public signing keys. The console and the events CLI use it.
 *
 * Auth: requests from the loopback interface need none (the platform binds to 127.0.0.1
 * by default); others need the namespace's Basic auth or a bearer token.
 */
import type { EventEmitter } from 'node:events';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type BetterSqlite3 from 'better-sqlite3';
import type { Runtime } from '../core/types';
import type { Catalog, RegistrationRow } from './catalog';
import type { DeliveryEngine } from './engine';
import { ApiError, asRecord, header, isLoopback, sendError } from './http';
import type { Signer } from './signing';
import { PUBLIC_KEY_PREFIX } from './signing';

export interface LocalApiDeps {
  db: BetterSqlite3.Database;
  catalog: Catalog;
  engine: DeliveryEngine;
  signer: Signer;
  bus: EventEmitter;
  auth: string;
  runtime: () => Runtime | undefined;
}

interface EventListRow {
  seq: number;
  event_id: string;
  ce_id: string;
  source: string;
  provider_id: string;
  type: string;
  entity_id: string | null;
  status: string;
  received_at: number;
}

interface AttemptRow {
  id: number;
  delivery_id: number;
  event_seq: number;
  registration_pk: number;
  attempt: number;
  delivery_uuid: string;
  started_at: number;
  duration_ms: number;
  outcome: string;
  target: string;
  request_headers: string;
  request_body: string | null;
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
  error: string | null;
  activation_id: string | null;
}

export const EVENT_STATUSES = ['received', 'pending', 'held', 'retrying', 'delivered', 'rejected', 'dead', 'dropped'] as const;

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = String(v);
  const n = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  return Number.isFinite(n) ? n : undefined;
}

export function registerLocalApi(app: FastifyInstance, d: LocalApiDeps): void {
  const { db, catalog, engine } = d;

  const authorize = (req: FastifyRequest): void => {
    if (isLoopback(req.socket.remoteAddress)) return;
    const auth = header(req, 'authorization') ?? '';
    if (auth === `Basic ${Buffer.from(d.auth).toString('base64')}`) return;
    if (/^Bearer\s+\S+$/i.test(auth)) return;
    throw new ApiError(401, 'unauthorized', 'use the namespace key (Basic auth) or a bearer token', 'authorization');
  };

  const h =
    (fn: (req: FastifyRequest, reply: FastifyReply, p: Record<string, string>) => unknown) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      try {
        authorize(req);
        const out = await fn(req, reply, req.params as Record<string, string>);
        if (reply.sent) return reply;
        return reply.type('application/json').send(out);
      } catch (e) {
        if (e instanceof ApiError) return sendError(reply, e);
        throw e;
      }
    };

  const registrationOf = (id: string): RegistrationRow => {
    const r = catalog.getRegistration(id) ?? catalog.listRegistrations().find((x) => x.name === id);
    if (!r) throw new ApiError(404, 'not_found', `registration ${id} not found (give its registration_id, id or name)`, 'registration');
    return r;
  };

  const eventOf = (id: string): EventListRow & { body: string } => {
    const byId = db.prepare('SELECT * FROM ev_events WHERE event_id = ?').get(id) as (EventListRow & { body: string }) | undefined;
    if (byId) return byId;
    const byCe = db.prepare('SELECT * FROM ev_events WHERE ce_id = ? ORDER BY seq DESC LIMIT 1').get(id) as (EventListRow & { body: string }) | undefined;
    if (byCe) return byCe;
    if (/^\d+$/.test(id)) {
      const bySeq = db.prepare('SELECT * FROM ev_events WHERE seq = ?').get(Number(id)) as (EventListRow & { body: string }) | undefined;
      if (bySeq) return bySeq;
    }
    throw new ApiError(404, 'not_found', `event ${id} not found (give its event_id or CloudEvent id)`, 'event');
  };

  const regName = new Map<number, RegistrationRow | undefined>();
  const regByPk = (pk: number): RegistrationRow | undefined => {
    if (!regName.has(pk)) regName.set(pk, catalog.getRegistration(pk));
    return regName.get(pk);
  };
  catalog.onChange(() => regName.clear());

  const attemptJson = (a: AttemptRow) => ({
    attempt: a.attempt,
    deliveryId: a.delivery_uuid,
    registrationId: regByPk(a.registration_pk)?.registration_id,
    registration: regByPk(a.registration_pk)?.name,
    at: new Date(a.started_at).toISOString(),
    durationMs: a.duration_ms,
    outcome: a.outcome,
    target: a.target,
    request: { method: 'POST', url: a.target, headers: JSON.parse(a.request_headers) as unknown, body: a.request_body },
    response:
      a.response_status === null
        ? null
        : { status: a.response_status, headers: a.response_headers ? (JSON.parse(a.response_headers) as unknown) : {}, body: a.response_body },
    error: a.error,
    activationId: a.activation_id,
  });

  const eventJson = (e: EventListRow) => ({
    eventId: e.event_id,
    id: e.ce_id,
    source: e.source,
    providerId: e.provider_id,
    type: e.type,
    entityId: e.entity_id,
    status: e.status,
    receivedAt: new Date(e.received_at).toISOString(),
  });

  /** filter → WHERE clause over ev_events e */
  const eventFilter = (q: Record<string, unknown>): { where: string[]; args: unknown[] } => {
    const where: string[] = [];
    const args: unknown[] = [];
    const reg = typeof q.registration === 'string' && q.registration !== '' ? registrationOf(q.registration) : undefined;
    const statuses = typeof q.status === 'string' && q.status !== '' ? q.status.split(',') : [];
    for (const s of statuses) {
      if (!(EVENT_STATUSES as readonly string[]).includes(s)) throw new ApiError(400, 'invalid_field', `status must be one of ${EVENT_STATUSES.join(', ')}`, 'status');
    }
    if (reg) {
      const statusSql = statuses.length > 0 ? ` AND d.status IN (${statuses.map(() => '?').join(',')})` : '';
      where.push(`EXISTS (SELECT 1 FROM ev_deliveries d WHERE d.event_seq = e.seq AND d.registration_pk = ?${statusSql})`);
      args.push(reg.id, ...statuses);
      if (reg.delivery_type === 'journal') {
        where.pop();
        args.length = 0;
        where.push('EXISTS (SELECT 1 FROM ev_journal j WHERE j.event_seq = e.seq AND j.registration_pk = ?)');
        args.push(reg.id);
      }
    } else if (statuses.length > 0) {
      where.push(`e.status IN (${statuses.map(() => '?').join(',')})`);
      args.push(...statuses);
    }
    if (typeof q.type === 'string' && q.type !== '') {
      where.push('e.type = ?');
      args.push(q.type);
    }
    const entity = q.entity ?? q.entityId;
    if (typeof entity === 'string' && entity !== '') {
      where.push('e.entity_id = ?');
      args.push(entity);
    }
    const since = num(q.since);
    if (since !== undefined) {
      where.push('e.received_at >= ?');
      args.push(since);
    }
    const until = num(q.until);
    if (until !== undefined) {
      where.push('e.received_at <= ?');
      args.push(until);
    }
    return { where, args };
  };

  // ------------------------------------------------------------------ keys
  app.get(`${PUBLIC_KEY_PREFIX}:file`, async (req, reply) => {
    const pem = d.signer.publicKeyByFile((req.params as Record<string, string>).file ?? '');
    if (!pem) return reply.code(404).type('application/json').send({ error_code: 'not_found', message: 'no such public key' });
    return reply.type('application/x-pem-file').send(pem);
  });

  // ------------------------------------------------------------------ events
  app.get(
    '/events/_local/events',
    h((req) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      const limit = Math.min(500, Math.max(1, Number(q.limit ?? 50) || 50));
      const { where, args } = eventFilter(q);
      const before = num(q.before);
      if (before !== undefined) {
        where.push('e.seq < ?');
        args.push(before);
      }
      const sql = `SELECT e.seq, e.event_id, e.ce_id, e.source, e.provider_id, e.type, e.entity_id, e.status, e.received_at FROM ev_events e
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.seq DESC LIMIT ?`;
      const rows = db.prepare(sql).all(...args, limit + 1) as EventListRow[];
      const more = rows.length > limit;
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { events: page.map(eventJson), next: more && last ? String(last.seq) : null };
    }),
  );

  app.get(
    '/events/_local/events/:id',
    h((_req, _reply, p) => {
      const e = eventOf(p.id ?? '');
      const deliveries = db
        .prepare('SELECT id, registration_pk, status, attempts, failures, next_attempt_at, last_status FROM ev_deliveries WHERE event_seq = ? ORDER BY id')
        .all(e.seq) as Array<{ id: number; registration_pk: number; status: string; attempts: number; failures: number; next_attempt_at: number | null; last_status: number | null }>;
      const attempts = db.prepare('SELECT * FROM ev_attempts WHERE event_seq = ? ORDER BY id').all(e.seq) as AttemptRow[];
      const journals = db.prepare('SELECT registration_pk FROM ev_journal WHERE event_seq = ?').all(e.seq) as Array<{ registration_pk: number }>;
      const ce = JSON.parse(e.body) as Record<string, unknown>;
      let activations: unknown[] = [];
      try {
        activations = d.runtime()?.activationsForEvent(e.ce_id) ?? [];
      } catch {
        activations = [];
      }
      return {
        event: { ...eventJson(e), cloudEvent: ce },
        deliveries: deliveries.map((x) => {
          const reg = regByPk(x.registration_pk);
          return {
            registrationId: reg?.registration_id,
            registration: reg?.name,
            target: reg ? (reg.runtime_action ? `action:${reg.runtime_action}` : reg.webhook_url) : null,
            status: x.status,
            attempts: x.attempts,
            nextAttemptAt: x.next_attempt_at !== null && x.status !== 'in_flight' ? new Date(x.next_attempt_at).toISOString() : null,
            lastStatus: x.last_status,
            trace: attempts.filter((a) => a.delivery_id === x.id).map(attemptJson),
          };
        }),
        journals: journals.map((j) => regByPk(j.registration_pk)?.name),
        timeline: [
          { at: new Date(e.received_at).toISOString(), kind: 'ingest', detail: `${e.type} from ${e.source}` },
          ...attempts.map((a) => ({
            at: new Date(a.started_at).toISOString(),
            kind: 'attempt',
            detail: `${regByPk(a.registration_pk)?.name ?? a.registration_pk} attempt ${a.attempt}: ${a.response_status ?? a.error} → ${a.outcome}`,
          })),
        ],
        activations,
      };
    }),
  );

  app.post(
    '/events/_local/events/:id/replay',
    h((req, _reply, p) => {
      const e = eventOf(p.id ?? '');
      const b = asRecord(req.body) ?? {};
      const reg = typeof b.registration === 'string' ? registrationOf(b.registration) : undefined;
      const n = engine.replay(e.seq, reg?.id);
      return { replayed: n, eventId: e.event_id };
    }),
  );

  app.post(
    '/events/_local/replay',
    h((req) => {
      const b = asRecord(req.body) ?? {};
      const q: Record<string, unknown> = { status: 'rejected,dead', ...b };
      const { where, args } = eventFilter(q);
      const ids = Array.isArray(b.eventIds) ? b.eventIds.map(String) : undefined;
      const rows = ids
        ? ids.map((id) => eventOf(id))
        : (db.prepare(`SELECT e.seq, e.event_id FROM ev_events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.seq LIMIT 10000`).all(...args) as Array<{
            seq: number;
            event_id: string;
          }>);
      const reg = typeof b.registration === 'string' ? registrationOf(b.registration) : undefined;
      let deliveries = 0;
      for (const r of rows) deliveries += engine.replay(r.seq, reg?.id);
      return { events: rows.length, deliveries };
    }),
  );

  // ----------------------------------------------------------- registrations
  const counts = db.prepare('SELECT status, COUNT(*) AS n FROM ev_deliveries WHERE registration_pk = ? GROUP BY status');
  const regJson = (r: RegistrationRow) => {
    const c: Record<string, number> = {};
    for (const row of counts.all(r.id) as Array<{ status: string; n: number }>) c[row.status] = row.n;
    return {
      ...catalog.registrationJson(r),
      health: r.health,
      paused: r.paused === 1,
      pauseReason: r.pause_reason,
      endsAt: r.ends_at === null ? null : new Date(r.ends_at).toISOString(),
      target: r.runtime_action ? `action:${r.runtime_action}` : (r.webhook_url ?? 'journal'),
      counts: c,
    };
  };

  app.get(
    '/events/_local/registrations',
    h(() => ({ registrations: catalog.listRegistrations().map(regJson) })),
  );

  app.get(
    '/events/_local/registrations/:id',
    h((_req, _reply, p) => {
      const r = registrationOf(p.id ?? '');
      return { ...regJson(r), log: catalog.registrationLog(r.id).map((l) => ({ ...l, at: new Date(l.at).toISOString() })) };
    }),
  );

  app.get(
    '/events/_local/registrations/:id/attempts',
    h((req, _reply, p) => {
      const r = registrationOf(p.id ?? '');
      const q = (req.query ?? {}) as Record<string, unknown>;
      const limit = Math.min(500, Math.max(1, Number(q.limit ?? 100) || 100));
      const where = ['registration_pk = ?'];
      const args: unknown[] = [r.id];
      if (q.outcome === 'success') where.push("outcome = 'success'");
      else if (q.outcome === 'failure' || q.outcome === 'failed') where.push("outcome != 'success'");
      else if (typeof q.outcome === 'string' && q.outcome !== '') {
        where.push('outcome = ?');
        args.push(q.outcome);
      }
      const before = num(q.before);
      if (before !== undefined) {
        where.push('id < ?');
        args.push(before);
      }
      const rows = db.prepare(`SELECT * FROM ev_attempts WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`).all(...args, limit + 1) as AttemptRow[];
      const page = rows.slice(0, limit);
      const seqs = new Map<number, string>();
      for (const a of page) {
        if (!seqs.has(a.event_seq)) seqs.set(a.event_seq, (db.prepare('SELECT event_id FROM ev_events WHERE seq = ?').get(a.event_seq) as { event_id: string } | undefined)?.event_id ?? '');
      }
      const last = page[page.length - 1];
      return { attempts: page.map((a) => ({ eventId: seqs.get(a.event_seq), ...attemptJson(a) })), next: rows.length > limit && last ? String(last.id) : null };
    }),
  );

  app.get(
    '/events/_local/registrations/:id/stats',
    h((req, _reply, p) => {
      const r = registrationOf(p.id ?? '');
      const q = (req.query ?? {}) as Record<string, unknown>;
      const minutes = Math.min(24 * 60, Math.max(1, Number(q.minutes ?? 60) || 60));
      const from = Date.now() - minutes * 60_000;
      const rows = db
        .prepare('SELECT started_at, duration_ms, outcome FROM ev_attempts WHERE registration_pk = ? AND started_at >= ? ORDER BY started_at')
        .all(r.id, from) as Array<{ started_at: number; duration_ms: number; outcome: string }>;
      const buckets = new Map<number, { success: number; failure: number; durations: number[] }>();
      for (const a of rows) {
        const m = Math.floor(a.started_at / 60_000) * 60_000;
        const b = buckets.get(m) ?? { success: 0, failure: 0, durations: [] };
        if (a.outcome === 'success') b.success++;
        else b.failure++;
        b.durations.push(a.duration_ms);
        buckets.set(m, b);
      }
      const pct = (xs: number[], p: number): number => {
        if (xs.length === 0) return 0;
        const s = [...xs].sort((x, y) => x - y);
        return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
      };
      return {
        registrationId: r.registration_id,
        minutes,
        series: [...buckets.entries()].map(([m, b]) => ({
          minute: new Date(m).toISOString(),
          success: b.success,
          failure: b.failure,
          p50: pct(b.durations, 50),
          p99: pct(b.durations, 99),
        })),
      };
    }),
  );

  const reasonOf = (req: FastifyRequest): string | null => {
    const b = asRecord(req.body) ?? {};
    return typeof b.reason === 'string' && b.reason.trim() !== '' ? b.reason.trim() : null;
  };

  app.post(
    '/events/_local/registrations/:id/pause',
    h((req, _reply, p) => {
      const r = registrationOf(p.id ?? '');
      const reason = reasonOf(req);
      if (!reason) throw new ApiError(400, 'missing_field', 'reason is required to pause a registration', 'reason');
      pauseRegistration(db, catalog, engine, r, reason);
      return regJson(catalog.getRegistration(r.id) as RegistrationRow);
    }),
  );

  app.post(
    '/events/_local/registrations/:id/resume',
    h((req, _reply, p) => {
      const r = registrationOf(p.id ?? '');
      const reason = reasonOf(req) ?? 'resumed';
      db.prepare("UPDATE ev_registrations SET paused = 0, pause_reason = NULL, enabled = 1, health = 'ACTIVE', updated_at = ? WHERE id = ?").run(Date.now(), r.id);
      catalog.log(r.id, r.health === 'DISABLED' ? 'enable' : 'resume', reason);
      catalog.changed();
      engine.releaseAll(r.id);
      d.bus.emit('registration', { registrationId: r.registration_id, paused: false, reason });
      return regJson(catalog.getRegistration(r.id) as RegistrationRow);
    }),
  );

  app.post(
    '/events/_local/registrations/:id/end-date',
    h((req, _reply, p) => {
      const r = registrationOf(p.id ?? '');
      const b = asRecord(req.body) ?? {};
      const at = b.endsAt === null ? null : num(b.endsAt);
      if (at === undefined) throw new ApiError(400, 'invalid_field', 'endsAt must be an ISO date, epoch ms or null', 'endsAt');
      db.prepare('UPDATE ev_registrations SET ends_at = ?, updated_at = ? WHERE id = ?').run(at, Date.now(), r.id);
      catalog.log(r.id, 'end-date', at === null ? 'end date removed' : `stops at ${new Date(at).toISOString()}`);
      catalog.changed();
      return regJson(catalog.getRegistration(r.id) as RegistrationRow);
    }),
  );

  // ------------------------------------------------------------------ live feed
  app.get('/events/_local/stream', async (req, reply) => {
    try {
      authorize(req);
    } catch (e) {
      if (e instanceof ApiError) return sendError(reply, e);
      throw e;
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const send = (name: string) => (data: unknown) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    const listeners: Array<[string, (data: unknown) => void]> = [
      ['event', send('event')],
      ['delivery', send('delivery')],
      ['registration', send('registration')],
    ];
    for (const [n, fn] of listeners) d.bus.on(n, fn);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.raw.on('close', () => {
      clearInterval(ping);
      for (const [n, fn] of listeners) d.bus.off(n, fn);
    });
  });
}

export function pauseRegistration(db: BetterSqlite3.Database, catalog: Catalog, engine: DeliveryEngine, r: RegistrationRow, reason: string): void {
  db.prepare('UPDATE ev_registrations SET paused = 1, pause_reason = ?, updated_at = ? WHERE id = ?').run(reason, Date.now(), r.id);
  catalog.log(r.id, 'pause', reason);
  catalog.changed();
  engine.holdAll(r.id);
}
