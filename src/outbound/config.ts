/**
 * Outbound targets for the Commerce → outside direction, as configuration: the
 * OUTBOUND_TARGETS input holds a JSON array, one object per target.
 *
 *   OUTBOUND_TARGETS='[
 *     {"name": "erp", "type": "webhook", "url": "https://erp.example.com/hooks/commerce",
 *      "apiKey": "$ERP_API_KEY", "apiKeyHeader": "x-api-key", "secret": "$ERP_WEBHOOK_SECRET",
 *      "timeoutMs": 10000, "events": ["com.adobe.commerce.observer.sales_order_*"]},
 *     {"name": "campaign", "type": "webhook", "url": "https://promo.example.com/in",
 *      "secret": "$PROMO_SECRET", "endsAt": "2026-12-31T23:59:59Z"}
 *   ]'
 *
 * - `apiKey` / `secret` may be literal or `$NAME`, the name of another input holding the
 *   value (keeps secrets out of the JSON); `secret` is a Standard Webhooks `whsec_...` key;
 * - `events`: event codes (EVENT_PREFIX stripped), a trailing `*` matches a prefix;
 *   default every event;
 * - `endsAt` (ISO time): a temporary target; from that time on it receives nothing and the
 *   dispatcher logs once per container that it stopped and why.
 * Batch file targets are not configured here: they are written by the batch sink
 * (src/outbound/batch), which I/O Events feeds directly (see the README, "Beyond the starter kit").
 */
import { RetryableError } from '../kernel/errors';

export interface WebhookTarget {
  name: string;
  type: 'webhook';
  url: string;
  apiKey?: string;
  apiKeyHeader: string;
  /** Standard Webhooks secret, `whsec_...` */
  secret?: string;
  timeoutMs: number;
  events: readonly string[];
  /** epoch ms, for temporary targets */
  endsAt?: number;
}

export type OutboundTarget = WebhookTarget;

function bad(message: string, path: string): RetryableError {
  return new RetryableError(500, message, {
    code: 'bad_targets',
    details: [{ path: `/OUTBOUND_TARGETS${path}`, message }],
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `$NAME` → the input NAME; anything else as is; empty → undefined. */
function resolve(v: unknown, params: Record<string, unknown>, path: string): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw bad(`${path} must be a string`, path);
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(v);
  if (!m) return v;
  const ref = params[m[1] as string];
  if (typeof ref !== 'string' || ref.trim() === '' || ref === v)
    throw bad(`${path} names the input ${m[1]}, which is not set`, path);
  return ref.trim();
}

export function parseTargets(raw: unknown, params: Record<string, unknown>): OutboundTarget[] {
  if (raw === undefined || raw === null || raw === '' || raw === '$OUTBOUND_TARGETS') return [];
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      throw bad('OUTBOUND_TARGETS is not valid JSON', '');
    }
  }
  if (!Array.isArray(value)) throw bad('OUTBOUND_TARGETS must be a JSON array of targets', '');
  const names = new Set<string>();
  return value.map((t: unknown, i): OutboundTarget => {
    const at = `/${i}`;
    if (!isRecord(t)) throw bad('a target must be an object', at);
    if (typeof t.name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(t.name))
      throw bad('name must be 1 to 64 letters, digits, - _ .', `${at}/name`);
    if (names.has(t.name)) throw bad(`two targets are named ${t.name}`, `${at}/name`);
    names.add(t.name);
    if (t.type !== 'webhook')
      throw bad('type must be "webhook" (batch files are written by the batch sink)', `${at}/type`);
    const url = resolve(t.url, params, `${at}/url`);
    if (!url || !/^https?:\/\//.test(url)) throw bad('url must be an http(s) URL', `${at}/url`);
    const apiKey = resolve(t.apiKey, params, `${at}/apiKey`);
    const secret = resolve(t.secret, params, `${at}/secret`);
    if (secret !== undefined && !secret.startsWith('whsec_'))
      throw bad('secret must be a Standard Webhooks secret (whsec_...)', `${at}/secret`);
    const timeoutMs = t.timeoutMs === undefined ? 10_000 : Number(t.timeoutMs);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
      throw bad('timeoutMs must be a positive integer', `${at}/timeoutMs`);
    const events = t.events === undefined ? ['*'] : t.events;
    if (!Array.isArray(events) || !events.every((e): e is string => typeof e === 'string' && e !== ''))
      throw bad('events must be an array of event codes', `${at}/events`);
    let endsAt: number | undefined;
    if (t.endsAt !== undefined) {
      endsAt = typeof t.endsAt === 'number' ? t.endsAt : Date.parse(String(t.endsAt));
      if (!Number.isFinite(endsAt)) throw bad('endsAt must be an ISO date-time', `${at}/endsAt`);
    }
    const out: WebhookTarget = {
      name: t.name,
      type: 'webhook',
      url,
      apiKeyHeader: typeof t.apiKeyHeader === 'string' && t.apiKeyHeader ? t.apiKeyHeader.toLowerCase() : 'x-api-key',
      timeoutMs,
      events,
    };
    if (apiKey !== undefined) out.apiKey = apiKey;
    if (secret !== undefined) out.secret = secret;
    if (endsAt !== undefined) out.endsAt = endsAt;
    return out;
  });
}

export function wants(target: { events: readonly string[] }, code: string): boolean {
  return target.events.some((e) => e === '*' || (e.endsWith('*') ? code.startsWith(e.slice(0, -1)) : e === code));
}

/** Has a temporary target reached its end date? */
export function ended(target: { endsAt?: number }, now: number): boolean {
  return target.endsAt !== undefined && now >= target.endsAt;
}
