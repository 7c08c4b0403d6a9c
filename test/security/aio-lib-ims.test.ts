/**
 * Adobe's own IMS client, `@adobe/aio-lib-ims`, against the local IMS: it posts its
 * client-credentials form as multipart/form-data to /ims/token/v2, decodes the token as a
 * JWT (created_at + expires_in) and validates it with /ims/validate_token/v1. The claims
 * are never trusted: a token with the same claims that the IMS did not issue is invalid.
 */
import { startTestPlatform } from '../platform/helpers';
import type { TestPlatform } from './credentials-support';

const { Ims, getTokenData } = require('@adobe/aio-lib-ims') as {
  Ims: (new (env: string) => ImsClient) & { fromToken(token: string): Promise<{ ims: ImsClient }> };
  getTokenData(token: string): Record<string, unknown>;
};

interface ImsClient {
  endpoint: string;
  getAccessTokenByClientCredentials(
    clientId: string,
    secret: string,
    orgId: string,
    scopes: string[],
  ): Promise<{ access_token: { token: string; expiry: number }; payload: Record<string, unknown> }>;
  validateToken(token: string, clientId?: string): Promise<{ valid: boolean }>;
}

describe('@adobe/aio-lib-ims against the local IMS', () => {
  let p: TestPlatform;
  let ims: ImsClient;
  beforeAll(async () => {
    p = await startTestPlatform();
    ims = new Ims('prod');
    // the client's only knob for its host: point it at the platform
    ims.endpoint = p.url;
  });
  afterAll(() => p.close());

  test('getAccessTokenByClientCredentials (multipart, /ims/token/v2) gets a JWT-shaped token with Adobe claims', async () => {
    const env = p.config.env;
    const before = Date.now();
    const r = await ims.getAccessTokenByClientCredentials(
      env.OAUTH_CLIENT_ID!,
      env.OAUTH_CLIENT_SECRET!,
      env.OAUTH_ORG_ID!,
      ['AdobeID', 'openid', 'adobeio_api'],
    );
    const token = r.access_token.token;
    // expiry comes from the token's own created_at + expires_in
    expect(r.access_token.expiry).toBeGreaterThan(before + 23 * 3600_000);
    expect(r.access_token.expiry).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
    const claims = getTokenData(token);
    expect(claims).toMatchObject({
      type: 'access_token',
      client_id: env.OAUTH_CLIENT_ID,
      org: env.OAUTH_ORG_ID,
      as: 'ims-na1',
      scope: 'AdobeID,openid,adobeio_api',
    });
    expect(typeof claims.user_id).toBe('string');
    expect(Number(claims.created_at)).toBeGreaterThanOrEqual(before);
    expect(Number(claims.expires_in)).toBeGreaterThan(0);
    expect(await ims.validateToken(token)).toMatchObject({ valid: true });
    const from = await Ims.fromToken(token);
    expect(from.ims).toBeInstanceOf(Ims);
  });

  test('a wrong secret is refused; a token with copied claims that was not issued is invalid', async () => {
    const env = p.config.env;
    await expect(
      ims.getAccessTokenByClientCredentials(env.OAUTH_CLIENT_ID!, 'wrong', env.OAUTH_ORG_ID!, ['AdobeID']),
    ).rejects.toThrow(/401/);
    const r = await ims.getAccessTokenByClientCredentials(
      env.OAUTH_CLIENT_ID!,
      env.OAUTH_CLIENT_SECRET!,
      env.OAUTH_ORG_ID!,
      ['AdobeID'],
    );
    const [head, claims] = r.access_token.token.split('.');
    const forged = `${head}.${claims}.${Buffer.from('not-a-signature').toString('base64url')}`;
    expect(await ims.validateToken(forged)).toMatchObject({ valid: false });
    const ingress = await fetch(`${p.url}/ingress`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${forged}`,
        'x-api-key': env.OAUTH_CLIENT_ID!,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(ingress.status).toBe(401);
  });
});
