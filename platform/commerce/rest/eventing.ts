/** `/V1/eventing/...`: the subscriptions, configuration and providers `commerce:subscribe` manages. */
import type { FastifyRequest } from 'fastify';
import type { CommerceStore } from '../store';
import { commerceError, obj, type Route } from './route';

export function registerEventing(C: Route, store: CommerceStore): void {
  const notSubscribed = (name: string | undefined) => commerceError(404, `The "${name}" event is not subscribed.`);
  C('POST', '/eventing/eventSubscribe', (req) => {
    const b = obj(req.body, 'event');
    const event = obj(b.event, 'event');
    if (typeof event.name !== 'string' || !event.name)
      throw commerceError(400, 'Event name is required', { fieldName: 'name' });
    if (store.get('subscription', event.name) && b.force !== true) {
      throw commerceError(
        400,
        `An event subscription with the same name already exists: ${event.name}. Use force to update it.`,
      );
    }
    store.put('subscription', event.name, {
      fields: [],
      rules: [],
      destination: 'default',
      priority: false,
      hipaa_audit_required: false,
      ...event,
    });
    return true;
  });
  C('PUT', '/eventing/eventSubscribe/:name', (req, p) => {
    const existing = store.get('subscription', p.name ?? '');
    if (!existing) throw notSubscribed(p.name);
    const event = obj(obj(req.body, 'event').event, 'event');
    store.put('subscription', p.name ?? '', { ...existing, ...event, name: p.name });
    return true;
  });
  const unsubscribe = (_req: FastifyRequest, p: Record<string, string>) => {
    if (!store.delete('subscription', p.name ?? '')) throw notSubscribed(p.name);
    return true;
  };
  C('DELETE', '/eventing/eventSubscribe/:name', unsubscribe);
  C('POST', '/eventing/eventUnsubscribe/:name', unsubscribe);
  C('GET', '/eventing/getEventSubscriptions', () => store.list('subscription'));
  C('PUT', '/eventing/updateConfiguration', (req) => {
    const config = obj(obj(req.body, 'config').config, 'config');
    store.put('eventingConfig', 'default', { ...(store.get('eventingConfig', 'default') ?? {}), ...config });
    return true;
  });
  C('GET', '/eventing/getConfiguration', () => store.get('eventingConfig', 'default') ?? { enabled: false });
  C('GET', '/eventing/eventProvider', () => store.list('eventProvider'));
  C('POST', '/eventing/eventProvider', (req) => {
    const provider = obj(obj(req.body, 'eventProvider').eventProvider, 'eventProvider');
    if (typeof provider.provider_id !== 'string' || !provider.provider_id)
      throw commerceError(400, 'provider_id is required', { fieldName: 'provider_id' });
    return store.put('eventProvider', provider.provider_id, {
      instance_id: '',
      label: '',
      description: '',
      ...provider,
      id: provider.provider_id,
    });
  });
  C('DELETE', '/eventing/eventProvider/:id', (_req, p) => {
    if (!store.delete('eventProvider', p.id ?? '')) throw commerceError(404, `event provider ${p.id} not found`);
    return true;
  });
}
