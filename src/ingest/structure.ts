/**
 * Structural limits of a webhook body, checked after JSON.parse and before the schema:
 *
 * - no prototype-pollution keys (`__proto__`, `constructor`, `prototype`) anywhere: JSON.parse
 *   makes them own properties, harmless here, but a consumer down the line that merges the
 *   value with `Object.assign` or a naive deep merge would change an object's prototype;
 *   open schemas (`additionalProperties: true`) would let them through to I/O Events.
 * - nesting no deeper than MAX_DEPTH: a value nested a few hundred thousand levels deep fits
 *   in 1 MB, passes an open schema, and then overflows the stack of JSON.stringify when the
 *   event is published (a 5xx for bad input).
 *
 * Both walks are iterative and run only when the raw body could fail them (a cheap scan of
 * the bytes first), so the common request pays one regex test and one bracket count.
 */
import type { ErrorDetail } from '../kernel/errors';

export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
export const MAX_DEPTH = 64;

/** JSON escapes (`\u005f_proto__`) can spell a key without its plain letters, hence `\u`. */
const MAY_HAVE_FORBIDDEN_KEY = /__proto__|constructor|prototype|\\u/;

/** How many `{` and `[` the text holds (an upper bound of its depth); indexOf, not a loop over every character. */
function openings(raw: string): number {
  let n = 0;
  for (let i = raw.indexOf('{'); i >= 0; i = raw.indexOf('{', i + 1)) n++;
  for (let i = raw.indexOf('['); i >= 0; i = raw.indexOf('[', i + 1)) n++;
  return n;
}

/** The first structural problem of a parsed body, as field details; [] when none. */
export function structureProblems(raw: string, parsed: unknown): ErrorDetail[] {
  const keys = MAY_HAVE_FORBIDDEN_KEY.test(raw);
  const deep = openings(raw) > MAX_DEPTH;
  if (!keys && !deep) return [];
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: parsed, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop() as { v: unknown; path: string; depth: number };
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_DEPTH) return [{ path: path || '/', message: `is nested more than ${MAX_DEPTH} levels deep` }];
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++)
        if (v[i] !== null && typeof v[i] === 'object') stack.push({ v: v[i], path: `${path}/${i}`, depth: depth + 1 });
      continue;
    }
    for (const k of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(k)) return [{ path: `${path}/${k}`, message: 'is a forbidden key (prototype pollution)' }];
      const child = (v as Record<string, unknown>)[k];
      if (child !== null && typeof child === 'object') stack.push({ v: child, path: `${path}/${k}`, depth: depth + 1 });
    }
  }
  return [];
}
