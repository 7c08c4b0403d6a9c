/** Writing again after a store fault (disk full, read-only), until the store writes or the engine stops. */

/** how long to wait before writing again after a store fault (real time) */
export const STORE_RETRY_MS = 250;

export function retryAfterStoreFault(fn: () => void, closed: () => boolean): void {
  if (closed()) return;
  setTimeout(() => {
    if (!closed()) fn();
  }, STORE_RETRY_MS).unref();
}
