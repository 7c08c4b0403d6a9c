/** `/V1/orders` (save), `/V1/orders/{id}/comments`, `/V1/orders/{id}`, `/V1/order/{id}/ship`, `/V1/shipment`. */
import type { Emit } from '../eventing';
import type { CommerceStore, Json } from '../store';
import { commerceError, ENTITY_NOT_FOUND, now, obj, type Route } from './route';

/** an order as Commerce's eventing sends it: the sales_order row, `id` its entity id */
export function orderEventData(o: Json): Json {
  const { status_histories: _h, items: _i, ...rest } = o;
  return { ...rest, id: o.entity_id };
}

export function registerOrders(C: Route, store: CommerceStore, emit: Emit): void {
  const save = (id: string, o: Json): Json => {
    store.put('order', id, o);
    emit('observer.sales_order_save_commit_after', orderEventData(o));
    return o;
  };
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
    save(p.id ?? '', {
      ...o,
      status: typeof history.status === 'string' ? history.status : o.status,
      status_histories: [...histories, { ...history, parent_id: o.entity_id, created_at: now() }],
      updated_at: now(),
    });
    return true;
  });
  // an order saved through the API (what an admin or the storefront does to an order)
  C('POST', '/orders', (req) => {
    const entity = obj(obj(req.body, 'entity').entity, 'entity');
    const id = entity.entity_id !== undefined ? String(entity.entity_id) : String(store.nextId('order'));
    const o = { ...order(id), ...entity, entity_id: Number(id) || id, updated_at: now() };
    return save(id, o);
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
    save(p.id ?? '', { ...order(p.id ?? ''), state: 'complete', status: 'complete', updated_at: now() });
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
