/** The credentials Adobe's I/O Events APIs want: an IMS bearer token and an API key. */
import type { FastifyRequest } from 'fastify';
import { PlatformError } from '../core/errors';
import { safeEqual } from '../core/access';
import { header } from '../core/http';

/**
 * Decides whether a bearer token may use the API: false when it may not; the client id it
 * was issued to (which `x-api-key` must then equal, as Adobe requires); true when it may
 * and no client is known (a check a test passes in).
 */
export type TokenCheck = (token: string) => boolean | string;

const unauthorized = (message: string, field: string): PlatformError =>
  new PlatformError(401, 'unauthorized', message, { field });

/**
 * Adobe's I/O Events APIs want `Authorization: Bearer <IMS token>` and `x-api-key` (the
 * client id the token was issued to). The token is checked with `isIssued`; without it any
 * non-empty bearer is accepted (a platform without the IMS module, in tests).
 */
export function requireImsAuth(req: FastifyRequest, isIssued?: TokenCheck): void {
  const m = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization') ?? '');
  if (!m || !m[1]) throw unauthorized('Authorization header with a Bearer token is required', 'authorization');
  const apiKey = header(req, 'x-api-key');
  if (!apiKey) throw unauthorized('x-api-key header is required', 'x-api-key');
  if (!isIssued) return;
  const verdict = isIssued(m[1]);
  if (verdict === false)
    throw unauthorized(
      'the bearer token was not issued by this platform to its client (get one from /ims/token/v3 with OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET)',
      'authorization',
    );
  if (typeof verdict === 'string' && !safeEqual(apiKey, verdict))
    throw unauthorized('x-api-key must be the client id the token was issued to (OAUTH_CLIENT_ID)', 'x-api-key');
}
