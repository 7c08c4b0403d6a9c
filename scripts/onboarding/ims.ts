/**
 * IMS server-to-server token (client_credentials) for the onboarding scripts.
 *
 * The scripts run once per invocation, so there is no cache here; the actions share
 * their own cached client. One POST to `{OAUTH_BASE_URL}v3`, form-encoded, as Adobe documents.
 */
import { imsTokenUrl } from './config';
import { ManagementCallError, hintFor } from './management';

export interface ImsCredentials {
  OAUTH_BASE_URL: string;
  OAUTH_CLIENT_ID: string;
  OAUTH_CLIENT_SECRET: string;
  OAUTH_SCOPES?: string;
}

/** The starter kit's scopes for I/O Management + Commerce. */
export const DEFAULT_SCOPES =
  'AdobeID, openid, read_organizations, additional_info.projectedProductContext, additional_info.roles, adobeio_api, read_client_secret, manage_client_secrets, event_receiver_api';

export async function getImsToken(creds: ImsCredentials, timeoutMs = 15_000): Promise<string> {
  const url = imsTokenUrl(creds.OAUTH_BASE_URL);
  const scope = (creds.OAUTH_SCOPES ?? DEFAULT_SCOPES)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .join(',');
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: creds.OAUTH_CLIENT_ID,
    client_secret: creds.OAUTH_CLIENT_SECRET,
    scope,
  });
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    throw new ManagementCallError('IMS token', undefined, `POST ${url} ${err instanceof Error ? err.message : String(err)}${cause}`, hintFor(undefined, 'ims'));
  }
  const text = await res.text();
  if (!res.ok) {
    let reason = '';
    try {
      const body: unknown = JSON.parse(text);
      if (body && typeof body === 'object' && 'error' in body) reason = `: ${String((body as { error: unknown }).error)}`;
    } catch {
      /* not JSON */
    }
    throw new ManagementCallError('IMS token', res.status, `POST ${url}${reason}`, hintFor(res.status, 'ims'));
  }
  let token: unknown;
  try {
    token = (JSON.parse(text) as { access_token?: unknown }).access_token;
  } catch {
    token = undefined;
  }
  if (typeof token !== 'string' || !token) {
    throw new ManagementCallError('IMS token', res.status, `POST ${url}: no access_token in the answer`, hintFor(undefined, 'ims'));
  }
  return token;
}
