/**
 * Authentication of the ingestion sources (webhook and commercetools). On by default:
 * - INGESTION_API_KEY: the caller sends it in `x-api-key`; compared in constant time.
 *   Several keys (comma or space separated) are accepted, for rotation.
 * - INGESTION_WEBHOOK_SECRET: Standard Webhooks signatures (`webhook-id`,
 *   `webhook-timestamp`, `webhook-signature`) over the raw body, 5-minute window, with the
 *   rules of the `standardwebhooks` package (see standard-webhooks.ts); several
 *   space-separated `whsec_...` secrets for rotation.
 * - neither set: every request is refused with 401 saying what to configure, unless
 *   INGESTION_AUTH=none is set explicitly.
 * With both set, a request may use either; credentials it presents must be valid.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { FinalError, RetryableError } from '../../kernel/errors';
import { SignatureError, decodeSecret, verifySignature } from './standard-webhooks';

export interface AuthConfig {
  apiKeys: string[];
  secrets: string[];
  none: boolean;
}

const list = (v: unknown, sep: RegExp): string[] =>
  typeof v === 'string'
    ? v
        .split(sep)
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

const configs = new Map<string, AuthConfig>();
/** the inputs of the last call and their config: a warm container sees the same ones every time */
let last: { k: unknown; s: unknown; a: unknown; cfg: AuthConfig } | undefined;

/** The auth inputs, parsed once per container for each distinct value. */
export function authConfigFrom(params: Record<string, unknown>): AuthConfig {
  const { INGESTION_API_KEY: k, INGESTION_WEBHOOK_SECRET: s, INGESTION_AUTH: a } = params;
  if (last && last.k === k && last.s === s && last.a === a) return last.cfg;
  const cacheKey = `${typeof k === 'string' ? k : ''}\u0000${typeof s === 'string' ? s : ''}\u0000${typeof a === 'string' ? a : ''}`;
  let cfg = configs.get(cacheKey);
  if (!cfg) {
    cfg = {
      apiKeys: list(k, /[\s,]+/),
      secrets: list(s, /\s+/),
      none: typeof a === 'string' && a.trim().toLowerCase() === 'none',
    };
    if (configs.size > 16) configs.clear();
    configs.set(cacheKey, cfg);
  }
  last = { k, s, a, cfg };
  return cfg;
}

const unauthorized = (message: string, code: string) => new FinalError(401, message, { code });

/** sha256 first, so keys of different lengths compare in constant time too. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

const keyCache = new WeakMap<AuthConfig, Buffer[]>();
function keysOf(cfg: AuthConfig): Buffer[] {
  let keys = keyCache.get(cfg);
  if (!keys) {
    try {
      keys = cfg.secrets.map(decodeSecret);
    } catch (err) {
      throw new RetryableError(500, `INGESTION_WEBHOOK_SECRET is malformed: ${(err as Error).message}`, {
        code: 'misconfigured',
      });
    }
    keyCache.set(cfg, keys);
  }
  return keys;
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
    try {
      verifySignature(keysOf(cfg), headers, rawBody);
      return;
    } catch (err) {
      if (err instanceof SignatureError)
        throw unauthorized(`webhook signature rejected: ${err.message}`, 'invalid_signature');
      throw err;
    }
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
    ...(cfg.secrets.length > 0
      ? ['Standard Webhooks signature headers (webhook-id, webhook-timestamp, webhook-signature)']
      : []),
  ];
  throw unauthorized(`missing credentials: send ${accepted.join(' or ')}`, 'unauthenticated');
}
