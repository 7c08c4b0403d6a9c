/**
 * The durable delivery engine: ingest (./ingest.ts), the scheduler (./scheduler.ts), one
 * attempt through its transport (./attempt.ts), outcomes on Adobe's retry schedule
 * (./outcomes.ts) and registration health (./health.ts), put together; plus the state
 * changes the APIs ask for (hold, release, replay). A delivery stored while the scheduler
 * has a free slot is attempted right after its commit; the others when picked. On start,
 * every delivery leased by a previous process is made due at once (one process owns the
 * file).
 */
import type { EventEmitter } from 'node:events';
import type { CloudEvent } from '../../src/contract';
import type { Logger, Runtime } from '../core/types';
import { Attempts } from './attempt';
import { GroupCommit } from './commit';
import { refreshEventStatus } from './event-status';
import { HealthTracker } from './health';
import { Ingest, type IngestResult } from './ingest';
import { Outcomes, type Delivered } from './outcomes';
import type { Health } from './policy';
import type { Providers } from './providers';
import type { Registrations } from './registrations';
import type { PickedRow, RegistrationRow } from './rows';
import { Scheduler } from './scheduler';
import type { Signer } from './signing';
import type { EventsStore } from './store';

export type { IngestResult } from './ingest';
export type { DeliveryStatus } from './rows';

export interface EngineOptions {
  store: EventsStore;
  providers: Providers;
  registrations: Registrations;
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

export class DeliveryEngine {
  private readonly ingestion: Ingest;
  private readonly scheduler: Scheduler;
  private readonly attempts: Attempts;
  private readonly outcomes: Outcomes;
  private readonly health: HealthTracker;
  private readonly commit: GroupCommit;

  constructor(private readonly o: EngineOptions) {
    this.commit = new GroupCommit(o.store);
    this.attempts = new Attempts(o);
    // how long a delivery stays leased: past the longest timeout of an attempt
    const leaseMs = Math.max(o.webhookTimeoutMs, o.actionTimeoutMs) + 60_000;
    this.scheduler = new Scheduler({
      ...o,
      commit: this.commit,
      leaseMs,
      attempt: (reg, rows) => this.attempt(reg, rows),
    });
    this.health = new HealthTracker({
      ...o,
      windowMs: o.healthWindowMs * o.timeScale,
      holdAll: (pk) => this.holdAll(pk),
    });
    this.outcomes = new Outcomes({
      ...o,
      commit: this.commit,
      closed: () => this.scheduler.closed,
      settled: (reg, ok, now) => this.health.settled(reg, ok, now),
      due: (at) => this.scheduler.due(at),
    });
    this.ingestion = new Ingest({
      ...o,
      commit: this.commit,
      slots: {
        reserve: () => this.scheduler.reserve(),
        unreserve: () => this.scheduler.unreserve(),
        leaseExpiry: (now) => now + leaseMs,
      },
      due: (at) => this.scheduler.due(at),
      start: (reg, row, ev) => this.scheduler.startReserved(this.deliver(reg, [{ row, ev }])),
    });
  }

  /** Store an event durably (with its deliveries); a repeated (source, id) is stored once. */
  ingest(ce: CloudEvent, providerId: string): IngestResult {
    return this.ingestion.ingest(ce, providerId);
  }

  /** The same, with group commit; resolves once the event is stored. */
  ingestCommitted(ce: CloudEvent, providerId: string): Promise<IngestResult> {
    return this.ingestion.committed(ce, providerId);
  }

  start(): void {
    this.scheduler.start();
  }

  async close(): Promise<void> {
    await this.scheduler.stop();
    this.commit.flush();
  }

  /** something may be due now: pump on the next tick (coalesced) */
  kick(): void {
    this.scheduler.due(Date.now());
  }

  /** pick due deliveries (indexed, LIMIT n) and lease them */
  pickDue(now: number, n: number): PickedRow[] {
    return this.scheduler.pickDue(now, n);
  }

  /** write what waits for the next group commit (ingested events, outcomes) now */
  flush(): void {
    this.commit.flush();
  }

  /** attempt picked deliveries (their events read from the store) */
  private async attempt(reg: RegistrationRow, rows: PickedRow[]): Promise<void> {
    const live: Delivered[] = [];
    for (const row of rows) {
      const ev = this.o.store.s.eventBySeq.get(row.event_seq);
      if (ev) live.push({ row, ev });
      else this.o.store.s.drop.run(row.id);
    }
    if (live.length > 0) await this.deliver(reg, live);
  }

  private async deliver(reg: RegistrationRow, live: Delivered[]): Promise<void> {
    const retryCount = Math.max(...live.map(({ row }) => row.failures));
    const report = await this.attempts.run(
      reg,
      live.map(({ ev }) => ev),
      retryCount,
    );
    this.outcomes.record(reg, live, report);
  }

  setHealth(reg: RegistrationRow, health: Health, reason: string | null): void {
    this.health.set(reg, health, reason);
  }

  /** pause a registration with a reason: its deliveries are held (they queue) */
  pause(reg: RegistrationRow, reason: string): void {
    this.o.registrations.pause(reg, reason);
    this.holdAll(reg.id);
  }

  /** resume (or re-enable) a registration: what was held is delivered now */
  resume(reg: RegistrationRow, reason: string): void {
    this.o.registrations.resume(reg, reason);
    this.releaseAll(reg.id);
  }

  /** hold every scheduled delivery of a registration (pause, disable) */
  holdAll(registrationPk: number): void {
    for (const { event_seq } of this.o.store.s.holdRegistration.all(registrationPk))
      refreshEventStatus(this.o.store, event_seq);
  }

  /** deliver every held delivery of a registration now (resume, re-enable) */
  releaseAll(registrationPk: number): void {
    this.health.forget(registrationPk);
    const now = Date.now();
    for (const { event_seq } of this.o.store.s.releaseRegistration.all(now, registrationPk))
      refreshEventStatus(this.o.store, event_seq);
    this.scheduler.due(now);
  }

  /** make deliveries of an event due again (a new series: the retry count restarts) */
  replay(seq: number, registrationPk?: number): number {
    const now = Date.now();
    const s = this.o.store.s;
    const r =
      registrationPk === undefined ? s.replayEvent.run(now, seq) : s.replayDelivery.run(now, seq, registrationPk);
    refreshEventStatus(this.o.store, seq);
    this.scheduler.due(now);
    return r.changes;
  }
}
