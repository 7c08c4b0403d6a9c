/**
 * The entity id of an event (the sku, email, order id ...) for trace filtering. The
 * platform stays generic: it looks for a few well-known value fields in `data`, in
 * `data.value` (Commerce's envelope) and in the first item of an array, in order.
 */
export const DEFAULT_ENTITY_FIELDS: readonly string[] = [
  'sku',
  'email',
  'increment_id',
  'orderId',
  'order_id',
  'customer_group_code',
  'entity_id',
  'id',
];

function pick(obj: unknown, fields: readonly string[]): string | undefined {
  if (obj === null || typeof obj !== 'object') return undefined;
  if (Array.isArray(obj)) return pick(obj[0], fields);
  const rec = obj as Record<string, unknown>;
  for (const f of fields) {
    const v = rec[f];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

export function extractEntityId(data: unknown, fields: readonly string[] = DEFAULT_ENTITY_FIELDS): string | null {
  if (data === null || typeof data !== 'object') return null;
  const rec = data as Record<string, unknown>;
  const candidates: unknown[] = [rec.value, rec.data, data];
  for (const c of candidates) {
    const v = pick(c, fields);
    if (v !== undefined) return v.slice(0, 200);
  }
  // arrays nested one level down (e.g. {items: [{sku}]})
  for (const v of Object.values(Array.isArray(data) ? {} : rec)) {
    if (Array.isArray(v)) {
      const found = pick(v, fields);
      if (found !== undefined) return found.slice(0, 200);
    }
  }
  return null;
}
