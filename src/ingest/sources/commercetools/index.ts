/**
 * The commercetools source: a subscription payload in, one catalog event published out.
 *
 * In order: method (405) → size (413) → authentication, the webhook's (401: INGESTION_API_KEY
 * in `x-api-key` or INGESTION_WEBHOOK_SECRET Standard Webhooks signatures) → JSON (400) →
 * envelope unwrapped (the payload itself, a Google Pub/Sub push `{message: {data}}`, or an
 * EventBridge event `{detail}`: the destinations commercetools subscriptions support that
 * can reach an HTTP endpoint) → notification shape (400 invalid_notification) → route by
 * typeId + inclusion filter (no route: 200 skipped "filtered") → value schema of the routed
 * event (400 invalid_value) → event id (the Message `id`; for change notifications, derived
 * from project, resource, kind and version) → version check in State (200 skipped
 * "duplicate" / "stale") → publish like the webhook (same provider, same outcomes: 429 keeps
 * retry-after, ingress trouble 503) → record the version.
 */
import { findEvent, prefixedCode, type CatalogEntry } from '../../../catalog';
import { notificationKind, resourceVersionOf, type CommercetoolsNotification } from '../../../catalog/commercetools';
import { authConfigFrom, authenticate, type Headers } from '../../auth';
import { FinalError, toActionError, type ErrorDetail } from '../../../kernel/errors';
import { eventId as derivedEventId, MAX_BODY_BYTES, rawBody, type RawHttpParams } from '../backoffice';
import { createLogger, requestLine, type Logger } from '../../../kernel/log';
import { publish as publishEvent, publishConfigFrom, type CloudEvent, type PublishConfig } from '../../../clients/io-events';
import { errorResponse, successResponse, type ErrorResult, type SuccessResult } from '../../../kernel/responses';
import { aioStateStore, type StateStore } from '../../../state';
import { intInput, optionalInput } from '../../../kernel/inputs';
import { validateValue } from '../../../catalog/validation';
import { effectiveRoutes, parseRoutesInput, route, type RouteDecision } from './routes';
import { DEFAULT_VERSION_TTL_SECONDS, decide, readVersion, recordVersion, versionKey } from './versions';

export { admits, effectiveRoutes, parseRoutesInput, route } from './routes';
export { decide, versionKey } from './versions';

export interface Accepted {
  success: true;
  message: string;
  id: string;
  event: string;
}

export interface Skipped {
  success: true;
  skipped: 'filtered' | 'duplicate' | 'stale';
  message: string;
  id?: string;
}

export type CommercetoolsResult = SuccessResult<Accepted | Skipped> | ErrorResult;

export interface CommercetoolsDeps {
  state?: () => StateStore;
  publish?: (cfg: PublishConfig, event: Omit<CloudEvent, 'source'>) => Promise<unknown>;
  logger?: (params: RawHttpParams) => Logger;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (message: string, code: string, details?: ErrorDetail[]) => new FinalError(400, message, details ? { code, details } : { code });

/** The commercetools payload inside what the destination posted. */
export function unwrap(body: unknown): unknown {
  if (!isRecord(body)) return body;
  // Google Pub/Sub push: {"message": {"data": base64, "messageId", "attributes"}, "subscription"}
  const msg = body.message;
  if (isRecord(msg) && typeof msg.data === 'string' && body.notificationType === undefined) {
    try {
      return JSON.parse(Buffer.from(msg.data, 'base64').toString('utf8')) as unknown;
    } catch {
      throw bad('message.data is not base64 of a JSON commercetools payload', 'invalid_envelope', [{ path: '/message/data', message: 'base64 JSON expected' }]);
    }
  }
  // EventBridge: {"detail-type", "source", "detail": {...}}
  if (isRecord(body.detail) && body['detail-type'] !== undefined && body.notificationType === undefined) return body.detail;
  return body;
}

interface Shape {
  notificationType: string;
  projectKey: string;
  typeId: string;
  resourceId: string;
}

function shapeOf(p: unknown): Shape {
  const details: ErrorDetail[] = [];
  if (!isRecord(p)) throw bad('the body must be a commercetools Message or change notification', 'invalid_notification', [{ path: '/', message: 'must be an object' }]);
  if (typeof p.notificationType !== 'string' || p.notificationType === '') details.push({ path: '/notificationType', message: 'is required' });
  if (typeof p.projectKey !== 'string' || p.projectKey === '') details.push({ path: '/projectKey', message: 'is required' });
  const r = p.resource;
  if (!isRecord(r)) details.push({ path: '/resource', message: 'is required ({typeId, id})' });
  else {
    if (typeof r.typeId !== 'string' || r.typeId === '') details.push({ path: '/resource/typeId', message: 'is required' });
    if (typeof r.id !== 'string' || r.id === '') details.push({ path: '/resource/id', message: 'is required' });
  }
  if (details.length > 0) throw bad('the body must be a commercetools Message or change notification', 'invalid_notification', details);
  const res = r as Record<string, string>;
  return { notificationType: p.notificationType as string, projectKey: p.projectKey as string, typeId: res.typeId as string, resourceId: res.id as string };
}

/** The CloudEvent id: the Message id, or for change notifications a UUIDv5 of what identifies them. */
export function eventIdOf(n: CommercetoolsNotification, code: string): string {
  if (n.notificationType === 'Message') return n.id;
  return derivedEventId(`${n.projectKey}/${n.resource.typeId}/${n.resource.id}/${n.notificationType}/${n.version}`, code);
}

function timeOf(n: CommercetoolsNotification): string {
  const t = n.notificationType === 'Message' ? n.createdAt : n.modifiedAt;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? new Date().toISOString() : d.toISOString();
}

// one routes table per warm container and COMMERCETOOLS_ROUTES value
let routesCache: { raw: unknown; routes: ReturnType<typeof effectiveRoutes> } | undefined;
function routesFor(raw: unknown) {
  if (!routesCache || routesCache.raw !== raw) routesCache = { raw, routes: effectiveRoutes(parseRoutesInput(raw), (c) => findEvent(c) !== undefined) };
  return routesCache.routes;
}

export async function ingestCommercetools(params: RawHttpParams, deps: CommercetoolsDeps = {}): Promise<CommercetoolsResult> {
  const log = (deps.logger ?? ((p) => createLogger('ingestion-commercetools', p.LOG_LEVEL)))(params);
  const started = Date.now();
  const fields: Record<string, string | number | undefined> = { action: 'ingestion/commercetools' };
  const finish = (r: CommercetoolsResult, outcome: string): CommercetoolsResult => {
    const status = 'error' in r ? r.error.statusCode : r.statusCode;
    const line = requestLine({ ...fields, status, outcome, ms: Date.now() - started });
    if (status >= 500) log.error(line);
    else log.info(line);
    return r;
  };
  try {
    const method = params.__ow_method;
    if (method !== undefined && method.toLowerCase() !== 'post') {
      throw new FinalError(405, `method ${method.toUpperCase()} not allowed: POST the subscription payload`, { code: 'method_not_allowed', headers: { allow: 'POST' } });
    }
    const plain = params.__ow_body === undefined && params.notificationType !== undefined;
    const body = plain ? '' : rawBody(params);
    const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    if (size > MAX_BODY_BYTES) throw new FinalError(413, `request body is ${size} bytes, over the limit of ${MAX_BODY_BYTES}`, { code: 'payload_too_large' });
    authenticate(authConfigFrom(params), (params.__ow_headers ?? {}) as Headers, body);

    let parsed: unknown;
    if (plain) {
      // a plain (not raw-http) invocation: the payload's fields are the params
      parsed = Object.fromEntries(Object.entries(params).filter(([k]) => !/^(__ow_|[A-Z][A-Z0-9_]*$)/.test(k)));
    } else {
      try {
        parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
      } catch {
        throw bad('the body is not valid JSON', 'invalid_json');
      }
    }
    const payload = unwrap(parsed);
    const shape = shapeOf(payload);
    fields.resource = `${shape.typeId}/${shape.resourceId}`;
    const kind = typeof (payload as { type?: unknown }).type === 'string' && shape.notificationType === 'Message' ? String((payload as { type: string }).type) : shape.notificationType;
    fields.kind = kind;

    const decision: RouteDecision = route(routesFor(params.COMMERCETOOLS_ROUTES), shape.typeId, kind);
    if (decision.kind !== 'routed') {
      const message =
        decision.kind === 'filtered'
          ? `skipped: ${kind} on ${shape.typeId} is not in the inclusion filter of its routes`
          : `skipped: no route for commercetools resource type ${shape.typeId}`;
      return finish(successResponse(`commercetools.${shape.typeId}`, { success: true as const, skipped: 'filtered' as const, message }), 'filtered');
    }
    const entry = findEvent(decision.route.route) as CatalogEntry;
    fields.event = entry.code;
    const valid = validateValue(entry, payload, '');
    if (!valid.ok) throw bad(`the ${kind} payload does not match the schema of ${entry.code}`, 'invalid_value', valid.details);
    const n = payload as CommercetoolsNotification;
    const id = eventIdOf(n, entry.code);
    fields.id = id;
    const version = resourceVersionOf(n);
    fields.version = version;

    const state = (deps.state ?? aioStateStore)();
    const key = versionKey(shape.projectKey, shape.typeId, shape.resourceId);
    const seen = decide(await readVersion(state, key), version, id);
    if (seen.kind === 'duplicate') {
      return finish(successResponse(entry.code, { success: true as const, skipped: 'duplicate' as const, message: `skipped: message ${id} was already accepted`, id }), 'duplicate');
    }
    if (seen.kind === 'stale') {
      return finish(
        successResponse(entry.code, {
          success: true as const,
          skipped: 'stale' as const,
          message: `skipped: stale, resource version ${version} is not newer than the accepted ${seen.record.v}`,
          id,
        }),
        'stale',
      );
    }

    const prefix = optionalInput(params, 'EVENT_PREFIX');
    const event: Omit<CloudEvent, 'source'> = {
      specversion: '1.0',
      id,
      type: prefixedCode(entry.code, prefix),
      datacontenttype: 'application/json',
      time: timeOf(n),
      subject: shape.resourceId,
      data: n,
    };
    await (deps.publish ?? publishEvent)(publishConfigFrom(params), event);
    try {
      await recordVersion(state, key, { v: version, id }, intInput(params, 'COMMERCETOOLS_VERSION_TTL', DEFAULT_VERSION_TTL_SECONDS));
    } catch (err) {
      // published: a resend is recognised downstream by its event id, so this is not a failure
      log.warn(`version record failed after publish: ${err instanceof Error ? err.message : String(err)}`);
    }
    return finish(successResponse(entry.code, { success: true as const, message: 'Event published successfully', id, event: entry.code }), 'published');
  } catch (err) {
    const e = toActionError(err);
    fields.code = e.code;
    return finish(errorResponse(e), e.code);
  }
}
