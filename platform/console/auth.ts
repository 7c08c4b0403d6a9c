/**
 * Who may use the console API: the platform binds to 127.0.0.1 by default, and loopback
 * callers need no credentials; others need the namespace's Basic auth or a bearer token
 * the platform's IMS issued (the same rule as the events module's own API,
 * platform/core/access.ts).
 */
import type { FastifyRequest } from 'fastify';
import { requireOperator } from '../core/access';
import type { PlatformContext } from '../core/types';

export function authorizeConsole(req: FastifyRequest, ctx: PlatformContext): void {
  requireOperator(req, ctx.config.auth, ctx.ims, 'the console API');
}
