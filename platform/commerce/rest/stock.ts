/** `/V1/inventory/source-items`: stock per source and SKU, saved and listed. */
import type { CommerceStore } from '../store';
import { commerceError, obj, type Route } from './route';

export function registerStock(C: Route, store: CommerceStore): void {
  C('POST', '/inventory/source-items', (req) => {
    const items = obj(req.body, 'sourceItems').sourceItems;
    if (!Array.isArray(items))
      throw commerceError(400, '"sourceItems" is required. Enter and try again.', { fieldName: 'sourceItems' });
    items.forEach((it, i) => {
      const item = obj(it, `sourceItems[${i}]`);
      if (typeof item.sku !== 'string' || typeof item.source_code !== 'string') {
        throw commerceError(400, `sourceItems[${i}] needs "sku" and "source_code"`, { fieldName: `sourceItems[${i}]` });
      }
      store.put('sourceItem', `${item.source_code}/${item.sku}`, { status: 1, quantity: 0, ...item });
    });
    return [];
  });
  C('GET', '/inventory/source-items', () => {
    const items = store.list('sourceItem');
    return { items, search_criteria: { filter_groups: [] }, total_count: items.length };
  });
}
