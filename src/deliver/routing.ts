/**
 * Routing is data, not code (after the commercetools connector's
 * `application-connector.yml`): a table from event code to the handler action, with
 * optional inclusion filters on a field of the event. The table is built from the catalog;
 * users change a route without forking the consumer through the ROUTES_OVERRIDE input:
 *
 *   ROUTES_OVERRIDE='{
 *     "be-observer.catalog_product_update": {"action": "my-pkg/my-handler"},
 *     "com.adobe.commerce.observer.catalog_product_save_commit_after":
 *        {"filters": [{"field": "value.store_id", "include": ["1", "2"]}]},
 *     "be-observer.customer_delete": null
 *   }'
 *
 * - `action` replaces the handler action the event is sent to;
 * - `filters`: every filter must match, or the event is skipped with 200 (it is known and
 *   fine, just not for us); `field` is a dot path into `{id, type, source, data, value}`
 *   where `value` is the entity payload (unwrapped from `data.value` for Commerce events);
 * - `null` disables the route: the event is acknowledged with 200 and not handled.
 * Codes are written without EVENT_PREFIX.
 */
import { RetryableError } from '../kernel/errors';
import { jsonObjectInput } from '../kernel/inputs';

export type FilterValue = string | number | boolean;

export interface InclusionFilter {
  /** dot path into {id, type, source, data, value}, e.g. "value.store_id" */
  field: string;
  /** the event passes when the field's value equals one of these (compared as strings) */
  include: readonly FilterValue[];
}

export interface Route {
  /** event code without EVENT_PREFIX */
  event: string;
  /** the action the consumer invokes, `package/action` */
  action: string;
  filters: readonly InclusionFilter[];
  /** false when disabled by an override */
  enabled: boolean;
}

/** What routing needs from a catalog entry (the catalog's CatalogEntry satisfies it). */
export interface RoutableEntry {
  readonly code: string;
  readonly package: string;
  readonly handler: string;
}

export interface RouteOverride {
  action?: string;
  filters?: InclusionFilter[];
}

export type RoutesOverride = Record<string, RouteOverride | null>;

export type RoutingTable = ReadonlyMap<string, Route>;

export function buildRoutingTable(entries: readonly RoutableEntry[], overrides: RoutesOverride = {}): RoutingTable {
  const table = new Map<string, Route>();
  for (const e of entries) table.set(e.code, { event: e.code, action: e.handler, filters: [], enabled: true });
  for (const [code, o] of Object.entries(overrides)) {
    const base = table.get(code);
    if (!base) {
      throw misconfigured(`routes for unknown event "${code}"`, code);
    }
    if (o === null) {
      table.set(code, { ...base, enabled: false });
      continue;
    }
    table.set(code, {
      ...base,
      ...(o.action === undefined ? {} : { action: o.action }),
      ...(o.filters === undefined ? {} : { filters: o.filters }),
    });
  }
  return table;
}

const ACTION_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@-]*\/[A-Za-z0-9_][A-Za-z0-9_.@-]*$/;

/** Parse ROUTES_OVERRIDE (a JSON string as inputs arrive, or an object); undefined/'' → {}. */
export function parseRoutesOverride(raw: unknown): RoutesOverride {
  const value = jsonObjectInput(raw, 'ROUTES_OVERRIDE', 'event code', (m) => misconfigured(m));
  if (!value) return {};
  const out: RoutesOverride = {};
  for (const [code, o] of Object.entries(value)) {
    if (o === null || o === false) {
      out[code] = null;
      continue;
    }
    if (!isRecord(o)) throw misconfigured(`route "${code}" must be an object or null`, code);
    const route: RouteOverride = {};
    if (o.action !== undefined) {
      if (typeof o.action !== 'string' || !ACTION_NAME.test(o.action)) {
        throw misconfigured(`route "${code}": action must be "package/action"`, `${code}/action`);
      }
      route.action = o.action;
    }
    if (o.filters !== undefined) {
      if (!Array.isArray(o.filters))
        throw misconfigured(`route "${code}": filters must be an array`, `${code}/filters`);
      route.filters = o.filters.map((f: unknown, i) => parseFilter(f, `${code}/filters/${i}`));
    }
    out[code] = route;
  }
  return out;
}

function parseFilter(f: unknown, path: string): InclusionFilter {
  if (!isRecord(f) || typeof f.field !== 'string' || f.field === '' || !Array.isArray(f.include)) {
    throw misconfigured(`filter ${path} must be {"field": "value.x", "include": [..]}`, path);
  }
  const include = f.include.filter((v): v is FilterValue => ['string', 'number', 'boolean'].includes(typeof v));
  if (include.length !== f.include.length)
    throw misconfigured(`filter ${path}: include holds strings, numbers or booleans`, `${path}/include`);
  return { field: f.field, include };
}

/** What the filters look at. */
export interface FilterSubject {
  id?: string;
  type: string;
  source?: string;
  data: unknown;
  value: unknown;
}

/** The first filter that rejects the event, or undefined when all pass. */
export function rejectingFilter(route: Route, subject: FilterSubject): InclusionFilter | undefined {
  for (const f of route.filters) {
    const v = readPath(subject, f.field);
    const hit = (Array.isArray(v) ? v : [v]).some(
      (x) =>
        (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') &&
        f.include.some((inc) => String(inc) === String(x)),
    );
    if (!hit) return f;
  }
  return undefined;
}

export function readPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
    else if (isRecord(cur)) cur = cur[part];
    else return undefined;
  }
  return cur;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function misconfigured(message: string, at = ''): RetryableError {
  return new RetryableError(500, message, {
    code: 'bad_routes',
    details: [{ path: `/ROUTES_OVERRIDE${at ? `/${at}` : ''}`, message }],
  });
}

const COMMERCE_PREFIXED = /^com\.adobe\.commerce\.([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)\.observer\.(.+)$/;

/**
 * The catalog entry of a delivered code. EVENT_PREFIX first (the kit's rule); then, for a
 * Commerce code carrying a prefix this action was not told about
 * (`com.adobe.commerce.{any}.observer.x`), the unprefixed code: a consumer or handler only
 * receives events of its own registration, so any prefix there is ours, and a handler need not
 * repeat the consumer's EVENT_PREFIX to work.
 */
export function resolveEvent<E>(
  find: (code: string, prefix?: string) => E | undefined,
  type: string,
  prefix: string | undefined,
): E | undefined {
  const direct = find(type, prefix);
  if (direct) return direct;
  const m = COMMERCE_PREFIXED.exec(type);
  return m ? find(`com.adobe.commerce.observer.${m[2] as string}`) : undefined;
}
