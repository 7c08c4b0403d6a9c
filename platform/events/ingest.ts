/**
 * Storing an event durably with one delivery per interested push registration (held when
 * the registration is paused or disabled) or one journal entry per journal registration,
 * in one transaction; a repeated (source, id) is stored once. An event no registration is
 * interested in is stored as `unrouted`, so that it shows as such instead of waiting; sent
 * again once registrations want it, it is routed to them then.
 */
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { CloudEvent } from '../../src/contract';
import { extractEntityId } from './entity';
import { isDeliverable, type Registrations } from './registrations';
import type { EventsStore } from './store';

export interface IngestResult {
  duplicate: boolean;
  eventId: string;
  seq: number;
}

export interface IngestOptions {
  store: EventsStore;
  registrations: Registrations;
  bus: EventEmitter;
  entityFields?: readonly string[] | undefined;
  /** there is something to deliver now */
  kick: () => void;
}

interface IngestJob {
  write: () => void;
  after: () => void;
  result: IngestResult | undefined;
}

export class Ingest {
  private readonly queue: Array<{ job: IngestJob; resolve: (r: IngestResult) => void; reject: (e: Error) => void }> =
    [];
  private queued = false;

  constructor(private readonly o: IngestOptions) {}

  /** Store an event durably (with its deliveries); a repeated (source, id) is stored once. */
  ingest(ce: CloudEvent, providerId: string): IngestResult {
    const job = this.prepare(ce, providerId);
    this.o.store.batch(() => job.write());
    job.after();
    return job.result as IngestResult;
  }

  /**
   * The same, with group commit: the events that arrive in one turn of the event loop are
   * written in one transaction, and each promise resolves once that transaction committed
   * (so the ingress still answers 200 only for a stored event).
   */
  committed(ce: CloudEvent, providerId: string): Promise<IngestResult> {
    return new Promise<IngestResult>((resolve, reject) => {
      this.queue.push({ job: this.prepare(ce, providerId), resolve, reject });
      if (!this.queued) {
        this.queued = true;
        setImmediate(() => this.flush());
      }
    });
  }

  flush(): void {
    this.queued = false;
    const batch = this.queue.splice(0);
    if (batch.length === 0) return;
    try {
      this.o.store.batch(() => {
        for (const b of batch) b.job.write();
      });
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

  private prepare(ce: CloudEvent, providerId: string): IngestJob {
    const now = Date.now();
    const subscribers = this.o.registrations.subscribers(providerId, ce.type);
    const eventId = randomUUID();
    const entity = extractEntityId(ce.data, this.o.entityFields);
    const body = JSON.stringify(ce);
    const s = this.o.store.s;
    let pushed = 0;
    const route = (seq: number): void => {
      let held = 0;
      for (const reg of subscribers) {
        if (reg.delivery_type === 'journal') {
          s.insertJournal.run(reg.id, seq);
          continue;
        }
        const active = isDeliverable(reg);
        if (!active) held++;
        s.insertDelivery.run(seq, reg.id, active ? 'pending' : 'held', active ? now : null, now);
        if (active) pushed++;
      }
      if (held > 0 && pushed === 0) s.setEventStatus.run('held', seq);
    };
    const job: IngestJob = {
      result: undefined,
      write: () => {
        // no registration at all: `unrouted`, final (as in I/O Events, a registration created
        // later does not receive events published before it existed)
        const status =
          subscribers.length === 0
            ? 'unrouted'
            : subscribers.some((r) => r.delivery_type !== 'journal')
              ? 'pending'
              : 'received';
        const r = s.insertEvent.run(eventId, ce.id, ce.source, providerId, ce.type, entity, status, now, body);
        if (r.changes === 0) {
          const existing = s.eventBySource.get(ce.source, ce.id) as { event_id: string; seq: number; status: string };
          // sent again after it found no registration: routed now to the registrations there are
          const reroute = existing.status === 'unrouted' && subscribers.length > 0;
          if (reroute) {
            s.setEventStatus.run(status, existing.seq);
            route(existing.seq);
          }
          job.result = { duplicate: !reroute, eventId: existing.event_id, seq: existing.seq };
          return;
        }
        route(Number(r.lastInsertRowid));
        job.result = { duplicate: false, eventId, seq: Number(r.lastInsertRowid) };
      },
      after: () => {
        const result = job.result;
        if (!result || result.duplicate) return;
        this.o.bus.emit('event', {
          eventId: result.eventId,
          seq: result.seq,
          id: ce.id,
          source: ce.source,
          type: ce.type,
          entityId: entity,
          receivedAt: now,
        });
        if (pushed > 0) this.o.kick();
      },
    };
    return job;
  }
}
