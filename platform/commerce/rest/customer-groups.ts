/** `/V1/customerGroups`: create (unique code), update, get, delete. */
import type { Emit } from '../eventing';
import type { CommerceStore, Json } from '../store';
import { commerceError, NO_SUCH_ENTITY, obj, type Route } from './route';

/** a customer group as Commerce's eventing sends it (the model's data: customer_group_* names) */
export function groupEventData(g: Json): Json {
  return {
    customer_group_id: String(g.id),
    customer_group_code: g.code,
    tax_class_id: g.tax_class_id,
    extension_attributes: g.extension_attributes ?? { exclude_website_ids: [] },
  };
}

export function registerCustomerGroups(C: Route, store: CommerceStore, emit: Emit): void {
  const saved = (g: Json): Json => {
    emit('observer.customer_group_save_commit_after', groupEventData(g));
    return g;
  };
  const notFound = (id: string | undefined) => commerceError(404, NO_SUCH_ENTITY, { fieldName: 'id', fieldValue: id });
  C('POST', '/customerGroups', (req) => {
    const input = obj(obj(req.body, 'group').group, 'group');
    if (typeof input.code !== 'string' || !input.code)
      throw commerceError(400, '"code" is required. Enter and try again.', { fieldName: 'code' });
    if (store.list('customerGroup').some((g) => g.code === input.code))
      throw commerceError(400, 'Customer Group already exists.');
    const id = store.nextId('customerGroup') + 3; // Commerce ships groups 0..3
    return saved(
      store.put('customerGroup', String(id), { id, tax_class_id: 3, tax_class_name: 'Retail Customer', ...input }),
    );
  });
  C('PUT', '/customerGroups/:id', (req, p) => {
    const existing = store.get('customerGroup', p.id ?? '');
    if (!existing) throw notFound(p.id);
    const input = obj(obj(req.body, 'group').group, 'group');
    return saved(store.put('customerGroup', p.id ?? '', { ...existing, ...input, id: existing.id }));
  });
  C('GET', '/customerGroups/:id', (_req, p) => {
    const g = store.get('customerGroup', p.id ?? '');
    if (!g) throw notFound(p.id);
    return g;
  });
  C('DELETE', '/customerGroups/:id', (_req, p) => {
    const g = store.get('customerGroup', p.id ?? '');
    if (!g || !store.delete('customerGroup', p.id ?? '')) throw notFound(p.id);
    emit('observer.customer_group_delete_commit_after', groupEventData(g));
    return true;
  });
}
