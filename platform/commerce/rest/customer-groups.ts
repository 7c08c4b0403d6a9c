/** `/V1/customerGroups`: create (unique code), update, get, delete. */
import type { CommerceStore } from '../store';
import { commerceError, NO_SUCH_ENTITY, obj, type Route } from './route';

export function registerCustomerGroups(C: Route, store: CommerceStore): void {
  const notFound = (id: string | undefined) => commerceError(404, NO_SUCH_ENTITY, { fieldName: 'id', fieldValue: id });
  C('POST', '/customerGroups', (req) => {
    const input = obj(obj(req.body, 'group').group, 'group');
    if (typeof input.code !== 'string' || !input.code)
      throw commerceError(400, '"code" is required. Enter and try again.', { fieldName: 'code' });
    if (store.list('customerGroup').some((g) => g.code === input.code))
      throw commerceError(400, 'Customer Group already exists.');
    const id = store.nextId('customerGroup') + 3; // Commerce ships groups 0..3
    return store.put('customerGroup', String(id), { id, tax_class_id: 3, tax_class_name: 'Retail Customer', ...input });
  });
  C('PUT', '/customerGroups/:id', (req, p) => {
    const existing = store.get('customerGroup', p.id ?? '');
    if (!existing) throw notFound(p.id);
    const input = obj(obj(req.body, 'group').group, 'group');
    return store.put('customerGroup', p.id ?? '', { ...existing, ...input, id: existing.id });
  });
  C('GET', '/customerGroups/:id', (_req, p) => {
    const g = store.get('customerGroup', p.id ?? '');
    if (!g) throw notFound(p.id);
    return g;
  });
  C('DELETE', '/customerGroups/:id', (_req, p) => {
    if (!store.delete('customerGroup', p.id ?? '')) throw notFound(p.id);
    return true;
  });
}
