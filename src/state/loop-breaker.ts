/**
 * Infinite-loop breaker (issue 3 §6). A change we write to Commerce comes back to us as a
 * Commerce event (`com.adobe.commerce.[prefix.]observer.*_save_commit_after`); sending it to
 * the back office would echo it back again, and so on. After a successful write we store a
 * fingerprint of what we wrote under the entity's key; when a Commerce event for the same
 * entity carries the same fingerprint, the handler skips it with 200.
 *
 * Both sides reduce to the same *projection* of the entity (e.g. a product: sku → name,
 * description), computed by the handler steps from what they wrote and from what they
 * received, so the comparison never depends on payload shape, field order or EVENT_PREFIX
 * (events are matched by catalog entry, not by their prefixed code).
 */
import { StateStore } from './store';
import { fingerprint, stateKey } from './keys';

/** A Commerce save event usually follows the write within seconds; keep a margin for queues. */
export const DEFAULT_LOOP_BREAKER_TTL_SECONDS = 300;

export interface LoopMark {
  /** entity family, e.g. "product" */
  entity: string;
  /** the entity's id in the system both sides name it by (e.g. sku, email, group code) */
  id: string;
  /** the fields that travelled, normalized (see normalizeForPrint) */
  print: Record<string, unknown>;
}

export function loopKey(entity: string, id: string): string {
  return stateKey('loop', entity, id);
}

export async function rememberWrite(store: StateStore, mark: LoopMark, ttlSeconds: number): Promise<void> {
  await store.put(loopKey(mark.entity, mark.id), fingerprint(mark.print), ttlSeconds);
}

export async function isEcho(store: StateStore, mark: LoopMark): Promise<boolean> {
  const stored = await store.get(loopKey(mark.entity, mark.id));
  return stored !== undefined && stored === fingerprint(mark.print);
}

/**
 * Commerce events carry numbers as strings ("3") where the REST API took numbers (3), and
 * empty strings for absent values: compare as trimmed strings, dropping empties.
 */
export function normalizeForPrint(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || v === null || v === '') continue;
    out[k] = typeof v === 'object' ? v : String(v).trim();
  }
  return out;
}
