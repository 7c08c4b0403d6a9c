/**
 * JSON Schemas of the event values, declared with TypeBox so the TypeScript types are
 * inferred from the very same declaration.
 *
 * Back-office schemas keep the starter kit's field names and required fields (its users
 * already send these shapes), tightened where the Commerce API would reject the value
 * anyway (empty SKU, SKU over 64 characters, negative quantity, malformed email). Where the
 * kit allowed extra fields (`additionalProperties: true`) we do too; where it refused them
 * (deletes, shipments) we refuse them too.
 *
 * Commerce schemas describe what Adobe Commerce's eventing module sends: numbers often
 * arrive as strings (`"customer_group_id": "18"`, `"qty": "0"`), timestamps as
 * `YYYY-MM-DD hh:mm:ss`, and every entity carries many more fields than listed here.
 */
import { Type } from '@sinclair/typebox';

// ---------------------------------------------------------------- building blocks

const Sku = Type.String({ minLength: 1, maxLength: 64, description: 'Commerce SKU (1 to 64 characters)' });
const PositiveId = Type.Integer({ minimum: 1 });
const Email = Type.String({ format: 'email', maxLength: 255 });
const Name = Type.String({ minLength: 1, maxLength: 255 });

/** Commerce sends ids as numbers or as digit strings, depending on the entity and the version. */
const CommerceId = Type.Union([Type.Integer({ minimum: 0 }), Type.String({ pattern: '^[0-9]+$' })]);
/** Commerce decimals: a number or its string form (`"0"`, `"10.0000"`). */
const CommerceDecimal = Type.Union([Type.Number(), Type.String({ pattern: '^-?[0-9]+(\\.[0-9]+)?$' })]);
/** Commerce flags: `"0"`/`"1"`, 0/1 or a boolean. */
const CommerceFlag = Type.Union([
  Type.Boolean(),
  Type.Integer({ minimum: 0, maximum: 1 }),
  Type.Literal('0'),
  Type.Literal('1'),
]);
const CommerceTimestamp = Type.String({ description: 'Commerce time, `YYYY-MM-DD hh:mm:ss` in UTC' });

const open = { additionalProperties: true } as const;
const closed = { additionalProperties: false } as const;

// ---------------------------------------------------------------- back office → Commerce

const productOptional = {
  status: Type.Optional(Type.Integer({ minimum: 1, maximum: 2, description: '1 enabled, 2 disabled' })),
  visibility: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 4, description: '1 not visible ... 4 catalog and search' }),
  ),
  weight: Type.Optional(Type.Number({ minimum: 0 })),
  typeId: Type.Optional(
    Type.String({ minLength: 1, description: 'simple, virtual, configurable, ...; default simple' }),
  ),
  attributeSetId: Type.Optional(PositiveId),
};

export const BackofficeProductCreate = Type.Object(
  {
    sku: Sku,
    name: Name,
    price: Type.Optional(Type.Number({ minimum: 0 })),
    description: Type.String(),
    ...productOptional,
  },
  open,
);

export const BackofficeProductUpdate = Type.Object(
  {
    sku: Sku,
    name: Name,
    price: Type.Number({ minimum: 0 }),
    description: Type.String(),
    ...productOptional,
  },
  open,
);

export const BackofficeProductDelete = Type.Object({ sku: Sku }, closed);

const customerOptional = {
  groupId: Type.Optional(Type.Integer({ minimum: 0, description: 'Commerce customer group id' })),
  websiteId: Type.Optional(Type.Integer({ minimum: 0 })),
  storeId: Type.Optional(Type.Integer({ minimum: 0 })),
};

export const BackofficeCustomerCreate = Type.Object(
  { name: Name, lastname: Name, email: Email, ...customerOptional },
  open,
);

export const BackofficeCustomerUpdate = Type.Object(
  { id: PositiveId, name: Name, lastname: Name, email: Email, ...customerOptional },
  open,
);

export const BackofficeCustomerDelete = Type.Object({ id: PositiveId }, closed);

/** Commerce limits a customer group code to 32 characters. */
const GroupName = Type.String({ minLength: 1, maxLength: 32 });

export const BackofficeCustomerGroupCreate = Type.Object({ name: GroupName, taxClassId: PositiveId }, open);

export const BackofficeCustomerGroupUpdate = Type.Object(
  { id: PositiveId, name: GroupName, taxClassId: PositiveId },
  open,
);

export const BackofficeCustomerGroupDelete = Type.Object({ id: PositiveId }, closed);

export const BackofficeOrderStatusUpdate = Type.Object(
  {
    id: PositiveId,
    status: Type.String({ minLength: 1, maxLength: 32 }),
    notifyCustomer: Type.Optional(Type.Boolean()),
    comment: Type.Optional(Type.String({ description: 'added to the order history with the new status' })),
  },
  open,
);

const Qty = Type.Number({ exclusiveMinimum: 0 });

export const BackofficeShipmentCreate = Type.Object(
  {
    orderId: PositiveId,
    items: Type.Array(Type.Object({ orderItemId: PositiveId, qty: Qty }, closed)),
    tracks: Type.Array(
      Type.Object(
        {
          trackNumber: Type.String({ minLength: 1 }),
          title: Type.String(),
          carrierCode: Type.String({ minLength: 1 }),
        },
        closed,
      ),
    ),
    comment: Type.Object({ comment: Type.String(), visibleOnFront: Type.Boolean() }, closed),
    stockSourceCode: Type.String({ minLength: 1 }),
  },
  closed,
);

export const BackofficeShipmentUpdate = Type.Object(
  {
    id: PositiveId,
    orderId: PositiveId,
    items: Type.Array(Type.Object({ entityId: PositiveId, orderItemId: PositiveId, qty: Qty }, closed)),
    tracks: Type.Array(
      Type.Object(
        {
          entityId: PositiveId,
          trackNumber: Type.String({ minLength: 1 }),
          title: Type.String(),
          carrierCode: Type.String({ minLength: 1 }),
        },
        closed,
      ),
    ),
    comments: Type.Array(
      Type.Object(
        {
          entityId: PositiveId,
          notifyCustomer: Type.Boolean(),
          comment: Type.String(),
          visibleOnFront: Type.Boolean(),
        },
        closed,
      ),
    ),
    stockSourceCode: Type.String({ minLength: 1 }),
  },
  closed,
);

/** The kit's stock update is a bare array of source items (not an object). */
export const BackofficeStockUpdate = Type.Array(
  Type.Object(
    {
      sku: Sku,
      source: Type.String({ minLength: 1, description: 'Commerce inventory source code' }),
      quantity: Type.Number({ minimum: 0 }),
      outOfStock: Type.Boolean(),
    },
    open,
  ),
  { minItems: 1, maxItems: 1000 },
);

// ---------------------------------------------------------------- Commerce → back office

export const CommerceProduct = Type.Object(
  {
    id: CommerceId,
    sku: Sku,
    name: Type.Optional(Type.String()),
    price: Type.Optional(CommerceDecimal),
    description: Type.Optional(Type.String()),
    status: Type.Optional(CommerceId),
    type_id: Type.Optional(Type.String()),
    created_at: Type.Optional(CommerceTimestamp),
    updated_at: Type.Optional(CommerceTimestamp),
  },
  open,
);

export const CommerceCustomer = Type.Object(
  {
    id: CommerceId,
    email: Email,
    firstname: Type.Optional(Type.String()),
    lastname: Type.Optional(Type.String()),
    group_id: Type.Optional(CommerceId),
    website_id: Type.Optional(CommerceId),
    created_at: Type.Optional(CommerceTimestamp),
    updated_at: Type.Optional(CommerceTimestamp),
  },
  open,
);

export const CommerceCustomerGroup = Type.Object(
  {
    customer_group_id: CommerceId,
    customer_group_code: Type.String({ minLength: 1 }),
    tax_class_id: Type.Optional(CommerceId),
    extension_attributes: Type.Optional(Type.Object({}, open)),
  },
  open,
);

export const CommerceOrder = Type.Object(
  {
    id: CommerceId,
    increment_id: Type.String({ minLength: 1 }),
    state: Type.Optional(Type.String()),
    status: Type.Optional(Type.String()),
    customer_email: Type.Optional(Type.String()),
    grand_total: Type.Optional(CommerceDecimal),
    created_at: Type.Optional(CommerceTimestamp),
    updated_at: Type.Optional(CommerceTimestamp),
  },
  open,
);

export const CommerceStockItem = Type.Object(
  {
    item_id: Type.Optional(CommerceId),
    product_id: CommerceId,
    stock_id: Type.Optional(CommerceId),
    sku: Type.Optional(Sku),
    qty: CommerceDecimal,
    is_in_stock: Type.Optional(CommerceFlag),
    website_id: Type.Optional(CommerceId),
  },
  open,
);
