/** The credentials Adobe's I/O Events APIs want: an IMS bearer token and an API key. */
import type { FastifyRequest } from 'fastify';
import { PlatformError } from '../core/errors';
import { header } from '../core/http';

/** Decides whether a bearer token was issued by the platform (IMS). */
export type TokenCheck = (token: string) => boolean;

const unauthorized = (message: string, field: string): PlatformError =>
  new PlatformError(401, 'unauthorized', message, { field });

/**
 * Adobe's I/O Events APIs want `Authorization: Bearer <IMS token>` and `x-api-key`.
 * The token is checked with `isIssued` when the platform's IMS offers it; without it any
 * non-empty bearer is accepted (the platform binds to 127.0.0.1).
 */
export function requireImsAuth(req: FastifyRequest, isIssued?: TokenCheck): void {
  const m = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '');
  if (!m || !m[1]) throw unauthorized('Authorization header with a Bearer token is required', 'authorization');
  if (!header(req, 'x-api-key')) throw unauthorized('x-api-key header is required', 'x-api-key');
  if (isIssued && !isIssued(m[1]))
    throw unauthorized(
      'the bearer token was not issued by this platform (get one from /ims/token/v3)',
      'authorization',
    );
}
