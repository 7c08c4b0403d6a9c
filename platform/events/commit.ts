/**
 * One group commit for what the engine writes in a turn of the event loop: the events
 * ingest stored, the outcomes of the attempts that finished, and the scheduler's pick of
 * due deliveries for the slots those attempts freed. Under load these come in the same turns
 * and write the same pages (the newest leaves of each table and index), so one transaction
 * writes them to the WAL once instead of once per kind.
 *
 * Each job runs in a savepoint of its own: a job whose statements fail (not a store fault) is
 * rolled back alone and told so; a store fault (disk full, read-only, I/O error) fails the
 * whole transaction and every job is told. A job's `done` runs only after the commit.
 */
import { isStoreFault } from '../store/faults';
import type { EventsStore } from './store';

export interface CommitJob {
  /** the job's statements (inside the transaction, in a savepoint of its own) */
  write(): void;
  /** after the commit */
  done(): void;
  /** nothing of the job was committed: its statements failed, or the transaction did */
  failed(err: Error): void;
}

const asError = (e: unknown): Error =>
  // a SqliteError keeps its code (SQLITE_FULL...); `instanceof Error` is not reliable across realms (test VMs)
  typeof e === 'object' && e !== null ? (e as Error) : new Error(String(e));

export class GroupCommit {
  private queue: CommitJob[] = [];
  private scheduled = false;

  constructor(private readonly store: EventsStore) {}

  /** write `job` with the others of this turn */
  add(job: CommitJob): void {
    this.queue.push(job);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** write the queued jobs now, in one transaction */
  flush(): void {
    this.scheduled = false;
    const jobs = this.queue;
    if (jobs.length === 0) return;
    this.queue = [];
    if (!this.store.open) {
      for (const j of jobs) j.failed(new Error('the event store is closed'));
      return;
    }
    const failed = new Map<CommitJob, Error>();
    try {
      this.store.batch(() => {
        for (const j of jobs) {
          try {
            this.store.batch(() => j.write());
          } catch (e) {
            if (isStoreFault(e)) throw e;
            failed.set(j, asError(e));
          }
        }
      });
    } catch (e) {
      const err = asError(e);
      for (const j of jobs) j.failed(err);
      return;
    }
    for (const j of jobs) {
      const err = failed.get(j);
      if (err) j.failed(err);
      else j.done();
    }
  }
}
