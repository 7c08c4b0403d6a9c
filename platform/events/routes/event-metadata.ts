/** Adobe I/O Events management API, the event codes (event metadata) of a provider. */
import type { FastifyInstance } from 'fastify';
import { PlatformError } from '../../core/errors';
import { optString, reqString } from '../fields';
import type { EventsRouteDeps } from './deps';
import { bodyObject, halRoute } from './hal-route';

const notFound = (message: string, field: string): PlatformError =>
  new PlatformError(404, 'not_found', message, { field });

const metadataBody = (b: Record<string, unknown>) => ({
  label: optString(b, 'label'),
  description: optString(b, 'description'),
  sample_event_template: optString(b, 'sample_event_template'),
});

export function registerEventMetadata(
  app: FastifyInstance,
  deps: Pick<EventsRouteDeps, 'providers' | 'hal' | 'baseUrl' | 'tokenCheck'>,
): void {
  const { providers, hal } = deps;
  const h = halRoute(deps.tokenCheck);
  const provider = (id: string) => {
    const p = providers.getProvider(id);
    if (!p) throw notFound(`provider ${id} not found`, 'providerId');
    return p;
  };

  app.get(
    '/events/providers/:providerId/eventmetadata',
    h((_req, _reply, p) => {
      const pr = provider(p.providerId ?? '');
      return {
        _links: { self: { href: `${deps.baseUrl()}/events/providers/${pr.id}/eventmetadata` } },
        _embedded: { eventmetadata: providers.listEventMetadata(pr.id).map((m) => hal.metadata(pr, m)) },
      };
    }),
  );

  app.get(
    '/events/providers/:providerId/eventmetadata/:eventCode',
    h((_req, _reply, p) => {
      const pr = provider(p.providerId ?? '');
      const m = providers.getEventMetadata(pr.id, p.eventCode ?? '');
      if (!m) throw notFound(`event metadata ${p.eventCode} not found for provider ${pr.id}`, 'eventCode');
      return hal.metadata(pr, m);
    }),
  );

  app.get(
    '/events/providers/:providerId/eventmetadata/:eventCode/sample_event',
    h((_req, _reply, p) => {
      const pr = provider(p.providerId ?? '');
      const m = providers.getEventMetadata(pr.id, p.eventCode ?? '');
      if (!m || !m.sample_event_template) throw notFound(`no sample event for ${p.eventCode}`, 'eventCode');
      return {
        format: 'cloud_events_v1',
        sample_payload: m.sample_event_template,
        _links: {
          self: { href: `${deps.baseUrl()}/events/providers/${pr.id}/eventmetadata/${m.event_code}/sample_event` },
        },
      };
    }),
  );

  app.post(
    '/events/:consumerOrgId/:projectId/:workspaceId/providers/:providerId/eventmetadata',
    h((req, reply, p) => {
      const b = bodyObject(req);
      const pr = provider(p.providerId ?? '');
      const m = providers.createEventMetadata(pr.id, {
        event_code: reqString(b, 'event_code'),
        ...metadataBody(b),
        label: reqString(b, 'label'),
      });
      reply.code(201);
      return hal.metadata(pr, m);
    }),
  );

  app.put(
    '/events/:consumerOrgId/:projectId/:workspaceId/providers/:providerId/eventmetadata/:eventCode',
    h((req, _reply, p) => {
      const b = bodyObject(req);
      const pr = provider(p.providerId ?? '');
      return hal.metadata(pr, providers.updateEventMetadata(pr.id, p.eventCode ?? '', metadataBody(b)));
    }),
  );

  app.delete(
    '/events/:consumerOrgId/:projectId/:workspaceId/providers/:providerId/eventmetadata/:eventCode',
    h((_req, _reply, p) => {
      providers.deleteEventMetadata(p.providerId ?? '', p.eventCode ?? '');
      return undefined;
    }),
  );

  app.delete(
    '/events/:consumerOrgId/:projectId/:workspaceId/providers/:providerId/eventmetadata',
    h((_req, _reply, p) => {
      providers.deleteEventMetadata(p.providerId ?? '');
      return undefined;
    }),
  );
}
