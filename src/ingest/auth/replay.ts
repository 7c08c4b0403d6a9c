/**
 * Replay protection for Standard Webhooks requests: a `webhook-id` whose message was
 * already accepted is refused with 401 while its timestamp is still inside the 5-minute
 * window (outside it, the timestamp check refuses it anyway).
 *
 * The id is remembered only after the event was published: Standard Webhooks senders resend
 * a message with the same `webhook-id` when they got no 2xx, and such a retry (after our 503,
 * say) must go through. The record lives in State (`@adobe/aio-lib-state`, shared by every
 * container of the action) until the end of the window; where no State credentials are set
 * (unit tests calling `main` in-process) a per-container memory store stands in.
 *
 * The check and the record are two State calls, not one atomic operation: two copies of the
 * same message arriving at the same instant can both pass. The CloudEvent id is derived from
 * uid + event code, so even then the event is stored once by I/O Events and applied once.
 */
import { FinalError } from '../../kernel/errors';
import { authConfigFrom } from './index';
import { aioStateStore, memoryStateStore, type StateStore } from '../../state/store';
import { stateKey } from '../../state/keys';

/** Standard Webhooks' tolerance, the same the `standardwebhooks` package applies. */
export const WINDOW_SECONDS = 5 * 60;

let memory: StateStore | undefined;

function defaultStore(): StateStore {
  if (process.env.__OW_API_KEY && process.env.__OW_NAMESPACE) return aioStateStore();
  memory ??= memoryStateStore();
  return memory;
}

/** test seam: forget the per-container memory store */
export function resetReplayMemory(): void {
  memory = undefined;
}

export interface SignedMessage {
  id: string;
  /** unix seconds from `webhook-timestamp` */
  timestamp: number;
}

/** The message id of a request that authenticated with a Standard Webhooks signature, else undefined. */
export function signedMessageOf(params: Record<string, unknown>): SignedMessage | undefined {
  const cfg = authConfigFrom(params);
  if (cfg.none || cfg.secrets.length === 0) return undefined;
  const headers = (params.__ow_headers ?? {}) as Record<string, string | undefined>;
  const id = headers['webhook-id'];
  if (!id || headers['webhook-signature'] === undefined) return undefined;
  const ts = Number(headers['webhook-timestamp']);
  return { id, timestamp: Number.isFinite(ts) ? ts : Math.floor(Date.now() / 1000) };
}

const keyOf = (id: string) => stateKey('webhook-id', id);

/** Throws 401 `replayed_webhook_id` when this message id was already accepted. */
export async function rejectReplay(msg: SignedMessage, store: StateStore = defaultStore()): Promise<void> {
  if ((await store.get(keyOf(msg.id))) !== undefined) {
    throw new FinalError(401, 'webhook-id was already accepted: a replayed message is refused', {
      code: 'replayed_webhook_id',
    });
  }
}

/** Remember an accepted message id until its timestamp leaves the window. */
export async function rememberAccepted(
  msg: SignedMessage,
  store: StateStore = defaultStore(),
  nowMs: number = Date.now(),
): Promise<void> {
  const ttl = Math.min(2 * WINDOW_SECONDS, Math.max(1, Math.ceil(msg.timestamp + WINDOW_SECONDS - nowMs / 1000) + 1));
  await store.put(keyOf(msg.id), '1', ttl);
}
