/**
 * The management API's handlers (`/events/...`, Adobe's HAL documents): each checks the
 * IMS credentials, answers its document as `application/hal+json`, or 204 when it has none.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PlatformError } from '../../core/errors';
import { asRecord } from '../fields';
import { requireImsAuth, type TokenCheck } from '../ims-auth';
import type { Workspace } from '../registrations';
import type { Params } from './deps';

export type HalHandler = (req: FastifyRequest, reply: FastifyReply, p: Params) => Promise<unknown> | unknown;

export function halRoute(tokenCheck: TokenCheck | undefined) {
  return (fn: HalHandler) =>
    async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
      requireImsAuth(req, tokenCheck);
      const out = await fn(req, reply, req.params as Params);
      if (reply.sent) return reply;
      if (out === undefined) return reply.code(204).send();
      return reply.type('application/hal+json').send(out);
    };
}

export function bodyObject(req: FastifyRequest): Record<string, unknown> {
  const b = asRecord(req.body);
  if (!b) throw new PlatformError(400, 'invalid_body', 'the request body must be a JSON object', { field: 'body' });
  return b;
}

/** the workspace named by the path (`/events/:consumerOrgId/:projectId/:workspaceId/...`) */
export function ws(p: Params): Workspace {
  return { orgId: p.consumerOrgId ?? '', projectId: p.projectId ?? '', workspaceId: p.workspaceId ?? '' };
}
