/**
 * Default steps of the stock events, both directions. Stock is keyed by sku: the loop breaker
 * recognises a Commerce stock item event as our echo only when it carries the `sku` (the
 * kit's sample has only `product_id`; Commerce's eventing module can be configured to add it).
 */
import type { CommerceSourceItem } from '../../../clients/commerce';
import type { EventValue } from '../../../catalog';
import type { LoopMark } from '../../../state/loop-breaker';
import { defineSteps } from '../registry';
import { BackofficeWrite, compact, describeBackoffice, flag, num, sendToBackoffice } from './shared';

const ENTITY = 'stock';

// ------------------------------------------------------------ back office → Commerce

defineSteps('be-observer.catalog_stock_update', {
  transform: (ctx): CommerceSourceItem[] =>
    ctx.value.map((s) => ({ sku: s.sku, source_code: s.source, quantity: s.quantity, status: s.outOfStock ? 0 : 1 })),
  send: (ctx, items) => ctx.commerce().updateSourceItems(items),
  describe: (_ctx, items) => `stock of ${items.length} source item(s) updated in Commerce`,
  written: (_ctx, items) =>
    items.map((i) => ({ entity: ENTITY, id: i.sku, print: { quantity: i.quantity, in_stock: i.status === 1 } })),
  incoming: (ctx) =>
    ctx.value.map((s) => ({ entity: ENTITY, id: s.sku, print: { quantity: s.quantity, in_stock: !s.outOfStock } })),
});

// ------------------------------------------------------------ Commerce → back office

type StockItemEvent = EventValue<'com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after'>;

/** The loop breaker's print of a Commerce stock item: none without a sku (see above). */
const stockPrint = (v: StockItemEvent): LoopMark[] =>
  v.sku === undefined ? [] : [{ entity: ENTITY, id: v.sku, print: { quantity: v.qty, in_stock: flag(v.is_in_stock) } }];

defineSteps('com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after', {
  transform: (ctx): BackofficeWrite => {
    const v = ctx.value;
    const inStock = flag(v.is_in_stock);
    return {
      resource: 'stock',
      id: String(v.product_id),
      body: compact({
        productId: num(v.product_id),
        sku: v.sku,
        quantity: num(v.qty),
        outOfStock: inStock === undefined ? undefined : !inStock,
      }),
    };
  },
  send: (ctx, w) => sendToBackoffice(ctx.backoffice(), w),
  describe: (_ctx, w) => describeBackoffice(w, 'stock of product'),
  // what arrives from Commerce is what was written to the back office: one print serves both
  incoming: (ctx) => stockPrint(ctx.value),
  written: (ctx) => stockPrint(ctx.value),
});
