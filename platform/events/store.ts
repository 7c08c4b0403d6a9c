/**
 * Every SQL statement of the events module, over its own tables (`ev_*`, see ./schema.ts):
 * each state change is a named statement prepared once, or a named transaction. No other
 * file reads or writes these tables; other modules get what they need through the events
 * service (./service.ts) on the platform context.
 *
 * The few queries whose WHERE clause depends on a filter (the traces API's lists, replay by
 * filter) are built here from a typed filter and prepared once per shape.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type {
  AttemptRow,
  DeliveryRow,
  EventListRow,
  EventMetadataRow,
  EventRow,
  NewAttemptRow,
  PickedRow,
  ProviderRow,
  RegistrationLogEntry,
  RegistrationRow,
} from './rows';

/** Which events a list or a replay is about (all given criteria must hold). */
export interface EventFilter {
  /** events delivered to (or journaled for) this registration, in `statuses` when given */
  registration?: { pk: number; journal: boolean } | undefined;
  statuses: readonly string[];
  type?: string | undefined;
  entity?: string | undefined;
  since?: number | undefined;
  until?: number | undefined;
}

/** Failed deliveries (rejected, dead) to replay, of given events or of events matching a filter. */
export interface FailedDeliveryFilter {
  statuses: readonly string[];
  registrationPk?: number | undefined;
  eventIds?: readonly string[] | undefined;
  type?: string | undefined;
  entity?: string | undefined;
  since?: number | undefined;
  until?: number | undefined;
}

export interface LastAttemptRow {
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

export interface Retention {
  now: number;
  maxAttempts: number;
  maxAge: number;
  eventMaxAge: number;
}

export type NewRegistration = Omit<RegistrationRow, 'id' | 'health' | 'paused' | 'pause_reason' | 'ends_at'>;
export type RegistrationChange = Pick<
  RegistrationRow,
  | 'id'
  | 'name'
  | 'description'
  | 'client_id'
  | 'delivery_type'
  | 'webhook_url'
  | 'runtime_action'
  | 'enabled'
  | 'events_of_interest'
  | 'updated_at'
>;

type Db = BetterSqlite3.Database;

// eslint-disable-next-line max-lines-per-function -- declarative: the module's named statements, one per line
function statements(db: Db) {
  const q = <P extends unknown[] | object, R = unknown>(sql: string) => db.prepare<P, R>(sql);
  return {
    // ------------------------------------------------------------- providers
    provider: q<[string], ProviderRow>('SELECT * FROM ev_providers WHERE id = ?'),
    providersOfOrg: q<[string], ProviderRow>('SELECT * FROM ev_providers WHERE org_id = ? ORDER BY created_at, id'),
    providerByInstance: q<[string, string, string], { id: string }>(
      'SELECT id FROM ev_providers WHERE org_id = ? AND provider_metadata = ? AND instance_id = ?',
    ),
    providerByLabel: q<[string, string], { id: string }>('SELECT id FROM ev_providers WHERE org_id = ? AND label = ?'),
    insertProvider: q<ProviderRow>(
      `INSERT INTO ev_providers (id, org_id, project_id, workspace_id, label, description, docs_url, instance_id, provider_metadata, created_at, updated_at)
       VALUES (@id, @org_id, @project_id, @workspace_id, @label, @description, @docs_url, @instance_id, @provider_metadata, @created_at, @updated_at)`,
    ),
    updateProvider: q<ProviderRow>(
      'UPDATE ev_providers SET label=@label, description=@description, docs_url=@docs_url, updated_at=@updated_at WHERE id=@id',
    ),
    deleteProvider: q<[string]>('DELETE FROM ev_providers WHERE id = ?'),
    // -------------------------------------------------------- event metadata
    metadataOfProvider: q<[string], EventMetadataRow>(
      'SELECT * FROM ev_event_metadata WHERE provider_id = ? ORDER BY created_at, event_code',
    ),
    metadata: q<[string, string], EventMetadataRow>(
      'SELECT * FROM ev_event_metadata WHERE provider_id = ? AND event_code = ?',
    ),
    insertMetadata: q<EventMetadataRow>(
      `INSERT INTO ev_event_metadata (provider_id, event_code, label, description, sample_event_template, created_at, updated_at)
       VALUES (@provider_id, @event_code, @label, @description, @sample_event_template, @created_at, @updated_at)`,
    ),
    updateMetadata: q<EventMetadataRow>(
      'UPDATE ev_event_metadata SET label=@label, description=@description, sample_event_template=@sample_event_template, updated_at=@updated_at WHERE provider_id=@provider_id AND event_code=@event_code',
    ),
    deleteMetadataOfProvider: q<[string]>('DELETE FROM ev_event_metadata WHERE provider_id = ?'),
    deleteMetadata: q<[string, string]>('DELETE FROM ev_event_metadata WHERE provider_id = ? AND event_code = ?'),
    eventCodes: q<[], { event_code: string }>('SELECT DISTINCT event_code FROM ev_event_metadata ORDER BY event_code'),
    // --------------------------------------------------------- registrations
    registration: q<[number], RegistrationRow>('SELECT * FROM ev_registrations WHERE id = ?'),
    registrationByUuid: q<[string], RegistrationRow>('SELECT * FROM ev_registrations WHERE registration_id = ?'),
    registrations: q<[], RegistrationRow>('SELECT * FROM ev_registrations ORDER BY id'),
    registrationsOfWorkspace: q<[string, string, string], RegistrationRow>(
      'SELECT * FROM ev_registrations WHERE org_id = ? AND project_id = ? AND workspace_id = ? ORDER BY id',
    ),
    registrationsOfOrg: q<[string], RegistrationRow>('SELECT * FROM ev_registrations WHERE org_id = ? ORDER BY id'),
    registrationNames: q<[], { registration_id: string; name: string }>(
      'SELECT registration_id, name FROM ev_registrations ORDER BY name',
    ),
    registrationByIdOrName: q<[string, string], { id: number; registration_id: string }>(
      'SELECT id, registration_id FROM ev_registrations WHERE registration_id = ? OR name = ?',
    ),
    registrationNamed: q<[string, string, string, string], { registration_id: string }>(
      'SELECT registration_id FROM ev_registrations WHERE org_id = ? AND project_id = ? AND workspace_id = ? AND name = ?',
    ),
    otherRegistrationNamed: q<[string, string, string, string, number], { registration_id: string }>(
      'SELECT registration_id FROM ev_registrations WHERE org_id = ? AND project_id = ? AND workspace_id = ? AND name = ? AND id != ?',
    ),
    insertRegistration: q<NewRegistration>(
      `INSERT INTO ev_registrations (registration_id, org_id, project_id, workspace_id, client_id, name, description, delivery_type, webhook_url, runtime_action, enabled, events_of_interest, created_at, updated_at)
       VALUES (@registration_id, @org_id, @project_id, @workspace_id, @client_id, @name, @description, @delivery_type, @webhook_url, @runtime_action, @enabled, @events_of_interest, @created_at, @updated_at)`,
    ),
    updateRegistration: q<RegistrationChange>(
      `UPDATE ev_registrations SET name=@name, description=@description, client_id=@client_id, delivery_type=@delivery_type, webhook_url=@webhook_url,
         runtime_action=@runtime_action, enabled=@enabled, events_of_interest=@events_of_interest, updated_at=@updated_at WHERE id=@id`,
    ),
    deleteRegistration: q<[number]>('DELETE FROM ev_registrations WHERE id = ?'),
    // pending work for a deleted registration is dropped; its history stays for traces
    dropDeliveriesOfRegistration: q<[number]>(
      "UPDATE ev_deliveries SET next_attempt_at = NULL, status = 'dropped' WHERE registration_pk = ? AND next_attempt_at IS NOT NULL",
    ),
    deleteJournalOfRegistration: q<[number]>('DELETE FROM ev_journal WHERE registration_pk = ?'),
    setHealth: q<[string, number, number]>('UPDATE ev_registrations SET health = ?, updated_at = ? WHERE id = ?'),
    pause: q<[string, number, number]>(
      'UPDATE ev_registrations SET paused = 1, pause_reason = ?, updated_at = ? WHERE id = ?',
    ),
    resume: q<[number, number]>(
      "UPDATE ev_registrations SET paused = 0, pause_reason = NULL, enabled = 1, health = 'ACTIVE', updated_at = ? WHERE id = ?",
    ),
    setEndDate: q<[number | null, number, number]>(
      'UPDATE ev_registrations SET ends_at = ?, updated_at = ? WHERE id = ?',
    ),
    clearEndDate: q<[number]>('UPDATE ev_registrations SET ends_at = NULL WHERE id = ?'),
    endingRegistrations: q<[number], RegistrationRow>(
      'SELECT * FROM ev_registrations WHERE ends_at IS NOT NULL AND ends_at <= ? AND paused = 0',
    ),
    insertLog: q<[number, number, string, string | null]>(
      'INSERT INTO ev_registration_log (registration_pk, at, action, reason) VALUES (?, ?, ?, ?)',
    ),
    logOf: q<[number], RegistrationLogEntry>(
      'SELECT at, action, reason FROM ev_registration_log WHERE registration_pk = ? ORDER BY id',
    ),
    deliveryCounts: q<[number], { status: string; n: number }>(
      'SELECT status, COUNT(*) AS n FROM ev_deliveries WHERE registration_pk = ? GROUP BY status',
    ),
    // ---------------------------------------------------------------- events
    insertEvent: q<[string, string, string, string, string, string | null, string, number, string]>(
      `INSERT OR IGNORE INTO ev_events (event_id, ce_id, source, provider_id, type, entity_id, status, received_at, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    eventBySource: q<[string, string], { event_id: string; seq: number; status: string }>(
      'SELECT event_id, seq, status FROM ev_events WHERE source = ? AND ce_id = ?',
    ),
    eventBySeq: q<[number], EventRow>('SELECT * FROM ev_events WHERE seq = ?'),
    eventByEventId: q<[string], EventRow>('SELECT * FROM ev_events WHERE event_id = ?'),
    latestEventByCeId: q<[string], EventRow>('SELECT * FROM ev_events WHERE ce_id = ? ORDER BY seq DESC LIMIT 1'),
    eventIdOfSeq: q<[number], { event_id: string }>('SELECT event_id FROM ev_events WHERE seq = ?'),
    setEventStatus: q<[string, number]>('UPDATE ev_events SET status = ? WHERE seq = ?'),
    // ------------------------------------------------------------ deliveries
    insertDelivery: q<[number, number, string, number | null, number]>(
      'INSERT OR IGNORE INTO ev_deliveries (event_seq, registration_pk, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    pick: q<{ now: number; lease: number; n: number }, PickedRow>(
      `UPDATE ev_deliveries SET status = 'in_flight', next_attempt_at = @lease
       WHERE id IN (SELECT id FROM ev_deliveries WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= @now ORDER BY next_attempt_at LIMIT @n)
       RETURNING id, event_seq, registration_pk, attempts, failures, first_attempt_at`,
    ),
    minDue: q<[], { t: number | null }>(
      'SELECT MIN(next_attempt_at) AS t FROM ev_deliveries WHERE next_attempt_at IS NOT NULL',
    ),
    finish: q<{
      id: number;
      status: string;
      failures: number;
      next: number | null;
      started: number;
      last_status: number | null;
    }>(
      `UPDATE ev_deliveries SET status = @status, attempts = attempts + 1, failures = @failures, next_attempt_at = @next,
         first_attempt_at = COALESCE(first_attempt_at, @started), last_attempt_at = @started, last_status = @last_status
       WHERE id = @id`,
    ),
    hold: q<[number]>("UPDATE ev_deliveries SET status = 'held', next_attempt_at = NULL WHERE id = ?"),
    drop: q<[number]>("UPDATE ev_deliveries SET status = 'dropped', next_attempt_at = NULL WHERE id = ?"),
    deliveryStatuses: q<[number], { status: string }>('SELECT status FROM ev_deliveries WHERE event_seq = ?'),
    holdRegistration: q<[number], { event_seq: number }>(
      "UPDATE ev_deliveries SET status = 'held', next_attempt_at = NULL WHERE registration_pk = ? AND next_attempt_at IS NOT NULL AND status != 'in_flight' RETURNING event_seq",
    ),
    releaseRegistration: q<[number, number], { event_seq: number }>(
      "UPDATE ev_deliveries SET status = 'pending', next_attempt_at = ? WHERE registration_pk = ? AND status = 'held' RETURNING event_seq",
    ),
    reclaim: q<[number]>("UPDATE ev_deliveries SET status = 'pending', next_attempt_at = ? WHERE status = 'in_flight'"),
    replayEvent: q<[number, number]>(
      "UPDATE ev_deliveries SET status = 'pending', failures = 0, next_attempt_at = ? WHERE event_seq = ? AND status != 'in_flight'",
    ),
    replayDelivery: q<[number, number, number]>(
      "UPDATE ev_deliveries SET status = 'pending', failures = 0, next_attempt_at = ? WHERE event_seq = ? AND registration_pk = ? AND status != 'in_flight'",
    ),
    deliveriesOfEvent: q<[number], DeliveryRow>(
      'SELECT id, registration_pk, status, attempts, failures, next_attempt_at, last_status FROM ev_deliveries WHERE event_seq = ? ORDER BY id',
    ),
    // -------------------------------------------------------------- attempts
    insertAttempt: q<NewAttemptRow>(
      `INSERT INTO ev_attempts (delivery_id, event_seq, registration_pk, attempt, delivery_uuid, started_at, duration_ms, outcome, target,
         request_headers, request_body, response_status, response_headers, response_body, error, activation_id)
       VALUES (@delivery_id, @event_seq, @registration_pk, @attempt, @delivery_uuid, @started_at, @duration_ms, @outcome, @target,
         @request_headers, @request_body, @response_status, @response_headers, @response_body, @error, @activation_id)`,
    ),
    attemptsOfEvent: q<[number], AttemptRow>('SELECT * FROM ev_attempts WHERE event_seq = ? ORDER BY id'),
    attemptsSince: q<[number, number], { started_at: number; duration_ms: number; outcome: string }>(
      'SELECT started_at, duration_ms, outcome FROM ev_attempts WHERE registration_pk = ? AND started_at >= ? ORDER BY started_at',
    ),
    lastAttemptOfEvent: q<[string], LastAttemptRow>(
      `SELECT e.type, e.entity_id, a.attempt, a.outcome, a.response_status, a.error, a.started_at, a.duration_ms, r.name AS registration
       FROM ev_events e JOIN ev_attempts a ON a.event_seq = e.seq LEFT JOIN ev_registrations r ON r.id = a.registration_pk
       WHERE e.event_id = ?
       ORDER BY CASE WHEN e.status != 'delivered' AND a.outcome != 'success' THEN 1 ELSE 0 END DESC, a.id DESC LIMIT 1`,
    ),
    // --------------------------------------------------------------- journal
    insertJournal: q<[number, number]>('INSERT OR IGNORE INTO ev_journal (registration_pk, event_seq) VALUES (?, ?)'),
    journalPage: q<[number, number, number], { seq: number; body: string; event_id: string }>(
      `SELECT j.event_seq AS seq, e.body, e.event_id FROM ev_journal j JOIN ev_events e ON e.seq = j.event_seq
       WHERE j.registration_pk = ? AND j.event_seq > ? ORDER BY j.event_seq LIMIT ?`,
    ),
    journalLast: q<[number], { seq: number | null }>(
      'SELECT MAX(event_seq) AS seq FROM ev_journal WHERE registration_pk = ?',
    ),
    journalsOfEvent: q<[number], { registration_pk: number }>(
      'SELECT registration_pk FROM ev_journal WHERE event_seq = ?',
    ),
    // ------------------------------------------------------------- retention
    maxAttemptId: q<[], { m: number | null }>('SELECT MAX(id) AS m FROM ev_attempts'),
    deleteAttemptsUpTo: q<[number]>('DELETE FROM ev_attempts WHERE id <= ?'),
    deleteAttemptsBefore: q<[number]>('DELETE FROM ev_attempts WHERE started_at < ?'),
    // events whose deliveries are all settled, past their age
    settledEventsBefore: q<[number], { seq: number }>(
      `SELECT seq FROM ev_events WHERE received_at < ? AND status IN ('delivered','rejected','dead','dropped','received','unrouted')
       ORDER BY received_at LIMIT 10000`,
    ),
    deleteDeliveriesOfEvent: q<[number]>('DELETE FROM ev_deliveries WHERE event_seq = ?'),
    deleteJournalOfEvent: q<[number]>('DELETE FROM ev_journal WHERE event_seq = ?'),
    deleteAttemptsOfEvent: q<[number]>('DELETE FROM ev_attempts WHERE event_seq = ?'),
    deleteEvent: q<[number]>('DELETE FROM ev_events WHERE seq = ?'),
    // ---------------------------------------------------------------- kv
    kv: q<[string], { value: string }>('SELECT value FROM ev_kv WHERE key = ?'),
    insertKv: q<[string, string]>('INSERT INTO ev_kv (key, value) VALUES (?, ?)'),
    raiseJournalFloor: q<[string]>(
      "INSERT INTO ev_kv (key, value) VALUES ('journal_floor', ?) ON CONFLICT(key) DO UPDATE SET value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
    ),
  };
}

export type Statements = ReturnType<typeof statements>;

/** The criteria both filters share, as conditions on the events table `e`, in this order. */
function addEventCriteria(
  f: Pick<EventFilter, 'type' | 'entity' | 'since' | 'until'>,
  where: string[],
  args: unknown[],
): void {
  const add = (condition: string, value: unknown): void => {
    where.push(condition);
    args.push(value);
  };
  if (f.type !== undefined) add('e.type = ?', f.type);
  if (f.entity !== undefined) add('e.entity_id = ?', f.entity);
  if (f.since !== undefined) add('e.received_at >= ?', f.since);
  if (f.until !== undefined) add('e.received_at <= ?', f.until);
}

export class EventsStore {
  /** the named statements, prepared once */
  readonly s: Statements;
  private readonly shapes = new Map<string, BetterSqlite3.Statement<unknown[], unknown>>();

  constructor(private readonly db: Db) {
    this.s = statements(db);
  }

  get open(): boolean {
    return this.db.open;
  }

  /** run `fn` (named statements of this store) in one transaction: a group commit */
  batch<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** a filtered query, prepared once per shape of its WHERE clause */
  private shaped<R>(sql: string): BetterSqlite3.Statement<unknown[], R> {
    let st = this.shapes.get(sql);
    if (!st) {
      st = this.db.prepare<unknown[], unknown>(sql);
      this.shapes.set(sql, st);
    }
    return st as BetterSqlite3.Statement<unknown[], R>;
  }

  // ---------------------------------------------------- named transactions

  deleteProvider(id: string): number {
    return this.batch(() => {
      this.s.deleteMetadataOfProvider.run(id);
      return this.s.deleteProvider.run(id).changes;
    });
  }

  deleteRegistration(pk: number): void {
    this.batch(() => {
      this.s.deleteRegistration.run(pk);
      this.s.dropDeliveriesOfRegistration.run(pk);
      this.s.deleteJournalOfRegistration.run(pk);
    });
  }

  /** Retention of traces and events by count and age; raises the journal floor past removed events. */
  retain(r: Retention): void {
    this.batch(() => {
      const maxId = this.s.maxAttemptId.get()?.m ?? 0;
      this.s.deleteAttemptsUpTo.run(maxId - r.maxAttempts);
      this.s.deleteAttemptsBefore.run(r.now - r.maxAge);
      let floor = 0;
      for (const { seq } of this.s.settledEventsBefore.all(r.now - r.eventMaxAge)) {
        this.s.deleteDeliveriesOfEvent.run(seq);
        this.s.deleteJournalOfEvent.run(seq);
        this.s.deleteAttemptsOfEvent.run(seq);
        this.s.deleteEvent.run(seq);
        floor = Math.max(floor, seq);
      }
      if (floor > 0) this.s.raiseJournalFloor.run(String(floor));
    });
  }

  journalFloor(): number {
    const row = this.s.kv.get('journal_floor');
    return row ? Number(row.value) : 0;
  }

  // ------------------------------------------------------ filtered queries

  private eventWhere(f: EventFilter): { where: string[]; args: unknown[] } {
    const where: string[] = [];
    const args: unknown[] = [];
    const marks = (xs: readonly unknown[]) => xs.map(() => '?').join(',');
    if (f.registration?.journal) {
      where.push('EXISTS (SELECT 1 FROM ev_journal j WHERE j.event_seq = e.seq AND j.registration_pk = ?)');
      args.push(f.registration.pk);
    } else if (f.registration) {
      const statusSql = f.statuses.length > 0 ? ` AND d.status IN (${marks(f.statuses)})` : '';
      where.push(
        `EXISTS (SELECT 1 FROM ev_deliveries d WHERE d.event_seq = e.seq AND d.registration_pk = ?${statusSql})`,
      );
      args.push(f.registration.pk, ...f.statuses);
    } else if (f.statuses.length > 0) {
      where.push(`e.status IN (${marks(f.statuses)})`);
      args.push(...f.statuses);
    }
    addEventCriteria(f, where, args);
    return { where, args };
  }

  /** events newest first, `limit + 1` rows (the extra one says there is a next page) */
  listEvents(f: EventFilter, beforeSeq: number | undefined, limit: number): EventListRow[] {
    const { where, args } = this.eventWhere(f);
    if (beforeSeq !== undefined) {
      where.push('e.seq < ?');
      args.push(beforeSeq);
    }
    const sql = `SELECT e.seq, e.event_id, e.ce_id, e.source, e.provider_id, e.type, e.entity_id, e.status, e.received_at FROM ev_events e
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.seq DESC LIMIT ?`;
    return this.shaped<EventListRow>(sql).all(...args, limit + 1);
  }

  /** events matching a filter, oldest first, at most 10000 */
  eventsMatching(f: EventFilter): Array<{ seq: number; event_id: string }> {
    const { where, args } = this.eventWhere(f);
    const sql = `SELECT e.seq, e.event_id FROM ev_events e ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.seq LIMIT 10000`;
    return this.shaped<{ seq: number; event_id: string }>(sql).all(...args);
  }

  /** a registration's attempts newest first, `limit + 1` rows; outcome 'failure' is any but success */
  registrationAttempts(
    pk: number,
    outcome: string | undefined,
    beforeId: number | undefined,
    limit: number,
  ): AttemptRow[] {
    const where = ['registration_pk = ?'];
    const args: unknown[] = [pk];
    if (outcome === 'success') where.push("outcome = 'success'");
    else if (outcome === 'failure' || outcome === 'failed') where.push("outcome != 'success'");
    else if (outcome !== undefined && outcome !== '') {
      where.push('outcome = ?');
      args.push(outcome);
    }
    if (beforeId !== undefined) {
      where.push('id < ?');
      args.push(beforeId);
    }
    return this.shaped<AttemptRow>(
      `SELECT * FROM ev_attempts WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`,
    ).all(...args, limit + 1);
  }

  /** (event, registration) pairs of failed deliveries, oldest event first, at most 10000 */
  failedDeliveries(f: FailedDeliveryFilter): Array<{ seq: number; event_id: string; registration_pk: number }> {
    const marks = (xs: readonly unknown[]) => xs.map(() => '?').join(',');
    const where = [`d.status IN (${marks(f.statuses)})`];
    const args: unknown[] = [...f.statuses];
    if (f.registrationPk !== undefined) {
      where.push('d.registration_pk = ?');
      args.push(f.registrationPk);
    }
    if (f.eventIds) {
      where.push(`e.event_id IN (${marks(f.eventIds)})`);
      args.push(...f.eventIds);
    } else {
      addEventCriteria(f, where, args);
    }
    const sql = `SELECT e.seq, e.event_id, d.registration_pk FROM ev_deliveries d JOIN ev_events e ON e.seq = d.event_seq JOIN ev_registrations r ON r.id = d.registration_pk
       WHERE ${where.join(' AND ')} ORDER BY e.seq LIMIT 10000`;
    return this.shaped<{ seq: number; event_id: string; registration_pk: number }>(sql).all(...args);
  }
}
