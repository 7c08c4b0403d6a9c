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
import type { GroupCommit } from './commit';
import { extractEntityId } from './entity';
import { isDeliverable, type Registrations } from './registrations';
import type { EventRow, PickedRow, RegistrationRow } from './rows';
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
  commit: GroupCommit;
  /** the scheduler's slots: a delivery stored leased takes one before it is written */
  slots: {
    reserve(): boolean;
    unreserve(): void;
    /** when a delivery leased now is due again (if the process died mid-attempt) */
    leaseExpiry(now: number): number;
  };
  /** a delivery stored pending is due now */
  due: (at: number) => void;
  /** attempt a delivery stored leased (its slot reserved), once committed */
  start: (reg: RegistrationRow, row: PickedRow, ev: EventRow) => void;
}

interface IngestJob {
  write: () => void;
  after: () => void;
  /** the transaction did not commit: give back the slots taken */
  abort: () => void;
  result: IngestResult | undefined;
}

interface Leased {
  reg: RegistrationRow;
  row: PickedRow;
}

export class Ingest {
  constructor(private readonly o: IngestOptions) {}

  /** Store an event durably (with its deliveries); a repeated (source, id) is stored once. */
  ingest(ce: CloudEvent, providerId: string): IngestResult {
    const job = this.prepare(ce, providerId);
    try {
      this.o.store.batch(() => job.write());
    } catch (e) {
      job.abort();
      throw e;
    }
    job.after();
    return job.result as IngestResult;
  }

  /**
   * The same, with group commit (./commit.ts): the events that arrive in one turn of the
   * event loop are written in one transaction, and each promise resolves once that
   * transaction committed (so the ingress still answers 200 only for a stored event); a
   * store fault rejects it with the SqliteError as it is (its code, SQLITE_FULL..., is what
   * the ingress turns into a 503).
   */
  committed(ce: CloudEvent, providerId: string): Promise<IngestResult> {
    return new Promise<IngestResult>((resolve, reject) => {
      const job = this.prepare(ce, providerId);
      this.o.commit.add({
        write: job.write,
        done: () => {
          job.after();
          resolve(job.result as IngestResult);
        },
        failed: (err) => {
          job.abort();
          reject(err);
        },
      });
    });
  }

  /**
   * Route a stored event to its subscribers: a journal entry, or a delivery (held when the
   * registration is not deliverable; leased when a slot is free, else pending). Returns how
   * many deliveries were stored pending and the leased ones.
   */
  private route(seq: number, subscribers: RegistrationRow[], now: number): { pending: number; leased: Leased[] } {
    const s = this.o.store.s;
    const leased: Leased[] = [];
    let pending = 0;
    let held = 0;
    for (const reg of subscribers) {
      if (reg.delivery_type === 'journal') {
        s.insertJournal.run(reg.id, seq);
        continue;
      }
      if (!isDeliverable(reg)) {
        held++;
        s.insertDelivery.run(seq, reg.id, 'held', null, now);
        continue;
      }
      // a batch registration's deliveries wait for the pick, which groups them
      if (reg.delivery_type !== 'webhook_batch' && this.o.slots.reserve()) {
        const r = s.insertDelivery.run(seq, reg.id, 'in_flight', this.o.slots.leaseExpiry(now), now);
        if (r.changes === 0) this.o.slots.unreserve();
        else {
          const id = Number(r.lastInsertRowid);
          leased.push({
            reg,
            row: { id, event_seq: seq, registration_pk: reg.id, attempts: 0, failures: 0, first_attempt_at: null },
          });
        }
        continue;
      }
      s.insertDelivery.run(seq, reg.id, 'pending', now, now);
      pending++;
    }
    if (held > 0 && pending === 0 && leased.length === 0) s.setEventStatus.run('held', seq);
    return { pending, leased };
  }

  private prepare(ce: CloudEvent, providerId: string): IngestJob {
    const now = Date.now();
    const subscribers = this.o.registrations.subscribers(providerId, ce.type);
    const eventId = randomUUID();
    const entity = extractEntityId(ce.data, this.o.entityFields);
    const body = JSON.stringify(ce);
    const s = this.o.store.s;
    let routed: { pending: number; leased: Leased[] } = { pending: 0, leased: [] };
    let rerouted = false;
    // no registration at all: `unrouted`, final (as in I/O Events, a registration created
    // later does not receive events published before it existed)
    const status =
      subscribers.length === 0
        ? 'unrouted'
        : subscribers.some((r) => r.delivery_type !== 'journal')
          ? 'pending'
          : 'received';
    const job: IngestJob = {
      result: undefined,
      write: () => {
        const r = s.insertEvent.run(eventId, ce.id, ce.source, providerId, ce.type, entity, status, now, body);
        if (r.changes === 0) {
          const existing = s.eventBySource.get(ce.source, ce.id) as { event_id: string; seq: number; status: string };
          // sent again after it found no registration: routed now to the registrations there are
          const reroute = existing.status === 'unrouted' && subscribers.length > 0;
          if (reroute) {
            rerouted = true;
            s.setEventStatus.run(status, existing.seq);
            routed = this.route(existing.seq, subscribers, now);
          }
          job.result = { duplicate: !reroute, eventId: existing.event_id, seq: existing.seq };
          return;
        }
        const seq = Number(r.lastInsertRowid);
        routed = this.route(seq, subscribers, now);
        job.result = { duplicate: false, eventId, seq };
      },
      abort: () => {
        for (const _ of routed.leased) this.o.slots.unreserve();
        routed = { pending: 0, leased: [] };
      },
      after: () => {
        const result = job.result;
        if (!result) return;
        if (!result.duplicate)
          this.o.bus.emit('event', {
            eventId: result.eventId,
            seq: result.seq,
            id: ce.id,
            source: ce.source,
            type: ce.type,
            entityId: entity,
            receivedAt: now,
          });
        if (routed.leased.length > 0) {
          // the stored event (a rerouted one keeps the body it was first stored with)
          const ev: EventRow | undefined = rerouted
            ? s.eventBySeq.get(result.seq)
            : {
                seq: result.seq,
                event_id: result.eventId,
                ce_id: ce.id,
                source: ce.source,
                provider_id: providerId,
                type: ce.type,
                entity_id: entity,
                status,
                received_at: now,
                body,
              };
          // (no stored event cannot happen in the turn of its commit; the lease would expire)
          for (const { reg, row } of routed.leased)
            if (ev) this.o.start(reg, row, ev);
            else this.o.slots.unreserve();
        }
        if (routed.pending > 0) this.o.due(now);
      },
    };
    return job;
  }
}
