/**
 * `/api/v1/namespaces/{ns}/actions/{pkg}/{action}`: GET describes the action, POST invokes
 * it (blocking or not), PUT and DELETE deploy and remove it (routes/deploy.ts);
 * `/api/v1/namespaces/{ns}/actions/{pkg}/` lists a package's actions.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ActivationRecord, PlatformContext } from '../../core/types';
import { PlatformError } from '../../core/errors';
import type { LocalRuntime } from '../runtime';
import { newActivationId } from '../runtime';
import { forActivation, NOT_FOUND, runtimeError } from '../errors';
import { bodyJson, rawBody, type RestGuard } from './request';
import { page, type EntityViews } from './entities';
import { deleteAction, putAction } from './deploy';

const BLOCKING_WAIT_MS = 60_000;
const DEPLOY_BODY_LIMIT_BYTES = 64 * 1024 * 1024;
const MIN_BLOCKING_WAIT_MS = 1000;

/** The activation, or 'timeout' when it outlasts the blocking wait (it then goes on running). */
async function waitBlocking(running: Promise<ActivationRecord>, waitMs: number): Promise<ActivationRecord | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((r) => {
    timer = setTimeout(() => r('timeout'), waitMs);
  });
  try {
    return await Promise.race([running, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerInvokeRoutes(
  app: FastifyInstance,
  ctx: PlatformContext,
  rt: LocalRuntime,
  guard: RestGuard,
  views: EntityViews,
): void {
  const cfg = ctx.config;

  const invoke = async (req: FastifyRequest, reply: FastifyReply, fullName: string): Promise<unknown> => {
    const q = req.query as Record<string, string | undefined>;
    const params = bodyJson(rawBody(req, cfg));
    if (!params)
      throw runtimeError(400, 'The request content was malformed: the body must be a JSON object of parameters.');
    const activationId = newActivationId();
    reply.header('x-openwhisk-activation-id', activationId);
    const running = rt.run(fullName, params, { activationId });
    if (q.blocking !== 'true') {
      running.catch((e: unknown) => ctx.log.warn('non-blocking activation failed', { activationId, error: String(e) }));
      // a limit hit must still answer 429 synchronously: give the run a tick to throw
      const early = await Promise.race([
        running.then(
          () => undefined,
          (e: unknown) => e,
        ),
        new Promise((r) => setImmediate(r, undefined)),
      ]);
      if (early instanceof PlatformError) throw forActivation(early, activationId);
      return reply.code(202).send({ activationId });
    }
    // the time scale compresses Adobe's schedules for demos and tests, but a blocking wait
    // under a second would turn every ordinary consumer → handler call into a 202
    const waitMs = Math.max(MIN_BLOCKING_WAIT_MS, BLOCKING_WAIT_MS * cfg.timeScale);
    const rec = await waitBlocking(running, waitMs).catch((e: unknown) => {
      throw forActivation(e, activationId);
    });
    if (rec === 'timeout') return reply.code(202).send({ activationId });
    const ok = rec.response.statusCode === 0;
    const status = ok ? 200 : rec.response.statusCode === 3 ? 500 : 502;
    if (q.result === 'true') return reply.code(status).send(rec.response.result);
    return reply.code(status).send({ ...rec, publish: false });
  };

  const actionRoute = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    guard.authorize(req);
    const { ns, '*': rest } = req.params as { ns: string; '*': string };
    guard.requireNamespace(ns);
    // `.../actions/{package}/`: that package's actions (`aio rt action list {package}`)
    if (req.method === 'GET' && rest.endsWith('/') && !rest.slice(0, -1).includes('/')) {
      const pkg = rest.slice(0, -1);
      if (!views.packages().some((p) => p.name === pkg)) throw runtimeError(404, NOT_FOUND);
      return page(views.actionsOf(pkg), req.query as Record<string, string | undefined>);
    }
    const fullName = rest.includes('/') ? rest : `default/${rest}`;
    if (req.method === 'PUT') return putAction(rt, views, req, fullName);
    if (!rt.spec(fullName)) throw runtimeError(404, NOT_FOUND);
    if (req.method === 'DELETE') return deleteAction(rt, views, fullName);
    if (req.method === 'GET') return views.action(fullName, true, (req.query as { code?: string }).code !== 'false');
    return invoke(req, reply, fullName);
  };
  app.route({ method: ['GET', 'POST', 'DELETE'], url: '/api/v1/namespaces/:ns/actions/*', handler: actionRoute });
  // a deploy carries the action's code: up to OpenWhisk's 48 MB, base64 on the wire
  app.route({
    method: 'PUT',
    url: '/api/v1/namespaces/:ns/actions/*',
    handler: actionRoute,
    bodyLimit: DEPLOY_BODY_LIMIT_BYTES,
  });
}
