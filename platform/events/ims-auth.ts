/** Small HTTP helpers shared by the events routes: errors, auth, redaction. */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** An error that renders as `{error_code, message, field?}` with an HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function sendError(reply: FastifyReply, err: ApiError): FastifyReply {
  for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
  const body: Record<string, unknown> = { error_code: err.code, message: err.message };
  if (err.field) body.field = err.field;
  return reply.code(err.status).type('application/json').send(body);
}

export function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  if (Array.isArray(v)) return v[0];
  return v;
}

/** Decides whether a bearer token was issued by the platform (IMS); undefined = not known yet. */
export type TokenCheck = (token: string) => boolean;

/**
 * Adobe's I/O Events APIs want `Authorization: Bearer <IMS token>` and `x-api-key`.
 * The token is checked with `isIssued` when the platform's IMS offers it; without it any
 * non-empty bearer is accepted (the platform binds to 127.0.0.1).
 */
export function requireImsAuth(req: FastifyRequest, isIssued?: TokenCheck): void {
  const auth = header(req, 'authorization') ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  if (!m || !m[1]) {
    throw new ApiError(401, 'unauthorized', 'Authorization header with a Bearer token is required', 'authorization');
  }
  if (!header(req, 'x-api-key')) {
    throw new ApiError(401, 'unauthorized', 'x-api-key header is required', 'x-api-key');
  }
  if (isIssued && !isIssued(m[1])) {
    throw new ApiError(401, 'unauthorized', 'the bearer token was not issued by this platform (get one from /ims/token/v3)', 'authorization');
  }
}

const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-gw-ims-.*|.*secret.*|.*token.*|.*password.*)$/i;

/** Copy of headers with secret values replaced (traces never keep credentials). */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v.join(', ') : String(v);
    out[k.toLowerCase()] = SECRET_HEADER.test(k) ? '***' : value;
  }
  return out;
}

export const TRACE_BODY_LIMIT = 64 * 1024;

/** Trace bodies are trimmed at 64 KB, like Adobe's Debug Tracing. */
export function trimBody(body: string | undefined | null): string | null {
  if (body === undefined || body === null) return null;
  if (body.length <= TRACE_BODY_LIMIT) return body;
  return `${body.slice(0, TRACE_BODY_LIMIT)}…[trimmed ${body.length - TRACE_BODY_LIMIT} chars]`;
}

export function isLoopback(ip: string | undefined): boolean {
  return ip === '127.0.0.1' || ip === '::1' || ip === '::ffff:127.0.0.1';
}

export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function optString(obj: Record<string, unknown>, key: string): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new ApiError(400, 'invalid_field', `${key} must be a string`, key);
  return v;
}

export function reqString(obj: Record<string, unknown>, key: string): string {
  const v = optString(obj, key);
  if (v === undefined || v.trim() === '') throw new ApiError(400, 'missing_field', `${key} is required`, key);
  return v;
}
