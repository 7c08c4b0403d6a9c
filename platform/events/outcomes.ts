/**
 * Recording what attempts came to: each delivery's new state (delivered, rejected, retrying
 * on Adobe's schedule, dead when the schedule is exhausted) and its trace, then the
 * notifications. Outcomes that finish in one turn of the event loop are written in one
 * transaction (group commit, ./commit.ts, with what else the engine writes in that turn); a
 * crash before the write leaves those deliveries leased, so they are delivered again after
 * restart (at least once, as before).
 */
import type { EventEmitter } from 'node:events';
import type { Logger } from '../core/types';
import { isStoreFault } from '../store/faults';
import type { AttemptReport } from './attempt';
import type { GroupCommit } from './commit';
import { refreshEventStatus } from './event-status';
import { nextAttemptAt } from './policy';
import type { DeliveryStatus, EventRow, PickedRow, RegistrationRow } from './rows';
import { retryAfterStoreFault, STORE_RETRY_MS } from './store-fault';
import type { EventsStore } from './store';
import { redactHeaders, trimBody } from './trace';

export interface OutcomesOptions {
  store: EventsStore;
  commit: GroupCommit;
  log: Logger;
  bus: EventEmitter;
  timeScale: number;
  closed: () => boolean;
  /** after the outcome is written: feeds the registration's health */
  settled: (reg: RegistrationRow, ok: boolean, now: number) => void;
  /** after the outcome is written: a retry is due at `at` */
  due: (at: number) => void;
}

export interface Delivered {
  row: PickedRow;
  ev: EventRow;
}

export class Outcomes {
  /** when a store fault was last reported (one warning per retry period, not one per outcome) */
  private faultWarnedAt = 0;

  constructor(private readonly o: OutcomesOptions) {}

  private nextState(
    row: PickedRow,
    a: AttemptReport,
    now: number,
  ): { status: DeliveryStatus; failures: number; next: number | null } {
    if (a.outcome === 'success') return { status: 'delivered', failures: row.failures, next: null };
    if (a.outcome === 'final') return { status: 'rejected', failures: row.failures + 1, next: null };
    const failures = row.failures + 1;
    const next = nextAttemptAt(now, failures, this.o.timeScale);
    return { status: next === null ? 'dead' : 'retrying', failures, next };
  }

  private write(
    reg: RegistrationRow,
    row: PickedRow,
    a: AttemptReport,
    now: number,
  ): { status: DeliveryStatus; next: number | null } {
    const { status, failures, next } = this.nextState(row, a, now);
    const s = this.o.store.s;
    s.finish.run({ id: row.id, status, failures, next, started: a.started, last_status: a.resStatus });
    s.insertAttempt.run({
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
    refreshEventStatus(this.o.store, row.event_seq);
    return { status, next };
  }

  private announce(
    reg: RegistrationRow,
    live: Delivered[],
    a: AttemptReport,
    finals: Array<{ ev: EventRow; status: DeliveryStatus; attempt: number }>,
  ): void {
    for (const f of finals) {
      this.o.bus.emit('delivery', {
        eventId: f.ev.event_id,
        seq: f.ev.seq,
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
  }

  /** queue the outcome of one attempt (of one or a batch of deliveries) for the next group commit */
  record(reg: RegistrationRow, live: Delivered[], a: AttemptReport): void {
    const finals: Array<{ ev: EventRow; status: DeliveryStatus; attempt: number }> = [];
    let now = 0;
    let next = Infinity;
    const write = () => {
      // (written again after a store fault: what the failed transaction noted is void)
      finals.length = 0;
      next = Infinity;
      now = Date.now();
      for (const { row, ev } of live) {
        const w = this.write(reg, row, a, now);
        finals.push({ ev, status: w.status, attempt: row.attempts + 1 });
        if (w.next !== null) next = Math.min(next, w.next);
      }
    };
    const after = () => {
      this.announce(reg, live, a, finals);
      this.o.settled(reg, a.outcome === 'success', now);
      if (next !== Infinity) this.o.due(next);
    };
    this.o.commit.add({ write, done: after, failed: (err) => this.failed(err, write, after) });
  }

  private failed(err: Error, write: () => void, after: () => void): void {
    // stopping: the deliveries stay leased and are delivered again after a restart
    if (this.o.closed()) return;
    if (!isStoreFault(err)) {
      // a bug, not the disk: the deliveries stay leased and are attempted again at the lease expiry
      this.o.log.error('events: cannot record a delivery outcome', { error: err.message });
      return;
    }
    // the attempts happened but their outcomes cannot be written yet (disk full, read-only):
    // keep them in memory and write them once the store accepts writes again; the deliveries
    // stay leased meanwhile, so a crash before that only means one more delivery (at least once)
    const now = Date.now();
    if (now - this.faultWarnedAt >= STORE_RETRY_MS) {
      this.faultWarnedAt = now;
      this.o.log.warn('events: cannot record delivery outcomes, the store cannot write; retrying', {
        error: err.message,
      });
    }
    retryAfterStoreFault(
      () => this.o.commit.add({ write, done: after, failed: (e) => this.failed(e, write, after) }),
      this.o.closed,
    );
  }
}
