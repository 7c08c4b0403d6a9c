/**
 * THE event catalog: every event the app knows, declared once.
 *
 * Adding an event is one `defineEvent` entry here (plus a transform step in the handler
 * when the target needs one): the webhook validates with `schema`, onboarding registers
 * `label`/`description` as I/O Events metadata, the routing table sends it to `handler`.
 *
 * Samples are the starter kit's own (`scripts/onboarding/config/events.json`, Apache-2.0):
 * they must pass unchanged, since kit users already send these shapes.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import * as S from './schemas';
import type { CatalogEntry, Direction, Entity, Operation, PackageName } from './types';

export interface EventDeclaration<Sc extends TSchema, C extends string> {
  code: C;
  entity: Entity;
  direction: Direction;
  operation: Operation;
  label: string;
  description: string;
  schema: Sc;
  sample: Static<Sc>;
  entityId(value: Static<Sc>): string | undefined;
}

export function defineEvent<Sc extends TSchema, C extends string>(d: EventDeclaration<Sc, C>): CatalogEntry<Sc, C> {
  const pkg: PackageName = `${d.entity}-${d.direction}`;
  return Object.freeze({
    ...d,
    dataWrapsValue: d.direction === 'commerce',
    package: pkg,
    handler: `${pkg}/handler`,
    consumer: `${pkg}/consumer`,
  });
}

const str = (v: string | number | undefined): string | undefined => (v === undefined ? undefined : String(v));

// ---------------------------------------------------------------- back office → Commerce

export const productCreate = defineEvent({
  code: 'be-observer.catalog_product_create',
  entity: 'product',
  direction: 'backoffice',
  operation: 'create',
  label: 'Back-office product created',
  description: 'A product was created in the back office; it is created in Commerce (POST V1/products).',
  schema: S.BackofficeProductCreate,
  sample: {
    sku: 'SKU-EXT-0001',
    name: 'Product Created Externally',
    price: 0.0,
    description: 'This is a sample product created externally',
  },
  entityId: (v) => v.sku,
});

export const productUpdate = defineEvent({
  code: 'be-observer.catalog_product_update',
  entity: 'product',
  direction: 'backoffice',
  operation: 'update',
  label: 'Back-office product updated',
  description: 'A product was updated in the back office; it is updated in Commerce (PUT V1/products/{sku}).',
  schema: S.BackofficeProductUpdate,
  sample: {
    sku: 'SKU-EXT-0001',
    name: 'Product Created Externally',
    price: 99.99,
    description: 'This is a sample product created externally',
  },
  entityId: (v) => v.sku,
});

export const productDelete = defineEvent({
  code: 'be-observer.catalog_product_delete',
  entity: 'product',
  direction: 'backoffice',
  operation: 'delete',
  label: 'Back-office product deleted',
  description: 'A product was deleted in the back office; it is deleted in Commerce (DELETE V1/products/{sku}).',
  schema: S.BackofficeProductDelete,
  sample: { sku: 'SKU-EXT-0001' },
  entityId: (v) => v.sku,
});

export const customerCreate = defineEvent({
  code: 'be-observer.customer_create',
  entity: 'customer',
  direction: 'backoffice',
  operation: 'create',
  label: 'Back-office customer created',
  description: 'A customer was created in the back office; it is created in Commerce (POST V1/customers).',
  schema: S.BackofficeCustomerCreate,
  sample: { name: 'Jane', lastname: 'Doe', email: 'jane.doe@fakedomain.com' },
  entityId: (v) => v.email,
});

export const customerUpdate = defineEvent({
  code: 'be-observer.customer_update',
  entity: 'customer',
  direction: 'backoffice',
  operation: 'update',
  label: 'Back-office customer updated',
  description: 'A customer was updated in the back office; it is updated in Commerce (PUT V1/customers/{id}).',
  schema: S.BackofficeCustomerUpdate,
  sample: { id: 15, name: 'Jane', lastname: 'Doe', email: 'jane.doe@fakedomain.com' },
  entityId: (v) => str(v.id),
});

export const customerDelete = defineEvent({
  code: 'be-observer.customer_delete',
  entity: 'customer',
  direction: 'backoffice',
  operation: 'delete',
  label: 'Back-office customer deleted',
  description: 'A customer was deleted in the back office; it is deleted in Commerce (DELETE V1/customers/{id}).',
  schema: S.BackofficeCustomerDelete,
  sample: { id: 15 },
  entityId: (v) => str(v.id),
});

export const customerGroupCreate = defineEvent({
  code: 'be-observer.customer_group_create',
  entity: 'customer-group',
  direction: 'backoffice',
  operation: 'create',
  label: 'Back-office customer group created',
  description: 'A customer group was created in the back office; it is created in Commerce (POST V1/customerGroups).',
  schema: S.BackofficeCustomerGroupCreate,
  sample: { name: 'Backoffice Group', taxClassId: 3 },
  entityId: (v) => v.name,
});

export const customerGroupUpdate = defineEvent({
  code: 'be-observer.customer_group_update',
  entity: 'customer-group',
  direction: 'backoffice',
  operation: 'update',
  label: 'Back-office customer group updated',
  description:
    'A customer group was updated in the back office; it is updated in Commerce (PUT V1/customerGroups/{id}).',
  schema: S.BackofficeCustomerGroupUpdate,
  sample: { id: 19, name: 'Backoffice Group', taxClassId: 2 },
  entityId: (v) => str(v.id),
});

export const customerGroupDelete = defineEvent({
  code: 'be-observer.customer_group_delete',
  entity: 'customer-group',
  direction: 'backoffice',
  operation: 'delete',
  label: 'Back-office customer group deleted',
  description:
    'A customer group was deleted in the back office; it is deleted in Commerce (DELETE V1/customerGroups/{id}).',
  schema: S.BackofficeCustomerGroupDelete,
  sample: { id: 19 },
  entityId: (v) => str(v.id),
});

export const orderStatusUpdate = defineEvent({
  code: 'be-observer.sales_order_status_update',
  entity: 'order',
  direction: 'backoffice',
  operation: 'update',
  label: 'Back-office order status updated',
  description:
    'An order changed status in the back office; the status is set in Commerce (POST V1/orders/{id}/comments).',
  schema: S.BackofficeOrderStatusUpdate,
  sample: { id: 1, status: 'shipped', notifyCustomer: false },
  entityId: (v) => str(v.id),
});

export const shipmentCreate = defineEvent({
  code: 'be-observer.sales_order_shipment_create',
  entity: 'order',
  direction: 'backoffice',
  operation: 'create',
  label: 'Back-office shipment created',
  description:
    'An order was shipped from the back office; a shipment is created in Commerce (POST V1/order/{orderId}/ship).',
  schema: S.BackofficeShipmentCreate,
  sample: {
    orderId: 8,
    items: [{ orderItemId: 8, qty: 1 }],
    tracks: [{ trackNumber: 'Custom Value', title: 'Custom Title', carrierCode: 'custom' }],
    comment: { comment: 'Order Shipped in Backoffice', visibleOnFront: true },
    stockSourceCode: 'default',
  },
  entityId: (v) => str(v.orderId),
});

export const shipmentUpdate = defineEvent({
  code: 'be-observer.sales_order_shipment_update',
  entity: 'order',
  direction: 'backoffice',
  operation: 'update',
  label: 'Back-office shipment updated',
  description: 'A shipment was changed in the back office; it is updated in Commerce (POST V1/shipment).',
  schema: S.BackofficeShipmentUpdate,
  sample: {
    id: 33,
    orderId: 8,
    items: [{ entityId: 19, orderItemId: 8, qty: 1 }],
    tracks: [{ entityId: 19, trackNumber: 'Custom Value Upd', title: 'Custom Title Upd', carrierCode: 'custom' }],
    comments: [
      { entityId: 19, notifyCustomer: false, comment: 'Order Shipment Updated in Backoffice', visibleOnFront: true },
    ],
    stockSourceCode: 'default',
  },
  entityId: (v) => str(v.orderId),
});

export const stockUpdate = defineEvent({
  code: 'be-observer.catalog_stock_update',
  entity: 'stock',
  direction: 'backoffice',
  operation: 'upsert',
  label: 'Back-office stock updated',
  description:
    'Stock quantities changed in the back office; source items are saved in Commerce (POST V1/inventory/source-items).',
  schema: S.BackofficeStockUpdate,
  sample: [{ sku: 'SKU-EXT-0001', source: 'default', quantity: 66, outOfStock: false }],
  entityId: (v) => v.map((item) => item.sku).join(','),
});

// ---------------------------------------------------------------- Commerce → back office

export const commerceProductSave = defineEvent({
  code: 'com.adobe.commerce.observer.catalog_product_save_commit_after',
  entity: 'product',
  direction: 'commerce',
  operation: 'upsert',
  label: 'Commerce product saved',
  description: 'A product was created or updated in Commerce; it is sent to the back office.',
  schema: S.CommerceProduct,
  sample: {
    id: 2,
    sku: '24-MB01',
    name: 'Joust Duffle Bag',
    created_at: '2024-06-12 16:31:43',
    updated_at: '2024-08-05 10:03:49',
    description: 'Comfortable sporty duffel bag',
  },
  entityId: (v) => v.sku,
});

export const commerceProductDelete = defineEvent({
  code: 'com.adobe.commerce.observer.catalog_product_delete_commit_after',
  entity: 'product',
  direction: 'commerce',
  operation: 'delete',
  label: 'Commerce product deleted',
  description: 'A product was deleted in Commerce; it is deleted in the back office.',
  schema: S.CommerceProduct,
  sample: {
    id: 2,
    sku: '24-MB01',
    name: 'Joust Duffle Bag',
    created_at: '2024-06-12 16:31:43',
    updated_at: '2024-08-05 10:03:49',
    description: 'Comfortable sporty duffel bag',
  },
  entityId: (v) => v.sku,
});

export const commerceCustomerSave = defineEvent({
  code: 'com.adobe.commerce.observer.customer_save_commit_after',
  entity: 'customer',
  direction: 'commerce',
  operation: 'upsert',
  label: 'Commerce customer saved',
  description: 'A customer was created or updated in Commerce; it is sent to the back office.',
  schema: S.CommerceCustomer,
  sample: {
    id: 123,
    firstname: 'John',
    lastname: 'Doe',
    email: 'john.doe@fakedomain.com',
    created_at: '2024-06-12 16:31:43',
    updated_at: '2024-08-05 10:03:49',
  },
  entityId: (v) => str(v.id),
});

export const commerceCustomerDelete = defineEvent({
  code: 'com.adobe.commerce.observer.customer_delete_commit_after',
  entity: 'customer',
  direction: 'commerce',
  operation: 'delete',
  label: 'Commerce customer deleted',
  description: 'A customer was deleted in Commerce; it is deleted in the back office.',
  schema: S.CommerceCustomer,
  sample: { id: 123, firstname: 'John', lastname: 'Doe', email: 'john.doe@fakedomain.com' },
  entityId: (v) => str(v.id),
});

export const commerceCustomerGroupSave = defineEvent({
  code: 'com.adobe.commerce.observer.customer_group_save_commit_after',
  entity: 'customer-group',
  direction: 'commerce',
  operation: 'upsert',
  label: 'Commerce customer group saved',
  description: 'A customer group was created or updated in Commerce; it is sent to the back office.',
  schema: S.CommerceCustomerGroup,
  sample: {
    customer_group_code: 'VIP',
    tax_class_id: 3,
    extension_attributes: { exclude_website_ids: [] },
    customer_group_id: '18',
  },
  entityId: (v) => str(v.customer_group_id),
});

export const commerceCustomerGroupDelete = defineEvent({
  code: 'com.adobe.commerce.observer.customer_group_delete_commit_after',
  entity: 'customer-group',
  direction: 'commerce',
  operation: 'delete',
  label: 'Commerce customer group deleted',
  description: 'A customer group was deleted in Commerce; it is deleted in the back office.',
  schema: S.CommerceCustomerGroup,
  sample: { customer_group_code: 'VIP', customer_group_id: '18', tax_class_id: '3' },
  entityId: (v) => str(v.customer_group_id),
});

export const commerceOrderSave = defineEvent({
  code: 'com.adobe.commerce.observer.sales_order_save_commit_after',
  entity: 'order',
  direction: 'commerce',
  operation: 'upsert',
  label: 'Commerce order saved',
  description: 'An order was placed or changed in Commerce; it is sent to the back office.',
  schema: S.CommerceOrder,
  sample: { id: '12', increment_id: '000000012', created_at: '2024-08-05 14:34:19', updated_at: '2024-08-05 14:34:19' },
  entityId: (v) => str(v.id),
});

/** The kit's Commerce stock item sample; a variable, so its extra fields pass the type check. */
const kitStockItem = {
  item_id: '25',
  product_id: '27',
  stock_id: 1,
  qty: '0',
  min_qty: '0',
  use_config_min_qty: '1',
  is_qty_decimal: '0',
  backorders: '0',
  use_config_backorders: '1',
  min_sale_qty: '1',
  use_config_min_sale_qty: '1',
  max_sale_qty: '10000',
  use_config_max_sale_qty: '1',
  is_in_stock: '0' as const,
  low_stock_date: '2024-08-05 14:37:59',
  notify_stock_qty: '1',
  use_config_notify_stock_qty: '1',
  manage_stock: '1',
  use_config_manage_stock: '1',
  stock_status_changed_auto: '0',
  use_config_qty_increments: '1',
  qty_increments: '1',
  use_config_enable_qty_inc: '1',
  enable_qty_increments: '0',
  is_decimal_divided: 0,
  website_id: 0,
  deferred_stock_update: '0',
  use_config_deferred_stock_update: '1',
  type_id: 'simple',
  min_qty_allowed_in_shopping_cart: [{ customer_group_id: '32000', min_sale_qty: '', record_id: '0' }],
};

export const commerceStockItemSave = defineEvent({
  code: 'com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after',
  entity: 'stock',
  direction: 'commerce',
  operation: 'upsert',
  label: 'Commerce stock item saved',
  description: 'A stock item changed in Commerce; its quantity and status are sent to the back office.',
  schema: S.CommerceStockItem,
  // the kit's stock item carries many more fields than the schema names (it is open)
  sample: kitStockItem,
  entityId: (v) => str(v.product_id),
});

/** Every entry, back-office events first, in the order of the starter kit's catalog. */
export const entries = [
  productCreate,
  productUpdate,
  productDelete,
  customerCreate,
  customerUpdate,
  customerDelete,
  customerGroupCreate,
  customerGroupUpdate,
  customerGroupDelete,
  orderStatusUpdate,
  shipmentCreate,
  shipmentUpdate,
  stockUpdate,
  commerceProductSave,
  commerceProductDelete,
  commerceCustomerSave,
  commerceCustomerDelete,
  commerceCustomerGroupSave,
  commerceCustomerGroupDelete,
  commerceOrderSave,
  commerceStockItemSave,
] as const;
