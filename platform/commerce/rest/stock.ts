/**
 * `/V1/inventory/source-items`: stock per source and SKU, saved and listed. Saving a source
 * item of a product the stand-in knows also saves its legacy stock item, as Commerce does,
 * which is what `observer.cataloginventory_stock_item_save_commit_after` reports (with the
 * `sku`, which Commerce's eventing can be configured to add; the loop breaker needs it).
 */
import type { Emit } from '../eventing';
import type { CommerceStore, Json } from '../store';
import { commerceError, obj, type Route } from './route';

function stockItemEventData(item: Json, product: Json): Json {
  return {
    item_id: String(product.id),
    product_id: String(product.id),
    stock_id: 1,
    sku: item.sku,
    qty: String(item.quantity ?? 0),
    is_in_stock: Number(item.status ?? 1) === 1 ? '1' : '0',
    website_id: 0,
    type_id: product.type_id ?? 'simple',
  };
}

export function registerStock(C: Route, store: CommerceStore, emit: Emit): void {
  C('POST', '/inventory/source-items', (req) => {
    const items = obj(req.body, 'sourceItems').sourceItems;
    if (!Array.isArray(items))
      throw commerceError(400, '"sourceItems" is required. Enter and try again.', { fieldName: 'sourceItems' });
    const checked = items.map((it, i) => {
      const item = obj(it, `sourceItems[${i}]`);
      if (typeof item.sku !== 'string' || typeof item.source_code !== 'string') {
        throw commerceError(400, `sourceItems[${i}] needs "sku" and "source_code"`, { fieldName: `sourceItems[${i}]` });
      }
      return item;
    });
    for (const item of checked) {
      const saved = store.put('sourceItem', `${String(item.source_code)}/${String(item.sku)}`, {
        status: 1,
        quantity: 0,
        ...item,
      });
      const product = store.get('product', String(item.sku));
      if (product) emit('observer.cataloginventory_stock_item_save_commit_after', stockItemEventData(saved, product));
    }
    return [];
  });
  C('GET', '/inventory/source-items', () => {
    const items = store.list('sourceItem');
    return { items, search_criteria: { filter_groups: [] }, total_count: items.length };
  });
}
