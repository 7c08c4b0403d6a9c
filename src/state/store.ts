/**
 * The small key-value surface the handlers need from State, and its implementation over
 * `@adobe/aio-lib-state` (I/O Runtime's State service; the local platform speaks the same
 * REST protocol, reached through AIO_STATE_ENDPOINT).
 *
 * The library is required lazily on first use: it reads AIO_STATE_ENDPOINT when it loads,
 * and a handler that never touches State does not pay for loading it.
 */
import { RetryableError } from '../kernel/errors';

export interface StateStore {
  /** the value, or undefined when the key is absent or expired */
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string, ttlSeconds: number): Promise<void>;
}

/** What we use of aio-lib-state's AdobeState (its own types are generated JSDoc). */
interface AdobeStateLike {
  get(key: string): Promise<{ value: string; expiration: string } | undefined>;
  put(key: string, value: string, options?: { ttl?: number }): Promise<string>;
}
interface AioLibState {
  init(config?: { ow?: { namespace?: string; auth?: string } }): Promise<AdobeStateLike>;
}

let shared: Promise<AdobeStateLike> | undefined;

/** One State client per warm container (credentials from __OW_NAMESPACE / __OW_API_KEY). */
export function aioStateStore(): StateStore {
  const client = (): Promise<AdobeStateLike> => {
    if (!shared) {
      const lib = require('@adobe/aio-lib-state') as AioLibState;
      shared = lib.init().catch((err: unknown) => {
        shared = undefined;
        throw err;
      });
    }
    return shared;
  };
  return {
    async get(key) {
      try {
        const res = await (await client()).get(key);
        return res?.value;
      } catch (err) {
        throw stateError('read', err);
      }
    },
    async put(key, value, ttlSeconds) {
      try {
        await (await client()).put(key, value, { ttl: ttlSeconds });
      } catch (err) {
        throw stateError('write', err);
      }
    },
  };
}

/** State down is our dependency failing: retry later, the event is fine. */
function stateError(op: string, err: unknown): RetryableError {
  return new RetryableError(503, `State ${op} failed`, { code: 'state_unavailable', cause: err });
}

/** test seam: forget the warm client (e.g. after changing AIO_STATE_ENDPOINT) */
export function resetStateClient(): void {
  shared = undefined;
}

/** In-memory store with TTL and an injectable clock (tests, and handlers built with `state: () => memoryStateStore()`). */
export function memoryStateStore(now: () => number = Date.now): StateStore & { size(): number } {
  const data = new Map<string, { value: string; expiresAt: number }>();
  return {
    async get(key) {
      const hit = data.get(key);
      if (!hit) return undefined;
      if (hit.expiresAt <= now()) {
        data.delete(key);
        return undefined;
      }
      return hit.value;
    },
    async put(key, value, ttlSeconds) {
      data.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
    },
    size: () => data.size,
  };
}
