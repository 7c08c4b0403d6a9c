/**
 * The OpenWhisk HTTP API: web actions (`/api/v1/web/...`) and the REST API
 * (`/api/v1/namespaces/...`) that the `openwhisk` client and `aio rt` use.
 * Errors are OpenWhisk's `{error, code}` (platform/runtime/errors.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from '../../core/types';
import type { LocalRuntime } from '../runtime';
import { restGuard } from './request';
import { registerWebActionRoutes } from './web-actions';
import { entityViews, registerEntityRoutes } from './entities';
import { registerInvokeRoutes } from './invoke';
import { registerActivationRoutes } from './activations';

export function registerRuntimeRoutes(app: FastifyInstance, ctx: PlatformContext, rt: LocalRuntime): void {
  // bodies stay raw here: web actions need the exact bytes, the REST API parses JSON itself
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const guard = restGuard(ctx.config);
  const views = entityViews(ctx.config, rt);
  registerWebActionRoutes(app, ctx.config, rt, guard);
  registerEntityRoutes(app, ctx.config, rt, guard, views);
  registerInvokeRoutes(app, ctx, rt, guard, views);
  registerActivationRoutes(app, rt, guard);
}
