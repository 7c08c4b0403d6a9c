/**
 * IMS server-to-server token for the onboarding scripts: the app's own client (src/clients/ims.ts,
 * `{OAUTH_BASE_URL}v3`, client_credentials, the kit's scopes unless OAUTH_SCOPES is set),
 * with its failures turned into the scripts' "call, status, what to check" errors.
 */
import { ActionError } from '../../src/kernel/errors';
import { getImsToken as appImsToken, parseScopes } from '../../src/clients/ims';
import { imsTokenUrl } from './config';
import { ManagementCallError, hintFor } from './management';

export interface ImsCredentials {
  OAUTH_BASE_URL: string;
  OAUTH_CLIENT_ID: string;
  OAUTH_CLIENT_SECRET: string;
  OAUTH_SCOPES?: string;
}

export async function getImsToken(creds: ImsCredentials, timeoutMs = 15_000): Promise<string> {
  try {
    return await appImsToken({
      clientId: creds.OAUTH_CLIENT_ID,
      clientSecret: creds.OAUTH_CLIENT_SECRET,
      baseUrl: creds.OAUTH_BASE_URL,
      scopes: parseScopes(creds.OAUTH_SCOPES),
      timeoutMs,
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // the app's client names the HTTP status IMS answered in its message ("HTTP 401")
    const m = /HTTP (\d{3})/.exec(message);
    const status = m ? Number(m[1]) : undefined;
    const unreachable = err instanceof ActionError && err.code === 'ims_unavailable' && status === undefined;
    throw new ManagementCallError(
      'IMS token',
      unreachable ? undefined : status,
      `POST ${imsTokenUrl(creds.OAUTH_BASE_URL)}: ${message}`,
      hintFor(unreachable ? undefined : status, 'ims'),
    );
  }
}
