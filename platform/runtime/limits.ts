/**
 * Adobe I/O Runtime's production caps. Always: 1 MB web-action requests (413, checked while
 * reading, so that no caller can make the platform buffer more). Opt in
 * (`--production-limits`): 600 activations per minute and 100 concurrent activations per
 * namespace (429 beyond), and the 1 MB cap on REST invokes too.
 */
import type { PlatformError } from '../core/errors';
import { runtimeError } from './errors';

export const MAX_PAYLOAD_BYTES = 1024 * 1024;
export const MAX_PER_MINUTE = 600;
export const MAX_CONCURRENT = 100;

/** The 413 of a request body over the production cap. */
export function payloadTooLarge(bytes: number, activationId?: string): PlatformError {
  return runtimeError(413, `The request content was too large (${bytes} > ${MAX_PAYLOAD_BYTES} bytes).`, activationId);
}

/** Sliding one-minute window with per-second buckets; concurrency counter. */
export class NamespaceLimits {
  private buckets = new Map<number, number>();
  private concurrent = 0;

  constructor(
    private readonly perMinute = MAX_PER_MINUTE,
    private readonly maxConcurrent = MAX_CONCURRENT,
  ) {}

  /** Take a slot or throw 429; call release() when the activation ends. */
  acquire(now = Date.now()): void {
    const sec = Math.floor(now / 1000);
    let total = 0;
    for (const [s, n] of this.buckets) {
      if (s <= sec - 60) this.buckets.delete(s);
      else total += n;
    }
    if (total >= this.perMinute) {
      throw runtimeError(429, `Too many requests in the last minute (count: ${total}, allowed: ${this.perMinute}).`);
    }
    if (this.concurrent >= this.maxConcurrent) {
      throw runtimeError(
        429,
        `Too many concurrent requests in flight (count: ${this.concurrent}, allowed: ${this.maxConcurrent}).`,
      );
    }
    this.buckets.set(sec, (this.buckets.get(sec) ?? 0) + 1);
    this.concurrent++;
  }

  release(): void {
    if (this.concurrent > 0) this.concurrent--;
  }
}
