/**
 * Commerce event subscriptions as a pure function: (desired, actual) → steps.
 *
 * Commerce eventing (the Adobe I/O Events for Adobe Commerce module) publishes an event only
 * when it has a subscription for it: `POST V1/eventing/eventSubscribe` with
 * `{event: {name, parent?, fields, provider_id?}}`. The catalog's Commerce codes
 * `com.adobe.commerce.observer.X` are subscriptions named `observer.X`; with an EVENT_PREFIX
 * the subscription is an alias `{prefix}.observer.X` whose `parent` is `observer.X` (Commerce
 * then publishes `com.adobe.commerce.{prefix}.observer.X`), as the starter kit does.
 *
 * Fields are the top-level properties of the event's value schema in the catalog (the
 * handler needs no more), or `*` when the schema names none.
 *
 * Delete candidates: subscriptions of our Commerce provider (COMMERCE_PROVIDER_ID) that the
 * catalog no longer has. Without a known provider id nothing is ever a candidate: the
 * instance may serve other apps.
 */
import { prefixedCode } from '../../src/catalog';
import type { ReportStep } from './report';

export interface DesiredSubscription {
  name: string;
  parent?: string;
  fields: string[];
  provider_id?: string;
}

export interface ActualSubscription {
  name: string;
  parent?: string;
  fields: string[];
  provider_id?: string;
}

export interface SubscriptionStep extends ReportStep {
  what: 'subscription';
  desired?: DesiredSubscription;
}

export interface CommerceCatalogEntry {
  code: string;
  direction: 'backoffice' | 'commerce';
  schema?: unknown;
}

const COMMERCE = 'com.adobe.commerce.';

/** `com.adobe.commerce.observer.x` → `observer.x` (the Commerce event name) */
export function commerceEventName(code: string): string {
  return code.startsWith(COMMERCE) ? code.slice(COMMERCE.length) : code;
}

export function fieldsOf(schema: unknown): string[] {
  if (schema && typeof schema === 'object' && 'properties' in schema) {
    const props = (schema as { properties?: unknown }).properties;
    if (props && typeof props === 'object') {
      const keys = Object.keys(props);
      if (keys.length) return keys;
    }
  }
  return ['*'];
}

export function desiredSubscriptions(
  catalog: readonly CommerceCatalogEntry[],
  opts: { eventPrefix?: string; providerId?: string } = {},
): DesiredSubscription[] {
  const out: DesiredSubscription[] = [];
  const seen = new Set<string>();
  for (const e of catalog) {
    if (e.direction !== 'commerce') continue;
    const base = commerceEventName(e.code);
    const name = commerceEventName(prefixedCode(e.code, opts.eventPrefix));
    if (seen.has(name)) continue;
    seen.add(name);
    const s: DesiredSubscription = { name, fields: fieldsOf(e.schema) };
    if (name !== base) s.parent = base;
    if (opts.providerId) s.provider_id = opts.providerId;
    out.push(s);
  }
  return out;
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
};

export function planSubscriptions(
  desired: readonly DesiredSubscription[],
  actual: readonly ActualSubscription[],
  ownProviderId?: string,
): SubscriptionStep[] {
  const steps: SubscriptionStep[] = [];
  const byName = new Map(actual.map((a) => [a.name, a]));
  const wanted = new Set<string>();
  for (const d of desired) {
    wanted.add(d.name);
    const a = byName.get(d.name);
    if (!a) {
      steps.push({ what: 'subscription', kind: 'create', name: d.name, desired: d, changes: [] });
      continue;
    }
    const changes: string[] = [];
    if ((a.parent ?? '') !== (d.parent ?? '')) changes.push('parent');
    if (!sameSet(a.fields, d.fields)) changes.push('fields');
    if (d.provider_id !== undefined && (a.provider_id ?? '') !== d.provider_id) changes.push('provider_id');
    steps.push({
      what: 'subscription',
      kind: changes.length ? 'update' : 'unchanged',
      name: d.name,
      desired: d,
      changes,
    });
  }
  if (ownProviderId) {
    for (const a of actual) {
      if (!wanted.has(a.name) && a.provider_id === ownProviderId) {
        steps.push({ what: 'subscription', kind: 'delete-candidate', name: a.name, changes: [] });
      }
    }
  }
  return steps;
}

/** Parse `GET V1/eventing/getEventSubscriptions` (an array, or an object keyed by name). */
export function parseSubscriptions(body: unknown): ActualSubscription[] {
  const list: unknown[] = Array.isArray(body)
    ? body
    : body && typeof body === 'object'
      ? Object.entries(body as Record<string, unknown>).map(([k, v]) =>
          v && typeof v === 'object' && !('name' in v) ? { name: k, ...v } : v,
        )
      : [];
  const out: ActualSubscription[] = [];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    const o = item as Record<string, unknown>;
    if (typeof o.name !== 'string') continue;
    const fields: string[] = [];
    if (Array.isArray(o.fields)) {
      for (const f of o.fields) {
        if (typeof f === 'string') fields.push(f);
        else if (f && typeof f === 'object' && typeof (f as { name?: unknown }).name === 'string')
          fields.push((f as { name: string }).name);
      }
    }
    const s: ActualSubscription = { name: o.name, fields };
    if (typeof o.parent === 'string' && o.parent) s.parent = o.parent;
    if (typeof o.provider_id === 'string' && o.provider_id) s.provider_id = o.provider_id;
    out.push(s);
  }
  return out;
}
