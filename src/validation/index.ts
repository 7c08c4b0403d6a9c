/**
 * Validation of event values against the catalog's schemas (DESIGN principle 5: compile at
 * load, not per call). Each schema is compiled by ajv at most once per container, the
 * first time its event is seen, and reused by every later activation of the warm container.
 * An error lists every failing field as a JSON path under `basePath`.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { ErrorDetail } from '../errors';
import type { CatalogEntry } from '../catalog';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, coerceTypes: false });
addFormats(ajv, ['email', 'date-time', 'uri']);

const compiled = new Map<string, ValidateFunction>();

export function validatorFor(entry: CatalogEntry): ValidateFunction {
  let fn = compiled.get(entry.code);
  if (!fn) {
    fn = ajv.compile(entry.schema);
    compiled.set(entry.code, fn);
  }
  return fn;
}

/** Compile every given schema now (e.g. at module load of an action that handles them all). */
export function precompile(entries: readonly CatalogEntry[]): void {
  for (const e of entries) validatorFor(e);
}

export type ValidationResult = { ok: true } | { ok: false; details: ErrorDetail[] };

export function validateValue(entry: CatalogEntry, value: unknown, basePath = ''): ValidationResult {
  const fn = validatorFor(entry);
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
