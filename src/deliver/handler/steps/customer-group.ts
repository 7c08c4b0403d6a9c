/** Default steps of the customer group events, both directions; groups are keyed by their Commerce id. */
import type { CommerceCustomerGroup } from '../../../clients/commerce';
import { defineSteps } from '../registry';
import { BackofficeWrite, compact, createdId, describeBackoffice, num, sendToBackoffice } from './shared';

const ENTITY = 'customer-group';
const print = (g: { code?: string | undefined; tax_class_id?: string | number | undefined }) => ({
  code: g.code,
  tax_class_id: g.tax_class_id,
});

// ------------------------------------------------------------ back office → Commerce

defineSteps('be-observer.customer_group_create', {
  transform: (ctx): CommerceCustomerGroup => ({ code: ctx.value.name, tax_class_id: ctx.value.taxClassId }),
  send: (ctx, group) => ctx.commerce().createCustomerGroup(group),
  describe: (_ctx, g) => `customer group ${g.code} created in Commerce`,
  written: (_ctx, g, res) => {
    const id = createdId(res);
    return id === undefined ? [] : [{ entity: ENTITY, id, print: print(g) }];
  },
});

defineSteps('be-observer.customer_group_update', {
  transform: (ctx): CommerceCustomerGroup => ({
    id: ctx.value.id,
    code: ctx.value.name,
    tax_class_id: ctx.value.taxClassId,
  }),
  send: (ctx, group) => ctx.commerce().updateCustomerGroup(ctx.value.id, group),
  describe: (ctx) => `customer group ${ctx.value.id} updated in Commerce`,
  written: (ctx, g) => [{ entity: ENTITY, id: String(ctx.value.id), print: print(g) }],
  incoming: (ctx) => [
    {
      entity: ENTITY,
      id: String(ctx.value.id),
      print: print({ code: ctx.value.name, tax_class_id: ctx.value.taxClassId }),
    },
  ],
});

defineSteps('be-observer.customer_group_delete', {
  transform: (ctx) => ({ id: ctx.value.id }),
  send: (ctx, p) => ctx.commerce().deleteCustomerGroup(p.id),
  describe: (_ctx, p) => `customer group ${p.id} deleted in Commerce`,
  written: (_ctx, p) => [{ entity: ENTITY, id: String(p.id), print: { deleted: true } }],
  incoming: (ctx) => [{ entity: ENTITY, id: String(ctx.value.id), print: { deleted: true } }],
});

// ------------------------------------------------------------ Commerce → back office

defineSteps('com.adobe.commerce.observer.customer_group_save_commit_after', {
  transform: (ctx): BackofficeWrite => {
    const v = ctx.value;
    return {
      resource: 'customer-groups',
      id: String(v.customer_group_id),
      body: compact({ id: Number(v.customer_group_id), name: v.customer_group_code, taxClassId: num(v.tax_class_id) }),
    };
  },
  send: (ctx, w) => sendToBackoffice(ctx.backoffice(), w),
  describe: (_ctx, w) => describeBackoffice(w, 'customer group'),
  incoming: (ctx) => [
    {
      entity: ENTITY,
      id: String(ctx.value.customer_group_id),
      print: print({ code: ctx.value.customer_group_code, tax_class_id: ctx.value.tax_class_id }),
    },
  ],
  written: (ctx) => [
    {
      entity: ENTITY,
      id: String(ctx.value.customer_group_id),
      print: print({ code: ctx.value.customer_group_code, tax_class_id: ctx.value.tax_class_id }),
    },
  ],
});

defineSteps('com.adobe.commerce.observer.customer_group_delete_commit_after', {
  transform: (ctx): BackofficeWrite => ({ resource: 'customer-groups', id: String(ctx.value.customer_group_id) }),
  send: (ctx, w) => sendToBackoffice(ctx.backoffice(), w),
  describe: (_ctx, w) => describeBackoffice(w, 'customer group'),
  incoming: (ctx) => [{ entity: ENTITY, id: String(ctx.value.customer_group_id), print: { deleted: true } }],
  written: (ctx) => [{ entity: ENTITY, id: String(ctx.value.customer_group_id), print: { deleted: true } }],
});
