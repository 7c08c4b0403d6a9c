/** The handlers of the platform's own events API: each authorizes the caller and answers JSON. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorizeLocal } from '../../local-auth';
import type { LocalViews } from '../../local-views';
import type { ImsService } from '../../../core/types';
import type { EventsRouteDeps, Params } from '../deps';

export type LocalDeps = EventsRouteDeps & { views: LocalViews };

export type LocalHandler = (req: FastifyRequest, reply: FastifyReply, p: Params) => unknown;

export function localRoute(namespaceAuth: string, ims?: () => ImsService | undefined) {
  return (fn: LocalHandler) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      authorizeLocal(req, namespaceAuth, ims);
      const out = await fn(req, reply, req.params as Params);
      if (reply.sent) return reply;
      return reply.type('application/json').send(out);
    };
}
