/** `/V1/orders/{id}/comments`, `/V1/orders/{id}`, `/V1/order/{id}/ship`, `/V1/shipment`. */
import type { CommerceStore, Json } from '../store';
import { commerceError, ENTITY_NOT_FOUND, now, obj, type Route } from './route';

export function registerOrders(C: Route, store: CommerceStore): void {
  // an order the stand-in never saw is taken as pending, so comments and shipments apply to any id
  const order = (id: string): Json =>
    store.get('order', id) ?? {
      entity_id: Number(id) || id,
      increment_id: String(id).padStart(9, '0'),
      status: 'pending',
      status_histories: [],
      created_at: now(),
    };
  C('POST', '/orders/:id/comments', (req, p) => {
    const history = obj(obj(req.body, 'statusHistory').statusHistory, 'statusHistory');
    const o = order(p.id ?? '');
    const histories = Array.isArray(o.status_histories) ? (o.status_histories as Json[]) : [];
    store.put('order', p.id ?? '', {
      ...o,
      status: typeof history.status === 'string' ? history.status : o.status,
      status_histories: [...histories, { ...history, parent_id: o.entity_id, created_at: now() }],
      updated_at: now(),
    });
    return true;
  });
  C('GET', '/orders/:id', (_req, p) => {
    const o = store.get('order', p.id ?? '');
    if (!o) throw commerceError(404, ENTITY_NOT_FOUND);
    return o;
  });
  C('POST', '/order/:id/ship', (req, p) => {
    const b = (req.body ?? {}) as Json;
    const id = store.nextId('shipment');
    store.put('shipment', String(id), {
      entity_id: id,
      order_id: Number(p.id) || p.id,
      items: b.items ?? [],
      tracks: b.tracks ?? [],
      comments: b.comment ? [b.comment] : [],
      created_at: now(),
    });
    store.put('order', p.id ?? '', { ...order(p.id ?? ''), status: 'complete', updated_at: now() });
    return String(id);
  });
  C('POST', '/shipment', (req) => {
    const entity = obj(obj(req.body, 'entity').entity, 'entity');
    const id = entity.entity_id !== undefined ? String(entity.entity_id) : String(store.nextId('shipment'));
    const existing = store.get('shipment', id) ?? {};
    return store.put('shipment', id, { ...existing, ...entity, entity_id: Number(id), updated_at: now() });
  });
  C('GET', '/shipment/:id', (_req, p) => {
    const s = store.get('shipment', p.id ?? '');
    if (!s) throw commerceError(404, ENTITY_NOT_FOUND);
    return s;
  });
}
