/**
 * The outbound dispatcher: an action that I/O Events delivers Commerce events to (a
 * registration with `runtime_action: outbound/dispatch`), sending each event to every
 * configured target that wants it (OUTBOUND_TARGETS, src/outbound/config.ts).
 *
 * Status, so that I/O Events retries exactly what may pass:
 *   every wanted target 2xx                 → 200 {type, response: {delivered, stopped}}
 *   any target retryable (429/5xx/timeout)  → that status (the highest; 429 keeps
 *                                             retry-after): the event comes again, targets
 *                                             that already had it get the same webhook-id
 *   else any target final 4xx               → that 4xx (rejected, visible in traces)
 *   no target wants it                      → 200, nothing sent
 * A temporary target past its `endsAt` is skipped; the first time a container sees that,
 * it logs "target X stopped: end date ... reached" (and every response lists it in
 * `stopped` with the reason).
 */
import { stripPrefix } from '../catalog';
import { ActionError, FinalError, RetryableError, toActionError } from '../kernel/errors';
import { createLogger, requestLine, type Logger } from '../kernel/log';
import { errorResponse, successResponse, type ErrorResult, type SuccessResult } from '../kernel/responses';
import { optionalInput } from '../kernel/inputs';
import { ended, parseTargets, wants, type OutboundTarget } from './config';
import type { CloudEvent } from '../contract';
import { sendWebhook } from './webhook';

export { ended, parseTargets, wants } from './config';
export type { OutboundTarget, WebhookTarget } from './config';
export { sendWebhook, webhookHeaders } from './webhook';

export interface Dispatched {
  delivered: string[];
  stopped: Array<{ name: string; reason: string }>;
}

export interface DispatcherOptions {
  logger?: (params: Record<string, unknown>) => Logger;
  now?: () => number;
}

/** Which ends were already logged in this container: "stops by itself and logs why", once. */
const loggedStops = new Set<string>();

export function createOutboundDispatcher(opts: DispatcherOptions = {}) {
  const now = opts.now ?? Date.now;
  return async function main(params: Record<string, unknown>): Promise<SuccessResult<Dispatched> | ErrorResult> {
    const log = (opts.logger ?? ((p) => createLogger('outbound-dispatch', p.LOG_LEVEL)))(params);
    const started = Date.now();
    const type = typeof params.type === 'string' ? params.type : undefined;
    const id = typeof params.id === 'string' ? params.id : undefined;
    const fields: Record<string, string | number | undefined> = {
      action: 'outbound/dispatch',
      event: id ?? '-',
      code: type ?? '-',
    };
    try {
      if (!type || !id)
        throw new FinalError(400, 'not a CloudEvent: type and id are required', {
          code: 'invalid_event',
          details: [{ path: type ? '/id' : '/type', message: 'required string' }],
        });
      // parsed per activation (microseconds): `$NAME` references resolve against this activation's inputs
      const targets = parseTargets(params.OUTBOUND_TARGETS, params);
      const code = stripPrefix(type, optionalInput(params, 'EVENT_PREFIX'));
      const event: CloudEvent = {
        specversion: '1.0',
        id,
        source: typeof params.source === 'string' ? params.source : 'urn:unknown',
        type,
        ...(typeof params.time === 'string' ? { time: params.time } : {}),
        ...(typeof params.subject === 'string' ? { subject: params.subject } : {}),
        datacontenttype: 'application/json',
        data: params.data,
      };
      const at = now();
      const stopped: Dispatched['stopped'] = [];
      const wanted: OutboundTarget[] = [];
      for (const t of targets) {
        if (!wants(t, code)) continue;
        if (ended(t, at)) {
          const reason = `end date ${new Date(t.endsAt as number).toISOString()} reached`;
          stopped.push({ name: t.name, reason });
          const key = `${t.name}@${t.endsAt}`;
          if (!loggedStops.has(key)) {
            loggedStops.add(key);
            log.info(`target ${t.name} stopped: ${reason}; it receives no more events (temporary target)`);
          }
          continue;
        }
        wanted.push(t);
      }
      const outcomes = await Promise.allSettled(wanted.map((t) => sendWebhook(t, event)));
      const delivered: string[] = [];
      const errors: ActionError[] = [];
      outcomes.forEach((o, i) => {
        if (o.status === 'fulfilled') delivered.push((wanted[i] as OutboundTarget).name);
        else errors.push(toActionError(o.reason));
      });
      fields.delivered = delivered.join(',') || '-';
      if (stopped.length > 0) fields.stopped = stopped.map((s) => s.name).join(',');
      const retry = errors.filter((e) => e.retryable);
      if (retry.length > 0) {
        const worst = retry.find((e) => e.statusCode === 429) ?? retry.sort((a, b) => b.statusCode - a.statusCode)[0];
        throw worst as RetryableError;
      }
      if (errors.length > 0) throw errors[0] as ActionError;
      const r = successResponse(type, { delivered, stopped });
      log.info(requestLine({ ...fields, status: 200, ms: Date.now() - started }));
      return r;
    } catch (err) {
      const e = toActionError(err);
      const line = requestLine({ ...fields, status: e.statusCode, code: e.code, ms: Date.now() - started });
      if (e.statusCode >= 500 || e.statusCode === 429) log.error(`${line} error=${JSON.stringify(e.message)}`);
      else log.warn(line);
      return errorResponse(e);
    }
  };
}
