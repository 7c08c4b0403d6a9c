/** `/V1/products`: create or update by SKU, get, delete, list. */
import type { CommerceStore, Json } from '../store';
import { commerceError, now, obj, type Route } from './route';

const NOT_FOUND = "The product that was requested doesn't exist. Verify the product and try again.";

export function registerProducts(C: Route, store: CommerceStore): void {
  const saveProduct = (input: Json, skuFromPath?: string): Json => {
    const sku = skuFromPath ?? (typeof input.sku === 'string' ? input.sku : undefined);
    if (!sku)
      throw commerceError(400, 'The "sku" attribute value is empty. Set the attribute and try again.', {
        fieldName: 'sku',
      });
    const existing = store.get('product', sku);
    const product: Json = {
      id: existing?.id ?? store.nextId('product'),
      attribute_set_id: 4,
      status: 1,
      visibility: 4,
      type_id: 'simple',
      created_at: existing?.created_at ?? now(),
      extension_attributes: {},
      custom_attributes: [],
      ...(existing ?? {}),
      ...input,
      sku,
      updated_at: now(),
    };
    return store.put('product', sku, product);
  };
  C('POST', '/products', (req) => saveProduct(obj(obj(req.body, 'product').product, 'product')));
  C('PUT', '/products/:sku', (req, p) => saveProduct(obj(obj(req.body, 'product').product, 'product'), p.sku));
  C('GET', '/products/:sku', (_req, p) => {
    const prod = store.get('product', p.sku ?? '');
    if (!prod) throw commerceError(404, NOT_FOUND);
    return prod;
  });
  C('DELETE', '/products/:sku', (_req, p) => {
    if (!store.delete('product', p.sku ?? '')) throw commerceError(404, NOT_FOUND);
    return true;
  });
  C('GET', '/products', () => {
    const items = store.list('product');
    return { items, search_criteria: { filter_groups: [] }, total_count: items.length };
  });
}
