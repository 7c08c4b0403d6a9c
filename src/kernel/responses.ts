/**
 * The one result type and its rendering: every error reaches the caller through
 * `errorResponse` / `handlerError`, nowhere else.
 *
 * Shapes are the starter kit's, because its users and Debug Tracing read them:
 * - consumer / webhook success: `{statusCode: 200, body: {type, response}}`
 * - consumer / webhook error:   `{error: {statusCode, body: {error, code, details?}}}`
 * - handler success:            `{statusCode: 200, body: {success: true, message, ...}}`
 * - handler error:              `{statusCode, body: {success: false, error, code, details?}}`
 * Our additions ride inside `body`: `code` (stable reason) and `details` (field paths).
 * Never a stack trace, never the payload echoed back.
 */
import { ErrorDetail, toActionError } from './errors';

export interface SuccessResult<T = unknown> {
  statusCode: number;
  headers?: Record<string, string>;
  body: { type: string; response: T };
}

export interface ErrorBody {
  error: string;
  code: string;
  details?: ErrorDetail[];
}

export interface ErrorResult {
  error: { statusCode: number; headers?: Record<string, string>; body: ErrorBody };
}

export interface HandlerBody {
  success: boolean;
  message?: string;
  error?: string;
  code?: string;
  details?: ErrorDetail[];
  [extra: string]: unknown;
}

export interface HandlerResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: HandlerBody;
}

export function successResponse<T>(type: string, response: T, statusCode = 200): SuccessResult<T> {
  return { statusCode, body: { type, response } };
}

export function errorResponse(err: unknown): ErrorResult {
  const e = toActionError(err);
  const body: ErrorBody = { error: e.message, code: e.code };
  if (e.details && e.details.length > 0) body.details = e.details;
  const out: ErrorResult = { error: { statusCode: e.statusCode, body } };
  if (Object.keys(e.headers).length > 0) out.error.headers = e.headers;
  return out;
}

export function handlerSuccess(message: string, extra: Record<string, unknown> = {}): HandlerResult {
  return { statusCode: 200, body: { ...extra, success: true, message } };
}

export function handlerError(err: unknown): HandlerResult {
  const e = toActionError(err);
  const body: HandlerBody = { success: false, error: e.message, code: e.code };
  if (e.details && e.details.length > 0) body.details = e.details;
  const out: HandlerResult = { statusCode: e.statusCode, body };
  if (Object.keys(e.headers).length > 0) out.headers = e.headers;
  return out;
}
