/** `/api/v1/namespaces/{ns}/activations[/{id}[/logs|/result]]`: what `aio rt activation` reads. */
import type { FastifyInstance } from 'fastify';
import type { ActivationRecord } from '../../core/types';
import type { LocalRuntime } from '../runtime';
import { NOT_FOUND, runtimeError } from '../errors';
import { intQuery, type RestGuard } from './request';

/** A list entry: the whole record with `docs=true`, else without response and logs. */
function summary(r: ActivationRecord, docs: boolean): Record<string, unknown> {
  if (docs) return { ...r, publish: false };
  const { response, logs: _logs, ...rest } = r;
  return { ...rest, publish: false, statusCode: response.statusCode };
}

export function registerActivationRoutes(app: FastifyInstance, rt: LocalRuntime, guard: RestGuard): void {
  const found = (id: string): ActivationRecord => {
    const r = rt.store.get(id);
    if (!r) throw runtimeError(404, NOT_FOUND);
    return r;
  };

  app.get('/api/v1/namespaces/:ns/activations', async (req) => {
    guard.authorize(req);
    guard.requireNamespace((req.params as { ns: string }).ns);
    const q = req.query as Record<string, string | undefined>;
    const since = intQuery(q, 'since');
    const upto = intQuery(q, 'upto');
    const base = {
      ...(q.name ? { name: q.name } : {}),
      ...(since !== undefined ? { since } : {}),
      ...(upto !== undefined ? { upto } : {}),
    };
    if (q.count === 'true') return { activations: rt.store.count(base) };
    const limit = Math.min(intQuery(q, 'limit') || 30, 200);
    const list = rt.store.list({ ...base, limit, skip: intQuery(q, 'skip') ?? 0 });
    return list.map((r) => summary(r, q.docs === 'true'));
  });

  app.get('/api/v1/namespaces/:ns/activations/:id', async (req) => {
    guard.authorize(req);
    return { ...found((req.params as { id: string }).id), publish: false };
  });
  app.get('/api/v1/namespaces/:ns/activations/:id/logs', async (req) => {
    guard.authorize(req);
    return { logs: found((req.params as { id: string }).id).logs };
  });
  app.get('/api/v1/namespaces/:ns/activations/:id/result', async (req) => {
    guard.authorize(req);
    return { ...found((req.params as { id: string }).id).response };
  });
}
