/**
 * The query-API client behind the handlers' `lookup` step for thin events (Norce [Storm]
 * Event style: identifiers and an `EntityChanged` hint) and commercetools notifications (a
 * resource id): fetch the full entity from a query API through a TTL cache, so a burst of changes to one entity costs
 * one lookup.
 *
 * Inputs (per source prefix, `LOOKUP` by default; commercetools lookups read
 * `COMMERCETOOLS_LOOKUP_*` first, then `LOOKUP_*`):
 *   {P}_BASE_URL        the query API, e.g. https://query.example.com/api/ (required)
 *   {P}_API_KEY         credential sent with each lookup (optional)
 *   {P}_API_KEY_HEADER  header it goes in: `x-api-key` (default) or `authorization`
 *                       (then sent as `Bearer {key}`)
 *   {P}_CACHE_TTL       seconds a looked-up entity is reused (default 60; 0 disables the cache)
 *   {P}_TIMEOUT_MS      per lookup (default 10000)
 *   LOOKUP_PATHS        JSON {event code: path template} overriding the default paths,
 *                       templates use {field} of the event value, e.g. "products/{sku}"
 * Outcomes: 2xx → the entity; 404 (and other final 4xx) → FinalError, not retried: the
 * entity is gone; 5xx / 429 / timeout / network → RetryableError, I/O Events retries.
 *
 * The cache in front of it: src/clients/lookup-cache.ts.
 */
import { callTarget } from '../kernel/call-target';
import { FinalError, RetryableError } from '../kernel/errors';
import { baseUrl, optionalInput, type Params } from '../kernel/inputs';
import type { Logger } from '../kernel/log';
import type { StateStore } from '../state';
import { LookupCache, lookupCache } from './lookup-cache';

export interface LookupConfig {
  baseUrl: string;
  headers: Record<string, string>;
  ttlSeconds: number;
  timeoutMs: number;
  /** a name for messages, e.g. "query API" */
  target: string;
}

function pick(params: Params, prefix: string, name: string): string | undefined {
  return (
    optionalInput(params, `${prefix}_${name}`) ??
    (prefix === 'LOOKUP' ? undefined : optionalInput(params, `LOOKUP_${name}`))
  );
}

function nonNegativeInt(params: Params, prefix: string, name: string, fallback: number): number {
  const v = pick(params, prefix, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    throw new RetryableError(500, `input ${prefix}_${name} must be a whole number >= 0, got "${v}"`, {
      code: 'bad_input',
      details: [{ path: `/${prefix}_${name}`, message: 'whole number >= 0' }],
    });
  }
  return n;
}

export function lookupConfigFrom(params: Params, prefix = 'LOOKUP', target = 'query API'): LookupConfig {
  const url = pick(params, prefix, 'BASE_URL');
  if (url === undefined) {
    throw new RetryableError(
      500,
      `missing input ${prefix}_BASE_URL${prefix === 'LOOKUP' ? '' : ' (or LOOKUP_BASE_URL)'}: where the ${target} is, e.g. https://query.example.com/api/`,
      {
        code: 'missing_input',
        details: [{ path: `/${prefix}_BASE_URL`, message: 'required' }],
      },
    );
  }
  const headers: Record<string, string> = {};
  const key = pick(params, prefix, 'API_KEY');
  if (key !== undefined) {
    const header = (pick(params, prefix, 'API_KEY_HEADER') ?? 'x-api-key').toLowerCase();
    headers[header] = header === 'authorization' && !/^\w+ /.test(key) ? `Bearer ${key}` : key;
  }
  return {
    baseUrl: baseUrl(url),
    headers,
    ttlSeconds: nonNegativeInt(params, prefix, 'CACHE_TTL', 60),
    timeoutMs: nonNegativeInt(params, prefix, 'TIMEOUT_MS', 10_000) || 10_000,
    target,
  };
}

/** Fill `{field}` placeholders from the value (each URL-encoded); a missing field is a final error. */
export function expandPath(template: string, fields: Record<string, unknown>): string {
  return template.replace(/\{([A-Za-z0-9_.]+)\}/g, (_m, name: string) => {
    let cur: unknown = fields;
    for (const part of name.split('.'))
      cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[part] : undefined;
    if (typeof cur !== 'string' && typeof cur !== 'number') {
      throw new FinalError(422, `lookup path ${template} needs the event field ${name}`, {
        code: 'lookup_field_missing',
        details: [{ path: `/data/${name.replace(/\./g, '/')}`, message: 'required for the lookup' }],
      });
    }
    return encodeURIComponent(String(cur));
  });
}

/** The path template of an event: LOOKUP_PATHS[code] when set, else the step's default. */
export function pathFor(params: Params, code: string, fallback: string): string {
  const raw = params.LOOKUP_PATHS;
  if (raw === undefined || raw === '' || raw === '$LOOKUP_PATHS') return fallback;
  let map: unknown = raw;
  if (typeof raw === 'string') {
    try {
      map = JSON.parse(raw);
    } catch {
      throw new RetryableError(500, 'LOOKUP_PATHS is not valid JSON', {
        code: 'bad_input',
        details: [{ path: '/LOOKUP_PATHS', message: 'JSON object {event code: path}' }],
      });
    }
  }
  const p = typeof map === 'object' && map !== null ? (map as Record<string, unknown>)[code] : undefined;
  return typeof p === 'string' && p !== '' ? p : fallback;
}

/** GET one entity from the query API, through the cache. */
export async function lookupEntity(
  cfg: LookupConfig,
  path: string,
  state: StateStore | undefined,
  log?: Logger,
  cache: LookupCache = lookupCache,
): Promise<unknown> {
  const url = cfg.baseUrl + path.replace(/^\/+/, '');
  return cache.get(
    url,
    cfg.ttlSeconds,
    state,
    async () => {
      const res = await callTarget({
        target: cfg.target,
        method: 'GET',
        url,
        headers: cfg.headers,
        timeoutMs: cfg.timeoutMs,
      });
      if (typeof res.body !== 'object' || res.body === null) {
        throw new RetryableError(502, `${cfg.target} answered ${res.status} without a JSON entity for ${path}`, {
          code: 'lookup_bad_answer',
        });
      }
      return res.body;
    },
    log,
    cfg.timeoutMs + 1000,
  );
}
