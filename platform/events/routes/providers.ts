/**
 * Adobe I/O Events management API, providers (the subset `@adobe/aio-lib-events` and
 * onboarding scripts call), under `/events/...` so that `eventsBaseURL` is the platform's
 * base URL. A create of something that exists answers 409 with `x-conflicting-id`.
 */
import type { FastifyInstance } from 'fastify';
import { PlatformError } from '../../core/errors';
import { optString, reqString } from '../fields';
import type { EventsRouteDeps } from './deps';
import { bodyObject, halRoute, ws } from './hal-route';

function toArray(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(String);
  return String(v)
    .split(',')
    .filter((s) => s !== '');
}

const PROVIDER_METADATA = [
  {
    id: '3rd_party_custom_events',
    label: 'Custom Events',
    description: 'Events published by your own applications',
    has_multiple_providers: true,
    instantiable: true,
    event_delivery_format: 'cloud_events_v1',
  },
  {
    id: 'dx_commerce_events',
    label: 'Commerce Events',
    description: 'Events emitted by Adobe Commerce',
    has_multiple_providers: true,
    instantiable: true,
    event_delivery_format: 'cloud_events_v1',
  },
];

export function registerProviders(
  app: FastifyInstance,
  deps: Pick<EventsRouteDeps, 'providers' | 'hal' | 'baseUrl' | 'tokenCheck'>,
): void {
  const { providers, hal } = deps;
  const h = halRoute(deps.tokenCheck);
  const provider = (id: string) => {
    const p = providers.getProvider(id);
    if (!p) throw new PlatformError(404, 'not_found', `provider ${id} not found`, { field: 'providerId' });
    return p;
  };

  app.get(
    '/events/:consumerOrgId/providers',
    h((req, _reply, p) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      const ids = [
        ...toArray(q.providerMetadataIds),
        ...toArray(q['providerMetadataIds[]']),
        ...toArray(q.providerMetadataId),
      ];
      const instanceId = typeof q.instanceId === 'string' ? q.instanceId : undefined;
      const withMeta = q.eventmetadata === 'true';
      const rows = providers.listProviders(p.consumerOrgId ?? '', { providerMetadataIds: ids, instanceId });
      return {
        _links: { self: { href: `${deps.baseUrl()}/events/${p.consumerOrgId}/providers` } },
        _embedded: { providers: rows.map((r) => hal.provider(r, withMeta)) },
      };
    }),
  );

  app.get(
    '/events/providers/:providerId',
    h((req, _reply, p) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      return hal.provider(provider(p.providerId ?? ''), q.eventmetadata === 'true');
    }),
  );

  app.post(
    '/events/:consumerOrgId/:projectId/:workspaceId/providers',
    h((req, reply, p) => {
      const b = bodyObject(req);
      const row = providers.createProvider(ws(p), {
        label: reqString(b, 'label'),
        description: optString(b, 'description'),
        docs_url: optString(b, 'docs_url'),
        instance_id: optString(b, 'instance_id'),
        provider_metadata: optString(b, 'provider_metadata'),
      });
      reply.code(201);
      return hal.provider(row, false);
    }),
  );

  app.put(
    '/events/:consumerOrgId/:projectId/:workspaceId/providers/:providerId',
    h((req, _reply, p) => {
      const b = bodyObject(req);
      const row = providers.updateProvider(p.providerId ?? '', {
        label: optString(b, 'label'),
        description: optString(b, 'description'),
        docs_url: optString(b, 'docs_url'),
      });
      return hal.provider(row, false);
    }),
  );

  app.delete(
    '/events/:consumerOrgId/:projectId/:workspaceId/providers/:providerId',
    h((_req, _reply, p) => {
      providers.deleteProvider(p.providerId ?? '');
      return undefined;
    }),
  );

  app.get(
    '/events/providermetadata',
    h(() => ({
      _links: { self: { href: `${deps.baseUrl()}/events/providermetadata` } },
      _embedded: { providermetadata: PROVIDER_METADATA },
    })),
  );
}
