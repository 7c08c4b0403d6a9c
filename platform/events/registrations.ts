/**
 * Registrations with the local I/O Events (webhook, webhook_batch or journal, to a URL or
 * a runtime action), their state (health, pause, end date) and start/stop log, with an
 * in-memory fan-out index (provider, event code) → interested registrations rebuilt on
 * every change. Used by the management API, the config seeding, the delivery engine and
 * the traces API; rendered as Adobe's HAL documents by ./hal.ts.
 */
import { randomUUID } from 'node:crypto';
import { PlatformError } from '../core/errors';
import type { Health } from './policy';
import { validateRegistration, type RegistrationInput } from './registration-rules';
import type { Providers, Workspace } from './providers';
import type { InterestRef, RegistrationLogEntry, RegistrationRow } from './rows';
import type { EventsStore } from './store';

export type { DeliveryType, InterestRef, RegistrationRow } from './rows';
export type { Workspace } from './providers';
export type { RegistrationInput } from './registration-rules';

const conflict = (message: string, field: string, id: string): PlatformError =>
  new PlatformError(409, 'conflict', message, { field, headers: { 'x-conflicting-id': id } });

export class Registrations {
  private fanout: Map<string, RegistrationRow[]> | null = null;
  private readonly byPk = new Map<number, RegistrationRow | null>();
  private readonly listeners: Array<() => void> = [];

  constructor(
    private readonly store: EventsStore,
    private readonly providers: Providers,
    private readonly baseUrl: () => string,
  ) {}

  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  changed(): void {
    this.fanout = null;
    this.byPk.clear();
    for (const fn of this.listeners) fn();
  }

  // ------------------------------------------------------------ registrations

  getRegistration(idOrUuid: string | number): RegistrationRow | undefined {
    const s = String(idOrUuid);
    if (/^\d+$/.test(s)) return this.store.s.registration.get(Number(s));
    return this.store.s.registrationByUuid.get(s);
  }

  /** by primary key, remembered until the next change (the scheduler asks on every pick) */
  cached(pk: number): RegistrationRow | undefined {
    let r = this.byPk.get(pk);
    if (r === undefined) {
      r = this.store.s.registration.get(pk) ?? null;
      this.byPk.set(pk, r);
    }
    return r ?? undefined;
  }

  listRegistrations(ws?: Workspace): RegistrationRow[] {
    if (!ws) return this.store.s.registrations.all();
    return this.store.s.registrationsOfWorkspace.all(ws.orgId, ws.projectId, ws.workspaceId);
  }

  listRegistrationsForOrg(orgId: string): RegistrationRow[] {
    return this.store.s.registrationsOfOrg.all(orgId);
  }

  private lookups() {
    return {
      provider: (id: string) => this.providers.getProvider(id),
      metadata: (p: string, c: string) => this.providers.getEventMetadata(p, c),
    };
  }

  createRegistration(ws: Workspace, input: RegistrationInput): RegistrationRow {
    if (!input.client_id)
      throw new PlatformError(400, 'missing_field', 'client_id is required', { field: 'client_id' });
    if (!input.name) throw new PlatformError(400, 'missing_field', 'name is required', { field: 'name' });
    const existing = this.store.s.registrationNamed.get(ws.orgId, ws.projectId, ws.workspaceId, input.name);
    if (existing) {
      throw conflict(
        `a registration named "${input.name}" already exists in this workspace: ${existing.registration_id}`,
        'name',
        existing.registration_id,
      );
    }
    const v = validateRegistration(input, this.lookups());
    const now = Date.now();
    const r = this.store.s.insertRegistration.run({
      registration_id: randomUUID(),
      org_id: ws.orgId,
      project_id: ws.projectId,
      workspace_id: ws.workspaceId,
      client_id: input.client_id,
      name: input.name,
      description: input.description ?? null,
      delivery_type: v.delivery_type,
      webhook_url: v.webhook_url,
      runtime_action: v.runtime_action,
      enabled: input.enabled === false ? 0 : 1,
      events_of_interest: JSON.stringify(v.interests),
      created_at: now,
      updated_at: now,
    });
    this.log(Number(r.lastInsertRowid), 'create', null);
    this.changed();
    return this.getRegistration(Number(r.lastInsertRowid)) as RegistrationRow;
  }

  updateRegistration(reg: RegistrationRow, input: RegistrationInput): RegistrationRow {
    if (input.name && input.name !== reg.name) {
      const other = this.store.s.otherRegistrationNamed.get(
        reg.org_id,
        reg.project_id,
        reg.workspace_id,
        input.name,
        reg.id,
      );
      if (other)
        throw conflict(
          `a registration named "${input.name}" already exists in this workspace`,
          'name',
          other.registration_id,
        );
    }
    const v = validateRegistration(input, this.lookups(), reg);
    this.store.s.updateRegistration.run({
      id: reg.id,
      name: input.name ?? reg.name,
      description: input.description ?? reg.description,
      client_id: input.client_id ?? reg.client_id,
      delivery_type: v.delivery_type,
      webhook_url: v.webhook_url,
      runtime_action: v.runtime_action,
      enabled: input.enabled === undefined ? reg.enabled : input.enabled ? 1 : 0,
      events_of_interest: JSON.stringify(v.interests),
      updated_at: Date.now(),
    });
    this.log(reg.id, 'update', null);
    this.changed();
    return this.getRegistration(reg.id) as RegistrationRow;
  }

  deleteRegistration(reg: RegistrationRow): void {
    this.store.deleteRegistration(reg.id);
    this.changed();
  }

  /** Registration start/stop log (pause, resume, disable, enable, create, update). */
  log(registrationPk: number, action: string, reason: string | null): void {
    this.store.s.insertLog.run(registrationPk, Date.now(), action, reason);
  }

  registrationLog(registrationPk: number): RegistrationLogEntry[] {
    return this.store.s.logOf.all(registrationPk);
  }

  // ------------------------------------------------------------ state changes

  /** a DISABLED registration's log says why */
  setHealth(reg: RegistrationRow, health: Health, reason: string | null): void {
    this.store.s.setHealth.run(health, Date.now(), reg.id);
    if (health === 'DISABLED') this.log(reg.id, 'disable', reason);
    this.changed();
  }

  pause(reg: RegistrationRow, reason: string): void {
    this.store.s.pause.run(reason, Date.now(), reg.id);
    this.log(reg.id, 'pause', reason);
    this.changed();
  }

  /** resume a paused registration, or re-enable a DISABLED one */
  resume(reg: RegistrationRow, reason: string): void {
    this.store.s.resume.run(Date.now(), reg.id);
    this.log(reg.id, reg.health === 'DISABLED' ? 'enable' : 'resume', reason);
    this.changed();
  }

  setEndDate(reg: RegistrationRow, at: number | null): void {
    this.store.s.setEndDate.run(at, Date.now(), reg.id);
    this.log(reg.id, 'end-date', at === null ? 'end date removed' : `stops at ${new Date(at).toISOString()}`);
    this.changed();
  }

  /** registrations whose end date has come (and are not paused yet) */
  ending(now: number): RegistrationRow[] {
    return this.store.s.endingRegistrations.all(now);
  }

  clearEndDate(reg: RegistrationRow): void {
    this.store.s.clearEndDate.run(reg.id);
  }

  /** deliveries of a registration by status */
  deliveryCounts(reg: RegistrationRow): Record<string, number> {
    const c: Record<string, number> = {};
    for (const row of this.store.s.deliveryCounts.all(reg.id)) c[row.status] = row.n;
    return c;
  }

  /** Registrations interested in (provider, event code), from an in-memory index. */
  subscribers(providerId: string, eventCode: string): RegistrationRow[] {
    if (!this.fanout) {
      const map = new Map<string, RegistrationRow[]>();
      for (const reg of this.listRegistrations()) {
        for (const ei of JSON.parse(reg.events_of_interest) as InterestRef[]) {
          const key = `${ei.provider_id}\u0000${ei.event_code}`;
          const list = map.get(key) ?? [];
          if (!list.some((r) => r.id === reg.id)) list.push(reg);
          map.set(key, list);
        }
      }
      this.fanout = map;
    }
    return this.fanout.get(`${providerId}\u0000${eventCode}`) ?? [];
  }

  /** where a journal registration's events are read */
  journalUrl(reg: RegistrationRow): string {
    return `${this.baseUrl()}/events/organizations/${reg.org_id}/integrations/${reg.client_id}/${reg.registration_id}`;
  }
}

/** whether a registration's deliveries may be sent now (not disabled, paused or DISABLED) */
export function isDeliverable(reg: RegistrationRow): boolean {
  return reg.enabled === 1 && reg.paused === 0 && reg.health !== 'DISABLED';
}
