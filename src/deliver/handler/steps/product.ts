/** Default steps of the product events, both directions. */
import type { CommerceProduct } from '../../../clients/commerce';
import { defineSteps } from '../registry';
import { BackofficeWrite, compact, describeBackoffice, num, sendToBackoffice } from './shared';

const ENTITY = 'product';

export interface ProductFields {
  sku: string;
  name?: string;
  price?: number;
  description?: string;
  status?: number;
  visibility?: number;
  weight?: number;
  typeId?: string;
  attributeSetId?: number;
}

/** back-office product → Commerce product; `create` fills Commerce's required defaults */
export function toCommerceProduct(v: ProductFields, create: boolean): CommerceProduct {
  return compact({
    sku: v.sku,
    name: v.name,
    price: v.price,
    attribute_set_id: v.attributeSetId ?? (create ? 4 : undefined),
    status: v.status ?? (create ? 1 : undefined),
    visibility: v.visibility ?? (create ? 4 : undefined),
    type_id: v.typeId ?? (create ? 'simple' : undefined),
    weight: v.weight,
    custom_attributes:
      v.description === undefined ? undefined : [{ attribute_code: 'description', value: v.description }],
  });
}

/** the fields both systems carry for a product, as the loop breaker compares them */
const print = (p: {
  name?: string | undefined;
  price?: number | string | undefined;
  description?: string | undefined;
}) => ({ name: p.name, price: p.price, description: p.description });

/** What the loop breaker remembers of a product written to Commerce (shared by every product step set). */
export const writtenPrint = (p: CommerceProduct) => ({
  name: p.name,
  price: p.price,
  description: p.custom_attributes?.find((a) => a.attribute_code === 'description')?.value as string | undefined,
});

// ------------------------------------------------------------ back office → Commerce

defineSteps('be-observer.catalog_product_create', {
  transform: (ctx) => toCommerceProduct(ctx.value, true),
  send: (ctx, product) => ctx.commerce().createProduct(product),
  describe: (_ctx, p) => `product ${p.sku} created in Commerce`,
  written: (_ctx, p) => [{ entity: ENTITY, id: p.sku, print: writtenPrint(p) }],
  incoming: (ctx) => [{ entity: ENTITY, id: ctx.value.sku, print: print(ctx.value) }],
});

defineSteps('be-observer.catalog_product_update', {
  transform: (ctx) => toCommerceProduct(ctx.value, false),
  send: (ctx, product) => ctx.commerce().updateProduct(product),
  describe: (_ctx, p) => `product ${p.sku} updated in Commerce`,
  written: (_ctx, p) => [{ entity: ENTITY, id: p.sku, print: writtenPrint(p) }],
  incoming: (ctx) => [{ entity: ENTITY, id: ctx.value.sku, print: print(ctx.value) }],
});

defineSteps('be-observer.catalog_product_delete', {
  transform: (ctx) => ({ sku: ctx.value.sku }),
  send: (ctx, p) => ctx.commerce().deleteProduct(p.sku),
  describe: (_ctx, p) => `product ${p.sku} deleted in Commerce`,
  written: (_ctx, p) => [{ entity: ENTITY, id: p.sku, print: { deleted: true } }],
  incoming: (ctx) => [{ entity: ENTITY, id: ctx.value.sku, print: { deleted: true } }],
});

// ------------------------------------------------------------ Commerce → back office

defineSteps('com.adobe.commerce.observer.catalog_product_save_commit_after', {
  transform: (ctx): BackofficeWrite => {
    const v = ctx.value;
    return {
      resource: 'products',
      id: v.sku,
      body: compact({ sku: v.sku, name: v.name, price: num(v.price), description: v.description }),
    };
  },
  send: (ctx, w) => sendToBackoffice(ctx.backoffice(), w),
  describe: (_ctx, w) => describeBackoffice(w, 'product'),
  incoming: (ctx) => [{ entity: ENTITY, id: ctx.value.sku, print: print(ctx.value) }],
  written: (_ctx, w) => [{ entity: ENTITY, id: w.id, print: print(w.body ?? {}) }],
});

defineSteps('com.adobe.commerce.observer.catalog_product_delete_commit_after', {
  transform: (ctx): BackofficeWrite => ({ resource: 'products', id: ctx.value.sku }),
  send: (ctx, w) => sendToBackoffice(ctx.backoffice(), w),
  describe: (_ctx, w) => describeBackoffice(w, 'product'),
  incoming: (ctx) => [{ entity: ENTITY, id: ctx.value.sku, print: { deleted: true } }],
  written: (_ctx, w) => [{ entity: ENTITY, id: w.id, print: { deleted: true } }],
});
