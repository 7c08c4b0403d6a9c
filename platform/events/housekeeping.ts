/** End dates of temporary registrations, and retention of traces and events by count and age. */
import type { EventEmitter } from 'node:events';
import type { DeliveryEngine } from './engine';
import type { Registrations } from './registrations';
import type { EventsStore } from './store';

export interface HousekeepingOptions {
  store: EventsStore;
  registrations: Registrations;
  engine: DeliveryEngine;
  bus: EventEmitter;
  maxAttempts: number;
  maxAge: number;
  eventMaxAge: number;
  /** how often retention runs (ms) */
  every: number;
}

/** One housekeeping pass, run every tick: end dates always, retention every `every` ms. */
export function housekeeper(o: HousekeepingOptions): () => void {
  let lastRetention = 0;
  return () => {
    const now = Date.now();
    for (const reg of o.registrations.ending(now)) {
      o.engine.pause(reg, 'end date reached');
      o.registrations.clearEndDate(reg);
      o.bus.emit('registration', { registrationId: reg.registration_id, paused: true, reason: 'end date reached' });
    }
    if (now - lastRetention < o.every) return;
    lastRetention = now;
    o.store.retain({ now, maxAttempts: o.maxAttempts, maxAge: o.maxAge, eventMaxAge: o.eventMaxAge });
  };
}
