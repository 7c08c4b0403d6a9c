/**
 * Picking due deliveries and running them, at most `maxInFlight` at once.
 *
 * A delivery stored while there is room starts at once: ingest stores it already leased
 * (`in_flight`, due again at the lease expiry) and hands it here after the commit
 * (`reserve`, then `start`), so an idle engine attempts it within the turn of the commit,
 * with no pick query and no second write. Deliveries due later (retries, those stored while
 * every slot was busy, released, replayed) are picked through the partial index on
 * `next_attempt_at` (ORDER BY + LIMIT, never a scan). Picking sets `next_attempt_at` to a
 * lease expiry: if the process dies mid-attempt, the row is due again after restart (at
 * least once). The scheduler remembers the earliest time something may be due (`dueAt`),
 * so a completion pumps the store only when something may be waiting; one timer wakes it
 * at the earliest due time (a lease expiry included) as the store says.
 */
import type { Logger } from '../core/types';
import { isStoreFault } from '../store/faults';
import type { GroupCommit } from './commit';
import { refreshEventStatus } from './event-status';
import { isDeliverable, type Registrations } from './registrations';
import type { EventRow, PickedRow, RegistrationRow } from './rows';
import { retryAfterStoreFault } from './store-fault';
import type { EventsStore } from './store';

/** how long close() waits for attempts in flight */
const CLOSE_GRACE_MS = 3000;

export interface SchedulerOptions {
  store: EventsStore;
  commit: GroupCommit;
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
  /** the earliest time a delivery not in flight may be due (-Infinity: ask the store) */
  private dueAt = -Infinity;
  private pumpQueued = false;
  private stopped = true;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly o: SchedulerOptions) {}

  get closed(): boolean {
    return this.stopped;
  }

  start(): void {
    this.stopped = false;
    this.dueAt = -Infinity;
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

  /** a delivery may be due at `at` (stored pending, retrying, released, replayed) */
  due(at: number): void {
    if (at < this.dueAt) this.dueAt = at;
    if (at <= Date.now()) this.kick();
    else this.armAt(at);
  }

  /**
   * Take a slot for a delivery about to be stored leased (ingest, inside its transaction):
   * false when every slot is busy, or when deliveries stored earlier may be waiting (then it
   * is stored pending and picked after them, oldest due first).
   */
  reserve(): boolean {
    if (this.stopped || this.inFlight >= this.o.maxInFlight || this.dueAt <= Date.now()) return false;
    this.inFlight++;
    return true;
  }

  /** give back a slot reserved for a delivery that was not stored (rolled back, a duplicate) */
  unreserve(): void {
    this.inFlight--;
    this.kick();
  }

  /** run the attempt of a delivery stored leased in a slot taken by `reserve` */
  startReserved(attempt: Promise<void>): void {
    this.track(attempt, false);
  }

  /**
   * Pick what is due for the free slots, with the next group commit (coalesced): when
   * nothing may be due, only make sure the timer wakes the scheduler in time.
   */
  kick(): void {
    if (this.stopped || this.pumpQueued) return;
    if (this.dueAt > Date.now()) {
      this.armAt(this.dueAt);
      return;
    }
    this.pumpQueued = true;
    let rows: PickedRow[] = [];
    this.o.commit.add({
      write: () => {
        this.pumpQueued = false;
        rows = this.pickFree();
        // the picked rows hold their slots until they are dispatched after the commit
        this.inFlight += rows.length;
      },
      done: () => {
        this.inFlight -= rows.length;
        if (rows.length > 0) this.dispatch(rows);
      },
      failed: (err) => {
        this.pumpQueued = false;
        this.inFlight -= rows.length;
        rows = [];
        this.dueAt = -Infinity;
        if (this.stopped) return;
        // the store cannot write (disk full, read-only): nothing was picked; try again shortly
        if (!isStoreFault(err)) this.o.log.error('events: cannot pick due deliveries', { error: err.message });
        else
          this.o.log.warn('events: cannot pick due deliveries, the store cannot write; retrying', {
            error: err.message,
          });
        retryAfterStoreFault(
          () => this.kick(),
          () => this.stopped,
        );
      },
    });
  }

  /** pick due deliveries (indexed, LIMIT n) and lease them */
  pickDue(now: number, n: number): PickedRow[] {
    return this.o.store.s.pick.all({ now, lease: now + this.o.leaseMs, n });
  }

  /** lease what is due, at most one per free slot (inside the group commit) */
  private pickFree(): PickedRow[] {
    const free = this.o.maxInFlight - this.inFlight;
    const now = Date.now();
    // every slot busy: the next completion kicks again
    if (this.stopped || free <= 0) return [];
    if (this.dueAt > now) {
      this.armAt(this.dueAt);
      return [];
    }
    const rows = this.pickDue(now, free);
    if (rows.length < free) {
      // fewer than asked: nothing else is due now; the store says when something next is
      // (a retry, or the lease expiry of an attempt in flight)
      this.dueAt = Infinity;
      this.arm();
    }
    return rows;
  }

  private arm(): void {
    if (this.stopped) return;
    const at = this.o.store.s.minDue.get()?.t ?? null;
    if (at === null) return;
    if (at < this.dueAt) this.dueAt = at;
    this.armAt(at);
  }

  /** wake at `at` (unless a timer wakes earlier) */
  private armAt(at: number): void {
    if (this.stopped || at === Infinity) return;
    if (this.timer && at >= this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    const delay = Math.min(Math.max(0, at - Date.now()), 3_600_000);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.dueAt = -Infinity;
      this.kick();
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

  private track(attempt: Promise<void>, take = true): void {
    // an attempt that fails in an unexpected way must not become an unhandled rejection (which
    // ends the process): its delivery stays leased and is attempted again after the lease
    const p = attempt.catch((e: unknown) =>
      this.o.log.error('events: delivery attempt failed', { error: e instanceof Error ? e.message : String(e) }),
    );
    if (take) this.inFlight++;
    this.running.add(p);
    void p.finally(() => {
      this.running.delete(p);
      this.inFlight--;
      this.kick();
    });
  }
}
