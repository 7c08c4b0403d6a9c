/**
 * Reading action inputs. An input mapped to an unset variable arrives as '' on I/O Runtime
 * and as the literal '$NAME' under `aio app dev`: both mean "not set".
 */
import { RetryableError } from './errors';

export type Params = Record<string, unknown>;

export function optionalInput(params: Params, name: string): string | undefined {
  const v = params[name];
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (t === '' || t === `$${name}`) return undefined;
  return t;
}

/**
 * A missing input is our own misconfiguration: retryable 500 (the event is fine; once the
 * input is fixed and redeployed, I/O Events' retries apply it), naming the input.
 */
export function requiredInput(params: Params, name: string, why: string): string {
  const v = optionalInput(params, name);
  if (v === undefined) {
    throw new RetryableError(500, `missing input ${name} (${why})`, {
      code: 'missing_input',
      details: [{ path: `/${name}`, message: 'required' }],
    });
  }
  return v;
}

/** A positive integer input with a default; a malformed value is a misconfiguration. */
export function intInput(params: Params, name: string, fallback: number): number {
  const v = optionalInput(params, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) {
    throw new RetryableError(500, `input ${name} must be a positive integer, got "${v}"`, {
      code: 'bad_input',
      details: [{ path: `/${name}`, message: 'positive integer' }],
    });
  }
  return n;
}

/** Base URLs are joined with relative paths: make sure they end with one slash. */
export function baseUrl(value: string): string {
  return value.endsWith('/') ? value : `${value}/`;
}

/**
 * Timeout of one target call: TARGET_TIMEOUT_MS (or the default), but never past this
 * activation's deadline (`__OW_DEADLINE`, epoch ms, set by Runtime) less a margin, so the
 * handler still answers 503 itself instead of being stopped by the platform mid-call.
 */
export function targetTimeout(params: Params, fallback: number, now: number = Date.now()): number {
  const configured = intInput(params, 'TARGET_TIMEOUT_MS', fallback);
  const deadline = Number(process.env.__OW_DEADLINE);
  if (!Number.isFinite(deadline) || deadline <= 0) return configured;
  return Math.max(500, Math.min(configured, deadline - now - 3_000));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An input holding a JSON object keyed by `keyedBy`: JSON text (as inputs arrive) or the
 * object itself. Unset (undefined, null, '', or app.config.yaml's unexpanded `$NAME`) gives
 * undefined; anything else that is not an object is `fail`'s error.
 */
export function jsonObjectInput(
  raw: unknown,
  name: string,
  keyedBy: string,
  fail: (message: string) => Error,
): Record<string, unknown> | undefined {
  if (raw === undefined || raw === null || raw === '' || raw === `$${name}`) return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      throw fail(`${name} is not valid JSON`);
    }
  }
  if (!isObject(value)) throw fail(`${name} must be a JSON object keyed by ${keyedBy}`);
  return value;
}
