/**
 * The one ingestion pipeline every source runs through, in this order:
 *
 *   method (405) → size (413) → authentication (401) → JSON (400 invalid_json)
 *   → the source's own checks: parse, route, validate (400 with field paths, or a 200 skip)
 *   → the source's async checks before publishing (replay guard, version check)
 *   → publish to I/O Events (429 keeps retry-after; ingress trouble 503)
 *   → the source's best-effort record after publishing
 *
 * and one request line per activation (`Source.line`). A source is a value (`Source`); a
 * web action is `ingestAction(source)`.
 */
import { publish as publishEvent, publishConfigFrom, type EventDraft, type PublishConfig } from '../clients/io-events';
import { FinalError, toActionError, type ActionError } from '../kernel/errors';
import { createLogger, type Logger } from '../kernel/log';
import { errorResponse, successResponse, type ErrorResult, type SuccessResult } from '../kernel/responses';
import { authConfigFrom, authenticate, type Headers } from './auth';
import { MAX_BODY_BYTES, rawBody, type RawHttpParams } from './raw-body';

/** A request past the checks every source shares. */
export interface Admitted {
  /** the parsed JSON body, or the payload of a plain (not raw-http) invocation */
  parsed: unknown;
  /** the body as text */
  text: string;
}

/** The body and payload of a plain (not raw-http) invocation, which carries params instead of a body. */
export interface PlainRequest {
  /** what the size limit and the authentication see */
  body: string;
  parsed: unknown;
}

/** The request line's facts a source adds as it learns them (event code, ids). */
export type LineFields = Record<string, string | number | undefined>;

/** A 200 that publishes nothing (filtered, duplicate, stale). */
export interface Skip<R> {
  kind: 'skip';
  /** the success result's `type` */
  type: string;
  response: R;
  /** for the request line */
  outcome: string;
}

export interface Publication<R> {
  kind: 'publish';
  type: string;
  event: EventDraft;
  /** the success answer once published */
  response: R;
  /** checks that need I/O before publishing; a Skip answers 200 without publishing */
  before?: () => Promise<Skip<R> | undefined>;
  /** best-effort record once published (failures are logged by the source, never answered) */
  after?: (log: Logger) => Promise<void>;
}

/** How one activation ended, for the request line. */
export interface RequestEnd {
  status: number;
  /** the error code, when it failed */
  code?: string;
  /** `published`, the skip's outcome, or the error code */
  outcome: string;
  ms: number;
  error?: ActionError;
}

export interface Source<R> {
  /** `package/action`, the request line's `action` */
  action: string;
  /** logger name */
  logger: string;
  /** what a wrong method is told, e.g. "POST the event" */
  post: string;
  /** the request of a plain invocation, or undefined for a raw-http one */
  plain(params: RawHttpParams): PlainRequest | undefined;
  /** the source's own checks; throws the typed error of the first failing one */
  parse(request: Admitted, params: RawHttpParams, fields: LineFields, now: Date): Publication<R> | Skip<R>;
  /** the request line */
  line(fields: LineFields, end: RequestEnd): string;
}

export type IngestResult<R> = SuccessResult<R> | ErrorResult;

export interface IngestDeps {
  publish?: (cfg: PublishConfig, event: EventDraft) => Promise<unknown>;
  logger?: (params: RawHttpParams) => Logger;
}

const bad = (message: string, code: string) => new FinalError(400, message, { code });

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as text; bytes that are not UTF-8 are refused, never replaced by U+FFFD. */
function utf8(bytes: Buffer): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw bad('the body is not valid UTF-8', 'invalid_json');
  }
}

/** Method, size, authentication and JSON: the checks every source shares. */
export function admit(source: Pick<Source<unknown>, 'post' | 'plain'>, params: RawHttpParams): Admitted {
  const method = params.__ow_method;
  if (method !== undefined && method.toLowerCase() !== 'post') {
    throw new FinalError(405, `method ${method.toUpperCase()} not allowed: ${source.post}`, {
      code: 'method_not_allowed',
      headers: { allow: 'POST' },
    });
  }
  const plain = source.plain(params);
  const body = plain ? plain.body : rawBody(params);
  // a string of n characters is at most 3n UTF-8 bytes: a short one is not counted
  const size =
    typeof body !== 'string' ? body.length : body.length * 3 <= MAX_BODY_BYTES ? undefined : Buffer.byteLength(body);
  if (size !== undefined && size > MAX_BODY_BYTES) {
    throw new FinalError(413, `request body is ${size} bytes, over the limit of ${MAX_BODY_BYTES}`, {
      code: 'payload_too_large',
    });
  }
  authenticate(authConfigFrom(params), (params.__ow_headers ?? {}) as Headers, body);
  const text = typeof body === 'string' ? body : utf8(body);
  if (plain) return { parsed: plain.parsed, text };
  try {
    return { parsed: JSON.parse(text) as unknown, text };
  } catch {
    throw bad('the body is not valid JSON', 'invalid_json');
  }
}

/** One request through the pipeline; never throws, answers the kit's result shapes. */
export async function ingest<R>(
  source: Source<R>,
  params: RawHttpParams,
  deps: IngestDeps = {},
): Promise<IngestResult<R>> {
  const log = (deps.logger ?? ((p: RawHttpParams) => createLogger(source.logger, p.LOG_LEVEL)))(params);
  const started = Date.now();
  const fields: LineFields = { action: source.action };
  const finish = (result: IngestResult<R>, end: Omit<RequestEnd, 'status' | 'ms'>): IngestResult<R> => {
    const status = 'error' in result ? result.error.statusCode : result.statusCode;
    const line = source.line(fields, { ...end, status, ms: Date.now() - started });
    if (status >= 500) log.error(line);
    else log.info(line);
    return result;
  };
  const skipped = (skip: Skip<R>) => finish(successResponse(skip.type, skip.response), { outcome: skip.outcome });
  try {
    const step = source.parse(admit(source, params), params, fields, new Date());
    if (step.kind === 'skip') return skipped(step);
    const skip = await step.before?.();
    if (skip) return skipped(skip);
    await (deps.publish ?? publishEvent)(publishConfigFrom(params), step.event);
    await step.after?.(log);
    return finish(successResponse(step.type, step.response), { outcome: 'published' });
  } catch (err) {
    const e = toActionError(err);
    return finish(errorResponse(e), { code: e.code, outcome: e.code, error: e });
  }
}

/** The web action of a source: `export const main = ingestAction(source)`. */
export function ingestAction<R>(
  source: Source<R>,
  deps: IngestDeps = {},
): (params: RawHttpParams) => Promise<IngestResult<R>> {
  return (params) => ingest(source, params, deps);
}
