/**
 * Default steps of the commercetools events. A notification names the resource only, so
 * upserts look it up first (`lookup`: COMMERCETOOLS_LOOKUP_BASE_URL, else LOOKUP_BASE_URL,
 * path `{projectKey}/customers/{id}` / `{projectKey}/products/{id}` as in the commercetools
 * HTTP API; the token goes in COMMERCETOOLS_LOOKUP_API_KEY with
 * COMMERCETOOLS_LOOKUP_API_KEY_HEADER=authorization).
 *
 * The link between a commercetools resource and its Commerce twin is kept in State
 * (`ct.map.{typeId}.{project}.{id}` → Commerce customer id / SKU), written after each
 * successful upsert, read by the next upsert (update instead of create) and by deletes (a
 * delete notification carries nothing else to find the twin by). A delete of a resource
 * that was never synced is acknowledged and changes nothing.
 */
import { FinalError } from '../../../kernel/errors';
import type { StateStore } from '../../../state';
import { stateKey } from '../../../state/keys';
import { optionalInput, type Params } from '../../../kernel/inputs';
import type { CommerceCustomer, CommerceProduct } from '../../../clients/commerce';
import type { TargetResponse } from '../../../kernel/call-target';
import { defineSteps } from '../registry';
import { writtenPrint } from './product';
import { expandPath, lookupConfigFrom, lookupEntity, pathFor } from '../../../clients/lookup';
import { compact, createdId } from './shared';

/** 10 years: the link lives as long as the twins do (State caps TTLs at 365 days). */
const MAP_TTL_SECONDS = 365 * 24 * 3600;

export function twinKey(typeId: string, projectKey: string, id: string): string {
  return stateKey('ct.map', typeId, projectKey, id);
}

async function readTwin(state: StateStore, key: string): Promise<string | undefined> {
  return state.get(key);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A localized string of commercetools (`{"en": "...", "de": "..."}`) in the wanted locale, else the first. */
export function localized(v: unknown, locale: string | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (!isRecord(v)) return undefined;
  const want = locale !== undefined ? v[locale] : undefined;
  if (typeof want === 'string') return want;
  const first = Object.values(v).find((x): x is string => typeof x === 'string');
  return first;
}

const unusable = (what: string, path: string) =>
  new FinalError(422, `the commercetools ${what} cannot be applied: ${path} is missing`, {
    code: 'lookup_unusable',
    details: [{ path, message: 'missing in the looked-up resource' }],
  });

/** commercetools Customer → Commerce customer. */
export function ctCustomerToCommerce(entity: unknown): CommerceCustomer {
  const c = isRecord(entity) ? entity : {};
  if (typeof c.email !== 'string') throw unusable('customer', '/email');
  return compact({
    email: c.email,
    firstname: typeof c.firstName === 'string' ? c.firstName : '-',
    lastname: typeof c.lastName === 'string' ? c.lastName : '-',
  });
}

/** commercetools Product (masterData.current, or a ProductProjection) → Commerce product. */
export function ctProductToCommerce(entity: unknown, params: Params): CommerceProduct {
  const p = isRecord(entity) ? entity : {};
  const data = isRecord(p.masterData) && isRecord(p.masterData.current) ? p.masterData.current : p;
  const master = isRecord(data.masterVariant) ? data.masterVariant : {};
  if (typeof master.sku !== 'string' || master.sku === '')
    throw unusable('product', '/masterData/current/masterVariant/sku');
  const locale = optionalInput(params, 'COMMERCETOOLS_LOCALE');
  const prices = Array.isArray(master.prices) ? master.prices : [];
  const first = prices.find(isRecord);
  let price: number | undefined;
  if (first && isRecord(first.value) && typeof first.value.centAmount === 'number') {
    const digits = typeof first.value.fractionDigits === 'number' ? first.value.fractionDigits : 2;
    price = first.value.centAmount / 10 ** digits;
  }
  const description = localized(data.description, locale);
  return compact({
    sku: master.sku,
    name: localized(data.name, locale) ?? master.sku,
    price,
    attribute_set_id: 4,
    status: p.published === false ? 2 : 1,
    visibility: 4,
    type_id: 'simple',
    custom_attributes: description === undefined ? undefined : [{ attribute_code: 'description', value: description }],
  });
}

const NOTHING: TargetResponse = { status: 204, body: null };

defineSteps('commercetools.connect.customer.upsert', {
  lookup: (ctx) =>
    lookupEntity(
      lookupConfigFrom(ctx.params, 'COMMERCETOOLS_LOOKUP', 'commercetools API'),
      expandPath(pathFor(ctx.params, ctx.code, '{projectKey}/customers/{resource.id}'), ctx.value),
      ctx.state(),
      ctx.log,
    ),
  transform: (ctx) => ctCustomerToCommerce(ctx.entity),
  send: async (ctx, customer) => {
    const key = twinKey('customer', ctx.value.projectKey, ctx.value.resource.id);
    const twin = await readTwin(ctx.state(), key);
    if (twin !== undefined) return ctx.commerce().updateCustomer(twin, { ...customer, id: Number(twin) });
    const res = await ctx.commerce().createCustomer(customer);
    const id = createdId(res);
    if (id !== undefined) await ctx.state().put(key, id, MAP_TTL_SECONDS);
    return res;
  },
  describe: (ctx, c) => `commercetools customer ${ctx.value.resource.id} (${c.email}) saved in Commerce`,
  written: (_ctx, c, res) => {
    const id = createdId(res);
    return id === undefined
      ? []
      : [
          {
            entity: 'customer',
            id,
            print: { firstname: c.firstname, lastname: c.lastname, email: c.email.toLowerCase() },
          },
        ];
  },
});

defineSteps('commercetools.connect.customer.delete', {
  transform: (ctx) => ({
    key: twinKey('customer', ctx.value.projectKey, ctx.value.resource.id),
    ctId: ctx.value.resource.id,
  }),
  send: async (ctx, p) => {
    const twin = await readTwin(ctx.state(), p.key);
    if (twin === undefined) return NOTHING;
    return ctx.commerce().deleteCustomer(twin);
  },
  describe: (_ctx, p) =>
    `commercetools customer ${p.ctId} deleted in Commerce (nothing to do when it was never synced)`,
});

defineSteps('commercetools.connect.product.upsert', {
  lookup: (ctx) =>
    lookupEntity(
      lookupConfigFrom(ctx.params, 'COMMERCETOOLS_LOOKUP', 'commercetools API'),
      expandPath(pathFor(ctx.params, ctx.code, '{projectKey}/products/{resource.id}'), ctx.value),
      ctx.state(),
      ctx.log,
    ),
  transform: (ctx) => ctProductToCommerce(ctx.entity, ctx.params),
  send: async (ctx, product) => {
    const res = await ctx.commerce().createProduct(product);
    await ctx
      .state()
      .put(twinKey('product', ctx.value.projectKey, ctx.value.resource.id), product.sku, MAP_TTL_SECONDS);
    return res;
  },
  describe: (ctx, p) => `commercetools product ${ctx.value.resource.id} saved in Commerce as ${p.sku}`,
  written: (_ctx, p) => [{ entity: 'product', id: p.sku, print: writtenPrint(p) }],
});

defineSteps('commercetools.connect.product.delete', {
  transform: (ctx) => ({
    key: twinKey('product', ctx.value.projectKey, ctx.value.resource.id),
    ctId: ctx.value.resource.id,
  }),
  send: async (ctx, p) => {
    const sku = await readTwin(ctx.state(), p.key);
    if (sku === undefined) return NOTHING;
    return ctx.commerce().deleteProduct(sku);
  },
  describe: (_ctx, p) => `commercetools product ${p.ctId} deleted in Commerce (nothing to do when it was never synced)`,
});
