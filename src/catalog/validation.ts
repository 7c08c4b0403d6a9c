/**
 * Validation of event values against the catalog's schemas, compiled at load, not per call. Each validate function is built at most once per container, or
 * ahead of time at build (see validators.ts), and reused by every later activation.
 * An error lists every failing field as a JSON path under `basePath`.
 */
import type { ErrorObject } from 'ajv';
import type { ErrorDetail } from '../kernel/errors';
import type { CatalogEntry } from './';
import { validatorFor } from './validators';

/** Build the validators of these entries now (e.g. at module load of an action). */
export function precompile(entries: readonly CatalogEntry[]): void {
  for (const e of entries) validatorFor(e.code, e.schema);
}

export type ValidationResult = { ok: true } | { ok: false; details: ErrorDetail[] };

export function validateValue(entry: CatalogEntry, value: unknown, basePath = ''): ValidationResult {
  const fn = validatorFor(entry.code, entry.schema);
  if (fn(value)) return { ok: true };
  return { ok: false, details: toDetails(fn.errors ?? [], basePath) };
}

/** ajv errors → one detail per failing field path (a missing property is named in its path). */
export function toDetails(errors: readonly ErrorObject[], basePath = ''): ErrorDetail[] {
  const seen = new Set<string>();
  const out: ErrorDetail[] = [];
  for (const e of errors) {
    let path = basePath + e.instancePath;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'required') {
      path += `/${String((e.params as { missingProperty: string }).missingProperty)}`;
      message = 'is required';
    } else if (e.keyword === 'additionalProperties') {
      path += `/${String((e.params as { additionalProperty: string }).additionalProperty)}`;
      message = 'is not allowed';
    }
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: path || '/', message });
  }
  return out;
}
