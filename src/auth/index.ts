/**
 * Authentication of the ingestion webhook. On by default:
 * - INGESTION_API_KEY: the caller sends it in `x-api-key`; compared in constant time.
 *   Several keys (comma or space separated) are accepted, for rotation.
 * - INGESTION_WEBHOOK_SECRET: Standard Webhooks signatures (`webhook-id`,
 *   `webhook-timestamp`, `webhook-signature`), checked by the `standardwebhooks` package over
 *   the raw body, 5-minute window; several space-separated `whsec_...` secrets for rotation.
 * - neither set: every request is refused with 401 saying what to configure, unless
 *   INGESTION_AUTH=none is set explicitly.
 * With both set, a request may use either; credentials it presents must be valid.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { FinalError } from '../errors';

export interface AuthConfig {
  apiKeys: string[];
  secrets: string[];
  none: boolean;
}

const list = (v: unknown, sep: RegExp): string[] =>
  typeof v === 'string' ? v.split(sep).map((s) => s.trim()).filter(Boolean) : [];

export function authConfigFrom(params: Record<string, unknown>): AuthConfig {
  return {
    apiKeys: list(params.INGESTION_API_KEY, /[\s,]+/),
    secrets: list(params.INGESTION_WEBHOOK_SECRET, /\s+/),
    none: typeof params.INGESTION_AUTH === 'string' && params.INGESTION_AUTH.trim().toLowerCase() === 'none',
  };
}

const unauthorized = (message: string, code: string) => new FinalError(401, message, { code });

/** sha256 first, so keys of different lengths compare in constant time too. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

const verifiers = new Map<string, Webhook>();
function verifierFor(secret: string): Webhook {
  let v = verifiers.get(secret);
  if (!v) {
    v = new Webhook(secret);
    verifiers.set(secret, v);
  }
  return v;
}

export type Headers = Record<string, string | undefined>;

/**
 * Throws a 401 FinalError unless the request is authenticated. `rawBody` must be the
 * exact bytes the caller signed.
 */
export function authenticate(cfg: AuthConfig, headers: Headers, rawBody: string | Buffer): void {
  if (cfg.apiKeys.length === 0 && cfg.secrets.length === 0) {
    if (cfg.none) return;
    throw unauthorized(
      'ingestion authentication is not configured: set INGESTION_API_KEY or INGESTION_WEBHOOK_SECRET (or INGESTION_AUTH=none to accept unauthenticated requests)',
      'auth_not_configured',
    );
  }
  if (cfg.none) return;

  const signed = headers['webhook-signature'] !== undefined || headers['webhook-id'] !== undefined;
  if (signed && cfg.secrets.length > 0) {
    const sigHeaders = {
      'webhook-id': headers['webhook-id'] ?? '',
      'webhook-timestamp': headers['webhook-timestamp'] ?? '',
      'webhook-signature': headers['webhook-signature'] ?? '',
    };
    let reason = 'invalid signature';
    for (const secret of cfg.secrets) {
      try {
        verifierFor(secret).verify(rawBody, sigHeaders, { jsonParse: false });
        return;
      } catch (err) {
        const m = err instanceof Error ? err.message : '';
        if (/timestamp|headers/i.test(m)) reason = m.toLowerCase();
        if (/missing required headers|invalid signature headers|timestamp/i.test(m)) break; // same for every secret
      }
    }
    throw unauthorized(`webhook signature rejected: ${reason}`, 'invalid_signature');
  }

  const key = headers['x-api-key'];
  if (key !== undefined && cfg.apiKeys.length > 0) {
    let ok = false;
    for (const k of cfg.apiKeys) ok = sameSecret(key, k) || ok; // no early exit: same time for every key
    if (ok) return;
    throw unauthorized('invalid x-api-key', 'invalid_api_key');
  }

  const accepted = [
    ...(cfg.apiKeys.length > 0 ? ['an x-api-key header'] : []),
    ...(cfg.secrets.length > 0 ? ['Standard Webhooks signature headers (webhook-id, webhook-timestamp, webhook-signature)'] : []),
  ];
  throw unauthorized(`missing credentials: send ${accepted.join(' or ')}`, 'unauthenticated');
}
