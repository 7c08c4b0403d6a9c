/** `/V1/products`: create or update by SKU, get, delete, list. */
import type { Emit } from '../eventing';
import type { CommerceStore, Json } from '../store';
import { commerceError, now, obj, type Route } from './route';

const NOT_FOUND = "The product that was requested doesn't exist. Verify the product and try again.";

/** a product as Commerce's eventing sends it: custom attributes are top-level fields of the model's data */
export function productEventData(p: Json): Json {
  const { custom_attributes: custom, extension_attributes: _ext, ...rest } = p;
  const out: Json = { ...rest };
  if (Array.isArray(custom))
    for (const a of custom as Json[]) if (typeof a.attribute_code === 'string') out[a.attribute_code] = a.value;
  return out;
}

export function registerProducts(C: Route, store: CommerceStore, emit: Emit): void {
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
    store.put('product', sku, product);
    emit('observer.catalog_product_save_commit_after', productEventData(product));
    return product;
  };
  C('POST', '/products', (req) => saveProduct(obj(obj(req.body, 'product').product, 'product')));
  C('PUT', '/products/:sku', (req, p) => saveProduct(obj(obj(req.body, 'product').product, 'product'), p.sku));
  C('GET', '/products/:sku', (_req, p) => {
    const prod = store.get('product', p.sku ?? '');
    if (!prod) throw commerceError(404, NOT_FOUND);
    return prod;
  });
  C('DELETE', '/products/:sku', (_req, p) => {
    const prod = store.get('product', p.sku ?? '');
    if (!prod || !store.delete('product', p.sku ?? '')) throw commerceError(404, NOT_FOUND);
    emit('observer.catalog_product_delete_commit_after', productEventData(prod));
    return true;
  });
  C('GET', '/products', () => {
    const items = store.list('product');
    return { items, search_criteria: { filter_groups: [] }, total_count: items.length };
  });
}
