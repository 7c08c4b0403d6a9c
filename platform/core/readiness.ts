/**
 * Liveness and readiness. `/healthz` is liveness: 200 once the server listens and every
 * module started. `/readyz` is readiness: 200 once the app's wiring is in place too, which
 * under `platform start` means once the app's `post-app-deploy` hook (onboarding: providers,
 * event metadata, registrations) has finished.
 *
 * Until then the doors through which events come in answer 503 with `retry-after`: the
 * ingress (`/ingress`) and the web actions (`/api/v1/web/...`, where the app's ingestion
 * webhook is). An event accepted there before its registrations exist would match none of
 * them and never be delivered; a sender that is told 503 sends it again once the wiring is
 * there. Everything else (the management API the hook itself calls, IMS, the runtime's REST
 * API, the console) answers as usual.
 */
import type { FastifyInstance } from 'fastify';
import { PlatformError } from './errors';

/** seconds a sender should wait before sending again while the platform is not ready */
export const NOT_READY_RETRY_AFTER_S = 2;

export interface Readiness {
  /** the server listens and every module started */
  live: boolean;
  /** the app's wiring is in place (the post-app-deploy hook finished) */
  ready: boolean;
}

function gated(url: string): boolean {
  const path = (url.split('?')[0] ?? url).replace(/\/{2,}/g, '/');
  return path === '/ingress' || path.startsWith('/ingress/') || path.startsWith('/api/v1/web/');
}

export function installReadiness(app: FastifyInstance, state: Readiness, namespace: string): void {
  app.get('/healthz', async (_req, reply) =>
    state.live ? reply.send({ status: 'ok', namespace }) : reply.code(503).send({ status: 'starting' }),
  );
  app.get('/readyz', async (_req, reply) => {
    if (state.live && state.ready) return reply.send({ status: 'ready', namespace });
    return reply
      .code(503)
      .header('retry-after', String(NOT_READY_RETRY_AFTER_S))
      .send({ status: state.live ? 'wiring' : 'starting' });
  });
  app.addHook('onRequest', async (req) => {
    if (state.ready || !gated(req.url)) return;
    throw new PlatformError(
      503,
      'not_ready',
      "the platform is starting: the app's events are not wired yet (its post-app-deploy hook is running); send again later",
      { headers: { 'retry-after': String(NOT_READY_RETRY_AFTER_S) } },
    );
  });
}
