/** Default steps of the order and shipment events, both directions. */
import type { CommerceShipmentEntity, CommerceShipmentRequest, CommerceStatusHistory } from '../../../clients/commerce';
import { defineSteps } from '../registry';
import { BackofficeWrite, compact, describeBackoffice, num, sendToBackoffice } from './shared';

const ENTITY = 'order';
const bit = (b: boolean | undefined): 0 | 1 => (b ? 1 : 0);

// ------------------------------------------------------------ back office → Commerce

/** The kit adds a status-history comment; with `status` set, Commerce also moves the order to it. */
defineSteps('be-observer.sales_order_status_update', {
  transform: (ctx): CommerceStatusHistory => ({
    comment: ctx.value.comment ?? `Order status changed to ${ctx.value.status}`,
    status: ctx.value.status,
    is_customer_notified: bit(ctx.value.notifyCustomer),
    is_visible_on_front: 1,
  }),
  send: (ctx, history) => ctx.commerce().addOrderComment(ctx.value.id, history),
  describe: (ctx) => `order ${ctx.value.id} status set to ${ctx.value.status} in Commerce`,
  written: (ctx) => [{ entity: ENTITY, id: String(ctx.value.id), print: { status: ctx.value.status } }],
  incoming: (ctx) => [{ entity: ENTITY, id: String(ctx.value.id), print: { status: ctx.value.status } }],
});

defineSteps('be-observer.sales_order_shipment_create', {
  transform: (ctx): CommerceShipmentRequest => {
    const v = ctx.value;
    return {
      items: v.items.map((i) => ({ order_item_id: i.orderItemId, qty: i.qty })),
      tracks: v.tracks.map((t) => ({ track_number: t.trackNumber, title: t.title, carrier_code: t.carrierCode })),
      comment: { comment: v.comment.comment, is_visible_on_front: bit(v.comment.visibleOnFront) },
      arguments: { extension_attributes: { source_code: v.stockSourceCode } },
    };
  },
  send: (ctx, shipment) => ctx.commerce().createShipment(ctx.value.orderId, shipment),
  describe: (ctx) => `shipment created for order ${ctx.value.orderId} in Commerce`,
});

defineSteps('be-observer.sales_order_shipment_update', {
  transform: (ctx): CommerceShipmentEntity => {
    const v = ctx.value;
    return {
      entity_id: v.id,
      order_id: v.orderId,
      items: v.items.map((i) => ({ entity_id: i.entityId, order_item_id: i.orderItemId, qty: i.qty })),
      tracks: v.tracks.map((t) => ({
        entity_id: t.entityId,
        order_id: v.orderId,
        track_number: t.trackNumber,
        title: t.title,
        carrier_code: t.carrierCode,
      })),
      comments: v.comments.map((c) => ({
        entity_id: c.entityId,
        is_customer_notified: bit(c.notifyCustomer),
        comment: c.comment,
        is_visible_on_front: bit(c.visibleOnFront),
      })),
      extension_attributes: { source_code: v.stockSourceCode },
    };
  },
  send: (ctx, entity) => ctx.commerce().updateShipment(entity),
  describe: (ctx) => `shipment ${ctx.value.id} of order ${ctx.value.orderId} updated in Commerce`,
});

// ------------------------------------------------------------ Commerce → back office

defineSteps('com.adobe.commerce.observer.sales_order_save_commit_after', {
  transform: (ctx): BackofficeWrite => {
    const v = ctx.value;
    return {
      resource: 'orders',
      id: String(v.id),
      body: compact({
        id: num(v.id),
        incrementId: v.increment_id,
        state: v.state,
        status: v.status,
        customerEmail: v.customer_email,
        grandTotal: num(v.grand_total),
        createdAt: v.created_at,
        updatedAt: v.updated_at,
      }),
    };
  },
  send: (ctx, w) => sendToBackoffice(ctx.backoffice(), w),
  describe: (_ctx, w) => describeBackoffice(w, 'order'),
  incoming: (ctx) => [{ entity: ENTITY, id: String(ctx.value.id), print: { status: ctx.value.status } }],
  written: (ctx) => [{ entity: ENTITY, id: String(ctx.value.id), print: { status: ctx.value.status } }],
});
