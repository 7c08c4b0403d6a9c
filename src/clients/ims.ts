/**
 * IMS server-to-server token (OAuth client credentials), cached per warm container until
 * shortly before it expires. Used by the webhook to publish and by the Commerce client
 * when Commerce is reached with an IMS bearer token (`imsTokenFromParams`).
 *
 * Written by hand: Adobe's `@adobe/aio-lib-ims` drags its config and state libraries into
 * every action bundle, and the protocol is one form POST (`{OAUTH_BASE_URL}v3`,
 * `grant_type=client_credentials`). Sent with node:http (src/kernel/simple-request.ts), not
 * built-in fetch, because it is on the cold path of every container.
 */
import { RetryableError } from '../kernel/errors';
import { optionalInput, requiredInput, type Params } from '../kernel/inputs';
import { simpleRequest, type SimpleResponse } from '../kernel/simple-request';

export const DEFAULT_OAUTH_BASE_URL = 'https://ims-na1.adobelogin.com/ims/token/';

/** The starter kit's scopes (its env.dist OAUTH_SCOPES), used when OAUTH_SCOPES is unset. */
export const DEFAULT_SCOPES = [
  'AdobeID',
  'openid',
  'read_organizations',
  'additional_info.projectedProductContext',
  'additional_info.roles',
  'adobeio_api',
  'read_client_secret',
  'manage_client_secrets',
  'event_receiver_api',
  'commerce.accs',
];

export interface ImsCredentials {
  clientId: string;
  clientSecret: string;
  /** `{base}/ims/token/`; `v3` is appended */
  baseUrl?: string;
  scopes?: readonly string[];
  timeoutMs?: number;
}

interface CachedToken {
  token: string;
  /** epoch ms after which the token is not handed out any more */
  refreshAt: number;
}

const cache = new Map<string, CachedToken>();
const inflight = new Map<string, Promise<string>>();

/** Refresh this long before IMS says the token expires. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

/** IMS token URL for a base like `https://ims-na1.adobelogin.com/ims/token/`. */
export function tokenUrl(baseUrl: string = DEFAULT_OAUTH_BASE_URL): string {
  return `${baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`}v3`;
}

/** Parse OAUTH_SCOPES (comma or space separated) or fall back to the kit's list. */
export function parseScopes(value: unknown): string[] {
  if (typeof value !== 'string' || value.trim() === '') return DEFAULT_SCOPES;
  return value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function cacheKey(c: ImsCredentials): string {
  return [tokenUrl(c.baseUrl), c.clientId, c.clientSecret, (c.scopes ?? DEFAULT_SCOPES).join(',')].join('\u0000');
}

/** A token for these credentials: from the container's cache, or one IMS call (deduplicated). */
export async function getImsToken(c: ImsCredentials, now: () => number = Date.now): Promise<string> {
  const key = cacheKey(c);
  const hit = cache.get(key);
  if (hit && hit.refreshAt > now()) return hit.token;
  const running = inflight.get(key);
  if (running) return running;
  const p = fetchToken(c, now)
    .then((t) => {
      cache.set(key, t);
      return t.token;
    })
    .finally(() => inflight.delete(key));
  inflight.set(key, p);
  return p;
}

export interface ImsTokenSource {
  token(): Promise<string>;
}

/**
 * IMS bearer tokens from the OAUTH_* inputs (e.g. for Commerce as a Cloud Service), from the
 * same per-container cache as the webhook's publishing.
 */
export function imsTokenFromParams(params: Params): ImsTokenSource {
  const clientId = requiredInput(params, 'OAUTH_CLIENT_ID', 'IMS credentials');
  const clientSecret = requiredInput(params, 'OAUTH_CLIENT_SECRET', 'IMS credentials');
  const baseUrl = optionalInput(params, 'OAUTH_BASE_URL');
  const scopes = parseScopes(optionalInput(params, 'OAUTH_SCOPES'));
  return {
    token: () => getImsToken({ clientId, clientSecret, scopes, ...(baseUrl === undefined ? {} : { baseUrl }) }),
  };
}

/** Forget a cached token (e.g. after the API it was sent to answered 401). */
export function invalidateImsToken(c: ImsCredentials): void {
  cache.delete(cacheKey(c));
}

/** For tests: start from an empty cache. */
export function clearImsCache(): void {
  cache.clear();
}

async function fetchToken(c: ImsCredentials, now: () => number): Promise<CachedToken> {
  const url = tokenUrl(c.baseUrl);
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: c.clientId,
    client_secret: c.clientSecret,
    scope: (c.scopes ?? DEFAULT_SCOPES).join(','),
  });
  let res: SimpleResponse;
  try {
    res = await simpleRequest(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
      timeoutMs: c.timeoutMs ?? 10_000,
    });
  } catch (err) {
    throw new RetryableError(503, 'IMS token endpoint unreachable (network or timeout)', {
      code: 'ims_unavailable',
      cause: err,
    });
  }
  if (res.status === 400 || res.status === 401 || res.status === 403) {
    throw new RetryableError(
      500,
      `IMS refused the client credentials (HTTP ${res.status}): check OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET and OAUTH_SCOPES`,
      {
        code: 'misconfigured',
      },
    );
  }
  if (res.status < 200 || res.status >= 300) {
    const retryAfter = Number(res.headers['retry-after']);
    throw new RetryableError(res.status === 429 ? 429 : 503, `IMS token endpoint answered HTTP ${res.status}`, {
      code: 'ims_unavailable',
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfter } : {}),
    });
  }
  let json: { access_token?: unknown; expires_in?: unknown } | undefined;
  try {
    json = JSON.parse(res.text) as { access_token?: unknown; expires_in?: unknown };
  } catch {
    json = undefined;
  }
  if (!json || typeof json.access_token !== 'string' || json.access_token === '') {
    throw new RetryableError(503, 'IMS token endpoint answered without an access_token', { code: 'ims_unavailable' });
  }
  // IMS answers expires_in in seconds (v3); a value over a year must be milliseconds (v2 style)
  const raw = typeof json.expires_in === 'number' && json.expires_in > 0 ? json.expires_in : 3600;
  const lifetimeMs = raw > 366 * 24 * 3600 ? raw : raw * 1000;
  return { token: json.access_token, refreshAt: now() + Math.max(lifetimeMs - EXPIRY_MARGIN_MS, lifetimeMs / 2) };
}
