/**
 * The back-office API stand-in, `/backoffice/...`, for the Commerce → back-office direction:
 * any write is stored and answered like a REST API; GET returns what was stored at that
 * path, and `GET /backoffice` (or `/backoffice/_log`) the latest writes. Both need
 * `x-api-key` equal to BACKOFFICE_API_KEY, except a GET without a key from the loopback
 * interface (platform/commerce/auth.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PlatformContext } from '../core/types';
import type { CommerceStore } from './store';
import type { StandIn } from './stand-in';
import { commerceError } from './rest/route';
import { checkBackofficeKey, guardControl } from './auth';

const pathOf = (req: FastifyRequest): string => (req.url.split('?')[0] ?? '').replace(/^\/backoffice\/?/, '');

export function registerBackoffice(
  scope: FastifyInstance,
  ctx: PlatformContext,
  store: CommerceStore,
  standIn: StandIn,
): void {
  scope.post('/backoffice/_control/fail', guardControl(ctx, standIn.control('backoffice')));
  const write = standIn.wrap('backoffice', true, (req) => {
    checkBackofficeKey(req, ctx, false);
    const path = pathOf(req);
    const id = String(store.nextId('backoffice'));
    const body = (req.body ?? null) as unknown;
    store.put('backoffice', path, { path, method: req.method, body, receivedAt: new Date().toISOString() });
    store.put('backoffice-log', id, { id, path, method: req.method, body });
    return req.method === 'DELETE' ? { success: true } : { success: true, id, path };
  });
  const read = standIn.wrap('backoffice', false, (req) => {
    checkBackofficeKey(req, ctx, true);
    const path = pathOf(req);
    if (path === '' || path === '_log') return { items: store.list('backoffice-log').reverse().slice(0, 200) };
    const rec = store.get('backoffice', path);
    if (!rec) throw commerceError(404, `nothing was stored at /backoffice/${path}`);
    return rec;
  });
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE'] as const)
    scope.route({ method, url: '/backoffice/*', handler: write });
  scope.get('/backoffice/*', read);
  scope.get('/backoffice', read);
}
