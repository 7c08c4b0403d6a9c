/** What the events module offers the other modules (`ctx.events`, see platform/core/types.ts). */
import { randomUUID } from 'node:crypto';
import { PlatformError } from '../core/errors';
import type { EntityEvent, EventsService, FailedReplayFilter, InternalEvent, LastAttempt } from '../core/types';
import type { DeliveryEngine } from './engine';
import type { Providers } from './providers';
import type { EventsStore } from './store';

/**
 * The provider an internal event is published as: the one asked for when it defines the code,
 * else the first of the asked kind (provider_metadata) that does, else any that does.
 */
function providerFor(providers: Providers, orgId: string, e: InternalEvent): string {
  const defines = (id: string) => providers.getEventMetadata(id, e.type) !== undefined;
  if (e.providerId && providers.getProvider(e.providerId) && defines(e.providerId)) return e.providerId;
  const all = providers.listProviders(orgId, {}).filter((p) => defines(p.id));
  const found = all.find((p) => p.provider_metadata === e.providerMetadata) ?? all[0];
  if (!found)
    throw new PlatformError(400, 'unknown_event_code', `no provider defines the event code ${e.type}`, {
      field: 'type',
    });
  return found.id;
}

export function eventsService(
  store: EventsStore,
  providers: Providers,
  engine: DeliveryEngine,
  orgId: () => string = () => '000000',
): EventsService {
  return {
    eventsOfEntity(entity, limit) {
      const rows = store.listEvents({ statuses: [], entity }, undefined, limit).slice(0, limit).reverse();
      return rows.map((r): EntityEvent => {
        const p = providers.getProvider(r.provider_id);
        return {
          eventId: r.event_id,
          ceId: r.ce_id,
          type: r.type,
          providerId: r.provider_id,
          provider: p?.label ?? null,
          providerMetadata: p?.provider_metadata ?? null,
          status: r.status,
          receivedAt: r.received_at,
        };
      });
    },

    async publish(e) {
      const providerId = providerFor(providers, orgId(), e);
      const stored = await engine.ingestCommitted(
        {
          specversion: '1.0',
          id: e.id ?? randomUUID(),
          source: `urn:uuid:${providerId}`,
          type: e.type,
          datacontenttype: 'application/json',
          time: new Date().toISOString(),
          data: e.data,
        },
        providerId,
      );
      return { eventId: stored.eventId, providerId, duplicate: stored.duplicate };
    },

    eventCodes: () => providers.eventCodes(),

    registrations: () =>
      store.s.registrationNames.all().map((r) => ({ registrationId: r.registration_id, name: r.name })),

    lastAttempts(eventIds) {
      const out: Record<string, LastAttempt> = {};
      for (const id of eventIds) {
        const row = store.s.lastAttemptOfEvent.get(id);
        if (!row) continue;
        out[id] = {
          type: row.type,
          entityId: row.entity_id,
          registration: row.registration,
          attempt: row.attempt,
          outcome: row.outcome,
          responseStatus: row.response_status,
          error: row.error,
          at: row.started_at,
          durationMs: row.duration_ms,
        };
      }
      return out;
    },

    replayFailed(f: FailedReplayFilter) {
      const reg = f.registration ? store.s.registrationByIdOrName.get(f.registration, f.registration) : undefined;
      if (f.registration && !reg)
        throw new PlatformError(404, 'not_found', `registration ${f.registration} not found`, {
          field: 'registration',
        });
      if (f.eventIds && f.eventIds.length === 0) return { events: 0, deliveries: 0 };
      const pairs = store.failedDeliveries({ ...f, registrationPk: reg?.id });
      // each failed delivery is replayed on its own (one traced new series each)
      let deliveries = 0;
      for (const p of pairs) deliveries += engine.replay(p.seq, p.registration_pk);
      return { events: new Set(pairs.map((p) => p.event_id)).size, deliveries };
    },
  };
}
