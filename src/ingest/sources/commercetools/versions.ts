/**
 * The last accepted version of each commercetools resource, in State, so that a message
 * older than what was already accepted is skipped (commercetools delivers at least once and
 * in no particular order).
 *
 * Key `ct.v.{projectKey}.{typeId}.{resource id}` (hashed when the id has characters State
 * keys do not allow), value `{"v": resourceVersion, "id": event id}`. The record is written
 * after a successful publish only, so a failed publish is retried, not lost.
 *
 * Decision for an incoming notification (version V, event id I), against the record (v, id):
 * - no record                 → publish;
 * - I === id                  → "duplicate": the same message again, it was published;
 * - V <= v                    → "stale": the resource is already at v or newer; several
 *                               Messages of one update share a resourceVersion, and the
 *                               handler looks the full resource up anyway, so one is enough;
 * - V > v                     → publish.
 * Two notifications of one resource arriving at the same instant may both pass (State has
 * no compare-and-set); both are then published and the handler's lookup makes the later
 * write win with the current resource.
 */
import { createHash } from 'node:crypto';
import type { StateStore } from '../../../state';

export interface VersionRecord {
  v: number;
  id: string;
}

export type VersionDecision =
  { kind: 'new' } | { kind: 'duplicate'; record: VersionRecord } | { kind: 'stale'; record: VersionRecord };

const KEY_OK = /^[a-zA-Z0-9-_.]{1,200}$/;

export function versionKey(projectKey: string, typeId: string, id: string): string {
  const raw = `${projectKey}.${typeId}.${id}`;
  if (KEY_OK.test(raw)) return `ct.v.${raw}`;
  return `ct.v.h.${createHash('sha256').update(raw).digest('hex')}`;
}

export function decide(record: VersionRecord | undefined, version: number, eventId: string): VersionDecision {
  if (!record) return { kind: 'new' };
  if (record.id === eventId) return { kind: 'duplicate', record };
  if (version <= record.v) return { kind: 'stale', record };
  return { kind: 'new' };
}

function parse(text: string | undefined): VersionRecord | undefined {
  if (text === undefined) return undefined;
  try {
    const o = JSON.parse(text) as unknown;
    if (
      typeof o === 'object' &&
      o !== null &&
      typeof (o as VersionRecord).v === 'number' &&
      typeof (o as VersionRecord).id === 'string'
    )
      return o as VersionRecord;
  } catch {
    // a corrupt record is no record: the message is published, the handler is idempotent
  }
  return undefined;
}

export async function readVersion(state: StateStore, key: string): Promise<VersionRecord | undefined> {
  return parse(await state.get(key));
}

/** Record V as accepted unless a newer version was recorded meanwhile. */
export async function recordVersion(
  state: StateStore,
  key: string,
  rec: VersionRecord,
  ttlSeconds: number,
): Promise<void> {
  const cur = parse(await state.get(key));
  if (cur && cur.v > rec.v) return;
  await state.put(key, JSON.stringify(rec), ttlSeconds);
}

/** 30 days: commercetools keeps retrying a destination for days; older duplicates are rare. */
export const DEFAULT_VERSION_TTL_SECONDS = 30 * 24 * 3600;
