/**
 * Adobe I/O Events management API (the subset `@adobe/aio-lib-events` and onboarding
 * scripts call), under `/events/...` so that `eventsBaseURL` is the platform's base URL.
 * Shapes are Adobe's HAL documents; a create of something that exists answers 409 with
 * `x-conflicting-id`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Catalog, InterestRef, RegistrationInput, Workspace } from './catalog';
import { ApiError, asRecord, optString, reqString, requireImsAuth, sendError, type TokenCheck } from './http';

export interface ManagementDeps {
  catalog: Catalog;
  baseUrl: () => string;
  tokenCheck?: TokenCheck | undefined;
  /** verifies a webhook URL with Adobe's challenge; throws ApiError when it fails */
  verifyWebhook: (url: string) => Promise<void>;
}

type Params = Record<string, string>;

function bodyObject(req: FastifyRequest): Record<string, unknown> {
  const b = asRecord(req.body);
  if (!b) throw new ApiError(400, 'invalid_body', 'the request body must be a JSON object', 'body');
  return b;
}

function ws(p: Params): Workspace {
  return { orgId: p.consumerOrgId ?? '', projectId: p.projectId ?? '', workspaceId: p.workspaceId ?? '' };
}

function parseInterests(v: unknown): InterestRef[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new ApiError(400, 'invalid_field', 'events_of_interest must be an array', 'events_of_interest');
  return v.map((x, i) => {
    const o = asRecord(x);
    if (!o) throw new ApiError(400, 'invalid_field', `events_of_interest[${i}] must be an object`, `events_of_interest[${i}]`);
    return { provider_id: String(o.provider_id ?? ''), event_code: String(o.event_code ?? '') };
  });
}

function registrationInput(b: Record<string, unknown>): RegistrationInput {
  const enabled = b.enabled;
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    if (enabled !== 'true' && enabled !== 'false') throw new ApiError(400, 'invalid_field', 'enabled must be a boolean', 'enabled');
  }
  return {
    client_id: optString(b, 'client_id'),
    name: optString(b, 'name'),
    description: optString(b, 'description'),
    delivery_type: optString(b, 'delivery_type'),
    webhook_url: optString(b, 'webhook_url'),
    runtime_action: optString(b, 'runtime_action'),
    events_of_interest: parseInterests(b.events_of_interest),
    enabled: enabled === undefined ? undefined : enabled === true || enabled === 'true',
  };
}

function toArray(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.map(String);
  return String(v)
    .split(',')
    .filter((s) => s !== '');
}

export function registerManagement(app: FastifyInstance, deps: ManagementDeps): void {
  const { catalog } = deps;

  /** wraps a handler: IMS auth, ApiError rendering, HAL content type */
  const h =
    (fn: (req: FastifyRequest, reply: FastifyReply, p: Params) => Promise<unknown> | unknown) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      try {
        requireImsAuth(req, deps.tokenCheck);
        const out = await fn(req, reply, req.params as Params);
        if (reply.sent) return reply;
        if (out === undefined) return reply.code(204).send();
        return reply.type('application/hal+json').send(out);
      } catch (e) {
        if (e instanceof ApiError) return sendError(reply, e);
        throw e;
      }
    };

  const provider = (id: string) => {
    const p = catalog.getProvider(id);
    if (!p) throw new ApiError(404, 'not_found', `provider ${id} not found`, 'providerId');
    return p;
  };

  // ------------------------------------------------------------------ providers
  app.get(
    '/events/:consumerOrgId/providers',
    h((req, _reply, p) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      const ids = [...toArray(q.providerMetadataIds), ...toArray(q['providerMetadataIds[]']), ...toArray(q.providerMetadataId)];
      const instanceId = typeof q.instanceId === 'string' ? q.instanceId : undefined;
      const withMeta = q.eventmetadata === 'true';
      const rows = catalog.listProviders(p.consumerOrgId ?? '', { providerMetadataIds: ids, instanceId });
      return {
        _links: { self: { href: `${deps.baseUrl()}/events/${p.consumerOrgId}/providers` } },
        _embedded: { providers: rows.map((r) => catalog.providerJson(r, withMeta)) },
      };
    }),
  );

  app.get(
    '/events/providers/:providerId',
    h((req, _reply, p) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      return catalog.providerJson(provider(p.providerId ?? ''), q.eventmetadata === 'true');
    }),
  );

  app.post(
    '/events/:consumerOrgId/:projectId/:workspaceId/providers',
    h((req, reply, p) => {
      const b = bodyObject(req);
      const row = catalog.createProvider(ws(p), {
        label: reqString(b, 'label'),
        description: optString(b, 'description'),
        docs_url: optString(b, 'docs_url'),
        instance_id: optString(b, 'instance_id'),
        provider_metadata: optString(b, 'provider_metadata'),
      });
      reply.code(201);
      return catalog.providerJson(row, false);
    }),
  );

  app.put(
    '/events/:consumerOrgId/:projectId/:workspaceId/providers/:providerId',
    h((req, _reply, p) => {
      const b = bodyObject(req);
      const row = catalog.updateProvider(p.providerId ?? '', { label: optString(b, 'label'), description: optString(b, 'description'), docs_url: optString(b, 'docs_url') });
      return catalog.providerJson(row, false);
    }),
  );

  app.delete(
    '/events/:consumerOrgId/:projectId/:workspaceId/providers/:providerId',
    h((_req, _reply, p) => {
      catalog.deleteProvider(p.providerId ?? '');
      return undefined;
    }),
  );

  app.get(
    '/events/providermetadata',
    h(() => ({
      _links: { self: { href: `${deps.baseUrl()}/events/providermetadata` } },
      _embedded: {
        providermetadata: [
          { id: '3rd_party_custom_events', label: 'Custom Events', description: 'Events published by your own applications', has_multiple_providers: true, instantiable: true, event_delivery_format: 'cloud_events_v1' },
          { id: 'dx_commerce_events', label: 'Commerce Events', description: 'Events emitted by Adobe Commerce', has_multiple_providers: true, instantiable: true, event_delivery_format: 'cloud_events_v1' },
        ],
      },
    })),
  );

  // ------------------------------------------------------------- event metadata
  app.get(
    '/events/providers/:providerId/eventmetadata',
    h((_req, _reply, p) => {
      const pr = provider(p.providerId ?? '');
      return {
        _links: { self: { href: `${deps.baseUrl()}/events/providers/${pr.id}/eventmetadata` } },
        _embedded: { eventmetadata: catalog.listEventMetadata(pr.id).map((m) => catalog.metadataJson(pr, m)) },
      };
    }),
  );

  app.get(
    '/events/providers/:providerId/eventmetadata/:eventCode',
    h((_req, _reply, p) => {
      const pr = provider(p.providerId ?? '');
      const m = catalog.getEventMetadata(pr.id, p.eventCode ?? '');
      if (!m) throw new ApiError(404, 'not_found', `event metadata ${p.eventCode} not found for provider ${pr.id}`, 'eventCode');
      return catalog.metadataJson(pr, m);
    }),
  );

  app.get(
    '/events/providers/:providerId/eventmetadata/:eventCode/sample_event',
    h((_req, _reply, p) => {
      const pr = provider(p.providerId ?? '');
      const m = catalog.getEventMetadata(pr.id, p.eventCode ?? '');
      if (!m || !m.sample_event_template) throw new ApiError(404, 'not_found', `no sample event for ${p.eventCode}`, 'eventCode');
      return { format: 'cloud_events_v1', sample_payload: m.sample_event_template, _links: { self: { href: `${deps.baseUrl()}/events/providers/${pr.id}/eventmetadata/${m.event_code}/sample_event` } } };
    }),
  );

  const metadataBody = (b: Record<string, unknown>) => ({
    label: optString(b, 'label'),
    description: optString(b, 'description'),
    sample_event_template: optString(b, 'sample_event_template'),
  });

  app.post(
    '/events/:consumerOrgId/:projectId/:workspaceId/providers/:providerId/eventmetadata',
    h((req, reply, p) => {
      const b = bodyObject(req);
      const pr = provider(p.providerId ?? '');
      const m = catalog.createEventMetadata(pr.id, { event_code: reqString(b, 'event_code'), ...metadataBody(b), label: reqString(b, 'label') });
      reply.code(201);
      return catalog.metadataJson(pr, m);
    }),
  );

  app.put(
    '/events/:consumerOrgId/:projectId/:workspaceId/providers/:providerId/eventmetadata/:eventCode',
    h((req, _reply, p) => {
      const b = bodyObject(req);
      const pr = provider(p.providerId ?? '');
      return catalog.metadataJson(pr, catalog.updateEventMetadata(pr.id, p.eventCode ?? '', metadataBody(b)));
    }),
  );

  app.delete(
    '/events/:consumerOrgId/:projectId/:workspaceId/providers/:providerId/eventmetadata/:eventCode',
    h((_req, _reply, p) => {
      catalog.deleteEventMetadata(p.providerId ?? '', p.eventCode ?? '');
      return undefined;
    }),
  );

  app.delete(
    '/events/:consumerOrgId/:projectId/:workspaceId/providers/:providerId/eventmetadata',
    h((_req, _reply, p) => {
      catalog.deleteEventMetadata(p.providerId ?? '');
      return undefined;
    }),
  );

  // -------------------------------------------------------------- registrations
  const registration = (p: Params) => {
    const reg = catalog.getRegistration(p.registrationId ?? '');
    const w = ws(p);
    if (!reg || reg.org_id !== w.orgId || reg.project_id !== w.projectId || reg.workspace_id !== w.workspaceId) {
      throw new ApiError(404, 'not_found', `registration ${p.registrationId} not found in this workspace`, 'registrationId');
    }
    return reg;
  };

  app.get(
    '/events/:consumerOrgId/:projectId/:workspaceId/registrations',
    h((_req, _reply, p) => ({
      _links: { self: { href: `${deps.baseUrl()}/events/${p.consumerOrgId}/${p.projectId}/${p.workspaceId}/registrations` } },
      _embedded: { registrations: catalog.listRegistrations(ws(p)).map((r) => catalog.registrationJson(r)) },
    })),
  );

  app.post(
    '/events/:consumerOrgId/:projectId/:workspaceId/registrations',
    h(async (req, reply, p) => {
      const input = registrationInput(bodyObject(req));
      if (input.webhook_url && input.delivery_type !== 'journal') await deps.verifyWebhook(input.webhook_url);
      const reg = catalog.createRegistration(ws(p), input);
      reply.code(201);
      return catalog.registrationJson(reg);
    }),
  );

  app.get(
    '/events/:consumerOrgId/:projectId/:workspaceId/registrations/:registrationId',
    h((_req, _reply, p) => catalog.registrationJson(registration(p))),
  );

  app.put(
    '/events/:consumerOrgId/:projectId/:workspaceId/registrations/:registrationId',
    h(async (req, _reply, p) => {
      const reg = registration(p);
      const input = registrationInput(bodyObject(req));
      const type = input.delivery_type ?? reg.delivery_type;
      if (input.webhook_url && input.webhook_url !== reg.webhook_url && type !== 'journal') await deps.verifyWebhook(input.webhook_url);
      return catalog.registrationJson(catalog.updateRegistration(reg, input));
    }),
  );

  app.delete(
    '/events/:consumerOrgId/:projectId/:workspaceId/registrations/:registrationId',
    h((_req, _reply, p) => {
      catalog.deleteRegistration(registration(p));
      return undefined;
    }),
  );

  app.get(
    '/events/:consumerOrgId/registrations',
    h((req, _reply, p) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      const page = Math.max(0, Number(q.page ?? 0) || 0);
      const size = Math.min(100, Math.max(1, Number(q.size ?? 10) || 10));
      const all = catalog.listRegistrationsForOrg(p.consumerOrgId ?? '');
      const self = `${deps.baseUrl()}/events/${p.consumerOrgId}/registrations`;
      const totalPages = Math.max(1, Math.ceil(all.length / size));
      const links: Record<string, { href: string }> = {
        self: { href: `${self}?page=${page}&size=${size}` },
        first: { href: `${self}?page=0&size=${size}` },
        last: { href: `${self}?page=${totalPages - 1}&size=${size}` },
      };
      if (page + 1 < totalPages) links.next = { href: `${self}?page=${page + 1}&size=${size}` };
      if (page > 0) links.prev = { href: `${self}?page=${page - 1}&size=${size}` };
      return {
        _links: links,
        _embedded: { registrations: all.slice(page * size, page * size + size).map((r) => catalog.registrationJson(r)) },
        page: { size, number: page, numberOfElements: Math.min(size, Math.max(0, all.length - page * size)), totalElements: all.length, totalPages },
      };
    }),
  );
}
