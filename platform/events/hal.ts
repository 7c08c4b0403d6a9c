/**
 * Adobe's HAL documents for providers, event metadata and registrations, as the
 * management API answers them (and `@adobe/aio-lib-events` reads them).
 */
import { webhookStatusFor } from './policy';
import { CUSTOM_EVENTS_METADATA, type Providers } from './providers';
import type { Registrations } from './registrations';
import type { EventMetadataRow, InterestRef, ProviderRow, RegistrationRow } from './rows';

export class Hal {
  constructor(
    private readonly providers: Providers,
    private readonly registrations: Registrations,
    private readonly baseUrl: () => string,
  ) {}

  provider(p: ProviderRow, withMetadata: boolean): Record<string, unknown> {
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
        'rel:update': {
          href: `${base}/events/${p.org_id}/${p.project_id ?? '-'}/${p.workspace_id ?? '-'}/providers/${p.id}`,
        },
        self: { href: `${base}/events/providers/${p.id}` },
      },
    };
    if (withMetadata) {
      out._embedded = { eventmetadata: this.providers.listEventMetadata(p.id).map((m) => this.metadata(p, m)) };
    }
    return out;
  }

  metadata(p: ProviderRow, m: EventMetadataRow): Record<string, unknown> {
    const base = this.baseUrl();
    const out: Record<string, unknown> = {
      event_code: m.event_code,
      label: m.label,
      description: m.description ?? '',
      _links: {
        'rel:update': {
          href: `${base}/events/${p.org_id}/${p.project_id ?? '-'}/${p.workspace_id ?? '-'}/providers/${p.id}/eventmetadata/${m.event_code}`,
        },
        self: { href: `${base}/events/providers/${p.id}/eventmetadata/${m.event_code}` },
      },
    };
    if (m.sample_event_template) {
      (out._links as Record<string, unknown>)['rel:sample_event'] = {
        href: `${base}/events/providers/${p.id}/eventmetadata/${m.event_code}/sample_event`,
      };
    }
    return out;
  }

  registration(reg: RegistrationRow): Record<string, unknown> {
    const base = this.baseUrl();
    const interests = (JSON.parse(reg.events_of_interest) as InterestRef[]).map((ei) => {
      const p = this.providers.getProvider(ei.provider_id);
      const m = p ? this.providers.getEventMetadata(p.id, ei.event_code) : undefined;
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
    // only a journal registration's journal can be read here (./routes/journal.ts)
    const eventsUrl = reg.delivery_type === 'journal' ? this.registrations.journalUrl(reg) : undefined;
    const enabled = reg.enabled === 1 && reg.health !== 'DISABLED';
    return {
      id: reg.id,
      name: reg.name,
      description: reg.description ?? '',
      client_id: reg.client_id,
      consumer_id: reg.org_id,
      project_id: reg.project_id,
      workspace_id: reg.workspace_id,
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
        ...(eventsUrl ? { 'rel:events': { href: eventsUrl } } : {}),
        'rel:trace': { href: `${base}/events/_local/registrations/${reg.registration_id}/attempts` },
        self: { href: self },
        'rel:update': { href: self },
      },
    };
  }
}
