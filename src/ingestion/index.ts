/**
 * The ingestion webhook's request pipeline up to the publish call, in the order of the
 * spec: method (405) → size (413) → authentication (401) → JSON (400 invalid_json) →
 * envelope (400 invalid_envelope) → known back-office event (400 unknown_event) → value
 * schema (400 invalid_value, every failing path) → CloudEvent. Pure apart from the
 * per-container validator cache, so it is benchmarked and tested on its own.
 */
import { createHash } from 'node:crypto';
import { findEvent, type CatalogEntry } from '../catalog';
import { prefixedCode } from '../catalog/prefix';
import { authConfigFrom, authenticate, type Headers } from '../auth';
import { FinalError, type ErrorDetail } from '../errors';
import { validateValue } from '../validation';
import { structureProblems } from './structure';
import type { CloudEvent } from '../publish';

/** I/O Runtime refuses larger requests; we say so with a 413 of our own before parsing. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface RawHttpParams {
  __ow_method?: string;
  __ow_headers?: Record<string, string>;
  __ow_body?: string;
  [input: string]: unknown;
}

export interface Envelope {
  uid: string;
  event: string;
  value: unknown;
}

export interface Prepared {
  entry: CatalogEntry;
  envelope: Envelope;
  /** the CloudEvent to publish, `source` filled in by the publisher */
  event: Omit<CloudEvent, 'source'>;
}

const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]*\+json|xml|x-www-form-urlencoded|javascript))/i;

/**
 * The exact request bytes. With `raw-http`, OpenWhisk passes `__ow_body` as the plain
 * string for text-like content types (JSON included) and base64 for anything it treats
 * as binary; signatures are checked over the decoded bytes.
 */
export function rawBody(params: RawHttpParams): string | Buffer {
  const body = params.__ow_body;
  if (typeof body !== 'string') return '';
  const type = params.__ow_headers?.['content-type'] ?? '';
  if (TEXT_TYPES.test(type)) return body;
  return Buffer.from(body, 'base64');
}

/**
 * UUID v5 (RFC 9562 §5.5: SHA-1 over a namespace UUID and a name, version and variant bits
 * set) of `{event code}\n{uid}` in the app's namespace: the same uid and event always give
 * the same CloudEvent id, so a resend is recognised downstream and not applied twice.
 */
const ID_NAMESPACE = Buffer.from('6f0c2a1e9d2b4c7e8a3f5b1d0e7c9a24', 'hex');
export function eventId(uid: string, code: string): string {
  const h = createHash('sha1').update(ID_NAMESPACE).update(`${code}\n${uid}`, 'utf8').digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

const bad = (message: string, code: string, details?: ErrorDetail[]) =>
  new FinalError(400, message, details ? { code, details } : { code });

function checkEnvelope(parsed: unknown): Envelope {
  const details: ErrorDetail[] = [];
  const data = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as { data?: unknown }).data : undefined;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw bad('the body must be {"data": {"uid", "event", "value"}}', 'invalid_envelope', [{ path: '/data', message: 'must be an object' }]);
  }
  const d = data as Record<string, unknown>;
  if (typeof d.uid !== 'string' && typeof d.uid !== 'number') details.push({ path: '/data/uid', message: 'is required (a string)' });
  else if (String(d.uid).length === 0 || String(d.uid).length > 256) details.push({ path: '/data/uid', message: 'must be 1 to 256 characters' });
  if (typeof d.event !== 'string' || d.event.length === 0) details.push({ path: '/data/event', message: 'is required (an event code)' });
  if (d.value === undefined || d.value === null) details.push({ path: '/data/value', message: 'is required' });
  if (details.length > 0) throw bad('the body must be {"data": {"uid", "event", "value"}}', 'invalid_envelope', details);
  return { uid: String(d.uid), event: d.event as string, value: d.value };
}

/** Every check before publishing; throws the typed error of the first failing step. */
export function prepare(params: RawHttpParams, now: Date = new Date()): Prepared {
  const method = params.__ow_method;
  if (method !== undefined && method.toLowerCase() !== 'post') {
    throw new FinalError(405, `method ${method.toUpperCase()} not allowed: POST the event`, {
      code: 'method_not_allowed',
      headers: { allow: 'POST' },
    });
  }

  // a plain (not raw-http) invocation carries the parsed `data` param instead of a body
  const plain = params.__ow_body === undefined && params.data !== undefined;
  const body = plain ? JSON.stringify({ data: params.data }) : rawBody(params);
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (size > MAX_BODY_BYTES) {
    throw new FinalError(413, `request body is ${size} bytes, over the limit of ${MAX_BODY_BYTES}`, { code: 'payload_too_large' });
  }

  authenticate(authConfigFrom(params), (params.__ow_headers ?? {}) as Headers, body);

  let parsed: unknown;
  if (plain) parsed = { data: params.data };
  else {
    try {
      parsed = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
    } catch {
      throw bad('the body is not valid JSON', 'invalid_json');
    }
  }

  const structure = structureProblems(typeof body === 'string' ? body : body.toString('utf8'), parsed);
  if (structure.length > 0) throw bad('the body has a forbidden key or is nested too deep', 'invalid_structure', structure);

  const envelope = checkEnvelope(parsed);
  const prefix = typeof params.EVENT_PREFIX === 'string' ? params.EVENT_PREFIX : undefined;
  const entry = findEvent(envelope.event, prefix);
  if (!entry || entry.direction !== 'backoffice') {
    throw bad(`unknown event "${envelope.event.slice(0, 200)}": the webhook accepts the catalog's back-office events`, 'unknown_event', [
      { path: '/data/event', message: 'is not a back-office event of the catalog' },
    ]);
  }

  const result = validateValue(entry, envelope.value, '/data/value');
  if (!result.ok) throw bad(`the value of ${entry.code} does not match its schema`, 'invalid_value', result.details);

  const subject = entry.entityId(envelope.value as never);
  const event: Omit<CloudEvent, 'source'> = {
    specversion: '1.0',
    id: eventId(envelope.uid, entry.code),
    type: prefixedCode(entry.code, prefix),
    datacontenttype: 'application/json',
    time: now.toISOString(),
    ...(subject ? { subject } : {}),
    data: envelope.value,
  };
  return { entry, envelope, event };
}
