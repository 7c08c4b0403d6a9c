/**
 * An event's status is the most telling status of its deliveries: one dead or rejected
 * delivery makes the event dead or rejected, else one still retrying, pending or in flight
 * makes it pending... down to delivered, then dropped.
 */
import type { EventsStore } from './store';

const STATUS_RANK: Record<string, number> = {
  dead: 7,
  rejected: 6,
  retrying: 5,
  in_flight: 4,
  pending: 4,
  held: 3,
  delivered: 2,
  dropped: 1,
};

export function refreshEventStatus(store: EventsStore, seq: number): void {
  const rows = store.s.deliveryStatuses.all(seq);
  if (rows.length === 0) return;
  let worst = 'dropped';
  for (const r of rows) if ((STATUS_RANK[r.status] ?? 0) > (STATUS_RANK[worst] ?? 0)) worst = r.status;
  const status = worst === 'in_flight' ? 'pending' : worst;
  store.s.setEventStatus.run(status, seq);
}
