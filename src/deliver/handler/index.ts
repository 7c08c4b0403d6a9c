/**
 * The generic handler: one pipeline for every event, configured from the
 * catalog and the step registry. For each activation:
 *
 *   1. resolve `type` (EVENT_PREFIX aware) to its catalog entry     unknown → 400 unknown_event
 *   2. idempotency: the event id already applied?                   → 200 "already applied"
 *   3. validate the value (catalog schema, or the override)         → 400 with field paths
 *   4. loop breaker: does the event only repeat what we wrote?      → 200 skipped
 *   5. transform → send to the target                               → target outcome as retry intent
 *   6. after success only: record the event id (TTL) and the fingerprint of what was
 *      written (loop breaker)
 *
 * The handler always *returns* `{statusCode, body: {success, message | error, code}}` (the
 * kit's handler shape) and never throws, so the consumer reads the status from the result.
 */
import { CatalogEntry, EventCode, eventsOf, findEvent, PackageName, valueOf } from '../../catalog';
import { FinalError, RetryableError, toActionError } from '../../kernel/errors';
import { createLogger, Logger, requestLine } from '../../kernel/log';
import { HandlerResult, handlerError, handlerSuccess } from '../../kernel/responses';
import {
  DEFAULT_IDEMPOTENCY_TTL_SECONDS,
  DEFAULT_LOOP_BREAKER_TTL_SECONDS,
  LoopMark,
  LoopSystem,
  StateStore,
  aioStateStore,
  findApplied,
  isEcho,
  markApplied,
  rememberWrite,
} from '../../state';
import { BackofficeClient, backofficeClientFromParams } from '../../clients/backoffice';
import { CommerceClient, commerceClientFromParams } from '../../clients/commerce';
import type { TargetResponse } from '../../kernel/call-target';
import { intInput, optionalInput, type Params } from '../../kernel/inputs';
import { precompile, validateValue } from '../../catalog/validation';
import { resolveEvent } from '../routing';
import { stepsFor } from './registry';
import './steps';
import type { AnySteps, CloudEventParams, StepContext, StepOverrides } from './types';

export { defineSteps, overrideSteps, stepsFor } from './registry';
export type { AnySteps, CloudEventParams, StepContext, StepOverrides, Steps } from './types';

export interface HandlerOptions {
  /** runtime package this handler serves, e.g. `product-backoffice`; its events are the catalog's for it */
  package: PackageName;
  /** per-event step overrides for this handler */
  steps?: StepOverrides;
  /** accept events of other packages too (when ROUTES_OVERRIDE sends them here) */
  acceptAnyPackage?: boolean;
  /** test seams */
  state?: () => StateStore;
  logger?: (params: Params) => Logger;
}

export type HandlerMain = (params: Params) => Promise<HandlerResult>;

export function createHandler(opts: HandlerOptions): HandlerMain {
  const mkState = opts.state ?? aioStateStore;
  const mkLog = opts.logger ?? ((p: Params) => createLogger(`${opts.package}/handler`, p.LOG_LEVEL));
  // compile at load, not per call: this package's schemas, once per container
  precompile(eventsOf({ package: opts.package }));

  return async function main(params: Params): Promise<HandlerResult> {
    const started = Date.now();
    const log = mkLog(params);
    const type = typeof params.type === 'string' ? params.type : undefined;
    const eventId = typeof params.id === 'string' && params.id !== '' ? params.id : undefined;
    const fields: Record<string, string | number | undefined> = {
      handler: opts.package,
      event: eventId ?? '-',
      code: type ?? '-',
    };
    const done = (r: HandlerResult, outcome: string): HandlerResult => {
      const line = requestLine({ ...fields, status: r.statusCode, outcome, ms: Date.now() - started });
      if (r.statusCode >= 500 || r.statusCode === 429) log.error(line);
      else if (r.statusCode >= 400) log.warn(line);
      else log.info(line);
      return r;
    };

    try {
      if (type === undefined) {
        throw new FinalError(400, 'missing CloudEvent field "type"', {
          code: 'missing_type',
          details: [{ path: '/type', message: 'required string' }],
        });
      }
      const entry = resolveEvent(findEvent, type, optionalInput(params, 'EVENT_PREFIX'));
      const steps = entry ? stepsFor(entry.code, opts.steps) : undefined;
      if (!entry || !steps || (!opts.acceptAnyPackage && entry.package !== opts.package)) {
        throw new FinalError(400, `unknown event "${type}": ${opts.package}/handler has no steps for it`, {
          code: 'unknown_event',
          details: [{ path: '/type', message: 'not handled here' }],
        });
      }
      fields.code = entry.code;
      const value = valueOf(entry, params.data);
      const id = safeEntityId(entry, value);
      if (id !== undefined) fields.entity = id;
      const state = mkState();
      // read now: a malformed TTL input is a misconfiguration to report before anything is written
      const ttl = { applied: idempotencyTtl(params), loop: loopTtl(params) };

      // 2. idempotency
      if (eventId !== undefined) {
        const applied = await findApplied(state, eventId);
        if (applied) {
          return done(
            handlerSuccess('already applied', { code: 'already_applied', appliedAt: applied.at }),
            'already_applied',
          );
        }
      }

      const ctx = makeContext(entry, value, params, log, state);
      // 3. validate
      const details = steps.validate ? steps.validate(ctx) : schemaErrors(entry, value);
      if (details.length > 0) {
        throw new FinalError(400, `invalid ${entry.code} value: ${details.length} field(s) rejected`, {
          code: 'invalid_value',
          details,
        });
      }
      const full = complete(entry.code, steps);
      // 3b. lookup, thin events: the full entity the value identifies
      if (full.lookup) ctx.entity = await full.lookup(ctx);

      // 4. loop breaker: an event that only repeats what we wrote to its system is our echo
      const incoming = full.incoming?.(ctx) ?? [];
      if (incoming.length > 0 && (await allEchoes(state, entry.direction, incoming))) {
        if (eventId !== undefined)
          await bestEffort(log, 'record applied', () => markApplied(state, eventId, entry.code, ttl.applied));
        const what = incoming[0]?.entity ?? 'entity';
        return done(
          handlerSuccess(`skipped: this ${what} change was written by this integration (loop breaker)`, {
            code: 'loop_skipped',
          }),
          'loop_skipped',
        );
      }

      // 5. transform → send
      const payload = full.transform(ctx);
      const response: TargetResponse = await full.send(ctx, payload);

      // 6. remember, after success only; the change is applied, so State trouble here is logged, not failed
      await Promise.all([
        ...(eventId === undefined
          ? []
          : [bestEffort(log, 'record applied', () => markApplied(state, eventId, entry.code, ttl.applied))]),
        ...writtenMarks(log, () => full.written?.(ctx, payload, response) ?? []).map((mark) =>
          bestEffort(log, 'remember write', () => rememberWrite(state, targetOf(entry), mark, ttl.loop)),
        ),
      ]);
      const message = full.describe(ctx, payload);
      return done(handlerSuccess(message, { target: { status: response.status } }), 'applied');
    } catch (err) {
      const e = toActionError(err);
      if (!(err instanceof FinalError) && !(err instanceof RetryableError))
        log.error(`unexpected handler error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return done(handlerError(e), e.code);
    }
  };
}

function makeContext(entry: CatalogEntry, value: unknown, params: Params, log: Logger, state: StateStore): StepContext {
  let commerce: CommerceClient | undefined;
  let backoffice: BackofficeClient | undefined;
  const event: CloudEventParams = {
    type: String(params.type),
    data: params.data,
    ...(typeof params.id === 'string' ? { id: params.id } : {}),
    ...(typeof params.source === 'string' ? { source: params.source } : {}),
  };
  return {
    code: entry.code as EventCode,
    entry,
    // validated just below, before any step reads it as the typed value
    value: value as StepContext['value'],
    event,
    params,
    log,
    commerce: () => (commerce ??= commerceClientFromParams(params)),
    backoffice: () => (backoffice ??= backofficeClientFromParams(params)),
    state: () => state,
  };
}

function schemaErrors(entry: CatalogEntry, value: unknown) {
  const r = validateValue(entry, value, entry.dataWrapsValue ? '/data/value' : '/data');
  return r.ok ? [] : r.details;
}

/** A step set without transform/send/describe is a misconfiguration (an override removed them). */
function complete(code: string, s: Partial<AnySteps>): AnySteps {
  if (!s.transform || !s.send || !s.describe) {
    throw new RetryableError(
      500,
      `handler steps for ${code} are incomplete (transform, send and describe are required)`,
      { code: 'bad_steps' },
    );
  }
  return s as AnySteps;
}

function safeEntityId(entry: CatalogEntry, value: unknown): string | undefined {
  try {
    return entry.entityId(value as never);
  } catch {
    return undefined;
  }
}

async function bestEffort(log: Logger, what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    log.warn(`${what} failed after the change was applied: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The change is applied: a failing `written` step is logged, never turned into a retry. */
function writtenMarks(log: Logger, fn: () => LoopMark[]): LoopMark[] {
  try {
    return fn();
  } catch (err) {
    log.warn(`written step failed after the change was applied: ${err instanceof Error ? err.message : String(err)}`);
    return [];
  }
}

/** Events from the back office are written to Commerce, and the other way round. */
function targetOf(entry: CatalogEntry): LoopSystem {
  return entry.direction === 'backoffice' ? 'commerce' : 'backoffice';
}

/** Every mark must be an echo: a multi-item event with one real change is not skipped. */
async function allEchoes(state: StateStore, from: LoopSystem, marks: LoopMark[]): Promise<boolean> {
  for (const m of marks) if (!(await isEcho(state, from, m))) return false;
  return true;
}

const idempotencyTtl = (p: Params) => intInput(p, 'IDEMPOTENCY_TTL', DEFAULT_IDEMPOTENCY_TTL_SECONDS);
const loopTtl = (p: Params) => intInput(p, 'LOOP_BREAKER_TTL', DEFAULT_LOOP_BREAKER_TTL_SECONDS);
