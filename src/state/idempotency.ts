/**
 * Idempotency: a handler records the CloudEvent id of every event it applied,
 * with a TTL, and answers 200 "already applied" for a repeat. I/O Events delivers at least
 * once and the webhook derives the id from the back office's `uid`, so a resend or a
 * redelivery carries the same id. The record is written only after the target accepted the
 * change: a failed attempt must stay retryable.
 */
import { StateStore } from './store';
import { stateKey } from './keys';

/** Long enough to outlive I/O Events' 24 h retry window and late resends. */
export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

export interface AppliedRecord {
  /** event code the id was applied for */
  type: string;
  /** ISO time it was applied */
  at: string;
}

export function appliedKey(eventId: string): string {
  return stateKey('applied', eventId);
}

export async function findApplied(store: StateStore, eventId: string): Promise<AppliedRecord | undefined> {
  const raw = await store.get(appliedKey(eventId));
  if (raw === undefined) return undefined;
  try {
    const rec = JSON.parse(raw) as Partial<AppliedRecord>;
    return { type: typeof rec.type === 'string' ? rec.type : 'unknown', at: typeof rec.at === 'string' ? rec.at : '' };
  } catch {
    return { type: 'unknown', at: '' };
  }
}

export async function markApplied(store: StateStore, eventId: string, type: string, ttlSeconds: number): Promise<void> {
  const rec: AppliedRecord = { type, at: new Date().toISOString() };
  await store.put(appliedKey(eventId), JSON.stringify(rec), ttlSeconds);
}
