/**
 * Who may use the platform's own events API (`/events/_local/`): requests from the
 * loopback interface need no credentials (the platform binds to 127.0.0.1 by default);
 * others need the namespace's Basic auth or a bearer token.
 */
import type { FastifyRequest } from 'fastify';
import { PlatformError } from '../core/errors';
import { header, isLoopback } from '../core/http';

export function authorizeLocal(req: FastifyRequest, namespaceAuth: string): void {
  if (isLoopback(req.socket.remoteAddress)) return;
  const auth = header(req, 'authorization') ?? '';
  if (auth === `Basic ${Buffer.from(namespaceAuth).toString('base64')}`) return;
  if (/^Bearer\s+\S+$/i.test(auth)) return;
  throw new PlatformError(401, 'unauthorized', 'use the namespace key (Basic auth) or a bearer token', {
    field: 'authorization',
  });
}
