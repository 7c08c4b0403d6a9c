/** A console endpoint: authorizes the caller and answers JSON (errors are rendered by the platform). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PlatformContext } from '../core/types';
import { authorizeConsole } from './auth';

export type ConsoleHandler = (req: FastifyRequest, p: Record<string, string>) => unknown;

export function consoleRoute(ctx: PlatformContext) {
  return (fn: ConsoleHandler) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      authorizeConsole(req, ctx);
      const out = await fn(req, req.params as Record<string, string>);
      return reply.type('application/json').send(out);
    };
}
