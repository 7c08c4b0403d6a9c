/**
 * The runtime's errors, as OpenWhisk answers them: `{error, code}` where `code` is the
 * activation id once one was assigned (web actions, invocations) and an opaque request id
 * otherwise. Rendered by the platform's error handler in the OpenWhisk dialect.
 */
import { PlatformError } from '../core/errors';

export const NOT_FOUND = 'The requested resource does not exist.';
export const NOT_AUTHORIZED = 'The supplied authentication is not authorized to access this resource.';

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  429: 'too_many_requests',
  501: 'not_implemented',
};

/** An OpenWhisk error reply; with `activationId`, that id is its `code`. */
export function runtimeError(status: number, message: string, activationId?: string): PlatformError {
  return new PlatformError(
    status,
    CODES[status] ?? 'error',
    message,
    activationId ? { extra: { code: activationId } } : {},
  );
}

/** The same error answered under the activation id the request was given (others pass through). */
export function forActivation(e: unknown, activationId: string): unknown {
  return e instanceof PlatformError ? runtimeError(e.status, e.message, activationId) : e;
}
