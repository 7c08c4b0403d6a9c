/**
 * Who may use the platform's own surfaces (the events module's traces and controls, the
 * console API, the stand-ins' failure switches and data controls): callers on the loopback
 * interface need no credentials (the platform binds to 127.0.0.1 by default); others need
 * the namespace key as Basic auth, or a bearer token the platform's IMS issued to the
 * configured client. One rule, one copy; each module passes its own wording.
 */
import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { PlatformError } from './errors';
import { header, isLoopback } from './http';
import type { ImsService } from './types';

/** Compare two secrets in constant time, whatever their lengths. */
export function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

/** The bearer token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(req: FastifyRequest): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
}

/** True when the request carries the namespace key (Basic) or a token of the platform's IMS. */
export function hasOperatorCredentials(
  req: FastifyRequest,
  namespaceAuth: string,
  ims: ImsService | undefined,
): boolean {
  const auth = header(req, 'authorization') ?? '';
  if (/^Basic\s/i.test(auth))
    return safeEqual(auth.replace(/^Basic\s+/i, ''), Buffer.from(namespaceAuth).toString('base64'));
  const token = bearerToken(req);
  return !!token && !!ims && ims.isValid(token);
}

/**
 * Throws 401 unless the caller is on the loopback interface or brings the namespace key or a
 * token of the platform's IMS. `ims` is asked at request time (the IMS module may register
 * after the caller's module).
 */
export function requireOperator(
  req: FastifyRequest,
  namespaceAuth: string,
  ims: ImsService | undefined,
  what = 'this endpoint',
): void {
  if (isLoopback(req.socket.remoteAddress)) return;
  if (hasOperatorCredentials(req, namespaceAuth, ims)) return;
  throw new PlatformError(
    401,
    'unauthorized',
    `${what} answers loopback callers; others use the namespace key (Basic auth) or a bearer token from the platform's IMS`,
    { field: 'authorization' },
  );
}
