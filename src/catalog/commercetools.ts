/**
 * Catalog entries beyond the starter kit: commercetools subscription messages and thin
 * (identifier-only) back-office events. Declared like the kit's events (one entry each:
 * schema, sample, label, route), so onboarding, the consumers, the handlers and the
 * traces see them with no other change.
 *
 * Both kinds are published by our own ingestion actions under the back-office provider and
 * handled by writing to Commerce, so their direction is `backoffice` and they ride in the
 * back-office packages (`customer-backoffice`, `product-backoffice`). Their CloudEvent
 * `data` is the payload as received (a commercetools `Message` or change notification; the
 * thin event's value), not wrapped.
 *
 * commercetools sends one of two payload families to a subscription destination:
 * - `Message` (notificationType "Message"): `id` (the message id), `version`,
 *   `sequenceNumber`, `resource {typeId, id}`, `resourceVersion`, `type` (e.g.
 *   "CustomerCreated"), `createdAt`, `lastModifiedAt`, `resourceUserProvidedIdentifiers`
 *   and message-specific fields;
 * - change notifications (notificationType "ResourceCreated" | "ResourceUpdated" |
 *   "ResourceDeleted"): `resource`, `version` (the resource's version), `oldVersion`
 *   (updates), `modifiedAt`, `resourceUserProvidedIdentifiers`.
 * They carry the resource id only; the handler looks the full resource up (the `lookup`
 * step) before writing it to Commerce.
 *
 * ROUTES (data, after the commercetools connector's `application-connector.yml`): a
 * notification goes to the catalog event of the first route whose `typeId` matches and
 * whose inclusion filter lists the notification's kind (the Message `type`, or the change
 * notification's `notificationType`). Anything else is acknowledged and dropped. Users
 * replace, add or disable routes with the COMMERCETOOLS_ROUTES input (see
 * src/ingest/sources/commercetools/routes.ts).
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { CatalogEntry } from './types';
import { defineEvent, type EventDeclaration } from './events';

// ---------------------------------------------------------------- schemas

const open = { additionalProperties: true } as const;

const Resource = Type.Object(
  {
    typeId: Type.String({ minLength: 1, description: 'commercetools resource type, e.g. customer, product' }),
    id: Type.String({ minLength: 1, maxLength: 256, description: 'commercetools resource id' }),
  },
  open,
);

const UserProvidedIdentifiers = Type.Object(
  {
    key: Type.Optional(Type.String()),
    externalId: Type.Optional(Type.String()),
    customerNumber: Type.Optional(Type.String()),
    sku: Type.Optional(Type.String()),
    orderNumber: Type.Optional(Type.String()),
  },
  open,
);

/** A commercetools `Message` as a subscription delivers it. */
export const CommercetoolsMessage = Type.Object(
  {
    notificationType: Type.Literal('Message'),
    projectKey: Type.String({ minLength: 1 }),
    id: Type.String({ minLength: 1, maxLength: 256, description: 'message id: becomes the CloudEvent id' }),
    version: Type.Integer({ minimum: 0 }),
    sequenceNumber: Type.Integer({ minimum: 0 }),
    resource: Resource,
    resourceVersion: Type.Integer({ minimum: 0, description: 'version of the resource after the change' }),
    resourceUserProvidedIdentifiers: Type.Optional(UserProvidedIdentifiers),
    type: Type.String({ minLength: 1, description: 'message type, e.g. CustomerCreated' }),
    createdAt: Type.String({ format: 'date-time' }),
    lastModifiedAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  open,
);

/** A commercetools change notification (`ResourceCreated` / `ResourceUpdated` / `ResourceDeleted`). */
export const CommercetoolsChange = Type.Object(
  {
    notificationType: Type.Union([
      Type.Literal('ResourceCreated'),
      Type.Literal('ResourceUpdated'),
      Type.Literal('ResourceDeleted'),
    ]),
    projectKey: Type.String({ minLength: 1 }),
    resource: Resource,
    resourceUserProvidedIdentifiers: Type.Optional(UserProvidedIdentifiers),
    version: Type.Integer({ minimum: 0, description: 'version of the resource after the change' }),
    oldVersion: Type.Optional(Type.Integer({ minimum: 0 })),
    modifiedAt: Type.String({ format: 'date-time' }),
  },
  open,
);

export const CommercetoolsNotification = Type.Union([CommercetoolsMessage, CommercetoolsChange]);
export type CommercetoolsNotification = Static<typeof CommercetoolsNotification>;
export type CommercetoolsMessage = Static<typeof CommercetoolsMessage>;
export type CommercetoolsChange = Static<typeof CommercetoolsChange>;

/**
 * A thin event (Norce [Storm] Event style): identifiers and a hint of what changed, no data.
 * The handler looks the product up in the query API (LOOKUP_BASE_URL) through a TTL cache.
 */
export const ThinProductChanged = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 64, description: 'the product to look up' }),
    entityChanged: Type.Optional(
      Type.Union([Type.String(), Type.Array(Type.String())], {
        description: 'what changed, e.g. "Price" or ["Price", "OnHand"]',
      }),
    ),
    clientId: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
    applicationId: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
  },
  open,
);

// ---------------------------------------------------------------- helpers

/** The kind an inclusion filter matches: the Message `type`, or the change notification's `notificationType`. */
export function notificationKind(n: CommercetoolsNotification): string {
  return n.notificationType === 'Message' ? (n as CommercetoolsMessage).type : n.notificationType;
}

/** The resource version a notification leaves the resource at. */
export function resourceVersionOf(n: CommercetoolsNotification): number {
  return n.notificationType === 'Message'
    ? (n as CommercetoolsMessage).resourceVersion
    : (n as CommercetoolsChange).version;
}

/** commercetools and thin events enter from the back-office side, like the kit's be-observer events */
function defineExtension<Sc extends TSchema, C extends string>(
  d: Omit<EventDeclaration<Sc, C>, 'direction'>,
): CatalogEntry<Sc, C> {
  return defineEvent({ ...d, direction: 'backoffice' });
}

export const ctCustomerUpsert = defineExtension({
  code: 'commercetools.connect.customer.upsert',
  entity: 'customer',
  operation: 'upsert',
  label: 'commercetools customer created or updated',
  description:
    'A customer changed in commercetools; it is looked up in the commercetools API and created or updated in Commerce.',
  schema: CommercetoolsNotification,
  sample: {
    notificationType: 'Message',
    projectKey: 'fluent-ct-dev',
    id: '85c1c53e-75c8-413a-b8f5-08701292486e',
    version: 1,
    sequenceNumber: 1,
    resource: { typeId: 'customer', id: '14a4ef54-957d-4148-b0be-de8d0fbc411d' },
    resourceVersion: 1,
    resourceUserProvidedIdentifiers: {},
    type: 'CustomerCreated',
    createdAt: '2022-07-27T06:11:11.021Z',
    lastModifiedAt: '2022-07-27T06:11:11.021Z',
  },
  entityId: (v) => v.resource.id,
});

export const ctCustomerDelete = defineExtension({
  code: 'commercetools.connect.customer.delete',
  entity: 'customer',
  operation: 'delete',
  label: 'commercetools customer deleted',
  description: 'A customer was deleted in commercetools; the Commerce customer synced from it is deleted.',
  schema: CommercetoolsNotification,
  // the commercetools connector's own sample message
  sample: {
    notificationType: 'Message',
    projectKey: 'fluent-ct-dev',
    id: '85c1c53e-75c8-413a-b8f5-08701292486e',
    version: 1,
    sequenceNumber: 3,
    resource: { typeId: 'customer', id: '14a4ef54-957d-4148-b0be-de8d0fbc411d' },
    resourceVersion: 3,
    resourceUserProvidedIdentifiers: {},
    type: 'CustomerDeleted',
    createdAt: '2022-07-27T06:11:11.021Z',
    lastModifiedAt: '2022-07-27T06:11:11.021Z',
  },
  entityId: (v) => v.resource.id,
});

export const ctProductUpsert = defineExtension({
  code: 'commercetools.connect.product.upsert',
  entity: 'product',
  operation: 'upsert',
  label: 'commercetools product created or updated',
  description:
    'A product changed in commercetools; it is looked up in the commercetools API and saved in Commerce by SKU.',
  schema: CommercetoolsNotification,
  sample: {
    notificationType: 'ResourceUpdated',
    projectKey: 'fluent-ct-dev',
    resource: { typeId: 'product', id: '2b5c1b7e-4a0e-4a8f-9d4b-2f1f6f0e6a11' },
    resourceUserProvidedIdentifiers: { key: 'duffle-bag' },
    version: 7,
    oldVersion: 6,
    modifiedAt: '2022-07-27T06:11:11.021Z',
  },
  entityId: (v) => v.resource.id,
});

export const ctProductDelete = defineExtension({
  code: 'commercetools.connect.product.delete',
  entity: 'product',
  operation: 'delete',
  label: 'commercetools product deleted',
  description: 'A product was deleted in commercetools; the Commerce product synced from it is deleted.',
  schema: CommercetoolsNotification,
  sample: {
    notificationType: 'ResourceDeleted',
    projectKey: 'fluent-ct-dev',
    resource: { typeId: 'product', id: '2b5c1b7e-4a0e-4a8f-9d4b-2f1f6f0e6a11' },
    resourceUserProvidedIdentifiers: { key: 'duffle-bag' },
    version: 8,
    modifiedAt: '2022-07-27T06:11:11.021Z',
  },
  entityId: (v) => v.resource.id,
});

export const thinProductChanged = defineExtension({
  code: 'thin.product.changed',
  entity: 'product',
  operation: 'upsert',
  label: 'Product changed (thin event)',
  description:
    'A product changed in the back office; the event carries only its SKU, the product is looked up in the query API (cached) and saved in Commerce.',
  schema: ThinProductChanged,
  sample: { sku: 'SKU-EXT-0001', entityChanged: ['Price'], clientId: 1, applicationId: 1 },
  entityId: (v) => v.sku,
});

/** Every extension entry; included in the catalog by src/catalog/index.ts. */
export const extensionEntries = [
  ctCustomerUpsert,
  ctCustomerDelete,
  ctProductUpsert,
  ctProductDelete,
  thinProductChanged,
] as const;

// ---------------------------------------------------------------- routes (data)

export interface CommercetoolsRoute {
  /** the catalog event code a matching notification becomes */
  route: string;
  /** commercetools resource type, e.g. customer */
  typeId: string;
  /**
   * notification kinds that pass: Message types (`CustomerCreated`) or change notification
   * types (`ResourceUpdated`); a trailing `*` matches a prefix (`Customer*`)
   */
  inclusionFilter: readonly string[];
}

/** The default routes, first match wins. */
export const commercetoolsRoutes: readonly CommercetoolsRoute[] = [
  {
    route: 'commercetools.connect.customer.upsert',
    typeId: 'customer',
    inclusionFilter: [
      'ResourceCreated',
      'ResourceUpdated',
      'CustomerCreated',
      'CustomerEmailChanged',
      'CustomerFirstNameSet',
      'CustomerLastNameSet',
      'CustomerTitleSet',
      'CustomerAddressAdded',
      'CustomerAddressChanged',
      'CustomerGroupSet',
    ],
  },
  {
    route: 'commercetools.connect.customer.delete',
    typeId: 'customer',
    inclusionFilter: ['ResourceDeleted', 'CustomerDeleted'],
  },
  {
    route: 'commercetools.connect.product.upsert',
    typeId: 'product',
    inclusionFilter: [
      'ResourceCreated',
      'ResourceUpdated',
      'ProductCreated',
      'ProductPublished',
      'ProductPriceChanged',
      'ProductSlugChanged',
      'ProductVariantAdded',
    ],
  },
  {
    route: 'commercetools.connect.product.delete',
    typeId: 'product',
    inclusionFilter: ['ResourceDeleted', 'ProductDeleted'],
  },
];
