/**
 * What the platform's own events API (`/events/_local/`) shows: events, their attempts
 * (Debug Tracing: the request and the response), registrations with their state and
 * delivery counts; and how it finds them (an event by event_id, CloudEvent id or sequence;
 * a registration by registration_id, id or name; a list filter from query parameters).
 */
import { PlatformError } from '../core/errors';
import { queryTime } from './fields';
import type { Hal } from './hal';
import type { Registrations } from './registrations';
import { EVENT_STATUSES, type AttemptRow, type EventListRow, type EventRow, type RegistrationRow } from './rows';
import type { EventFilter, EventsStore } from './store';

export class LocalViews {
  private readonly names = new Map<number, RegistrationRow | undefined>();

  constructor(
    private readonly store: EventsStore,
    private readonly registrations: Registrations,
    private readonly hal: Hal,
  ) {
    registrations.onChange(() => this.names.clear());
  }

  registrationByPk(pk: number): RegistrationRow | undefined {
    if (!this.names.has(pk)) this.names.set(pk, this.registrations.getRegistration(pk));
    return this.names.get(pk);
  }

  registrationOf(id: string): RegistrationRow {
    const r =
      this.registrations.getRegistration(id) ?? this.registrations.listRegistrations().find((x) => x.name === id);
    if (!r)
      throw new PlatformError(404, 'not_found', `registration ${id} not found (give its registration_id, id or name)`, {
        field: 'registration',
      });
    return r;
  }

  eventOf(id: string): EventRow {
    const s = this.store.s;
    const found =
      s.eventByEventId.get(id) ??
      s.latestEventByCeId.get(id) ??
      (/^\d+$/.test(id) ? s.eventBySeq.get(Number(id)) : undefined);
    if (!found)
      throw new PlatformError(404, 'not_found', `event ${id} not found (give its event_id or CloudEvent id)`, {
        field: 'event',
      });
    return found;
  }

  /** query parameters (registration, status, type, entity, since, until) → a filter */
  eventFilter(q: Record<string, unknown>): EventFilter {
    const reg =
      typeof q.registration === 'string' && q.registration !== '' ? this.registrationOf(q.registration) : undefined;
    const statuses = typeof q.status === 'string' && q.status !== '' ? q.status.split(',') : [];
    for (const s of statuses) {
      if (!(EVENT_STATUSES as readonly string[]).includes(s)) {
        throw new PlatformError(400, 'invalid_field', `status must be one of ${EVENT_STATUSES.join(', ')}`, {
          field: 'status',
        });
      }
    }
    const entity = q.entity ?? q.entityId;
    return {
      registration: reg ? { pk: reg.id, journal: reg.delivery_type === 'journal' } : undefined,
      statuses,
      type: typeof q.type === 'string' && q.type !== '' ? q.type : undefined,
      entity: typeof entity === 'string' && entity !== '' ? entity : undefined,
      since: queryTime(q, 'since'),
      until: queryTime(q, 'until'),
    };
  }

  event(e: EventListRow) {
    return {
      eventId: e.event_id,
      id: e.ce_id,
      source: e.source,
      providerId: e.provider_id,
      type: e.type,
      entityId: e.entity_id,
      status: e.status,
      receivedAt: new Date(e.received_at).toISOString(),
    };
  }

  attempt(a: AttemptRow) {
    return {
      attempt: a.attempt,
      deliveryId: a.delivery_uuid,
      registrationId: this.registrationByPk(a.registration_pk)?.registration_id,
      registration: this.registrationByPk(a.registration_pk)?.name,
      at: new Date(a.started_at).toISOString(),
      durationMs: a.duration_ms,
      outcome: a.outcome,
      target: a.target,
      request: {
        method: 'POST',
        url: a.target,
        headers: JSON.parse(a.request_headers) as unknown,
        body: a.request_body,
      },
      response:
        a.response_status === null
          ? null
          : {
              status: a.response_status,
              headers: a.response_headers ? (JSON.parse(a.response_headers) as unknown) : {},
              body: a.response_body,
            },
      error: a.error,
      activationId: a.activation_id,
    };
  }

  registration(r: RegistrationRow) {
    return {
      ...this.hal.registration(r),
      health: r.health,
      paused: r.paused === 1,
      pauseReason: r.pause_reason,
      endsAt: r.ends_at === null ? null : new Date(r.ends_at).toISOString(),
      target: r.runtime_action ? `action:${r.runtime_action}` : (r.webhook_url ?? 'journal'),
      counts: this.registrations.deliveryCounts(r),
    };
  }
}
