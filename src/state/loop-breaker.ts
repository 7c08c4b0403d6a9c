/**
 * Infinite-loop breaker. A change we write to Commerce comes back to us as a
 * Commerce event (`com.adobe.commerce.[prefix.]observer.*_save_commit_after`); sending it on
 * to the back office would echo it back again, and so on. After a successful write we store
 * a fingerprint of what we wrote under the system and entity's key; when an event from that
 * system for the same entity carries the same values, the handler skips it with 200.
 * The same holds the other way: a change we write to the back office that the back office
 * sends back to the webhook as a `be-observer.*` event.
 *
 * Both sides reduce to the same *projection* of the entity (e.g. a product by sku: name,
 * description, price), computed by the handler steps from what they wrote and from what they
 * received, so the comparison does not depend on payload shape, field order or EVENT_PREFIX
 * (events are matched by catalog entry, not by their prefixed code).
 *
 * The fingerprint is one short hash per field, not one hash of the whole projection: a
 * Commerce event often carries only some of the fields we wrote (the kit's product event has
 * no price). An event is an echo when every field it carries is one we wrote, with the same
 * value. Values are never stored in clear (they may be personal data).
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

/** The system a write went to and an event came from. */
export type LoopSystem = 'commerce' | 'backoffice';

export function loopKey(system: LoopSystem, entity: string, id: string): string {
  return stateKey('loop', system, entity, id);
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

/** When a mark was stored (ms); not a field name, so it never meets an event's field. */
const AT = '@at';

/** After a successful write to `system`: remember what was written, and when. */
export async function rememberWrite(
  store: StateStore,
  system: LoopSystem,
  mark: LoopMark,
  ttlSeconds: number,
): Promise<void> {
  const stored = { ...fieldHashes(mark.print), [AT]: Date.now() };
  await store.put(loopKey(system, mark.entity, mark.id), JSON.stringify(stored), ttlSeconds);
}

async function readMark(store: StateStore, key: string): Promise<Record<string, unknown> | undefined> {
  const raw = await store.get(key);
  if (raw === undefined) return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const other = (s: LoopSystem): LoopSystem => (s === 'commerce' ? 'backoffice' : 'commerce');

/**
 * For an event from `system`: true when we wrote this entity there and every field the event
 * carries is one we wrote, unchanged; and the other system has not been sent something else
 * for it since. That last case is both sides changing the entity at once: the other side got
 * `system`'s older value after our write, so this event (the value `system` committed last)
 * must reach it too, or the two would stay apart.
 */
export async function isEcho(store: StateStore, system: LoopSystem, mark: LoopMark): Promise<boolean> {
  const stored = await readMark(store, loopKey(system, mark.entity, mark.id));
  if (!stored) return false;
  const incoming = fieldHashes(mark.print);
  const fields = Object.keys(incoming);
  // every field the event carries must be one we wrote, with the same value: a field we did
  // not write (e.g. a price the back office adds) is news, never an echo
  if (fields.length === 0 || !fields.every((k) => stored[k] === incoming[k])) return false;
  const since = await readMark(store, loopKey(other(system), mark.entity, mark.id));
  const later = since !== undefined && Number(since[AT]) > Number(stored[AT]);
  return !(later && !fields.every((k) => since[k] === incoming[k]));
}
