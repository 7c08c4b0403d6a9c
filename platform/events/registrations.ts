/**
 * Providers, event metadata and registrations: storage and Adobe's HAL rendering.
 * Used by the management API, the config seeding and the delivery engine.
 */
import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { ApiError } from './http';
import { webhookStatusFor, type Health } from './policy';

export interface ProviderRow {
  id: string;
  org_id: string;
  project_id: string | null;
  workspace_id: string | null;
  label: string;
  description: string | null;
  docs_url: string | null;
  instance_id: string | null;
  provider_metadata: string;
  created_at: number;
  updated_at: number;
}

export interface EventMetadataRow {
  provider_id: string;
  event_code: string;
  label: string;
  description: string | null;
  sample_event_template: string | null;
  created_at: number;
  updated_at: number;
}

export interface InterestRef {
  provider_id: string;
  event_code: string;
}

export type DeliveryType = 'webhook' | 'webhook_batch' | 'journal';

export interface RegistrationRow {
  id: number;
  registration_id: string;
  org_id: string;
  project_id: string;
  workspace_id: string;
  client_id: string;
  name: string;
  description: string | null;
  delivery_type: DeliveryType;
  webhook_url: string | null;
  runtime_action: string | null;
  enabled: number;
  health: Health;
  paused: number;
  pause_reason: string | null;
  ends_at: number | null;
  events_of_interest: string;
  created_at: number;
  updated_at: number;
}

export interface Workspace {
  orgId: string;
  projectId: string;
  workspaceId: string;
}

export const CUSTOM_EVENTS_METADATA = '3rd_party_custom_events';
const DELIVERY_TYPES: readonly string[] = ['webhook', 'webhook_batch', 'journal'];

export interface RegistrationInput {
  client_id?: string | undefined;
  name?: string | undefined;
  description?: string | undefined;
  delivery_type?: string | undefined;
  webhook_url?: string | undefined;
  runtime_action?: string | undefined;
  events_of_interest?: InterestRef[] | undefined;
  enabled?: boolean | undefined;
}

/** Storage of the catalog, with an in-memory fan-out index rebuilt on every change. */
export class Catalog {
  private fanout: Map<string, RegistrationRow[]> | null = null;
  private listeners: Array<() => void> = [];

  private readonly stmts = new Map<string, BetterSqlite3.Statement>();

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly baseUrl: () => string,
  ) {}

  /** prepared once per SQL text (the ingress looks up provider and event code on every request) */
  private q(sql: string): BetterSqlite3.Statement {
    let st = this.stmts.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.stmts.set(sql, st);
    }
    return st;
  }

  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  changed(): void {
    this.fanout = null;
    for (const fn of this.listeners) fn();
  }

  // ---------------------------------------------------------------- providers

  getProvider(id: string): ProviderRow | undefined {
    return this.q('SELECT * FROM ev_providers WHERE id = ?').get(id) as ProviderRow | undefined;
  }

  listProviders(orgId: string, filter: { providerMetadataIds?: string[]; instanceId?: string | undefined }): ProviderRow[] {
    let rows = this.db.prepare('SELECT * FROM ev_providers WHERE org_id = ? ORDER BY created_at, id').all(orgId) as ProviderRow[];
    if (filter.providerMetadataIds && filter.providerMetadataIds.length > 0) {
      const ids = new Set(filter.providerMetadataIds);
      rows = rows.filter((r) => ids.has(r.provider_metadata));
    }
    if (filter.instanceId !== undefined) rows = rows.filter((r) => r.instance_id === filter.instanceId);
    return rows;
  }

  createProvider(ws: Workspace, body: { label: string; description?: string | undefined; docs_url?: string | undefined; instance_id?: string | undefined; provider_metadata?: string | undefined }): ProviderRow {
    const providerMetadata = body.provider_metadata ?? CUSTOM_EVENTS_METADATA;
    const instanceId = body.instance_id ?? null;
    const conflict = (instanceId !== null
      ? this.db.prepare('SELECT id FROM ev_providers WHERE org_id = ? AND provider_metadata = ? AND instance_id = ?').get(ws.orgId, providerMetadata, instanceId)
      : undefined) ??
      this.db.prepare('SELECT id FROM ev_providers WHERE org_id = ? AND label = ?').get(ws.orgId, body.label);
    if (conflict) {
      const id = (conflict as { id: string }).id;
      throw new ApiError(409, 'conflict', `a provider with this ${instanceId !== null ? 'instance_id or ' : ''}label already exists: ${id}`, instanceId !== null ? 'instance_id' : 'label', { 'x-conflicting-id': id });
    }
    const now = Date.now();
    const row: ProviderRow = {
      id: randomUUID(),
      org_id: ws.orgId,
      project_id: ws.projectId,
      workspace_id: ws.workspaceId,
      label: body.label,
      description: body.description ?? null,
      docs_url: body.docs_url ?? null,
      instance_id: instanceId,
      provider_metadata: providerMetadata,
      created_at: now,
      updated_at: now,
    };
    this.db
      .prepare(
        `INSERT INTO ev_providers (id, org_id, project_id, workspace_id, label, description, docs_url, instance_id, provider_metadata, created_at, updated_at)
         VALUES (@id, @org_id, @project_id, @workspace_id, @label, @description, @docs_url, @instance_id, @provider_metadata, @created_at, @updated_at)`,
      )
      .run(row);
    this.changed();
    return row;
  }

  updateProvider(id: string, body: { label?: string | undefined; description?: string | undefined; docs_url?: string | undefined }): ProviderRow {
    const p = this.getProvider(id);
    if (!p) throw new ApiError(404, 'not_found', `provider ${id} not found`, 'providerId');
    const next = { ...p, label: body.label ?? p.label, description: body.description ?? p.description, docs_url: body.docs_url ?? p.docs_url, updated_at: Date.now() };
    this.db.prepare('UPDATE ev_providers SET label=@label, description=@description, docs_url=@docs_url, updated_at=@updated_at WHERE id=@id').run(next);
    this.changed();
    return next;
  }

  deleteProvider(id: string): void {
    const r = this.db.transaction(() => {
      this.db.prepare('DELETE FROM ev_event_metadata WHERE provider_id = ?').run(id);
      return this.db.prepare('DELETE FROM ev_providers WHERE id = ?').run(id);
    })();
    if (r.changes === 0) throw new ApiError(404, 'not_found', `provider ${id} not found`, 'providerId');
    this.changed();
  }

  // ----------------------------------------------------------- event metadata

  listEventMetadata(providerId: string): EventMetadataRow[] {
    return this.db.prepare('SELECT * FROM ev_event_metadata WHERE provider_id = ? ORDER BY created_at, event_code').all(providerId) as EventMetadataRow[];
  }

  getEventMetadata(providerId: string, eventCode: string): EventMetadataRow | undefined {
    return this.q('SELECT * FROM ev_event_metadata WHERE provider_id = ? AND event_code = ?').get(providerId, eventCode) as EventMetadataRow | undefined;
  }

  createEventMetadata(providerId: string, body: { event_code: string; label?: string | undefined; description?: string | undefined; sample_event_template?: string | undefined }): EventMetadataRow {
    if (!this.getProvider(providerId)) throw new ApiError(404, 'not_found', `provider ${providerId} not found`, 'providerId');
    if (this.getEventMetadata(providerId, body.event_code)) {
      throw new ApiError(409, 'conflict', `event metadata ${body.event_code} already exists for provider ${providerId}`, 'event_code', { 'x-conflicting-id': body.event_code });
    }
    const now = Date.now();
    const row: EventMetadataRow = {
      provider_id: providerId,
      event_code: body.event_code,
      label: body.label ?? body.event_code,
      description: body.description ?? null,
      sample_event_template: body.sample_event_template ?? null,
      created_at: now,
      updated_at: now,
    };
    this.db
      .prepare(
        `INSERT INTO ev_event_metadata (provider_id, event_code, label, description, sample_event_template, created_at, updated_at)
         VALUES (@provider_id, @event_code, @label, @description, @sample_event_template, @created_at, @updated_at)`,
      )
      .run(row);
    this.changed();
    return row;
  }

  updateEventMetadata(providerId: string, eventCode: string, body: { label?: string | undefined; description?: string | undefined; sample_event_template?: string | undefined }): EventMetadataRow {
    const m = this.getEventMetadata(providerId, eventCode);
    if (!m) throw new ApiError(404, 'not_found', `event metadata ${eventCode} not found for provider ${providerId}`, 'eventCode');
    const next: EventMetadataRow = {
      ...m,
      label: body.label ?? m.label,
      description: body.description ?? m.description,
      sample_event_template: body.sample_event_template ?? m.sample_event_template,
      updated_at: Date.now(),
    };
    this.db
      .prepare('UPDATE ev_event_metadata SET label=@label, description=@description, sample_event_template=@sample_event_template, updated_at=@updated_at WHERE provider_id=@provider_id AND event_code=@event_code')
      .run(next);
    this.changed();
    return next;
  }

  deleteEventMetadata(providerId: string, eventCode?: string): void {
    if (!this.getProvider(providerId)) throw new ApiError(404, 'not_found', `provider ${providerId} not found`, 'providerId');
    if (eventCode === undefined) {
      this.db.prepare('DELETE FROM ev_event_metadata WHERE provider_id = ?').run(providerId);
    } else {
      const r = this.db.prepare('DELETE FROM ev_event_metadata WHERE provider_id = ? AND event_code = ?').run(providerId, eventCode);
      if (r.changes === 0) throw new ApiError(404, 'not_found', `event metadata ${eventCode} not found for provider ${providerId}`, 'eventCode');
    }
    this.changed();
  }

  // ------------------------------------------------------------ registrations

  getRegistration(idOrUuid: string | number): RegistrationRow | undefined {
    const s = String(idOrUuid);
    if (/^\d+$/.test(s)) {
      return this.q('SELECT * FROM ev_registrations WHERE id = ?').get(Number(s)) as RegistrationRow | undefined;
    }
    return this.q('SELECT * FROM ev_registrations WHERE registration_id = ?').get(s) as RegistrationRow | undefined;
  }

  listRegistrations(ws?: Workspace): RegistrationRow[] {
    if (!ws) return this.db.prepare('SELECT * FROM ev_registrations ORDER BY id').all() as RegistrationRow[];
    return this.db
      .prepare('SELECT * FROM ev_registrations WHERE org_id = ? AND project_id = ? AND workspace_id = ? ORDER BY id')
      .all(ws.orgId, ws.projectId, ws.workspaceId) as RegistrationRow[];
  }

  listRegistrationsForOrg(orgId: string): RegistrationRow[] {
    return this.db.prepare('SELECT * FROM ev_registrations WHERE org_id = ? ORDER BY id').all(orgId) as RegistrationRow[];
  }

  private validateRegistration(input: RegistrationInput, existing?: RegistrationRow): {
    delivery_type: DeliveryType;
    webhook_url: string | null;
    runtime_action: string | null;
    interests: InterestRef[];
  } {
    const deliveryType = input.delivery_type ?? existing?.delivery_type;
    if (!deliveryType) throw new ApiError(400, 'missing_field', 'delivery_type is required (webhook, webhook_batch or journal)', 'delivery_type');
    if (!DELIVERY_TYPES.includes(deliveryType)) {
      throw new ApiError(400, 'invalid_field', `delivery_type must be one of webhook, webhook_batch, journal; got ${deliveryType}`, 'delivery_type');
    }
    let webhookUrl = input.webhook_url !== undefined ? input.webhook_url : existing?.webhook_url ?? null;
    let runtimeAction = input.runtime_action !== undefined ? input.runtime_action : existing?.runtime_action ?? null;
    if (input.runtime_action && input.webhook_url === undefined) webhookUrl = null;
    if (input.webhook_url && input.runtime_action === undefined) runtimeAction = null;
    if (webhookUrl === '') webhookUrl = null;
    if (runtimeAction === '') runtimeAction = null;
    if (deliveryType !== 'journal') {
      if (!webhookUrl && !runtimeAction) {
        throw new ApiError(400, 'missing_field', `a ${deliveryType} registration needs webhook_url or runtime_action`, 'webhook_url');
      }
      if (webhookUrl && runtimeAction) {
        throw new ApiError(400, 'invalid_field', 'give either webhook_url or runtime_action, not both', 'runtime_action');
      }
      if (webhookUrl) {
        let u: URL;
        try {
          u = new URL(webhookUrl);
        } catch {
          throw new ApiError(400, 'invalid_field', `webhook_url is not a valid URL: ${webhookUrl}`, 'webhook_url');
        }
        if (u.protocol !== 'http:' && u.protocol !== 'https:') {
          throw new ApiError(400, 'invalid_field', 'webhook_url must be http(s)', 'webhook_url');
        }
      }
      if (runtimeAction && !/^[^/\s]+\/[^/\s]+$/.test(runtimeAction)) {
        throw new ApiError(400, 'invalid_field', `runtime_action must look like "package/action"; got ${runtimeAction}`, 'runtime_action');
      }
    }
    const interests = input.events_of_interest ?? (existing ? (JSON.parse(existing.events_of_interest) as InterestRef[]) : undefined);
    if (!interests || !Array.isArray(interests) || interests.length === 0) {
      throw new ApiError(400, 'missing_field', 'events_of_interest must list at least one {provider_id, event_code}', 'events_of_interest');
    }
    interests.forEach((ei, i) => {
      if (!ei || typeof ei.provider_id !== 'string' || typeof ei.event_code !== 'string') {
        throw new ApiError(400, 'invalid_field', `events_of_interest[${i}] needs provider_id and event_code strings`, `events_of_interest[${i}]`);
      }
      if (!this.getProvider(ei.provider_id)) {
        throw new ApiError(400, 'invalid_field', `events_of_interest[${i}].provider_id ${ei.provider_id} is not a known provider`, `events_of_interest[${i}].provider_id`);
      }
      if (!this.getEventMetadata(ei.provider_id, ei.event_code)) {
        throw new ApiError(400, 'invalid_field', `events_of_interest[${i}].event_code ${ei.event_code} is not defined for provider ${ei.provider_id}`, `events_of_interest[${i}].event_code`);
      }
    });
    return {
      delivery_type: deliveryType as DeliveryType,
      webhook_url: deliveryType === 'journal' ? null : webhookUrl,
      runtime_action: deliveryType === 'journal' ? null : runtimeAction,
      interests: interests.map((ei) => ({ provider_id: ei.provider_id, event_code: ei.event_code })),
    };
  }

  createRegistration(ws: Workspace, input: RegistrationInput): RegistrationRow {
    if (!input.client_id) throw new ApiError(400, 'missing_field', 'client_id is required', 'client_id');
    if (!input.name) throw new ApiError(400, 'missing_field', 'name is required', 'name');
    const existing = this.db
      .prepare('SELECT registration_id FROM ev_registrations WHERE org_id = ? AND project_id = ? AND workspace_id = ? AND name = ?')
      .get(ws.orgId, ws.projectId, ws.workspaceId, input.name) as { registration_id: string } | undefined;
    if (existing) {
      throw new ApiError(409, 'conflict', `a registration named "${input.name}" already exists in this workspace: ${existing.registration_id}`, 'name', {
        'x-conflicting-id': existing.registration_id,
      });
    }
    const v = this.validateRegistration(input);
    const now = Date.now();
    const r = this.db
      .prepare(
        `INSERT INTO ev_registrations (registration_id, org_id, project_id, workspace_id, client_id, name, description, delivery_type, webhook_url, runtime_action, enabled, events_of_interest, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(randomUUID(), ws.orgId, ws.projectId, ws.workspaceId, input.client_id, input.name, input.description ?? null, v.delivery_type, v.webhook_url, v.runtime_action, input.enabled === false ? 0 : 1, JSON.stringify(v.interests), now, now);
    this.log(Number(r.lastInsertRowid), 'create', null);
    this.changed();
    return this.getRegistration(Number(r.lastInsertRowid)) as RegistrationRow;
  }

  updateRegistration(reg: RegistrationRow, input: RegistrationInput): RegistrationRow {
    if (input.name && input.name !== reg.name) {
      const other = this.db
        .prepare('SELECT registration_id FROM ev_registrations WHERE org_id = ? AND project_id = ? AND workspace_id = ? AND name = ? AND id != ?')
        .get(reg.org_id, reg.project_id, reg.workspace_id, input.name, reg.id) as { registration_id: string } | undefined;
      if (other) {
        throw new ApiError(409, 'conflict', `a registration named "${input.name}" already exists in this workspace`, 'name', { 'x-conflicting-id': other.registration_id });
      }
    }
    const v = this.validateRegistration(input, reg);
    const enabled = input.enabled === undefined ? reg.enabled : input.enabled ? 1 : 0;
    this.db
      .prepare(
        `UPDATE ev_registrations SET name=?, description=?, client_id=?, delivery_type=?, webhook_url=?, runtime_action=?, enabled=?, events_of_interest=?, updated_at=? WHERE id=?`,
      )
      .run(input.name ?? reg.name, input.description ?? reg.description, input.client_id ?? reg.client_id, v.delivery_type, v.webhook_url, v.runtime_action, enabled, JSON.stringify(v.interests), Date.now(), reg.id);
    this.log(reg.id, 'update', null);
    this.changed();
    return this.getRegistration(reg.id) as RegistrationRow;
  }

  deleteRegistration(reg: RegistrationRow): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM ev_registrations WHERE id = ?').run(reg.id);
      // pending work for a deleted registration is dropped; its history stays for traces
      this.db.prepare("UPDATE ev_deliveries SET next_attempt_at = NULL, status = 'dropped' WHERE registration_pk = ? AND next_attempt_at IS NOT NULL").run(reg.id);
      this.db.prepare('DELETE FROM ev_journal WHERE registration_pk = ?').run(reg.id);
    })();
    this.changed();
  }

  /** Registration start/stop log (pause, resume, disable, enable, create, update). */
  log(registrationPk: number, action: string, reason: string | null): void {
    this.db.prepare('INSERT INTO ev_registration_log (registration_pk, at, action, reason) VALUES (?, ?, ?, ?)').run(registrationPk, Date.now(), action, reason);
  }

  registrationLog(registrationPk: number): Array<{ at: number; action: string; reason: string | null }> {
    return this.db.prepare('SELECT at, action, reason FROM ev_registration_log WHERE registration_pk = ? ORDER BY id').all(registrationPk) as Array<{
      at: number;
      action: string;
      reason: string | null;
    }>;
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

  // ---------------------------------------------------------------- rendering

  providerJson(p: ProviderRow, withMetadata: boolean): Record<string, unknown> {
    const base = this.baseUrl();
    const out: Record<string, unknown> = {
      id: p.id,
      label: p.label,
      description: p.description ?? '',
      source: `urn:uuid:${p.id}`,
      docs_url: p.docs_url,
      publisher: p.org_id,
      provider_metadata: p.provider_metadata,
      instance_id: p.instance_id,
      event_delivery_format: 'cloud_events_v1',
      _links: {
        'rel:eventmetadata': { href: `${base}/events/providers/${p.id}/eventmetadata` },
        'rel:update': { href: `${base}/events/${p.org_id}/${p.project_id ?? '-'}/${p.workspace_id ?? '-'}/providers/${p.id}` },
        self: { href: `${base}/events/providers/${p.id}` },
      },
    };
    if (withMetadata) {
      out._embedded = { 'rel:eventmetadata': this.listEventMetadata(p.id).map((m) => this.metadataJson(p, m)) };
    }
    return out;
  }

  metadataJson(p: ProviderRow, m: EventMetadataRow): Record<string, unknown> {
    const base = this.baseUrl();
    const out: Record<string, unknown> = {
      event_code: m.event_code,
      label: m.label,
      description: m.description ?? '',
      _links: {
        'rel:update': { href: `${base}/events/${p.org_id}/${p.project_id ?? '-'}/${p.workspace_id ?? '-'}/providers/${p.id}/eventmetadata/${m.event_code}` },
        self: { href: `${base}/events/providers/${p.id}/eventmetadata/${m.event_code}` },
      },
    };
    if (m.sample_event_template) {
      (out._links as Record<string, unknown>)['rel:sample_event'] = { href: `${base}/events/providers/${p.id}/eventmetadata/${m.event_code}/sample_event` };
    }
    return out;
  }

  journalUrl(reg: RegistrationRow): string {
    return `${this.baseUrl()}/events/organizations/${reg.org_id}/integrations/${reg.client_id}/${reg.registration_id}`;
  }

  registrationJson(reg: RegistrationRow): Record<string, unknown> {
    const base = this.baseUrl();
    const interests = (JSON.parse(reg.events_of_interest) as InterestRef[]).map((ei) => {
      const p = this.getProvider(ei.provider_id);
      const m = p ? this.getEventMetadata(p.id, ei.event_code) : undefined;
      return {
        event_code: ei.event_code,
        event_label: m?.label ?? ei.event_code,
        event_description: m?.description ?? '',
        provider_id: ei.provider_id,
        provider: p?.provider_metadata ?? CUSTOM_EVENTS_METADATA,
        provider_label: p?.label ?? '',
        provider_description: p?.description ?? '',
        provider_docs_url: p?.docs_url ?? null,
        event_delivery_format: 'cloud_events_v1',
      };
    });
    const self = `${base}/events/${reg.org_id}/${reg.project_id}/${reg.workspace_id}/registrations/${reg.registration_id}`;
    const eventsUrl = this.journalUrl(reg);
    const enabled = reg.enabled === 1 && reg.health !== 'DISABLED';
    return {
      id: reg.id,
      name: reg.name,
      description: reg.description ?? '',
      client_id: reg.client_id,
      parent_client_id: reg.client_id,
      registration_id: reg.registration_id,
      webhook_url: reg.webhook_url ?? undefined,
      runtime_action: reg.runtime_action ?? undefined,
      status: enabled ? 'ACCEPTED' : 'DISABLED',
      type: 'APP',
      integration_status: 'ENABLED',
      events_of_interest: interests,
      delivery_type: reg.delivery_type,
      events_url: eventsUrl,
      webhook_status: reg.delivery_type === 'journal' ? 'verified' : webhookStatusFor(reg.health),
      enabled,
      created_date: new Date(reg.created_at).toISOString(),
      updated_date: new Date(reg.updated_at).toISOString(),
      _links: {
        'rel:events': { href: eventsUrl },
        'rel:trace': { href: `${base}/events/_local/registrations/${reg.registration_id}/attempts` },
        self: { href: self },
        'rel:update': { href: self },
      },
    };
  }
}
