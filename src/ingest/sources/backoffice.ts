/**
 * The ingestion webhook's request pipeline up to the publish call, in the order of the
 * spec: method (405) → size (413) → authentication (401) → JSON (400 invalid_json) →
 * envelope (400 invalid_envelope) → known back-office event (400 unknown_event) → value
 * schema (400 invalid_value, every failing path) → CloudEvent. Pure apart from the
 * per-container validator cache, so it is benchmarked and tested on its own.
 */
import crypto from 'node:crypto';
import { findEvent, type CatalogEntry } from '../../catalog';
import { prefixedCode } from '../../catalog/prefix';
import { authConfigFrom, authenticate, type Headers } from '../auth';
import { FinalError, type ErrorDetail } from '../../kernel/errors';
import { validateValue } from '../../catalog/validation';
import { structureProblems } from '../structure';
import type { CloudEvent } from '../../clients/io-events';

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
 * as binary (a body that is not base64 is taken as it is, e.g. JSON sent without a content
 * type); signatures are checked over the decoded bytes.
 */
export function rawBody(params: RawHttpParams): string | Buffer {
  const body = params.__ow_body;
  if (typeof body !== 'string') return '';
  const type = params.__ow_headers?.['content-type'] ?? '';
  if (TEXT_TYPES.test(type)) return body;
  // binary per its content type (or none given): base64, unless it plainly is not
  if (body.length % 4 === 0 && BASE64.test(body)) return Buffer.from(body, 'base64');
  return body;
}
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * UUID v5 (RFC 9562 §5.5: SHA-1 over namespace bytes + name, version and variant bits set)
 * of the name `{event code}\n{uid}` (UTF-8): the same uid and event always give the same
 * CloudEvent id, so a resend is recognised downstream and not applied twice.
 * The namespace is the UUID whose 16 bytes are the ASCII text `commerce-events!`
 * (636f6d6d-6572-6365-2d65-76656e747321): any 16 bytes are a valid v5 namespace, and
 * ASCII ones let the whole hash input be one string for node's one-shot `crypto.hash`,
 * several times cheaper than a Hash object on this hot path.
 */
export const ID_NAMESPACE = '636f6d6d-6572-6365-2d65-76656e747321';
const NAMESPACE_TEXT = 'commerce-events!';
const sha1Hex: (data: string) => string =
  typeof crypto.hash === 'function' ? (data) => crypto.hash('sha1', data, 'hex') : (data) => crypto.createHash('sha1').update(data).digest('hex');

export function eventId(uid: string, code: string): string {
  const h = sha1Hex(`${NAMESPACE_TEXT}${code}\n${uid}`);
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
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
