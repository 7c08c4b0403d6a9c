/**
 * State keys must match ^[a-zA-Z0-9-_.]{1,1024}$. Ids from events (uuids, skus, emails)
 * are sanitized; when sanitizing would merge two different ids (e.g. "a b" and "a_b"), or the
 * id is long, a short hash of the original keeps keys distinct.
 */
import crypto from 'node:crypto';

const INVALID = /[^a-zA-Z0-9\-_.]/g;

export function stateKey(prefix: string, ...parts: string[]): string {
  const safe = parts.map((p) => {
    const cleaned = p.replace(INVALID, '_');
    if (cleaned === p && p.length > 0 && p.length <= 200) return p;
    const h = crypto.createHash('sha256').update(p).digest('hex').slice(0, 16);
    return `${cleaned.slice(0, 100)}_${h}`;
  });
  return [prefix, ...safe].join('.');
}

/** sha256 over JSON with sorted keys, so field order never changes a fingerprint */
export function fingerprint(value: unknown): string {
  return crypto.createHash('sha256').update(stableJson(value)).digest('hex');
}

export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const rec = value as Record<string, unknown>;
  const keys = Object.keys(rec)
    .filter((k) => rec[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(rec[k])}`).join(',')}}`;
}
