/** Reading fields of a JSON request body, with a 400 naming the field when one is wrong. */
import { PlatformError } from '../core/errors';

export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function optString(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new PlatformError(400, 'invalid_field', `${key} must be a string`, { field: key });
  return v;
}

export function reqString(obj: Record<string, unknown>, key: string): string {
  const v = optString(obj, key);
  if (v === undefined || v.trim() === '')
    throw new PlatformError(400, 'missing_field', `${key} is required`, { field: key });
  return v;
}

/** epoch ms or an ISO date, for time and cursor parameters; undefined when absent or unreadable */
export function timeOrNumber(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = String(v);
  const n = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  return Number.isFinite(n) ? n : undefined;
}

const badQuery = (field: string, message: string): PlatformError =>
  new PlatformError(400, 'invalid_field', message, { field });

/** A time query parameter (epoch ms or an ISO date): undefined when absent, a 400 naming it when unreadable. */
export function queryTime(q: Record<string, unknown>, field: string): number | undefined {
  const v = q[field];
  if (v === undefined || v === null || v === '') return undefined;
  const n = timeOrNumber(v);
  if (n === undefined || n < 0 || !/^(\d+|\d{4}-.*)$/.test(String(v)))
    throw badQuery(field, `${field} must be epoch milliseconds or an ISO date (got ${String(v).slice(0, 40)})`);
  return n;
}

/** A page size: the default when absent, at most `max`, a 400 naming it when not a positive integer. */
export function queryLimit(q: Record<string, unknown>, field: string, def: number, max: number): number {
  const v = q[field];
  if (v === undefined || v === null || v === '') return def;
  if (!/^\d+$/.test(String(v)) || Number(v) < 1) throw badQuery(field, `${field} must be a positive integer`);
  return Math.min(max, Number(v));
}
