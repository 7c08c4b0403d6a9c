/**
 * IMS bearer tokens for Commerce (server-to-server credentials), cached per warm container
 * until shortly before they expire.
 *
 * TODO(shared IMS): switch to src/ims.ts once it is on this branch, so the webhook and the
 * handlers share one implementation; this adapter keeps the handler side independent of it.
 */
import { RetryableError } from '../errors';
import { baseUrl, optionalInput, Params, requiredInput } from './inputs';

export interface ImsTokenSource {
  token(): Promise<string>;
}

const PRODUCTION_IMS = 'https://ims-na1.adobelogin.com/ims/token/';
const DEFAULT_SCOPES = 'AdobeID,openid,read_organizations,additional_info.projectedProductContext,additional_info.roles,adobeio_api,read_client_secret,manage_client_secrets,commerce.accs';

interface Cached { token: string; expiresAt: number }
const cache = new Map<string, Cached>();

export function imsTokenFromParams(params: Params): ImsTokenSource {
  const clientId = requiredInput(params, 'OAUTH_CLIENT_ID', 'IMS credentials');
  const clientSecret = requiredInput(params, 'OAUTH_CLIENT_SECRET', 'IMS credentials');
  const imsBase = baseUrl(optionalInput(params, 'OAUTH_BASE_URL') ?? PRODUCTION_IMS);
  const scopes = optionalInput(params, 'OAUTH_SCOPES') ?? DEFAULT_SCOPES;
  const key = `${imsBase}|${clientId}|${scopes}`;
  return {
    async token() {
      const hit = cache.get(key);
      if (hit && hit.expiresAt > Date.now()) return hit.token;
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: scopes });
      // form body: callTarget sends JSON, IMS wants form-encoded, so call fetch directly
      let res: Response;
      try {
        res = await fetch(`${imsBase}v3`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (err) {
        throw new RetryableError(503, 'IMS is unreachable', { code: 'ims_unreachable', cause: err });
      }
      const body = (await res.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
      if (!res.ok || !body || typeof body.access_token !== 'string') {
        const status = res.status === 429 || res.status >= 500 ? 503 : 500;
        throw new RetryableError(status, `IMS refused the token request (${res.status}): check OAUTH_CLIENT_ID / OAUTH_CLIENT_SECRET`, { code: 'ims_token_failed' });
      }
      const ttlSec = typeof body.expires_in === 'number' ? body.expires_in : 3600;
      // expires_in is in seconds in IMS v3; keep a minute of margin
      cache.set(key, { token: body.access_token, expiresAt: Date.now() + Math.max(0, ttlSec - 60) * 1000 });
      return body.access_token;
    },
  };
}

/** exported for symmetry with the other targets; used by tests to reset the warm cache */
export function clearImsTokenCache(): void {
  cache.clear();
}

