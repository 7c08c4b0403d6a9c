/**
 * Who may use the console: the platform binds to 127.0.0.1 by default, and loopback
 * callers need no credentials; others need the namespace's Basic auth (the same rule as
 * the events module's own API).
 */
import type { FastifyRequest } from 'fastify';
import { PlatformError } from '../core/errors';
import { isLoopback } from '../core/http';

export function authorizeConsole(req: FastifyRequest, auth: string): void {
  if (isLoopback(req.socket.remoteAddress)) return;
  const given = req.headers.authorization ?? '';
  if (given === `Basic ${Buffer.from(auth).toString('base64')}`) return;
  throw new PlatformError(
    401,
    'unauthorized',
    'the console answers loopback callers; others use the namespace key (Basic auth)',
    { field: 'authorization' },
  );
}
