/**
 * Picking due deliveries and running them, at most `maxInFlight` at once.
 *
 * Due deliveries are picked through the partial index on `next_attempt_at` (ORDER BY +
 * LIMIT, never a scan). Picking sets `next_attempt_at` to a lease expiry: if the process
 * dies mid-attempt, the row is due again after restart (at least once). One timer wakes the
 * scheduler at the earliest due time; ingest and completions pump it.
 */
import type { Logger } from '../core/types';
import { isStoreFault } from '../store/faults';
import { refreshEventStatus } from './event-status';
import { isDeliverable, type Registrations } from './registrations';
import type { EventRow, PickedRow, RegistrationRow } from './rows';
import { retryAfterStoreFault } from './store-fault';
import type { EventsStore } from './store';

/** how long close() waits for attempts in flight */
const CLOSE_GRACE_MS = 3000;

export interface SchedulerOptions {
  store: EventsStore;
  registrations: Registrations;
  log: Logger;
  /** attempts running at once, across registrations */
  maxInFlight: number;
  /** how long a picked delivery stays leased */
  leaseMs: number;
  /** webhook_batch limits */
  batchMaxEvents: number;
  batchMaxBytes: number;
  /** run one attempt of these deliveries (one, or a batch) of `reg` */
  attempt: (reg: RegistrationRow, rows: PickedRow[]) => Promise<void>;
}

export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private inFlight = 0;
  private pumpQueued = false;
  private stopped = true;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly o: SchedulerOptions) {}

  get closed(): boolean {
    return this.stopped;
  }

  start(): void {
    this.stopped = false;
    // one process owns the file: anything leased by a previous process is due again now
    const n = this.o.store.s.reclaim.run(Date.now()).changes;
    if (n > 0) this.o.log.info('events: re-queued deliveries that were in flight at the last stop', { count: n });
    this.kick();
  }

  /** stop picking; give attempts in flight a moment to finish */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    // one still running after the grace keeps its lease and is delivered again after a
    // restart (at least once), so stopping never waits for a slow target's full timeout
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise<void>((r) => {
        grace = setTimeout(r, CLOSE_GRACE_MS);
      }),
    ]);
    if (grace) clearTimeout(grace);
  }

  /** schedule a pump on the next tick (coalesced) */
  kick(): void {
    if (this.stopped || this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** pick due deliveries (indexed, LIMIT n) and lease them */
  pickDue(now: number, n: number): PickedRow[] {
    return this.o.store.s.pick.all({ now, lease: now + this.o.leaseMs, n });
  }

  private pump(): void {
    if (this.stopped) return;
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
      retryAfterStoreFault(
        () => this.pump(),
        () => this.stopped,
      );
    }
  }

  private arm(): void {
    if (this.stopped) return;
    const at = this.o.store.s.minDue.get()?.t ?? null;
    if (at === null) return;
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

  private dispatch(rows: PickedRow[]): void {
    const batches = new Map<number, PickedRow[]>();
    for (const row of rows) {
      const reg = this.o.registrations.cached(row.registration_pk);
      if (!reg) {
        this.o.store.s.drop.run(row.id);
        continue;
      }
      if (!isDeliverable(reg)) {
        this.o.store.s.hold.run(row.id);
        refreshEventStatus(this.o.store, row.event_seq);
        continue;
      }
      if (reg.delivery_type === 'webhook_batch') {
        const list = batches.get(reg.id) ?? [];
        list.push(row);
        batches.set(reg.id, list);
        continue;
      }
      this.track(this.o.attempt(reg, [row]));
    }
    for (const [pk, list] of batches) this.dispatchBatch(this.o.registrations.cached(pk) as RegistrationRow, list);
  }

  /** at most batchMaxEvents events and batchMaxBytes per POST */
  private dispatchBatch(reg: RegistrationRow, list: PickedRow[]): void {
    let chunk: PickedRow[] = [];
    let bytes = 2;
    for (const row of list) {
      const size = (this.o.store.s.eventBySeq.get(row.event_seq) as EventRow | undefined)?.body.length ?? 0;
      if (chunk.length > 0 && (chunk.length >= this.o.batchMaxEvents || bytes + size + 1 > this.o.batchMaxBytes)) {
        this.track(this.o.attempt(reg, chunk));
        chunk = [];
        bytes = 2;
      }
      chunk.push(row);
      bytes += size + 1;
    }
    if (chunk.length > 0) this.track(this.o.attempt(reg, chunk));
  }

  private track(attempt: Promise<void>): void {
    // an attempt that fails in an unexpected way must not become an unhandled rejection (which
    // ends the process): its delivery stays leased and is attempted again after the lease
    const p = attempt.catch((e: unknown) =>
      this.o.log.error('events: delivery attempt failed', { error: e instanceof Error ? e.message : String(e) }),
    );
    this.inFlight++;
    this.running.add(p);
    void p.finally(() => {
      this.running.delete(p);
      this.inFlight--;
      this.kick();
    });
  }
}
