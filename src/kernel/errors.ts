/**
 * Retry intent as types: what a failure means for a retry is decided where it happens and
 * carried by its type, not guessed later from a status.
 *
 * Every failure an action reports is one of these. Where a failure is *final* (the input
 * is wrong and sending it again cannot help) it is a FinalError, rendered as a 4xx that
 * I/O Events never retries. Where it may pass (a dependency is down, a rate limit) it is a
 * RetryableError, rendered as 5xx/429 that I/O Events retries on its schedule. Which status
 * is which is the contract's one rule (src/contract/retry.ts), so the app never answers a
 * status I/O Events would not retry when it means "retry".
 */
import { isRetryableStatus } from '../contract';

export interface ErrorDetail {
  /** JSON path of the offending field, e.g. "/data/value/sku" */
  path: string;
  message: string;
}

export interface ActionErrorOptions {
  /** stable machine-readable reason, e.g. "unknown_event" */
  code: string;
  details?: ErrorDetail[];
  headers?: Record<string, string>;
  cause?: unknown;
}

export abstract class ActionError extends Error {
  abstract readonly retryable: boolean;
  readonly statusCode: number;
  readonly code: string;
  readonly details: ErrorDetail[] | undefined;
  readonly headers: Record<string, string>;

  protected constructor(statusCode: number, message: string, opts: ActionErrorOptions) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.code = opts.code;
    this.details = opts.details;
    this.headers = opts.headers ?? {};
  }
}

/** 4xx: the caller or the event is wrong; never retried. */
export class FinalError extends ActionError {
  readonly retryable = false;
  constructor(statusCode: number, message: string, opts: ActionErrorOptions) {
    if (isRetryableStatus(statusCode) || statusCode < 400 || statusCode > 505) {
      throw new RangeError(`FinalError needs a final status (4xx but 429, or 505), got ${statusCode}`);
    }
    super(statusCode, message, opts);
  }
}

/** 5xx or 429: a dependency failed or asked us to slow down; retried by I/O Events. */
export class RetryableError extends ActionError {
  readonly retryable = true;
  /** seconds, when the dependency said how long to wait */
  readonly retryAfter: number | undefined;
  constructor(statusCode: number, message: string, opts: ActionErrorOptions & { retryAfter?: number }) {
    if (!isRetryableStatus(statusCode)) {
      throw new RangeError(`RetryableError needs 429 or 5xx but 505, got ${statusCode}`);
    }
    const headers = { ...(opts.headers ?? {}) };
    if (opts.retryAfter !== undefined) headers['retry-after'] = String(Math.max(0, Math.ceil(opts.retryAfter)));
    super(statusCode, message, { ...opts, headers });
    this.retryAfter = opts.retryAfter;
  }
}

/** The one place where an unexpected throw becomes a typed error: never leak its message. */
export function toActionError(err: unknown): ActionError {
  if (err instanceof ActionError) return err;
  return new RetryableError(500, 'internal error', { code: 'internal_error', cause: err });
}
