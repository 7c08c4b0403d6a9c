/**
 * `GET /console/api/entity-timeline?entity=&limit=`: one entity (a sku, an email, an order
 * id) across both directions on one timeline, oldest first: each event with its direction
 * (back office → Commerce, or Commerce → back office), its delivery status, and what the
 * handler did with it: applied (and what it wrote), stopped as our own echo by the loop
 * breaker (and why), or failed. Events come from the events module (`ctx.events`), what the
 * handler did from the activations they caused (`ctx.runtime`).
 */
import type { FastifyInstance } from 'fastify';
import { PlatformError } from '../../core/errors';
import type { ActivationRecord, EntityEvent, PlatformContext } from '../../core/types';
import { consoleRoute } from '../route';

const COMMERCE_TYPE = 'com.adobe.commerce.';

export type TimelineOutcome = 'applied' | 'echo-stopped' | 'skipped' | 'failed' | 'in-progress';

export interface TimelineItem {
  at: number;
  direction: 'backoffice-to-commerce' | 'commerce-to-backoffice';
  directionLabel: string;
  type: string;
  eventId: string;
  provider: string | null;
  status: string;
  outcome: TimelineOutcome;
  /** the handler's message: what it wrote, or why it stopped */
  why: string | null;
  handlerActivation: string | null;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function handlerOutcome(acts: ActivationRecord[]): { outcome: TimelineOutcome; why: string | null; id: string | null } {
  const handler = acts.filter((a) => a.name === 'handler').at(-1);
  const consumer = acts.filter((a) => a.name === 'consumer').at(-1);
  const body = handler?.response.result.body;
  if (handler && isRecord(body)) {
    const why = typeof body.message === 'string' ? body.message : typeof body.error === 'string' ? body.error : null;
    if (body.code === 'loop_skipped') return { outcome: 'echo-stopped', why, id: handler.activationId };
    return { outcome: body.success === true ? 'applied' : 'failed', why, id: handler.activationId };
  }
  // the consumer acknowledged without a handler (route disabled or filtered out)
  const cres = consumer?.response.result;
  const inner = isRecord(cres) && isRecord(cres.body) ? cres.body.response : undefined;
  if (isRecord(inner) && typeof inner.skipped === 'string')
    return { outcome: 'skipped', why: typeof inner.message === 'string' ? inner.message : null, id: null };
  return { outcome: handler ? 'failed' : 'in-progress', why: null, id: handler?.activationId ?? null };
}

function item(ctx: PlatformContext, e: EntityEvent): TimelineItem {
  const fromCommerce = e.type.startsWith(COMMERCE_TYPE) || e.providerMetadata === 'dx_commerce_events';
  let acts: ActivationRecord[];
  try {
    acts = ctx.runtime.activationsForEvent(e.ceId);
  } catch {
    acts = [];
  }
  const h = handlerOutcome(acts);
  return {
    at: e.receivedAt,
    direction: fromCommerce ? 'commerce-to-backoffice' : 'backoffice-to-commerce',
    directionLabel: fromCommerce ? 'Commerce → back office' : 'back office → Commerce',
    type: e.type,
    eventId: e.eventId,
    provider: e.provider,
    status: e.status,
    outcome: h.outcome,
    why: h.why,
    handlerActivation: h.id,
  };
}

export function registerEntityTimeline(app: FastifyInstance, ctx: PlatformContext): void {
  const h = consoleRoute(ctx);
  app.get(
    '/console/api/entity-timeline',
    h((req) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      const entity = typeof q.entity === 'string' ? q.entity.trim() : '';
      if (!entity)
        throw new PlatformError(400, 'invalid_field', 'entity is required (a sku, an email, an id)', {
          field: 'entity',
        });
      const limit = q.limit === undefined ? 200 : Number(q.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw new PlatformError(400, 'invalid_field', 'limit must be an integer from 1 to 1000', { field: 'limit' });
      const events = ctx.events?.eventsOfEntity(entity, limit) ?? [];
      return { entity, items: events.map((e) => item(ctx, e)) };
    }),
  );
}
