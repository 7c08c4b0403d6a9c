/**
 * Adobe I/O Events management API, registrations of a workspace (and an organization's
 * paged list). A new or changed webhook URL must answer Adobe's challenge first.
 */
import type { FastifyInstance } from 'fastify';
import { PlatformError } from '../../core/errors';
import { asRecord, optString } from '../fields';
import type { InterestRef, RegistrationInput } from '../registrations';
import type { EventsRouteDeps, Params } from './deps';
import { bodyObject, halRoute, ws } from './hal-route';

const invalid = (message: string, field: string): PlatformError =>
  new PlatformError(400, 'invalid_field', message, { field });

function parseInterests(v: unknown): InterestRef[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw invalid('events_of_interest must be an array', 'events_of_interest');
  return v.map((x, i) => {
    const o = asRecord(x);
    if (!o) throw invalid(`events_of_interest[${i}] must be an object`, `events_of_interest[${i}]`);
    return { provider_id: String(o.provider_id ?? ''), event_code: String(o.event_code ?? '') };
  });
}

function registrationInput(b: Record<string, unknown>): RegistrationInput {
  const enabled = b.enabled;
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    if (enabled !== 'true' && enabled !== 'false') throw invalid('enabled must be a boolean', 'enabled');
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

/** Spring-style page links and counts of the organization's registration list */
function orgPage(self: string, page: number, size: number, total: number) {
  const totalPages = Math.max(1, Math.ceil(total / size));
  const links: Record<string, { href: string }> = {
    self: { href: `${self}?page=${page}&size=${size}` },
    first: { href: `${self}?page=0&size=${size}` },
    last: { href: `${self}?page=${totalPages - 1}&size=${size}` },
  };
  if (page + 1 < totalPages) links.next = { href: `${self}?page=${page + 1}&size=${size}` };
  if (page > 0) links.prev = { href: `${self}?page=${page - 1}&size=${size}` };
  return {
    links,
    page: {
      size,
      number: page,
      numberOfElements: Math.min(size, Math.max(0, total - page * size)),
      totalElements: total,
      totalPages,
    },
  };
}

export function registerRegistrations(
  app: FastifyInstance,
  deps: Pick<EventsRouteDeps, 'registrations' | 'hal' | 'baseUrl' | 'tokenCheck' | 'verifyWebhook'>,
): void {
  const { registrations, hal } = deps;
  const h = halRoute(deps.tokenCheck);
  const registration = (p: Params) => {
    const reg = registrations.getRegistration(p.registrationId ?? '');
    const w = ws(p);
    if (!reg || reg.org_id !== w.orgId || reg.project_id !== w.projectId || reg.workspace_id !== w.workspaceId) {
      throw new PlatformError(404, 'not_found', `registration ${p.registrationId} not found in this workspace`, {
        field: 'registrationId',
      });
    }
    return reg;
  };

  app.get(
    '/events/:consumerOrgId/:projectId/:workspaceId/registrations',
    h((_req, _reply, p) => ({
      _links: {
        self: { href: `${deps.baseUrl()}/events/${p.consumerOrgId}/${p.projectId}/${p.workspaceId}/registrations` },
      },
      _embedded: { registrations: registrations.listRegistrations(ws(p)).map((r) => hal.registration(r)) },
    })),
  );

  app.post(
    '/events/:consumerOrgId/:projectId/:workspaceId/registrations',
    h(async (req, reply, p) => {
      const input = registrationInput(bodyObject(req));
      if (input.webhook_url && input.delivery_type !== 'journal') await deps.verifyWebhook(input.webhook_url);
      const reg = registrations.createRegistration(ws(p), input);
      reply.code(201);
      return hal.registration(reg);
    }),
  );

  app.get(
    '/events/:consumerOrgId/:projectId/:workspaceId/registrations/:registrationId',
    h((_req, _reply, p) => hal.registration(registration(p))),
  );

  app.put(
    '/events/:consumerOrgId/:projectId/:workspaceId/registrations/:registrationId',
    h(async (req, _reply, p) => {
      const reg = registration(p);
      const input = registrationInput(bodyObject(req));
      const type = input.delivery_type ?? reg.delivery_type;
      if (input.webhook_url && input.webhook_url !== reg.webhook_url && type !== 'journal')
        await deps.verifyWebhook(input.webhook_url);
      return hal.registration(registrations.updateRegistration(reg, input));
    }),
  );

  app.delete(
    '/events/:consumerOrgId/:projectId/:workspaceId/registrations/:registrationId',
    h((_req, _reply, p) => {
      registrations.deleteRegistration(registration(p));
      return undefined;
    }),
  );

  app.get(
    '/events/:consumerOrgId/registrations',
    h((req, _reply, p) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      const page = Math.max(0, Number(q.page ?? 0) || 0);
      const size = Math.min(100, Math.max(1, Number(q.size ?? 10) || 10));
      const all = registrations.listRegistrationsForOrg(p.consumerOrgId ?? '');
      const paging = orgPage(`${deps.baseUrl()}/events/${p.consumerOrgId}/registrations`, page, size, all.length);
      return {
        _links: paging.links,
        _embedded: { registrations: all.slice(page * size, page * size + size).map((r) => hal.registration(r)) },
        page: paging.page,
      };
    }),
  );
}
