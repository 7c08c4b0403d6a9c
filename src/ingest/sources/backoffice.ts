/**
 * The back-office source (ingestion/webhook): back-office systems POST
 * `{"data": {"uid", "event", "value"}}`. After the shared checks (src/ingest/pipeline.ts):
 * structure (400 invalid_structure) → envelope (400 invalid_envelope) → known back-office
 * event (400 unknown_event) → value schema (400 invalid_value, every failing path) →
 * CloudEvent whose id is derived from uid + event code → replay guard for signed requests
 * (401) → publish → remember the signed message id. `prepare` (everything before the replay
 * guard) is pure apart from the per-container validator cache, so it is benchmarked on its own.
 */
import { findEvent, type CatalogEntry } from '../../catalog';
import { prefixedCode } from '../../catalog/prefix';
import { validateValue } from '../../catalog/validation';
import type { EventDraft } from '../../clients/io-events';
import { FinalError, type ErrorDetail } from '../../kernel/errors';
import { isoTime } from '../../kernel/iso-time';
import { requestLine } from '../../kernel/log';
import { rejectReplay, rememberAccepted, signedMessageOf } from '../auth/replay';
import { eventId } from '../event-id';
import { admit, type Admitted, type LineFields, type Publication, type RequestEnd, type Source } from '../pipeline';
import type { RawHttpParams } from '../raw-body';
import { structureProblems } from '../structure';

export interface Envelope {
  uid: string;
  event: string;
  value: unknown;
}

export interface Prepared {
  entry: CatalogEntry;
  envelope: Envelope;
  /** the CloudEvent to publish, `source` filled in by the publisher */
  event: EventDraft;
}

/** The success answer of the webhook. */
export interface Published {
  success: true;
  message: string;
  id: string;
}

const bad = (message: string, code: string, details?: ErrorDetail[]) =>
  new FinalError(400, message, details ? { code, details } : { code });

function checkEnvelope(parsed: unknown): Envelope {
  const details: ErrorDetail[] = [];
  const data =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as { data?: unknown }).data
      : undefined;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw bad('the body must be {"data": {"uid", "event", "value"}}', 'invalid_envelope', [
      { path: '/data', message: 'must be an object' },
    ]);
  }
  const d = data as Record<string, unknown>;
  if (typeof d.uid !== 'string' && typeof d.uid !== 'number')
    details.push({ path: '/data/uid', message: 'is required (a string)' });
  else if (String(d.uid).length === 0 || String(d.uid).length > 256)
    details.push({ path: '/data/uid', message: 'must be 1 to 256 characters' });
  if (typeof d.event !== 'string' || d.event.length === 0)
    details.push({ path: '/data/event', message: 'is required (an event code)' });
  if (d.value === undefined || d.value === null) details.push({ path: '/data/value', message: 'is required' });
  if (details.length > 0)
    throw bad('the body must be {"data": {"uid", "event", "value"}}', 'invalid_envelope', details);
  return { uid: String(d.uid), event: d.event as string, value: d.value };
}

/** The source's checks on an admitted request, up to the CloudEvent. */
function prepareAdmitted(request: Admitted, params: RawHttpParams, now: Date): Prepared {
  const structure = structureProblems(request.text, request.parsed);
  if (structure.length > 0)
    throw bad('the body has a forbidden key or is nested too deep', 'invalid_structure', structure);

  const envelope = checkEnvelope(request.parsed);
  const prefix = typeof params.EVENT_PREFIX === 'string' ? params.EVENT_PREFIX : undefined;
  const entry = findEvent(envelope.event, prefix);
  if (!entry || entry.direction !== 'backoffice') {
    throw bad(
      `unknown event "${envelope.event.slice(0, 200)}": the webhook accepts the catalog's back-office events`,
      'unknown_event',
      [{ path: '/data/event', message: 'is not a back-office event of the catalog' }],
    );
  }

  const result = validateValue(entry, envelope.value, '/data/value');
  if (!result.ok) throw bad(`the value of ${entry.code} does not match its schema`, 'invalid_value', result.details);

  const subject = entry.entityId(envelope.value as never);
  const event: EventDraft = {
    specversion: '1.0',
    id: eventId(envelope.uid, entry.code),
    type: prefixedCode(entry.code, prefix),
    datacontenttype: 'application/json',
    time: isoTime(now),
    data: envelope.value,
  };
  // set in place (not spread): the attribute order of the published JSON is not part of the event
  if (subject) event.subject = subject;
  return { entry, envelope, event };
}

export const backofficeSource: Source<Published> = {
  action: 'ingestion/webhook',
  logger: 'ingestion-webhook',
  post: 'POST the event',
  plain(params) {
    // a plain (not raw-http) invocation carries the parsed `data` param instead of a body
    if (params.__ow_body !== undefined || params.data === undefined) return undefined;
    return { body: JSON.stringify({ data: params.data }), parsed: { data: params.data } };
  },
  parse(request, params, fields, now): Publication<Published> {
    const { envelope, event } = prepareAdmitted(request, params, now);
    fields.event = event.type;
    fields.uid = envelope.uid;
    fields.id = event.id;
    const signed = signedMessageOf(params);
    return {
      kind: 'publish',
      type: event.type,
      event,
      response: { success: true, message: 'Event published successfully', id: event.id },
      ...(signed
        ? {
            before: async () => {
              await rejectReplay(signed);
              return undefined;
            },
            after: (log) =>
              rememberAccepted(signed).catch((e: unknown) =>
                log.warn(`could not remember webhook-id: ${e instanceof Error ? e.message : String(e)}`),
              ),
          }
        : {}),
    };
  },
  line(fields: LineFields, end: RequestEnd): string {
    const line = requestLine({ ...fields, status: end.status, code: end.code, ms: end.ms });
    if (end.status < 500 || !end.error) return line;
    const e = end.error;
    return `${line} error=${JSON.stringify(e.message)}${e.cause instanceof Error ? ` cause=${JSON.stringify(e.cause.message.split('\n')[0])}` : ''}`;
  },
};

/** Every check before publishing; throws the typed error of the first failing step. */
export function prepare(params: RawHttpParams, now: Date = new Date()): Prepared {
  return prepareAdmitted(admit(backofficeSource, params), params, now);
}
