/**
 * One HTTP call to a target system (Commerce, the back office, a query API, a webhook),
 * with its outcome mapped to retry intent (src/kernel/errors.ts):
 *
 * - 2xx                                  → the parsed body
 * - 400 / 404 / 409 / 422 (and any other final 4xx) → FinalError with the target's message
 * - 401 / 403 (our credentials are wrong)  → RetryableError 500 `target_unauthorized`: a
 *                                          misconfiguration; retries apply once it is fixed
 * - 429 / 5xx but 505                   → RetryableError with the same status
 *                                          (429 and 503 keep the target's `retry-after`)
 * - 408 (the target's request timeout)   → RetryableError 504 `target_timeout`: I/O Events
 *                                          does not retry a 408, but a timeout is worth a retry
 * - network failure / timeout            → RetryableError 503 (`target_unreachable` / `target_timeout`)
 *
 * node:http / node:https over the container's keep-alive agents (src/kernel/simple-request.ts):
 * no HTTP library in the action bundles, and not the built-in fetch, which loads undici and
 * costs about twice the CPU per call. `timeoutMs` bounds the whole exchange. Redirects are
 * not followed (a 3xx is a final `target_rejected` naming the location): a Commerce or
 * back-office base URL must name the API itself.
 */
import { isRetryableStatus } from '../contract';
import { FinalError, RetryableError } from './errors';
import { RequestFailed, simpleRequest, type SimpleResponse } from './simple-request';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface TargetCall {
  /** name used in messages, e.g. "Commerce" */
  target: string;
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}

export interface TargetResponse {
  status: number;
  body: unknown;
}

/** Default per-call timeout; a handler activation has 60 s, the target gets far less. */
export const DEFAULT_TARGET_TIMEOUT_MS = 15_000;

export async function callTarget(call: TargetCall): Promise<TargetResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
  let payload: string | undefined;
  if (call.body !== undefined) {
    payload = JSON.stringify(call.body);
    headers['content-type'] = 'application/json';
  }
  let res: SimpleResponse;
  try {
    res = await simpleRequest(call.url, {
      method: call.method,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
      timeoutMs: call.timeoutMs,
    });
  } catch (err) {
    if (err instanceof RequestFailed && err.timedOut) {
      throw new RetryableError(503, `${call.target} did not answer within ${call.timeoutMs} ms`, {
        code: 'target_timeout',
        cause: err,
      });
    }
    if (err instanceof RequestFailed && err.responded) {
      throw new RetryableError(503, `${call.target} answer was cut off: ${networkReason(err)}`, {
        code: 'target_unreachable',
        cause: err,
      });
    }
    throw new RetryableError(503, `${call.target} is unreachable: ${networkReason(err)}`, {
      code: 'target_unreachable',
      cause: err,
    });
  }
  const text = res.text;
  const body = parseBody(text);

  if (res.status >= 200 && res.status < 300) return { status: res.status, body };

  const location = res.status >= 300 && res.status < 400 ? res.headers.location : undefined;
  const message =
    `${call.target} answered ${res.status}: ${targetMessage(body, text) ?? (res.statusText || 'no message')}` +
    (location ? ` (redirects are not followed: the URL should be ${location})` : '');
  if (res.status === 408) throw new RetryableError(504, message, { code: 'target_timeout' });
  if (isRetryableStatus(res.status)) {
    const retryAfter = parseRetryAfter(res.headers['retry-after'] ?? null);
    throw new RetryableError(res.status, message, {
      code: 'target_unavailable',
      ...(retryAfter === undefined ? {} : { retryAfter }),
    });
  }
  if (res.status === 401 || res.status === 403) {
    // our credentials are wrong: a misconfiguration, retried so that a fixed deployment applies it
    throw new RetryableError(500, `${message} (check the credentials inputs)`, { code: 'target_unauthorized' });
  }
  if (res.status >= 400 && res.status < 500) {
    throw new FinalError(res.status, message, { code: finalCode(res.status) });
  }
  // 3xx (not followed) and 505: our request is wrong
  throw new FinalError(res.status === 505 ? 505 : 400, message, { code: 'target_rejected' });
}

function finalCode(status: number): string {
  switch (status) {
    case 400:
      return 'target_bad_request';
    case 404:
      return 'target_not_found';
    case 409:
      return 'target_conflict';
    case 422:
      return 'target_unprocessable';
    default:
      return 'target_rejected';
  }
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The target's own words. Commerce answers `{message: "... %1 ...", parameters: [..] | {name: ..}}`;
 * other APIs use `message` or `error`. Placeholders are filled so the message reads whole.
 */
export function targetMessage(body: unknown, text: string): string | undefined {
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    const rec = body as Record<string, unknown>;
    const raw =
      typeof rec.message === 'string'
        ? rec.message
        : typeof rec.error === 'string'
          ? rec.error
          : typeof rec.error === 'object' &&
              rec.error !== null &&
              typeof (rec.error as Record<string, unknown>).message === 'string'
            ? (rec.error as Record<string, string>).message
            : undefined;
    if (raw === undefined) return undefined;
    return fillPlaceholders(raw, rec.parameters).slice(0, 500);
  }
  if (typeof body === 'string' && text.length > 0) return text.slice(0, 200);
  return undefined;
}

function fillPlaceholders(message: string, parameters: unknown): string {
  if (Array.isArray(parameters)) {
    return message.replace(/%(\d+)/g, (m, n: string) => {
      const v: unknown = parameters[Number(n) - 1];
      return v === undefined ? m : String(v);
    });
  }
  if (typeof parameters === 'object' && parameters !== null) {
    const p = parameters as Record<string, unknown>;
    return message.replace(/%([A-Za-z_][\w]*)/g, (m, n: string) => (p[n] === undefined ? m : String(p[n])));
  }
  return message;
}

/** `retry-after` as seconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function networkReason(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as Error & { cause?: unknown }).cause;
    if (cause instanceof Error && 'code' in cause && typeof (cause as { code: unknown }).code === 'string') {
      return (cause as Error & { code: string }).code;
    }
    return err.message;
  }
  return 'network error';
}
