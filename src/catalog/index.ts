/**
 * THE event catalog: every event is declared once, here, and everything else (routing,
 * validation, onboarding, events.config.json) is derived from it. See `events.ts` for the entries, `types.ts` for
 * the entry shape, `prefix.ts` for EVENT_PREFIX and `providers.ts` for provider labels.
 *
 * CloudEvent `data` is asymmetric, faithful to the starter kit:
 * - Commerce events (`com.adobe.commerce.observer.*`): `data = { value: {...} }`;
 * - back-office events (published by `ingestion/webhook`): `data` = the value itself.
 * `valueOf` / `dataOf` hide the difference.
 */
import { entries } from './events';
import { extensionEntries } from './commercetools';
import { stripPrefix } from './prefix';
import type { CatalogEntry, Direction, Entity, PackageName } from './types';

export * from './types';
export { prefixedCode, stripPrefix } from './prefix';
export { BACKOFFICE_PROVIDER, COMMERCE_PROVIDER, PROVIDERS, providerLabel } from './providers';
export type { ProviderDefinition } from './providers';
export * as events from './events';

/** the starter kit's events, then commercetools messages and thin events (commercetools.ts) */
const all = [...entries, ...extensionEntries] as const;
type Entries = typeof all;
/** Every catalog event code, as a string literal union. */
export type EventCode = Entries[number]['code'];
/** The catalog entry of one code. */
export type EntryOf<C extends EventCode> = Extract<Entries[number], { code: C }>;
/** The TypeScript type of an event's value, inferred from its schema. */
export type EventValue<C extends EventCode> = EntryOf<C>['sample'];

export const catalog: readonly CatalogEntry[] = all;

const byCode: ReadonlyMap<string, CatalogEntry> = new Map(catalog.map((e) => [e.code, e]));

/**
 * The entry of a code as delivered or posted, with an optional EVENT_PREFIX stripped first
 * (the kit's joining rule, see prefix.ts). Unknown codes: undefined.
 */
export function findEvent(code: string, prefix?: string): CatalogEntry | undefined {
  return byCode.get(code) ?? (prefix ? byCode.get(stripPrefix(code, prefix)) : undefined);
}

export function isEventCode(code: string): code is EventCode {
  return byCode.has(code);
}

export function eventsOf(filter: { direction?: Direction; entity?: Entity; package?: PackageName }): CatalogEntry[] {
  return catalog.filter(
    (e) =>
      (filter.direction === undefined || e.direction === filter.direction) &&
      (filter.entity === undefined || e.entity === filter.entity) &&
      (filter.package === undefined || e.package === filter.package),
  );
}

/** Every runtime package that has a consumer and a handler, in catalog order. */
export const packages: readonly PackageName[] = [...new Set(catalog.map((e) => e.package))];

/** The entity payload inside a CloudEvent's `data` (Commerce wraps it in `{value}`). */
export function valueOf(entry: CatalogEntry, data: unknown): unknown {
  if (!entry.dataWrapsValue) return data;
  return typeof data === 'object' && data !== null && !Array.isArray(data)
    ? (data as { value?: unknown }).value
    : undefined;
}

/** The CloudEvent `data` carrying a value (Commerce wraps it in `{value}`). */
export function dataOf(entry: CatalogEntry, value: unknown): unknown {
  return entry.dataWrapsValue ? { value } : value;
}
