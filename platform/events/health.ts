/**
 * The health of each registration from its recent attempts (policy.ts's rule over a
 * window): ACTIVE, UNSTABLE, or DISABLED, which holds its deliveries until it is re-enabled.
 */
import type { EventEmitter } from 'node:events';
import type { Logger } from '../core/types';
import { registrationHealth, type Health } from './policy';
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

export class HealthTracker {
  private readonly recent = new Map<number, Array<{ at: number; ok: boolean }>>();

  constructor(private readonly o: HealthOptions) {}

  /** an attempt of `reg` ended (ok: a success) */
  settled(reg: RegistrationRow, ok: boolean, now: number): void {
    const window = Math.max(1, this.o.windowMs);
    const list = (this.recent.get(reg.id) ?? []).filter((x) => x.at > now - window);
    list.push({ at: now, ok });
    if (list.length > 1000) list.splice(0, list.length - 1000);
    this.recent.set(reg.id, list);
    const current = this.o.registrations.cached(reg.id);
    if (!current || current.health === 'DISABLED') return;
    const health: Health = registrationHealth(list.map((x) => x.ok));
    if (health === current.health) return;
    this.set(
      current,
      health,
      health === 'DISABLED' ? `${list.filter((x) => !x.ok).length} of the last ${list.length} attempts failed` : null,
    );
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
