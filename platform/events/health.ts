/**
 * The health of each registration from its recent attempts (policy.ts's rule over a
 * window): ACTIVE, UNSTABLE, or DISABLED, which holds its deliveries until it is re-enabled.
 */
import type { EventEmitter } from 'node:events';
import type { Logger } from '../core/types';
import { healthOf, type Health } from './policy';
import type { Registrations } from './registrations';
import type { RegistrationRow } from './rows';

export interface HealthOptions {
  registrations: Registrations;
  log: Logger;
  bus: EventEmitter;
  /** window (ms, already scaled by the time scale) */
  windowMs: number;
  /** hold every scheduled delivery of a registration */
  holdAll: (registrationPk: number) => void;
}

/** the last attempts of one registration within the window (at most 1000), oldest first */
class Recent {
  private readonly at: number[] = [];
  private readonly ok: boolean[] = [];
  private head = 0;
  failures = 0;

  get size(): number {
    return this.at.length - this.head;
  }

  add(at: number, ok: boolean, since: number): void {
    while (this.size > 0 && ((this.at[this.head] as number) <= since || this.size >= 1000)) {
      if (!this.ok[this.head]) this.failures--;
      this.head++;
    }
    if (this.head > 1024) {
      this.at.splice(0, this.head);
      this.ok.splice(0, this.head);
      this.head = 0;
    }
    this.at.push(at);
    this.ok.push(ok);
    if (!ok) this.failures++;
  }
}

export class HealthTracker {
  private readonly recent = new Map<number, Recent>();

  constructor(private readonly o: HealthOptions) {}

  /** an attempt of `reg` ended (ok: a success) */
  settled(reg: RegistrationRow, ok: boolean, now: number): void {
    const window = Math.max(1, this.o.windowMs);
    let r = this.recent.get(reg.id);
    if (!r) {
      r = new Recent();
      this.recent.set(reg.id, r);
    }
    r.add(now, ok, now - window);
    const current = this.o.registrations.cached(reg.id);
    if (!current || current.health === 'DISABLED') return;
    const health: Health = healthOf(r.size, r.failures, ok);
    if (health === current.health) return;
    this.set(current, health, health === 'DISABLED' ? `${r.failures} of the last ${r.size} attempts failed` : null);
  }

  set(reg: RegistrationRow, health: Health, reason: string | null): void {
    this.o.registrations.setHealth(reg, health, reason);
    if (health === 'DISABLED') this.o.holdAll(reg.id);
    this.o.bus.emit('registration', { registrationId: reg.registration_id, health, reason });
    this.o.log.warn(`events: registration ${reg.name} is ${health}`, { reason });
  }

  /** a registration starts afresh (resumed, re-enabled) */
  forget(registrationPk: number): void {
    this.recent.delete(registrationPk);
  }
}
