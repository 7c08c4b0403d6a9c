/**
 * The generic handler pipeline's steps: validate → transform → send, each
 * overridable per event code without copying the pipeline.
 *
 * A step set is declared once per event (src/deliver/handler/steps/*), typed by the event's
 * value type from the catalog; a deployment overrides any step of any event by code (see
 * `createHandler({ steps })` or `overrideSteps`), and the pipeline composes
 * defaults ← overrides.
 */
import type { CatalogEntry, EventCode, EventValue } from '../../catalog';
import type { ErrorDetail } from '../../kernel/errors';
import type { Logger } from '../../kernel/log';
import type { LoopMark, StateStore } from '../../state';
import type { BackofficeClient } from '../../clients/backoffice';
import type { CommerceClient } from '../../clients/commerce';
import type { TargetResponse } from '../../kernel/call-target';
import type { Params } from '../../kernel/inputs';

export interface CloudEventParams {
  type: string;
  id?: string;
  source?: string;
  data: unknown;
}

export interface StepContext<C extends EventCode = EventCode> {
  /** the catalog code (EVENT_PREFIX stripped) */
  code: C;
  entry: CatalogEntry;
  /** the entity payload, unwrapped from `data.value` for Commerce events; typed after validate */
  value: EventValue<C>;
  event: CloudEventParams;
  /** the handler action's inputs (COMMERCE_*, BACKOFFICE_*, ...) */
  params: Params;
  log: Logger;
  /** target clients, created on first use from the inputs */
  commerce(): CommerceClient;
  backoffice(): BackofficeClient;
  /** the State store of this activation (idempotency, loop breaker, caches, id maps) */
  state(): StateStore;
  /** what the `lookup` step returned (thin events: the full entity); undefined without one */
  entity?: unknown;
}

export interface Steps<C extends EventCode = EventCode, P = unknown> {
  /** field errors of the value; default: the catalog schema (ajv, compiled once per container) */
  validate(ctx: StepContext<C>): ErrorDetail[];
  /**
   * thin events: fetch the full entity the value only identifies (e.g. from a query API,
   * through a cache, src/clients/lookup.ts); runs after validate, its result is
   * `ctx.entity` for the later steps. 404 → final, 5xx/timeout → retried.
   */
  lookup?(ctx: StepContext<C>): Promise<unknown>;
  /** the target payload: a pure mapping of the value */
  transform(ctx: StepContext<C>): P;
  /** one call to the target; throw FinalError / RetryableError (the target clients do) */
  send(ctx: StepContext<C>, payload: P): Promise<TargetResponse>;
  /** success message, e.g. "product SKU-1 updated in Commerce" */
  describe(ctx: StepContext<C>, payload: P): string;
  /**
   * loop breaker: the projections of what this event carries; the event is skipped when every
   * one repeats what we wrote to the system it comes from
   */
  incoming?(ctx: StepContext<C>): LoopMark[];
  /** loop breaker: the projections of what we wrote to the target */
  written?(ctx: StepContext<C>, payload: P, response: TargetResponse): LoopMark[];
}

/** Steps with the payload type erased, as the registry keeps them. */
export type AnySteps = Steps<EventCode, unknown>;

/** What a deployment may override for one event. */
export type StepOverrides = { [C in EventCode]?: Partial<Steps<C, unknown>> };
