/**
 * The OpenWhisk HTTP API: web actions (`/api/v1/web/...`) and the REST API
 * (`/api/v1/namespaces/...`) that the `openwhisk` client and `aio rt` use.
 * Errors are OpenWhisk's `{error, code}` (platform/runtime/errors.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from '../../core/types';
import type { LocalRuntime } from '../runtime';
import { restGuard, type RestGuard } from './request';
import { registerWebActionRoutes } from './web-actions';
import { entityViews, registerEntityRoutes } from './entities';
import { registerInvokeRoutes } from './invoke';
import { registerActivationRoutes } from './activations';
import { registerDeployRoutes } from './deploy';

export function registerRuntimeRoutes(app: FastifyInstance, ctx: PlatformContext, rt: LocalRuntime): void {
  // bodies stay raw here: web actions need the exact bytes, the REST API parses JSON itself
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const guard = restGuard(ctx.config);
  const views = entityViews(ctx.config, rt);
  registerWebActionRoutes(app, ctx.config, rt, guard);
  const rest = (scope: FastifyInstance, g: RestGuard): void => {
    registerEntityRoutes(scope, ctx.config, rt, g, views);
    registerInvokeRoutes(scope, ctx, rt, g, views);
    registerActivationRoutes(scope, rt, g);
    registerDeployRoutes(scope, rt, g, views);
  };
  rest(app, guard);
  // CLI 11 deploys through Adobe's deploy service (AIO_DEPLOY_SERVICE_URL + /runtime/api/v1/...)
  // with an IMS bearer: the same API under that prefix, also accepting the local IMS's tokens
  const imsGuard = restGuard(ctx.config, (token) => ctx.ims?.isValid(token) ?? false);
  void app.register(async (scope) => rest(scope, imsGuard), { prefix: '/runtime' });
}
