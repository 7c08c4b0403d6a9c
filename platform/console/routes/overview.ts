/** `GET /console/api/overview`: the platform, event codes, registrations and actions, for the console's filter menus. */
import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from '../../core/types';
import { consoleRoute } from '../route';
import { ACTIVATION_STATUSES } from './activations';

export function registerOverview(app: FastifyInstance, ctx: PlatformContext): void {
  app.get(
    '/console/api/overview',
    consoleRoute(ctx)(() => {
      let actions: string[];
      try {
        actions = ctx.runtime
          .actions()
          .map((a) => a.fullName)
          .sort();
      } catch {
        actions = [];
      }
      return {
        namespace: ctx.config.namespace,
        baseUrl: ctx.config.baseUrl,
        timeScale: ctx.config.timeScale,
        eventsModule: ctx.events !== undefined,
        eventCodes: ctx.events?.eventCodes() ?? [],
        registrations: ctx.events?.registrations() ?? [],
        actions,
        activationStatuses: Object.keys(ACTIVATION_STATUSES),
      };
    }),
  );
}
