/**
 * Default steps of thin events (Norce [Storm] Event style): the event names a product by
 * SKU and says what changed; the `lookup` step fetches the product from the query API
 * (LOOKUP_BASE_URL + `products/{sku}`, or LOOKUP_PATHS) through the TTL cache, and the
 * full product is saved in Commerce (POST V1/products: Commerce saves by SKU, creating or
 * updating; Commerce's required defaults fill only what the query API did not give).
 */
import { FinalError } from '../../../kernel/errors';
import { defineSteps } from '../registry';
import { lookupConfigFrom, lookupEntity, pathFor, expandPath } from '../../../clients/lookup';
import { toCommerceProduct, writtenPrint, type ProductFields } from './product';

/** What the query API answers for a product (extra fields are ignored). */
export type QueryProduct = Omit<ProductFields, 'typeId' | 'attributeSetId'>;

const opt = <T>(v: unknown, type: 'string' | 'number'): T | undefined => (typeof v === type ? (v as T) : undefined);

/** Parse the query API's answer; an answer without the SKU cannot be applied (final). */
export function asQueryProduct(entity: unknown, sku: string): QueryProduct {
  const e = (typeof entity === 'object' && entity !== null ? entity : {}) as Record<string, unknown>;
  const got = typeof e.sku === 'string' ? e.sku : typeof e.partNo === 'string' ? e.partNo : undefined;
  if (got === undefined)
    throw new FinalError(422, `the query API answered a product without sku for ${sku}`, {
      code: 'lookup_unusable',
      details: [{ path: '/sku', message: 'missing in the looked-up product' }],
    });
  const out: QueryProduct = { sku: got };
  const name = opt<string>(e.name, 'string');
  const price = opt<number>(e.price, 'number');
  const description = opt<string>(e.description, 'string');
  const status = opt<number>(e.status, 'number');
  const visibility = opt<number>(e.visibility, 'number');
  const weight = opt<number>(e.weight, 'number');
  if (name !== undefined) out.name = name;
  if (price !== undefined) out.price = price;
  if (description !== undefined) out.description = description;
  if (status !== undefined) out.status = status;
  if (visibility !== undefined) out.visibility = visibility;
  if (weight !== undefined) out.weight = weight;
  return out;
}

defineSteps('thin.product.changed', {
  lookup: (ctx) =>
    lookupEntity(
      lookupConfigFrom(ctx.params),
      expandPath(pathFor(ctx.params, ctx.code, 'products/{sku}'), ctx.value),
      ctx.state(),
      ctx.log,
    ),
  transform: (ctx) => toCommerceProduct(asQueryProduct(ctx.entity, ctx.value.sku), true),
  send: (ctx, product) => ctx.commerce().createProduct(product),
  describe: (ctx, p) =>
    `product ${p.sku} saved in Commerce from the query API (changed: ${[ctx.value.entityChanged ?? 'unspecified'].flat().join(', ')})`,
  written: (_ctx, p) => [{ entity: 'product', id: p.sku, print: writtenPrint(p) }],
});
