/** Default steps of the customer events, both directions. Commerce customers are keyed by their Commerce id. */
import type { CommerceCustomer } from '../../../clients/commerce';
import { defineSteps } from '../registry';
import { BackofficeWrite, compact, createdId, describeBackoffice, sendToBackoffice } from './shared';

const ENTITY = 'customer';

interface CustomerFields {
  name: string;
  lastname: string;
  email: string;
  groupId?: number;
  websiteId?: number;
  storeId?: number;
}

export function toCommerceCustomer(v: CustomerFields, id?: number): CommerceCustomer & { store_id?: number } {
  return compact({
    id,
    email: v.email,
    firstname: v.name,
    lastname: v.lastname,
    group_id: v.groupId,
    website_id: v.websiteId,
    store_id: v.storeId,
  });
}

const print = (c: { firstname?: string | undefined; lastname?: string | undefined; email?: string | undefined }) => ({
  firstname: c.firstname,
  lastname: c.lastname,
  email: c.email?.toLowerCase(),
});

// ------------------------------------------------------------ back office → Commerce

defineSteps('be-observer.customer_create', {
  transform: (ctx) => toCommerceCustomer(ctx.value),
  send: (ctx, customer) => ctx.commerce().createCustomer(customer),
  describe: (_ctx, c) => `customer ${c.email} created in Commerce`,
  written: (_ctx, c, res) => {
    const id = createdId(res);
    return id === undefined ? [] : [{ entity: ENTITY, id, print: print(c) }];
  },
});

defineSteps('be-observer.customer_update', {
  transform: (ctx) => toCommerceCustomer(ctx.value, ctx.value.id),
  send: (ctx, customer) => ctx.commerce().updateCustomer(ctx.value.id, customer),
  describe: (ctx) => `customer ${ctx.value.id} updated in Commerce`,
  written: (ctx, c) => [{ entity: ENTITY, id: String(ctx.value.id), print: print(c) }],
  incoming: (ctx) => [
    {
      entity: ENTITY,
      id: String(ctx.value.id),
      print: print({ firstname: ctx.value.name, lastname: ctx.value.lastname, email: ctx.value.email }),
    },
  ],
});

defineSteps('be-observer.customer_delete', {
  transform: (ctx) => ({ id: ctx.value.id }),
  send: (ctx, p) => ctx.commerce().deleteCustomer(p.id),
  describe: (_ctx, p) => `customer ${p.id} deleted in Commerce`,
  written: (_ctx, p) => [{ entity: ENTITY, id: String(p.id), print: { deleted: true } }],
  incoming: (ctx) => [{ entity: ENTITY, id: String(ctx.value.id), print: { deleted: true } }],
});

// ------------------------------------------------------------ Commerce → back office

defineSteps('com.adobe.commerce.observer.customer_save_commit_after', {
  transform: (ctx): BackofficeWrite => {
    const v = ctx.value;
    return {
      resource: 'customers',
      id: String(v.id),
      body: compact({ id: Number(v.id), name: v.firstname, lastname: v.lastname, email: v.email }),
    };
  },
  send: (ctx, w) => sendToBackoffice(ctx.backoffice(), w),
  describe: (_ctx, w) => describeBackoffice(w, 'customer'),
  incoming: (ctx) => [{ entity: ENTITY, id: String(ctx.value.id), print: print(ctx.value) }],
  written: (ctx) => [{ entity: ENTITY, id: String(ctx.value.id), print: print(ctx.value) }],
});

defineSteps('com.adobe.commerce.observer.customer_delete_commit_after', {
  transform: (ctx): BackofficeWrite => ({ resource: 'customers', id: String(ctx.value.id) }),
  send: (ctx, w) => sendToBackoffice(ctx.backoffice(), w),
  describe: (_ctx, w) => describeBackoffice(w, 'customer'),
  incoming: (ctx) => [{ entity: ENTITY, id: String(ctx.value.id), print: { deleted: true } }],
  written: (ctx) => [{ entity: ENTITY, id: String(ctx.value.id), print: { deleted: true } }],
});
