/**
 * The shape of one catalog entry: an event is declared once, with its schema, type and routing.
 *
 * A value's JSON Schema and its TypeScript type come from the same TypeBox declaration:
 * `Static<typeof schema>` is the type, the schema object itself is what ajv compiles.
 */
import type { Static, TSchema } from '@sinclair/typebox';

export type Entity = 'product' | 'customer' | 'customer-group' | 'order' | 'stock';

/**
 * Where an event comes from:
 * - `backoffice`: the back office posts it to `ingestion/webhook`; handled by writing to Commerce.
 * - `commerce`: Adobe Commerce emits it (`com.adobe.commerce.observer.*`); handled by
 *   writing to the back-office API.
 */
export type Direction = 'backoffice' | 'commerce';

export type Operation = 'create' | 'update' | 'delete' | 'upsert';

/** Package names follow the starter kit's entity families, one per direction. */
export type PackageName = `${Entity}-${Direction}`;

export interface CatalogEntry<S extends TSchema = TSchema, C extends string = string> {
  /** the event code without any EVENT_PREFIX, e.g. `be-observer.catalog_product_create` */
  readonly code: C;
  readonly entity: Entity;
  readonly direction: Direction;
  readonly operation: Operation;
  /** I/O Events event metadata: label (shown in the Developer Console) */
  readonly label: string;
  /** I/O Events event metadata: description */
  readonly description: string;
  /** JSON Schema of the entity payload (`value`), see `dataWrapsValue` */
  readonly schema: S;
  /**
   * How the value sits in the CloudEvent `data`, faithful to the starter kit:
   * - Commerce events (`com.adobe.commerce.observer.*`) arrive as `data = { value: {...} }`
   *   (that is how Adobe Commerce's eventing module publishes them);
   * - back-office events published by our webhook have `data` = the `value` the back office
   *   sent in `{"data": {"uid", "event", "value"}}`, unwrapped.
   * Use `valueOf(entry, data)` / `dataOf(entry, value)` instead of reading this flag.
   */
  readonly dataWrapsValue: boolean;
  /** the entity payload of the starter kit's sample for this event (passes `schema`) */
  readonly sample: Static<S>;
  /** the runtime package holding the consumer and handler, e.g. `product-backoffice` */
  readonly package: PackageName;
  /** `${package}/handler` */
  readonly handler: string;
  /** `${package}/consumer` */
  readonly consumer: string;
  /** the id of the domain entity this event is about (sku, customer id, ...), for traces and filters */
  entityId(value: Static<S>): string | undefined;
}

/** The value type of a catalog entry. */
export type ValueOf<E> = E extends CatalogEntry<infer S> ? Static<S> : never;
