/**
 * The durable delivery engine.
 *
 * - `ingest` stores an event and one delivery per interested push registration (or a
 *   journal entry) in one transaction; a repeated (source, id) is stored once.
 * - Due deliveries are picked through the partial index on `next_attempt_at` (ORDER BY +
 *   LIMIT, never a scan). Picking sets `next_attempt_at` to a lease expiry: if the process
 *   dies mid-attempt, the row is due again after restart (at least once). On start, every
 *   leased row is made due at once (one process owns the file).
 * - One timer wakes the engine at the earliest due time; ingest and completions pump it.
 * - Outcomes follow policy.ts: success, final (rejected) or retry on Adobe's schedule,
 *   scaled by `timeScale`, and dead letter when the schedule is exhausted.
 */
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type BetterSqlite3 from 'better-sqlite3';
import type { ActivationRecord, Logger, Runtime } from '../core/types';
import type { Catalog, RegistrationRow } from './catalog';
import { extractEntityId } from './entity';
import { redactHeaders, trimBody } from './http';
import { classifyOutcome, nextAttemptAt, registrationHealth, type AttemptResult, type Health, type Outcome } from './policy';
import type { Signer } from './signing';
import { isStoreFault } from '../store/faults';

export interface CloudEvent {
  id: string;
  source: string;
  type: string;
  specversion: string;
  datacontenttype?: string;
  time?: string;
  data?: unknown;
  [k: string]: unknown;
}

export interface EngineOptions {
  db: BetterSqlite3.Database;
  catalog: Catalog;
  signer: Signer;
  log: Logger;
  bus: EventEmitter;
  runtime: () => Runtime | undefined;
  timeScale: number;
  /** Adobe: 10 s for a webhook */
  webhookTimeoutMs: number;
  /** Adobe: 60 s for a runtime action */
  actionTimeoutMs: number;
  /** attempts running at once, across registrations */
  maxInFlight: number;
  /** health window (real time, scaled by timeScale); Adobe looks at the last 30 minutes */
  healthWindowMs: number;
  entityFields?: readonly string[] | undefined;
  /** webhook_batch limits */
  batchMaxEvents: number;
  batchMaxBytes: number;
}

export type DeliveryStatus = 'pending' | 'in_flight' | 'retrying' | 'delivered' | 'rejected' | 'dead' | 'held' | 'dropped';

interface PickedRow {
  id: number;
  event_seq: number;
  registration_pk: number;
  attempts: number;
  failures: number;
  first_attempt_at: number | null;
}

interface EventRow {
  seq: number;
  event_id: string;
  ce_id: string;
  source: string;
  provider_id: string;
  type: string;
  body: string;
}

export interface IngestResult {
  duplicate: boolean;
  eventId: string;
  seq: number;
}

/** how long to wait before writing again after a store fault (real time) */
const STORE_RETRY_MS = 250;
/** how long close() waits for attempts in flight */
const CLOSE_GRACE_MS = 3000;

const STATUS_RANK: Record<string, number> = { dead: 7, rejected: 6, retrying: 5, in_flight: 4, pending: 4, held: 3, delivered: 2, dropped: 1 };

export class DeliveryEngine {
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private inFlight = 0;
  private pumpQueued = false;
  private closed = true;
  private readonly running = new Set<Promise<void>>();
  private readonly doneQueue: Array<{ write: () => void; after: () => void }> = [];
  private flushQueued = false;
  private readonly ingestQueue: Array<{ job: { write: () => void; after: () => void; result: IngestResult | undefined }; resolve: (r: IngestResult) => void; reject: (e: Error) => void }> = [];
  private ingestQueued = false;
  private readonly recent = new Map<number, Array<{ at: number; ok: boolean }>>();
  private readonly regCache = new Map<number, RegistrationRow | null>();
  private readonly providerMeta = new Map<string, string>();
  private readonly leaseMs: number;
  private readonly s: ReturnType<DeliveryEngine['prepare']>;

  constructor(private readonly o: EngineOptions) {
    this.leaseMs = Math.max(o.webhookTimeoutMs, o.actionTimeoutMs) + 60_000;
    this.s = this.prepare();
    o.catalog.onChange(() => {
      this.regCache.clear();
      this.providerMeta.clear();
    });
  }

  private prepare() {
    const db = this.o.db;
    return {
      insertEvent: db.prepare(
        `INSERT OR IGNORE INTO ev_events (event_id, ce_id, source, provider_id, type, entity_id, status, received_at, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      findEvent: db.prepare('SELECT event_id, seq FROM ev_events WHERE source = ? AND ce_id = ?'),
      insertDelivery: db.prepare(
        'INSERT OR IGNORE INTO ev_deliveries (event_seq, registration_pk, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)',
      ),
      insertJournal: db.prepare('INSERT OR IGNORE INTO ev_journal (registration_pk, event_seq) VALUES (?, ?)'),
      pick: db.prepare(
        `UPDATE ev_deliveries SET status = 'in_flight', next_attempt_at = @lease
         WHERE id IN (SELECT id FROM ev_deliveries WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= @now ORDER BY next_attempt_at LIMIT @n)
         RETURNING id, event_seq, registration_pk, attempts, failures, first_attempt_at`,
      ),
      minDue: db.prepare('SELECT MIN(next_attempt_at) AS t FROM ev_deliveries WHERE next_attempt_at IS NOT NULL'),
      event: db.prepare('SELECT seq, event_id, ce_id, source, provider_id, type, body FROM ev_events WHERE seq = ?'),
      finish: db.prepare(
        `UPDATE ev_deliveries SET status = @status, attempts = attempts + 1, failures = @failures, next_attempt_at = @next,
           first_attempt_at = COALESCE(first_attempt_at, @started), last_attempt_at = @started, last_status = @last_status
         WHERE id = @id`,
      ),
      hold: db.prepare("UPDATE ev_deliveries SET status = 'held', next_attempt_at = NULL WHERE id = ?"),
      drop: db.prepare("UPDATE ev_deliveries SET status = 'dropped', next_attempt_at = NULL WHERE id = ?"),
      insertAttempt: db.prepare(
        `INSERT INTO ev_attempts (delivery_id, event_seq, registration_pk, attempt, delivery_uuid, started_at, duration_ms, outcome, target,
           request_headers, request_body, response_status, response_headers, response_body, error, activation_id)
         VALUES (@delivery_id, @event_seq, @registration_pk, @attempt, @delivery_uuid, @started_at, @duration_ms, @outcome, @target,
           @request_headers, @request_body, @response_status, @response_headers, @response_body, @error, @activation_id)`,
      ),
      deliveryStatuses: db.prepare('SELECT status FROM ev_deliveries WHERE event_seq = ?'),
      setEventStatus: db.prepare('UPDATE ev_events SET status = ? WHERE seq = ?'),
      setHealth: db.prepare('UPDATE ev_registrations SET health = ?, updated_at = ? WHERE id = ?'),
      holdRegistration: db.prepare(
        "UPDATE ev_deliveries SET status = 'held', next_attempt_at = NULL WHERE registration_pk = ? AND next_attempt_at IS NOT NULL AND status != 'in_flight' RETURNING event_seq",
      ),
      releaseRegistration: db.prepare(
        "UPDATE ev_deliveries SET status = 'pending', next_attempt_at = ? WHERE registration_pk = ? AND status = 'held' RETURNING event_seq",
      ),
      reclaim: db.prepare("UPDATE ev_deliveries SET status = 'pending', next_attempt_at = ? WHERE status = 'in_flight'"),
      registration: db.prepare('SELECT * FROM ev_registrations WHERE id = ?'),
      providerMeta: db.prepare('SELECT provider_metadata FROM ev_providers WHERE id = ?'),
    };
  }

  // ------------------------------------------------------------------ ingest

  /** Store an event durably (with its deliveries); a repeated (source, id) is stored once. */
  ingest(ce: CloudEvent, providerId: string): IngestResult {
    const job = this.prepareIngest(ce, providerId);
    this.o.db.transaction(() => job.write())();
    job.after();
    return job.result as IngestResult;
  }

  /**
   * The same, with group commit: the events that arrive in one turn of the event loop are
   * written in one transaction, and each promise resolves once that transaction committed
   * (so the ingress still answers 200 only for a stored event).
   */
  ingestCommitted(ce: CloudEvent, providerId: string): Promise<IngestResult> {
    return new Promise<IngestResult>((resolve, reject) => {
      this.ingestQueue.push({ job: this.prepareIngest(ce, providerId), resolve, reject });
      if (!this.ingestQueued) {
        this.ingestQueued = true;
        setImmediate(() => this.flushIngest());
      }
    });
  }

  private flushIngest(): void {
    this.ingestQueued = false;
    const batch = this.ingestQueue.splice(0);
    if (batch.length === 0) return;
    try {
      this.o.db.transaction(() => {
        for (const b of batch) b.job.write();
      })();
    } catch (e) {
      // pass the error on as it is: a SqliteError keeps its code (SQLITE_FULL...), which the
      // ingress turns into a 503; `instanceof Error` is not reliable across realms (test VMs)
      const err = typeof e === 'object' && e !== null ? (e as Error) : new Error(String(e));
      for (const b of batch) b.reject(err);
      return;
    }
    for (const b of batch) {
      b.job.after();
      b.resolve(b.job.result as IngestResult);
    }
  }

  private prepareIngest(ce: CloudEvent, providerId: string): { write: () => void; after: () => void; result: IngestResult | undefined } {
    const now = Date.now();
    const subscribers = this.o.catalog.subscribers(providerId, ce.type);
    const eventId = randomUUID();
    const entity = extractEntityId(ce.data, this.o.entityFields);
    const body = JSON.stringify(ce);
    let pushed = 0;
    const job: { write: () => void; after: () => void; result: IngestResult | undefined } = {
      result: undefined,
      write: () => {
        const status = subscribers.some((r) => r.delivery_type !== 'journal') ? 'pending' : 'received';
        const r = this.s.insertEvent.run(eventId, ce.id, ce.source, providerId, ce.type, entity, status, now, body);
        if (r.changes === 0) {
          const existing = this.s.findEvent.get(ce.source, ce.id) as { event_id: string; seq: number };
          job.result = { duplicate: true, eventId: existing.event_id, seq: existing.seq };
          return;
        }
        const seq = Number(r.lastInsertRowid);
        let held = 0;
        for (const reg of subscribers) {
          if (reg.delivery_type === 'journal') {
            this.s.insertJournal.run(reg.id, seq);
            continue;
          }
          const active = this.deliverable(reg);
          if (!active) held++;
          this.s.insertDelivery.run(seq, reg.id, active ? 'pending' : 'held', active ? now : null, now);
          if (active) pushed++;
        }
        if (held > 0 && pushed === 0) this.s.setEventStatus.run('held', seq);
        job.result = { duplicate: false, eventId, seq };
      },
      after: () => {
        const result = job.result;
        if (!result || result.duplicate) return;
        this.o.bus.emit('event', { eventId: result.eventId, seq: result.seq, id: ce.id, source: ce.source, type: ce.type, entityId: entity, receivedAt: now });
        if (pushed > 0) this.kick();
      },
    };
    return job;
  }

  private deliverable(reg: RegistrationRow): boolean {
    return reg.enabled === 1 && reg.paused === 0 && reg.health !== 'DISABLED';
  }

  // --------------------------------------------------------------- scheduler

  start(): void {
    this.closed = false;
    // one process owns the file: anything leased by a previous process is due again now
    const n = this.s.reclaim.run(Date.now()).changes;
    if (n > 0) this.o.log.info('events: re-queued deliveries that were in flight at the last stop', { count: n });
    this.kick();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // give attempts in flight a moment to finish and record their outcome; one still running
    // after that keeps its lease and is delivered again after a restart (at least once), so
    // stopping never waits for a slow target's full timeout
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise<void>((r) => {
        grace = setTimeout(r, CLOSE_GRACE_MS);
      }),
    ]);
    if (grace) clearTimeout(grace);
    this.flushIngest();
    this.flush();
  }

  /** schedule a pump on the next tick (coalesced) */
  kick(): void {
    if (this.closed || this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** pick due deliveries (indexed, LIMIT n), run them, and arm the timer */
  pickDue(now: number, n: number): PickedRow[] {
    return this.s.pick.all({ now, lease: now + this.leaseMs, n }) as PickedRow[];
  }

  private pump(): void {
    if (this.closed) return;
    try {
      const free = this.o.maxInFlight - this.inFlight;
      if (free > 0) {
        const rows = this.pickDue(Date.now(), free);
        if (rows.length > 0) this.dispatch(rows);
      }
      this.arm();
    } catch (e) {
      // the store cannot write (disk full, read-only): nothing was picked; try again shortly
      if (!isStoreFault(e)) throw e;
      this.o.log.warn('events: cannot pick due deliveries, the store cannot write; retrying', { error: e.message });
      this.retryLater(() => this.pump());
    }
  }

  /** run fn again after a store fault, until the store writes again or the engine closes */
  private retryLater(fn: () => void): void {
    if (this.closed) return;
    setTimeout(() => {
      if (!this.closed) fn();
    }, STORE_RETRY_MS).unref();
  }

  private arm(): void {
    if (this.closed) return;
    const row = this.s.minDue.get() as { t: number | null };
    if (row.t === null) return;
    const at = row.t;
    if (this.timer && at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    const delay = Math.min(Math.max(0, at - Date.now()), 3_600_000);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.pump();
    }, delay);
  }

  private reg(pk: number): RegistrationRow | null {
    let r = this.regCache.get(pk);
    if (r === undefined) {
      r = (this.s.registration.get(pk) as RegistrationRow | undefined) ?? null;
      this.regCache.set(pk, r);
    }
    return r;
  }

  private dispatch(rows: PickedRow[]): void {
    const batches = new Map<number, PickedRow[]>();
    for (const row of rows) {
      const reg = this.reg(row.registration_pk);
      if (!reg) {
        this.s.drop.run(row.id);
        continue;
      }
      if (!this.deliverable(reg)) {
        this.s.hold.run(row.id);
        this.refreshEventStatus(row.event_seq);
        continue;
      }
      if (reg.delivery_type === 'webhook_batch') {
        const list = batches.get(reg.id) ?? [];
        list.push(row);
        batches.set(reg.id, list);
        continue;
      }
      this.track(this.attempt(reg, [row]));
    }
    for (const [pk, list] of batches) {
      const reg = this.reg(pk) as RegistrationRow;
      // at most batchMaxEvents events and batchMaxBytes per POST
      let chunk: PickedRow[] = [];
      let bytes = 2;
      for (const row of list) {
        const size = (this.s.event.get(row.event_seq) as EventRow | undefined)?.body.length ?? 0;
        if (chunk.length > 0 && (chunk.length >= this.o.batchMaxEvents || bytes + size + 1 > this.o.batchMaxBytes)) {
          this.track(this.attempt(reg, chunk));
          chunk = [];
          bytes = 2;
        }
        chunk.push(row);
        bytes += size + 1;
      }
      if (chunk.length > 0) this.track(this.attempt(reg, chunk));
    }
  }

  private track(attempt: Promise<void>): void {
    // an attempt that fails in an unexpected way must not become an unhandled rejection (which
    // ends the process): its delivery stays leased and is attempted again after the lease
    const p = attempt.catch((e: unknown) => this.o.log.error('events: delivery attempt failed', { error: e instanceof Error ? e.message : String(e) }));
    this.inFlight++;
    this.running.add(p);
    void p.finally(() => {
      this.running.delete(p);
      this.inFlight--;
      this.kick();
    });
  }

  // ------------------------------------------------------------------ attempts

  private providerMetadata(providerId: string): string {
    let m = this.providerMeta.get(providerId);
    if (m === undefined) {
      m = (this.s.providerMeta.get(providerId) as { provider_metadata: string } | undefined)?.provider_metadata ?? '3rd_party_custom_events';
      this.providerMeta.set(providerId, m);
    }
    return m;
  }

  /** the JSON Adobe delivers: the CloudEvent plus `event_id` and `recipient_client_id` */
  private payload(ev: EventRow, reg: RegistrationRow): Record<string, unknown> {
    const ce = JSON.parse(ev.body) as Record<string, unknown>;
    return { ...ce, event_id: ev.event_id, recipient_client_id: reg.client_id };
  }

  private async attempt(reg: RegistrationRow, rows: PickedRow[]): Promise<void> {
    const events = rows.map((r) => this.s.event.get(r.event_seq) as EventRow | undefined);
    const live: Array<{ row: PickedRow; ev: EventRow }> = [];
    rows.forEach((row, i) => {
      const ev = events[i];
      if (ev) live.push({ row, ev });
      else this.s.drop.run(row.id);
    });
    const first = live[0];
    if (!first) return;
    const batch = reg.delivery_type === 'webhook_batch';
    const body = batch ? JSON.stringify(live.map(({ ev }) => this.payload(ev, reg))) : JSON.stringify(this.payload(first.ev, reg));
    const deliveryUuid = randomUUID();
    const retryCount = Math.max(...live.map(({ row }) => row.failures));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Adobe I/O Events (local platform)',
      'x-adobe-event-code': first.ev.type,
      'x-adobe-event-id': batch ? live.map(({ ev }) => ev.event_id).join(',') : first.ev.event_id,
      'x-adobe-delivery-id': deliveryUuid,
      'x-adobe-retry-count': String(retryCount),
      'x-adobe-provider': this.providerMetadata(first.ev.provider_id),
      ...(await this.o.signer.headers(body)),
    };
    const target = reg.runtime_action ? `action:${reg.runtime_action}` : (reg.webhook_url ?? '');
    const started = Date.now();
    let result: AttemptResult;
    let resStatus: number | null = null;
    let resHeaders: Record<string, string> | null = null;
    let resBody: string | null = null;
    let error: string | null = null;
    let activationId: string | null = null;
    try {
      if (reg.runtime_action) {
        const rt = this.o.runtime();
        if (!rt) throw new Error('the runtime is not available');
        const eventId = String((JSON.parse(first.ev.body) as CloudEvent).id);
        const info = rt.actions().find((a) => a.fullName === reg.runtime_action);
        if (info && !info.web) {
          // Adobe wraps a non-web action in a web sequence (signature check, then the
          // action): the params are what a web action would get; its result decides the status
          const params = { ...(JSON.parse(body) as Record<string, unknown>), __ow_method: 'post', __ow_headers: headers, __ow_path: '' };
          const rec = await withTimeout(rt.invoke(reg.runtime_action, params, { eventId }), this.o.actionTimeoutMs);
          const r = renderActivation(rec);
          resStatus = r.statusCode;
          resHeaders = r.headers;
          resBody = r.body;
          activationId = rec.activationId || null;
        } else {
          const res = await withTimeout(rt.invokeWeb(reg.runtime_action, { method: 'POST', headers, body, path: '' }, { eventId }), this.o.actionTimeoutMs);
          resStatus = res.statusCode;
          resHeaders = res.headers;
          resBody = res.body;
          activationId = res.activationId || null;
        }
      } else {
        const res = await fetch(reg.webhook_url as string, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(this.o.webhookTimeoutMs),
          redirect: 'manual',
        });
        resStatus = res.status;
        resHeaders = Object.fromEntries(res.headers.entries());
        resBody = await res.text();
      }
      result = { kind: 'status', status: resStatus };
    } catch (e) {
      const err = e as Error & { statusCode?: unknown; cause?: { code?: string } };
      if (err.name === 'TimeoutError' || err.name === 'AbortError' || err.message === 'delivery timed out') {
        result = { kind: 'timeout' };
        error = `timed out after ${reg.runtime_action ? this.o.actionTimeoutMs : this.o.webhookTimeoutMs} ms`;
      } else if (typeof err.statusCode === 'number') {
        resStatus = err.statusCode;
        result = { kind: 'status', status: err.statusCode };
        error = err.message;
      } else {
        const reason = err.cause?.code ?? err.message;
        result = { kind: 'no-response', reason };
        error = `no response: ${reason}`;
      }
    }
    const duration = Date.now() - started;
    const outcome = classifyOutcome(result);
    this.complete(reg, live, {
      outcome,
      started,
      duration,
      deliveryUuid,
      target,
      requestHeaders: headers,
      requestBody: body,
      resStatus,
      resHeaders,
      resBody,
      error,
      activationId,
    });
  }

  private complete(
    reg: RegistrationRow,
    live: Array<{ row: PickedRow; ev: EventRow }>,
    a: {
      outcome: Outcome;
      started: number;
      duration: number;
      deliveryUuid: string;
      target: string;
      requestHeaders: Record<string, string>;
      requestBody: string;
      resStatus: number | null;
      resHeaders: Record<string, string> | null;
      resBody: string | null;
      error: string | null;
      activationId: string | null;
    },
  ): void {
    const finals: Array<{ eventId: string; seq: number; status: DeliveryStatus; attempt: number }> = [];
    let now = 0;
    const write = () => {
      now = Date.now();
      for (const { row, ev } of live) {
        let status: DeliveryStatus;
        let failures = row.failures;
        let next: number | null = null;
        if (a.outcome === 'success') status = 'delivered';
        else if (a.outcome === 'final') {
          status = 'rejected';
          failures++;
        } else {
          failures++;
          next = nextAttemptAt(now, failures, this.o.timeScale);
          status = next === null ? 'dead' : 'retrying';
        }
        this.s.finish.run({ id: row.id, status, failures, next, started: a.started, last_status: a.resStatus });
        this.s.insertAttempt.run({
          delivery_id: row.id,
          event_seq: row.event_seq,
          registration_pk: reg.id,
          attempt: row.attempts + 1,
          delivery_uuid: a.deliveryUuid,
          started_at: a.started,
          duration_ms: a.duration,
          outcome: a.outcome,
          target: a.target,
          request_headers: JSON.stringify(redactHeaders(a.requestHeaders)),
          request_body: trimBody(a.requestBody),
          response_status: a.resStatus,
          response_headers: a.resHeaders ? JSON.stringify(redactHeaders(a.resHeaders)) : null,
          response_body: trimBody(a.resBody),
          error: a.error,
          activation_id: a.activationId,
        });
        this.refreshEventStatus(row.event_seq);
        finals.push({ eventId: ev.event_id, seq: ev.seq, status, attempt: row.attempts + 1 });
      }
    };
    const after = () => {
      for (const f of finals) {
        this.o.bus.emit('delivery', {
          eventId: f.eventId,
          seq: f.seq,
          registrationId: reg.registration_id,
          registration: reg.name,
          attempt: f.attempt,
          outcome: a.outcome,
          status: f.status,
          responseStatus: a.resStatus,
          durationMs: a.duration,
          at: a.started,
        });
      }
      this.o.log.info(`events: delivery ${a.outcome}`, {
        registration: reg.name,
        target: a.target,
        status: a.resStatus ?? a.error,
        durationMs: a.duration,
        activationId: a.activationId ?? undefined,
        events: live.length,
      });
      this.updateHealth(reg, a.outcome === 'success', now);
    };
    this.doneQueue.push({ write, after });
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => this.flush());
    }
  }

  /**
   * Group commit of attempt outcomes: the outcomes that finished in one turn of the event
   * loop are written in one transaction. A crash before the flush leaves those deliveries
   * leased, so they are delivered again after restart (at least once, as before).
   */
  flush(): void {
    this.flushQueued = false;
    const jobs = this.doneQueue.splice(0);
    if (jobs.length === 0 || !this.o.db.open) return;
    try {
      this.o.db.transaction(() => {
        for (const j of jobs) j.write();
      })();
    } catch (e) {
      // the attempts happened but their outcomes cannot be written yet (disk full, read-only):
      // keep them in memory and write them once the store accepts writes again; the deliveries
      // stay leased meanwhile, so a crash before that only means one more delivery (at least once)
      if (!isStoreFault(e)) throw e;
      this.o.log.warn('events: cannot record delivery outcomes, the store cannot write; retrying', { error: e.message });
      this.doneQueue.unshift(...jobs);
      this.retryLater(() => this.flush());
      return;
    }
    for (const j of jobs) j.after();
  }

  refreshEventStatus(seq: number): void {
    const rows = this.s.deliveryStatuses.all(seq) as Array<{ status: string }>;
    if (rows.length === 0) return;
    let worst = 'dropped';
    for (const r of rows) if ((STATUS_RANK[r.status] ?? 0) > (STATUS_RANK[worst] ?? 0)) worst = r.status;
    const status = worst === 'in_flight' ? 'pending' : worst;
    this.s.setEventStatus.run(status, seq);
  }

  private updateHealth(reg: RegistrationRow, ok: boolean, now: number): void {
    const window = Math.max(1, this.o.healthWindowMs * this.o.timeScale);
    const list = (this.recent.get(reg.id) ?? []).filter((x) => x.at > now - window);
    list.push({ at: now, ok });
    if (list.length > 1000) list.splice(0, list.length - 1000);
    this.recent.set(reg.id, list);
    const current = this.reg(reg.id);
    if (!current || current.health === 'DISABLED') return;
    const health: Health = registrationHealth(list.map((x) => x.ok));
    if (health === current.health) return;
    this.setHealth(current, health, health === 'DISABLED' ? `${list.filter((x) => !x.ok).length} of the last ${list.length} attempts failed` : null);
  }

  setHealth(reg: RegistrationRow, health: Health, reason: string | null): void {
    this.s.setHealth.run(health, Date.now(), reg.id);
    if (health === 'DISABLED') {
      this.o.catalog.log(reg.id, 'disable', reason);
      this.holdAll(reg.id);
    }
    this.o.catalog.changed();
    this.o.bus.emit('registration', { registrationId: reg.registration_id, health, reason });
    this.o.log.warn(`events: registration ${reg.name} is ${health}`, { reason });
  }

  /** hold every scheduled delivery of a registration (pause, disable) */
  holdAll(registrationPk: number): void {
    const seqs = this.s.holdRegistration.all(registrationPk) as Array<{ event_seq: number }>;
    for (const { event_seq } of seqs) this.refreshEventStatus(event_seq);
  }

  /** deliver every held delivery of a registration now (resume, re-enable) */
  releaseAll(registrationPk: number): void {
    this.recent.delete(registrationPk);
    const seqs = this.s.releaseRegistration.all(Date.now(), registrationPk) as Array<{ event_seq: number }>;
    for (const { event_seq } of seqs) this.refreshEventStatus(event_seq);
    this.kick();
  }

  /** make deliveries of an event due again (a new series: the retry count restarts) */
  replay(seq: number, registrationPk?: number): number {
    const now = Date.now();
    const sql =
      registrationPk === undefined
        ? "UPDATE ev_deliveries SET status = 'pending', failures = 0, next_attempt_at = ? WHERE event_seq = ? AND status != 'in_flight'"
        : "UPDATE ev_deliveries SET status = 'pending', failures = 0, next_attempt_at = ? WHERE event_seq = ? AND registration_pk = ? AND status != 'in_flight'";
    const r = registrationPk === undefined ? this.o.db.prepare(sql).run(now, seq) : this.o.db.prepare(sql).run(now, seq, registrationPk);
    this.refreshEventStatus(seq);
    this.kick();
    return r.changes;
  }
}

/** An activation's result rendered as the HTTP answer a web action would give. */
export function renderActivation(rec: ActivationRecord): { statusCode: number; headers: Record<string, string>; body: string } {
  const result = (rec.response.result ?? {}) as Record<string, unknown>;
  const render = (o: Record<string, unknown>, dflt: number) => {
    const status = typeof o.statusCode === 'number' ? o.statusCode : dflt;
    const headers = o.headers && typeof o.headers === 'object' ? (o.headers as Record<string, string>) : {};
    const body = o.body === undefined ? '' : typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    return { statusCode: status, headers: { 'content-type': 'application/json', ...headers }, body };
  };
  const err = result.error;
  if (err && typeof err === 'object' && !Array.isArray(err)) {
    const e = err as Record<string, unknown>;
    if (typeof e.statusCode === 'number') return render(e, 500);
  }
  if (!rec.response.success) return { statusCode: 502, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
  if (typeof result.statusCode === 'number' || 'body' in result) return render(result, 200);
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(result) };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error('delivery timed out'), { name: 'TimeoutError' })), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
