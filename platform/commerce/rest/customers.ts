/** `/V1/customers`: create (unique email), update, get, delete. */
import type { Emit } from '../eventing';
import type { CommerceStore, Json } from '../store';
import { commerceError, NO_SUCH_ENTITY, now, obj, type Route } from './route';

export function registerCustomers(C: Route, store: CommerceStore, emit: Emit): void {
  const saved = (c: Json): Json => {
    emit('observer.customer_save_commit_after', c);
    return c;
  };
  const notFound = (id: string | undefined) =>
    commerceError(404, NO_SUCH_ENTITY, { fieldName: 'customerId', fieldValue: id });
  C('POST', '/customers', (req) => {
    const input = obj(obj(req.body, 'customer').customer, 'customer');
    if (typeof input.email !== 'string' || !input.email)
      throw commerceError(400, '"Email" is a required value.', { fieldName: 'email' });
    if (store.list('customer').some((c) => c.email === input.email)) {
      throw commerceError(400, 'A customer with the same email address already exists in an associated website.');
    }
    const id = store.nextId('customer');
    return saved(
      store.put('customer', String(id), {
        id,
        group_id: 1,
        website_id: 1,
        store_id: 1,
        created_at: now(),
        ...input,
        updated_at: now(),
      }),
    );
  });
  C('PUT', '/customers/:id', (req, p) => {
    const existing = store.get('customer', p.id ?? '');
    if (!existing) throw notFound(p.id);
    const input = obj(obj(req.body, 'customer').customer, 'customer');
    return saved(store.put('customer', p.id ?? '', { ...existing, ...input, id: existing.id, updated_at: now() }));
  });
  C('GET', '/customers/:id', (_req, p) => {
    const c = store.get('customer', p.id ?? '');
    if (!c) throw notFound(p.id);
    return c;
  });
  C('DELETE', '/customers/:id', (_req, p) => {
    const c = store.get('customer', p.id ?? '');
    if (!c || !store.delete('customer', p.id ?? '')) throw notFound(p.id);
    emit('observer.customer_delete_commit_after', c);
    return true;
  });
}
