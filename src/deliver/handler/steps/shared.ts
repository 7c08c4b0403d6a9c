/** Small helpers the default steps share. */
import type { BackofficeResource } from '../../../clients/backoffice';
import type { TargetResponse } from '../../../kernel/call-target';

/** A write to the back office: upsert (PUT) or delete of one resource. */
export interface BackofficeWrite {
  resource: BackofficeResource;
  id: string;
  /** absent for a delete */
  body?: Record<string, unknown>;
}

/** Commerce numbers may arrive as strings ("10.0000"); the back office gets numbers. */
export function num(v: string | number | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Commerce flags: "0"/"1", 0/1 or booleans. */
export function flag(v: string | number | boolean | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  return String(v) === '1';
}

/** Drop undefined fields so payloads carry only what the event had. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

/** The id Commerce gave a created entity, from its REST answer. */
export function createdId(res: TargetResponse): string | undefined {
  const b = res.body;
  if (typeof b === 'object' && b !== null && 'id' in b) {
    const id = (b as { id: unknown }).id;
    if (typeof id === 'number' || (typeof id === 'string' && id !== '')) return String(id);
  }
  return undefined;
}

export function sendToBackoffice(
  client: {
    upsert(r: BackofficeResource, id: string, body: unknown): Promise<TargetResponse>;
    remove(r: BackofficeResource, id: string): Promise<TargetResponse>;
  },
  w: BackofficeWrite,
): Promise<TargetResponse> {
  return w.body === undefined ? client.remove(w.resource, w.id) : client.upsert(w.resource, w.id, w.body);
}

export function describeBackoffice(w: BackofficeWrite, what: string): string {
  return w.body === undefined
    ? `${what} ${w.id} deleted in the back office`
    : `${what} ${w.id} sent to the back office`;
}
