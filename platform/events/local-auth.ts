/**
 * Who may use the platform's own events API (`/events/_local/`: traces with full bodies,
 * replay, pause/resume, the live feed): requests from the loopback interface need no
 * credentials (the platform binds to 127.0.0.1 by default); others need the namespace's
 * Basic auth or a bearer token the platform's IMS issued (platform/core/access.ts).
 */
import type { FastifyRequest } from 'fastify';
import { requireOperator } from '../core/access';
import type { ImsService } from '../core/types';

export function authorizeLocal(req: FastifyRequest, namespaceAuth: string, ims?: () => ImsService | undefined): void {
  requireOperator(req, namespaceAuth, ims?.(), "the platform's events API");
}
