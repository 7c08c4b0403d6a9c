/**
 * The commercetools source (ingestion/commercetools): a subscription payload in, one catalog
 * event published out.
 *
 * After the shared checks (src/ingest/pipeline.ts; authenticated like the webhook):
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
import { resourceVersionOf, type CommercetoolsNotification } from '../../../catalog/commercetools';
import { validateValue } from '../../../catalog/validation';
import type { EventDraft } from '../../../clients/io-events';
import { FinalError, type ErrorDetail } from '../../../kernel/errors';
import { intInput, optionalInput } from '../../../kernel/inputs';
import { requestLine } from '../../../kernel/log';
import { aioStateStore, type StateStore } from '../../../state';
import { eventId as derivedEventId } from '../../event-id';
import { ingest, type IngestDeps, type IngestResult, type Publication, type Skip, type Source } from '../../pipeline';
import type { RawHttpParams } from '../../raw-body';
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

export type CommercetoolsResult = IngestResult<Accepted | Skipped>;

export interface CommercetoolsDeps extends IngestDeps {
  state?: () => StateStore;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (message: string, code: string, details?: ErrorDetail[]) =>
  new FinalError(400, message, details ? { code, details } : { code });

/** The commercetools payload inside what the destination posted. */
export function unwrap(body: unknown): unknown {
  if (!isRecord(body)) return body;
  // Google Pub/Sub push: {"message": {"data": base64, "messageId", "attributes"}, "subscription"}
  const msg = body.message;
  if (isRecord(msg) && typeof msg.data === 'string' && body.notificationType === undefined) {
    try {
      return JSON.parse(Buffer.from(msg.data, 'base64').toString('utf8')) as unknown;
    } catch {
      throw bad('message.data is not base64 of a JSON commercetools payload', 'invalid_envelope', [
        { path: '/message/data', message: 'base64 JSON expected' },
      ]);
    }
  }
  // EventBridge: {"detail-type", "source", "detail": {...}}
  if (isRecord(body.detail) && body['detail-type'] !== undefined && body.notificationType === undefined)
    return body.detail;
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
  if (!isRecord(p))
    throw bad('the body must be a commercetools Message or change notification', 'invalid_notification', [
      { path: '/', message: 'must be an object' },
    ]);
  if (typeof p.notificationType !== 'string' || p.notificationType === '')
    details.push({ path: '/notificationType', message: 'is required' });
  if (typeof p.projectKey !== 'string' || p.projectKey === '')
    details.push({ path: '/projectKey', message: 'is required' });
  const r = p.resource;
  if (!isRecord(r)) details.push({ path: '/resource', message: 'is required ({typeId, id})' });
  else {
    if (typeof r.typeId !== 'string' || r.typeId === '')
      details.push({ path: '/resource/typeId', message: 'is required' });
    if (typeof r.id !== 'string' || r.id === '') details.push({ path: '/resource/id', message: 'is required' });
  }
  if (details.length > 0)
    throw bad('the body must be a commercetools Message or change notification', 'invalid_notification', details);
  const res = r as Record<string, string>;
  return {
    notificationType: p.notificationType as string,
    projectKey: p.projectKey as string,
    typeId: res.typeId as string,
    resourceId: res.id as string,
  };
}

/** The CloudEvent id: the Message id, or for change notifications a UUIDv5 of what identifies them. */
export function eventIdOf(n: CommercetoolsNotification, code: string): string {
  if (n.notificationType === 'Message') return n.id;
  return derivedEventId(
    `${n.projectKey}/${n.resource.typeId}/${n.resource.id}/${n.notificationType}/${n.version}`,
    code,
  );
}

function timeOf(n: CommercetoolsNotification): string {
  const t = n.notificationType === 'Message' ? n.createdAt : n.modifiedAt;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? new Date().toISOString() : d.toISOString();
}

// one routes table per warm container and COMMERCETOOLS_ROUTES value
let routesCache: { raw: unknown; routes: ReturnType<typeof effectiveRoutes> } | undefined;
function routesFor(raw: unknown) {
  if (!routesCache || routesCache.raw !== raw)
    routesCache = { raw, routes: effectiveRoutes(parseRoutesInput(raw), (c) => findEvent(c) !== undefined) };
  return routesCache.routes;
}

type Answer = Accepted | Skipped;

/** Route, validate and identify the notification; the version check waits for `before`. */
function parseNotification(
  parsed: unknown,
  params: RawHttpParams,
  fields: Record<string, string | number | undefined>,
  state: () => StateStore,
): Publication<Answer> | Skip<Answer> {
  const payload = unwrap(parsed);
  const shape = shapeOf(payload);
  fields.resource = `${shape.typeId}/${shape.resourceId}`;
  const kind =
    typeof (payload as { type?: unknown }).type === 'string' && shape.notificationType === 'Message'
      ? String((payload as { type: string }).type)
      : shape.notificationType;
  fields.kind = kind;

  const decision: RouteDecision = route(routesFor(params.COMMERCETOOLS_ROUTES), shape.typeId, kind);
  if (decision.kind !== 'routed') {
    const message =
      decision.kind === 'filtered'
        ? `skipped: ${kind} on ${shape.typeId} is not in the inclusion filter of its routes`
        : `skipped: no route for commercetools resource type ${shape.typeId}`;
    return {
      kind: 'skip',
      type: `commercetools.${shape.typeId}`,
      response: { success: true, skipped: 'filtered', message },
      outcome: 'filtered',
    };
  }
  const entry = findEvent(decision.route.route) as CatalogEntry;
  fields.event = entry.code;
  const valid = validateValue(entry, payload, '');
  if (!valid.ok)
    throw bad(`the ${kind} payload does not match the schema of ${entry.code}`, 'invalid_value', valid.details);
  const n = payload as CommercetoolsNotification;
  const id = eventIdOf(n, entry.code);
  fields.id = id;
  const version = resourceVersionOf(n);
  fields.version = version;

  const key = versionKey(shape.projectKey, shape.typeId, shape.resourceId);
  const event: EventDraft = {
    specversion: '1.0',
    id,
    type: prefixedCode(entry.code, optionalInput(params, 'EVENT_PREFIX')),
    datacontenttype: 'application/json',
    time: timeOf(n),
    subject: shape.resourceId,
    data: n,
  };
  let store: StateStore | undefined;
  return {
    kind: 'publish',
    type: entry.code,
    event,
    response: { success: true, message: 'Event published successfully', id, event: entry.code },
    before: async () => {
      store = state();
      const seen = decide(await readVersion(store, key), version, id);
      if (seen.kind === 'duplicate') {
        return {
          kind: 'skip',
          type: entry.code,
          response: { success: true, skipped: 'duplicate', message: `skipped: message ${id} was already accepted`, id },
          outcome: 'duplicate',
        };
      }
      if (seen.kind === 'stale') {
        const message = `skipped: stale, resource version ${version} is not newer than the accepted ${seen.record.v}`;
        return {
          kind: 'skip',
          type: entry.code,
          response: { success: true, skipped: 'stale', message, id },
          outcome: 'stale',
        };
      }
      return undefined;
    },
    after: async (log) => {
      try {
        await recordVersion(
          store ?? state(),
          key,
          { v: version, id },
          intInput(params, 'COMMERCETOOLS_VERSION_TTL', DEFAULT_VERSION_TTL_SECONDS),
        );
      } catch (err) {
        // published: a resend is recognised downstream by its event id, so this is not a failure
        log.warn(`version record failed after publish: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
}

/** The commercetools source, its accepted versions in the State store `state` gives. */
export function commercetoolsSource(state: () => StateStore = aioStateStore): Source<Answer> {
  return {
    action: 'ingestion/commercetools',
    logger: 'ingestion-commercetools',
    post: 'POST the subscription payload',
    plain(params) {
      if (params.__ow_body !== undefined || params.notificationType === undefined) return undefined;
      // a plain (not raw-http) invocation: the payload's fields are the params
      return {
        body: '',
        parsed: Object.fromEntries(Object.entries(params).filter(([k]) => !/^(__ow_|[A-Z][A-Z0-9_]*$)/.test(k))),
      };
    },
    parse: (request, params, fields) => parseNotification(request.parsed, params, fields, state),
    line: (fields, end) =>
      requestLine({ ...fields, code: end.code, status: end.status, outcome: end.outcome, ms: end.ms }),
  };
}

export function ingestCommercetools(params: RawHttpParams, deps: CommercetoolsDeps = {}): Promise<CommercetoolsResult> {
  return ingest(commercetoolsSource(deps.state), params, deps);
}
