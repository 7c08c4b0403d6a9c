/**
 * IMS bearer tokens for Commerce (server-to-server credentials, e.g. Commerce as a Cloud
 * Service), through the shared IMS client (src/ims.ts): cached per warm container until
 * shortly before they expire, shared with the webhook's publishing.
 */
import { getImsToken, parseScopes } from '../ims';
import { optionalInput, Params, requiredInput } from './inputs';

export interface ImsTokenSource {
  token(): Promise<string>;
}

export function imsTokenFromParams(params: Params): ImsTokenSource {
  const clientId = requiredInput(params, 'OAUTH_CLIENT_ID', 'IMS credentials');
  const clientSecret = requiredInput(params, 'OAUTH_CLIENT_SECRET', 'IMS credentials');
  const baseUrl = optionalInput(params, 'OAUTH_BASE_URL');
  const scopes = parseScopes(optionalInput(params, 'OAUTH_SCOPES'));
  return { token: () => getImsToken({ clientId, clientSecret, scopes, ...(baseUrl === undefined ? {} : { baseUrl }) }) };
}
