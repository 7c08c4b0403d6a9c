/**
 * The one consumer. Every `{pkg}/consumer` action is this function configured with its
 * package name: read the CloudEvent params, look the route up in the routing table (data,
 * see src/deliver/routing.ts), invoke the handler blocking, answer with the handler's status
 * so that I/O Events retries exactly what may pass:
 *
 *   handler 2xx                       → 200 {type, response: <handler body>}
 *   handler 4xx (final)               → the same 4xx, the handler's message and code
 *   handler 429 / 5xx                 → the same status (retry-after kept)
 *   handler 408                       → 504 target_timeout (retried)
 *   handler crash, timeout, invoke
 *   failure, malformed result         → 503 (retried)
 *   event this consumer does not know → 400 unknown_event (final)
 *   route disabled / filtered out     → 200, skipped, handler not invoked
 *
 * One log line per activation: event id, event code, our activation id, the handler's.
 */
import { catalog, CatalogEntry, findEvent, PackageName, valueOf } from '../../catalog';
import { isRetryableStatus } from '../../contract';
import { ActionError, FinalError, RetryableError, toActionError } from '../../kernel/errors';
import { ErrorResult, SuccessResult, errorResponse, successResponse } from '../../kernel/responses';
import {
  FilterSubject,
  resolveEvent,
  RoutableEntry,
  RoutingTable,
  buildRoutingTable,
  parseRoutesOverride,
  rejectingFilter,
} from '../routing';
import { InvokeOutcome, Invoker, openwhiskInvoker } from './invoke';
import { requestLine } from '../../kernel/log';
import { ConsumerLogger, defaultLogger } from './log';

export type ConsumerParams = Record<string, unknown>;
export type ConsumerResult = SuccessResult<unknown> | ErrorResult;

export interface ConsumerEntry extends RoutableEntry {
  readonly direction: string;
}

export interface ConsumerOptions<E extends ConsumerEntry> {
  /** runtime package this consumer serves, e.g. `product-backoffice` */
  package: string;
  /** the catalog */
  entries: readonly E[];
  /** resolve a received `type` (possibly carrying EVENT_PREFIX) to its catalog entry */
  findEvent(type: string, prefix: string | undefined): E | undefined;
  /** the entity payload inside CloudEvent `data` */
  valueOf(entry: E, data: unknown): unknown;
  /** test seam; the default invokes through the `openwhisk` client */
  invoke?: Invoker;
  logger?: (params: ConsumerParams) => ConsumerLogger;
}

export interface SkippedResponse {
  success: true;
  skipped: 'route_disabled' | 'filtered';
  message: string;
}

export function createConsumer<E extends ConsumerEntry>(
  opts: ConsumerOptions<E>,
): (params: ConsumerParams) => Promise<ConsumerResult> {
  const invoke = opts.invoke ?? openwhiskInvoker;
  // one routing table per warm container and ROUTES_OVERRIDE value; built over the whole
  // catalog because every consumer gets the same ROUTES_OVERRIDE (other packages' routes included)
  let cached: { raw: unknown; table: RoutingTable } | undefined;
  const tableFor = (raw: unknown): RoutingTable => {
    if (!cached || cached.raw !== raw)
      cached = { raw, table: buildRoutingTable(opts.entries, parseRoutesOverride(raw)) };
    return cached.table;
  };
  const mkLog = opts.logger ?? defaultLogger(opts.package);

  return async function main(params: ConsumerParams): Promise<ConsumerResult> {
    const started = Date.now();
    const log = mkLog(params);
    const type = typeof params.type === 'string' ? params.type : undefined;
    const eventId = typeof params.id === 'string' ? params.id : undefined;
    const line: Record<string, string> = {
      consumer: opts.package,
      event: eventId ?? '-',
      code: type ?? '-',
      handler: '-',
    };
    const finish = (result: ConsumerResult, outcome: string): ConsumerResult => {
      const status = 'error' in result ? result.error.statusCode : result.statusCode;
      const msg = requestLine({ ...line, status, outcome, ms: Date.now() - started });
      if (status >= 500 || status === 429) log.error(msg);
      else if (status >= 400) log.warn(msg);
      else log.info(msg);
      return result;
    };

    try {
      if (type === undefined || type === '') {
        throw new FinalError(400, 'missing CloudEvent field "type"', {
          code: 'missing_type',
          details: [{ path: '/type', message: 'required string' }],
        });
      }
      const prefix =
        typeof params.EVENT_PREFIX === 'string' && params.EVENT_PREFIX !== '' && params.EVENT_PREFIX !== '$EVENT_PREFIX'
          ? params.EVENT_PREFIX
          : undefined;
      const entry = resolveEvent(opts.findEvent, type, prefix);
      if (!entry || entry.package !== opts.package) {
        throw new FinalError(400, `unknown event "${type}": ${opts.package}/consumer routes none by that code`, {
          code: 'unknown_event',
          details: [{ path: '/type', message: 'not in the routing table' }],
        });
      }
      line.code = entry.code;
      const route = tableFor(params.ROUTES_OVERRIDE).get(entry.code);
      if (!route || !route.enabled) {
        const body: SkippedResponse = {
          success: true,
          skipped: 'route_disabled',
          message: `route for ${entry.code} is disabled by ROUTES_OVERRIDE; event acknowledged, not handled`,
        };
        return finish(successResponse(type, body), 'skipped (route disabled)');
      }
      const data = params.data;
      const subject: FilterSubject = {
        type,
        data,
        value: opts.valueOf(entry, data),
        ...(eventId ? { id: eventId } : {}),
        ...(typeof params.source === 'string' ? { source: params.source } : {}),
      };
      const rejected = rejectingFilter(route, subject);
      if (rejected) {
        const body: SkippedResponse = {
          success: true,
          skipped: 'filtered',
          message: `${rejected.field} is not one of [${rejected.include.join(', ')}]; event acknowledged, not handled`,
        };
        return finish(successResponse(type, body), 'skipped (filtered)');
      }

      const outcome = await invoke(route.action, handlerParams(params));
      line.handler = route.action;
      if ('activationId' in outcome && outcome.activationId) line.handlerActivation = outcome.activationId;
      const response = propagate(route.action, outcome);
      return finish(successResponse(type, response), 'handled');
    } catch (err) {
      const e = toActionError(err);
      return finish(errorResponse(e), e.code);
    }
  };
}

/** What the handler receives: the CloudEvent, never the consumer's own inputs. */
function handlerParams(params: ConsumerParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [
    'type',
    'id',
    'source',
    'time',
    'specversion',
    'datacontenttype',
    'subject',
    'data',
    'event_id',
    'recipient_client_id',
  ]) {
    if (params[k] !== undefined) out[k] = params[k];
  }
  return out;
}

/** Handler outcome → the consumer's answer: the response body, or a typed error to render. */
export function propagate(action: string, outcome: InvokeOutcome): unknown {
  switch (outcome.kind) {
    case 'pending':
      throw new RetryableError(503, `handler ${action} did not finish within the blocking wait`, {
        code: 'handler_timeout',
      });
    case 'unreachable':
      throw new RetryableError(
        503,
        `could not invoke handler ${action}${outcome.status ? ` (HTTP ${outcome.status})` : ''}`,
        { code: 'handler_invoke_failed' },
      );
    case 'failed': {
      // a kit-style handler may report its status as `{error: {statusCode, body}}`
      const kit = kitErrorResult(outcome.result);
      if (kit) return fromStatus(action, kit.statusCode, kit.body, kit.headers);
      if (outcome.timedOut)
        throw new RetryableError(503, `handler ${action} exceeded its time limit`, { code: 'handler_timeout' });
      throw new RetryableError(503, `handler ${action} failed`, { code: 'handler_crashed' });
    }
    case 'returned': {
      const r = outcome.result;
      if (!isRecord(r) || typeof r.statusCode !== 'number') {
        throw new RetryableError(503, `handler ${action} returned no statusCode`, { code: 'handler_bad_result' });
      }
      return fromStatus(action, r.statusCode, r.body, r.headers);
    }
  }
}

function fromStatus(action: string, status: number, body: unknown, headers: unknown): unknown {
  if (status >= 200 && status < 300) return body;
  const b = isRecord(body) ? body : {};
  const message =
    typeof b.error === 'string'
      ? b.error
      : typeof b.message === 'string'
        ? b.message
        : `handler ${action} answered ${status}`;
  const code = typeof b.code === 'string' ? b.code : 'handler_error';
  const details = Array.isArray(b.details) ? b.details.filter(isDetail) : undefined;
  const common = { code, ...(details && details.length > 0 ? { details } : {}) };
  // a request timeout is worth a retry, but I/O Events does not retry a 408: answer a 504
  if (status === 408) throw new RetryableError(504, message, { ...common, code: 'target_timeout' });
  if (isRetryableStatus(status)) {
    const ra = isRecord(headers) ? (headers['retry-after'] ?? headers['Retry-After']) : undefined;
    const retryAfter =
      typeof ra === 'number'
        ? ra
        : typeof ra === 'string' && ra.trim() !== '' && Number.isFinite(Number(ra))
          ? Number(ra)
          : undefined;
    throw new RetryableError(status, message, { ...common, ...(retryAfter === undefined ? {} : { retryAfter }) });
  }
  if ((status >= 400 && status < 500) || status === 505) throw new FinalError(status, message, common);
  throw new RetryableError(503, `handler ${action} answered an unexpected status ${status}`, {
    code: 'handler_bad_result',
  });
}

function kitErrorResult(result: unknown): { statusCode: number; body: unknown; headers: unknown } | undefined {
  if (!isRecord(result) || !isRecord(result.error)) return undefined;
  const e = result.error;
  if (typeof e.statusCode !== 'number') return undefined;
  return { statusCode: e.statusCode, body: e.body, headers: e.headers };
}

function isDetail(d: unknown): d is { path: string; message: string } {
  return isRecord(d) && typeof d.path === 'string' && typeof d.message === 'string';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type { ActionError, InvokeOutcome, Invoker };

/** The consumer of one runtime package, routed by THE catalog. */
export function catalogConsumer(
  pkg: PackageName,
  extra: Pick<ConsumerOptions<CatalogEntry>, 'invoke' | 'logger'> = {},
) {
  return createConsumer<CatalogEntry>({ package: pkg, entries: catalog, findEvent, valueOf, ...extra });
}
