/**
 * Providers and the event codes they define (event metadata), as registered with the
 * local I/O Events. Used by the management API, the ingress, the config seeding and the
 * delivery engine; rendered as Adobe's HAL documents by ./hal.ts.
 */
import { randomUUID } from 'node:crypto';
import { PlatformError } from '../core/errors';
import type { EventMetadataRow, ProviderRow } from './rows';
import type { EventsStore } from './store';

export interface Workspace {
  orgId: string;
  projectId: string;
  workspaceId: string;
}

export const CUSTOM_EVENTS_METADATA = '3rd_party_custom_events';

const notFound = (what: string, field: string): PlatformError =>
  new PlatformError(404, 'not_found', `${what} not found`, { field });
const conflict = (message: string, field: string, id: string): PlatformError =>
  new PlatformError(409, 'conflict', message, { field, headers: { 'x-conflicting-id': id } });

export class Providers {
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly store: EventsStore) {}

  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  private changed(): void {
    for (const fn of this.listeners) fn();
  }

  getProvider(id: string): ProviderRow | undefined {
    return this.store.s.provider.get(id);
  }

  listProviders(
    orgId: string,
    filter: { providerMetadataIds?: string[]; instanceId?: string | undefined },
  ): ProviderRow[] {
    let rows = this.store.s.providersOfOrg.all(orgId);
    if (filter.providerMetadataIds && filter.providerMetadataIds.length > 0) {
      const ids = new Set(filter.providerMetadataIds);
      rows = rows.filter((r) => ids.has(r.provider_metadata));
    }
    if (filter.instanceId !== undefined) rows = rows.filter((r) => r.instance_id === filter.instanceId);
    return rows;
  }

  createProvider(
    ws: Workspace,
    body: {
      label: string;
      description?: string | undefined;
      docs_url?: string | undefined;
      instance_id?: string | undefined;
      provider_metadata?: string | undefined;
    },
  ): ProviderRow {
    const providerMetadata = body.provider_metadata ?? CUSTOM_EVENTS_METADATA;
    const instanceId = body.instance_id ?? null;
    const existing =
      (instanceId !== null ? this.store.s.providerByInstance.get(ws.orgId, providerMetadata, instanceId) : undefined) ??
      this.store.s.providerByLabel.get(ws.orgId, body.label);
    if (existing) {
      throw conflict(
        `a provider with this ${instanceId !== null ? 'instance_id or ' : ''}label already exists: ${existing.id}`,
        instanceId !== null ? 'instance_id' : 'label',
        existing.id,
      );
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
    this.store.s.insertProvider.run(row);
    this.changed();
    return row;
  }

  updateProvider(
    id: string,
    body: { label?: string | undefined; description?: string | undefined; docs_url?: string | undefined },
  ): ProviderRow {
    const p = this.getProvider(id);
    if (!p) throw notFound(`provider ${id}`, 'providerId');
    const next = {
      ...p,
      label: body.label ?? p.label,
      description: body.description ?? p.description,
      docs_url: body.docs_url ?? p.docs_url,
      updated_at: Date.now(),
    };
    this.store.s.updateProvider.run(next);
    this.changed();
    return next;
  }

  deleteProvider(id: string): void {
    if (this.store.deleteProvider(id) === 0) throw notFound(`provider ${id}`, 'providerId');
    this.changed();
  }

  // ----------------------------------------------------------- event metadata

  listEventMetadata(providerId: string): EventMetadataRow[] {
    return this.store.s.metadataOfProvider.all(providerId);
  }

  getEventMetadata(providerId: string, eventCode: string): EventMetadataRow | undefined {
    return this.store.s.metadata.get(providerId, eventCode);
  }

  /** every event code defined by any provider, sorted */
  eventCodes(): string[] {
    return this.store.s.eventCodes.all().map((r) => r.event_code);
  }

  createEventMetadata(
    providerId: string,
    body: {
      event_code: string;
      label?: string | undefined;
      description?: string | undefined;
      sample_event_template?: string | undefined;
    },
  ): EventMetadataRow {
    if (!this.getProvider(providerId)) throw notFound(`provider ${providerId}`, 'providerId');
    if (this.getEventMetadata(providerId, body.event_code)) {
      throw conflict(
        `event metadata ${body.event_code} already exists for provider ${providerId}`,
        'event_code',
        body.event_code,
      );
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
    this.store.s.insertMetadata.run(row);
    this.changed();
    return row;
  }

  updateEventMetadata(
    providerId: string,
    eventCode: string,
    body: { label?: string | undefined; description?: string | undefined; sample_event_template?: string | undefined },
  ): EventMetadataRow {
    const m = this.getEventMetadata(providerId, eventCode);
    if (!m)
      throw new PlatformError(404, 'not_found', `event metadata ${eventCode} not found for provider ${providerId}`, {
        field: 'eventCode',
      });
    const next: EventMetadataRow = {
      ...m,
      label: body.label ?? m.label,
      description: body.description ?? m.description,
      sample_event_template: body.sample_event_template ?? m.sample_event_template,
      updated_at: Date.now(),
    };
    this.store.s.updateMetadata.run(next);
    this.changed();
    return next;
  }

  deleteEventMetadata(providerId: string, eventCode?: string): void {
    if (!this.getProvider(providerId)) throw notFound(`provider ${providerId}`, 'providerId');
    if (eventCode === undefined) {
      this.store.s.deleteMetadataOfProvider.run(providerId);
    } else if (this.store.s.deleteMetadata.run(providerId, eventCode).changes === 0) {
      throw new PlatformError(404, 'not_found', `event metadata ${eventCode} not found for provider ${providerId}`, {
        field: 'eventCode',
      });
    }
    this.changed();
  }
}
