/**
 * commercetools routes as data: typeId + notification kind → catalog event, with inclusion
 * filters (the defaults are declared in src/catalog/commercetools.ts).
 *
 * The COMMERCETOOLS_ROUTES input changes them without code, keyed by route (event code):
 *
 *   COMMERCETOOLS_ROUTES='{
 *     "commercetools.connect.customer.upsert": {"inclusionFilter": ["ResourceCreated", "ResourceUpdated"]},
 *     "commercetools.connect.product.delete": null
 *   }'
 *
 * - an object replaces the named fields of that route (`typeId`, `inclusionFilter`); a
 *   route that is not a default is added (it needs both, and its event must be in the catalog);
 * - `null` disables the route: its notifications are acknowledged and dropped.
 */
import { commercetoolsRoutes, type CommercetoolsRoute } from '../../../catalog/commercetools';
import { RetryableError } from '../../../kernel/errors';
import { jsonObjectInput } from '../../../kernel/inputs';

export type { CommercetoolsRoute };

export type RoutesInput = Record<string, { typeId?: string; inclusionFilter?: string[] } | null>;

function misconfigured(message: string, at = ''): RetryableError {
  return new RetryableError(500, message, {
    code: 'bad_routes',
    details: [{ path: `/COMMERCETOOLS_ROUTES${at ? `/${at}` : ''}`, message }],
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parse COMMERCETOOLS_ROUTES (JSON text as inputs arrive, or an object); unset → {}. */
export function parseRoutesInput(raw: unknown): RoutesInput {
  const value = jsonObjectInput(raw, 'COMMERCETOOLS_ROUTES', 'route (event code)', (m) => misconfigured(m));
  if (!value) return {};
  const out: RoutesInput = {};
  for (const [route, o] of Object.entries(value)) {
    if (o === null || o === false) {
      out[route] = null;
      continue;
    }
    if (!isRecord(o)) throw misconfigured(`route "${route}" must be an object or null`, route);
    const r: { typeId?: string; inclusionFilter?: string[] } = {};
    if (o.typeId !== undefined) {
      if (typeof o.typeId !== 'string' || o.typeId === '')
        throw misconfigured(`route "${route}": typeId must be a string`, `${route}/typeId`);
      r.typeId = o.typeId;
    }
    if (o.inclusionFilter !== undefined) {
      if (
        !Array.isArray(o.inclusionFilter) ||
        !o.inclusionFilter.every((x): x is string => typeof x === 'string' && x !== '')
      ) {
        throw misconfigured(
          `route "${route}": inclusionFilter must be an array of notification kinds`,
          `${route}/inclusionFilter`,
        );
      }
      r.inclusionFilter = o.inclusionFilter;
    }
    out[route] = r;
  }
  return out;
}

/**
 * The effective routes: defaults with the input applied, in order (defaults first, added
 * routes after). `known(code)` says whether an added route's event is in the catalog.
 */
export function effectiveRoutes(
  input: RoutesInput,
  known: (code: string) => boolean,
  defaults: readonly CommercetoolsRoute[] = commercetoolsRoutes,
): CommercetoolsRoute[] {
  const out: CommercetoolsRoute[] = [];
  for (const d of defaults) {
    if (!(d.route in input)) {
      out.push(d);
      continue;
    }
    const o = input[d.route];
    if (o === null || o === undefined) continue;
    out.push({ route: d.route, typeId: o.typeId ?? d.typeId, inclusionFilter: o.inclusionFilter ?? d.inclusionFilter });
  }
  for (const [route, o] of Object.entries(input)) {
    if (o === null || defaults.some((d) => d.route === route)) continue;
    if (!o.typeId || !o.inclusionFilter)
      throw misconfigured(`new route "${route}" needs typeId and inclusionFilter`, route);
    if (!known(route)) throw misconfigured(`route "${route}" names no catalog event`, route);
    out.push({ route, typeId: o.typeId, inclusionFilter: o.inclusionFilter });
  }
  return out;
}

/** Does an inclusion filter entry admit this kind? Exact, or a prefix with a trailing `*`. */
export function admits(filter: readonly string[], kind: string): boolean {
  return filter.some((f) => (f.endsWith('*') ? kind.startsWith(f.slice(0, -1)) : f === kind));
}

export type RouteDecision =
  | { kind: 'routed'; route: CommercetoolsRoute }
  /** a route exists for the typeId but its inclusion filter leaves this kind out */
  | { kind: 'filtered'; typeId: string; notification: string }
  /** no route for the typeId at all */
  | { kind: 'unrouted'; typeId: string; notification: string };

/** The first route whose typeId matches and whose inclusion filter admits the kind. */
export function route(routes: readonly CommercetoolsRoute[], typeId: string, kind: string): RouteDecision {
  const candidates = routes.filter((r) => r.typeId === typeId);
  const hit = candidates.find((r) => admits(r.inclusionFilter, kind));
  if (hit) return { kind: 'routed', route: hit };
  return candidates.length > 0
    ? { kind: 'filtered', typeId, notification: kind }
    : { kind: 'unrouted', typeId, notification: kind };
}
