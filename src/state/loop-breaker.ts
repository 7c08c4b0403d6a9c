/**
 * Infinite-loop breaker (issue 3 §6). A change we write to Commerce comes back to us as a
 * Commerce event (`com.adobe.commerce.[prefix.]observer.*_save_commit_after`); sending it on
 * to the back office would echo it back again, and so on. After a successful write we store
 * a fingerprint of what we wrote under the entity's key; when a Commerce event for the same
 * entity carries the same values, the handler skips it with 200.
 *
 * Both sides reduce to the same *projection* of the entity (e.g. a product by sku: name,
 * description, price), computed by the handler steps from what they wrote and from what they
 * received, so the comparison does not depend on payload shape, field order or EVENT_PREFIX
 * (events are matched by catalog entry, not by their prefixed code).
 *
 * The fingerprint is one short hash per field, not one hash of the whole projection: a
 * Commerce event often carries only some of the fields we wrote (the kit's product event has
 * no price), and an event is an echo when every field both sides carry is equal. Values are
 * never stored in clear (they may be personal data).
 */
import crypto from 'node:crypto';
import { StateStore } from './store';
import { stateKey } from './keys';

/** A Commerce save event usually follows the write within seconds; keep a margin for queues. */
export const DEFAULT_LOOP_BREAKER_TTL_SECONDS = 300;

export type PrintValue = string | number | boolean | null | undefined;

export interface LoopMark {
  /** entity family, e.g. "product" */
  entity: string;
  /** the entity's id as both sides name it (sku, Commerce customer id, group id, ...) */
  id: string;
  /** the fields that travelled; undefined/null/'' mean "not carried" */
  print: Record<string, PrintValue>;
}

export function loopKey(entity: string, id: string): string {
  return stateKey('loop', entity, id);
}

/** Commerce sends "3", "66.0000", "1"/"0" where the REST API took 3, 66, true/false. */
export function normalizeValue(v: PrintValue): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v).trim();
  if (s === '') return undefined;
  if (/^-?\d+(\.\d+)?$/.test(s)) return String(Number(s));
  return s;
}

function fieldHashes(print: Record<string, PrintValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(print)) {
    const n = normalizeValue(v);
    if (n !== undefined) out[k] = crypto.createHash('sha256').update(`${k}\u0000${n}`).digest('base64url').slice(0, 16);
  }
  return out;
}

export async function rememberWrite(store: StateStore, mark: LoopMark, ttlSeconds: number): Promise<void> {
  await store.put(loopKey(mark.entity, mark.id), JSON.stringify(fieldHashes(mark.print)), ttlSeconds);
}

/** True when State holds a write of this entity and every field both carry is equal. */
export async function isEcho(store: StateStore, mark: LoopMark): Promise<boolean> {
  const raw = await store.get(loopKey(mark.entity, mark.id));
  if (raw === undefined) return false;
  let stored: Record<string, unknown>;
  try {
    stored = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return false;
  }
  const incoming = fieldHashes(mark.print);
  const shared = Object.keys(incoming).filter((k) => typeof stored[k] === 'string');
  return shared.length > 0 && shared.every((k) => stored[k] === incoming[k]);
}
