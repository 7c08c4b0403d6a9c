/**
 * Console-only endpoints under `/console/api/`. Everything about events, deliveries,
 * registrations, replay and pause/resume comes from the events module's own API
 * (`/events/_local/...`), which the browser calls directly; these add only what that API
 * does not offer:
 *
 * - `GET /console/api/overview`: the platform (namespace, base URL), the known event codes,
 *   the registrations' names and the actions, to fill the console's filter menus;
 * - `GET /console/api/activations?action=&status=&eventId=&before=&limit=` and
 *   `GET /console/api/activations/:id`: activations filtered by action and status;
 * - `GET /console/api/last-attempts?eventIds=` and `POST /console/api/replay-failed`:
 *   why events failed, and a replay of only what failed;
 * - `GET /console/api/entity-timeline?entity=`: one entity's events of both directions on one
 *   timeline, with what the handler did (applied, or stopped as an echo by the loop breaker);
 * - `GET /console/api/stream`: one server-sent-events feed of the platform's bus.
 *
 * The console owns no table: it asks the runtime (`ctx.runtime`) and the events module
 * (`ctx.events`, absent when that module is not loaded).
 */
import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from '../core/types';
import { registerActivations } from './routes/activations';
import { registerEntityTimeline } from './routes/entity-timeline';
import { registerEventsHelpers } from './routes/events';
import { registerOverview } from './routes/overview';
import { registerStream } from './routes/stream';

export function registerConsoleApi(app: FastifyInstance, ctx: PlatformContext): void {
  registerOverview(app, ctx);
  registerActivations(app, ctx);
  registerEventsHelpers(app, ctx);
  registerEntityTimeline(app, ctx);
  registerStream(app, ctx);
}
