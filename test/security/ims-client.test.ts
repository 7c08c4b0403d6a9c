/**
 * The local IMS gives tokens only to the client the platform is configured with (or, when
 * none is configured, the pair it generated): any other pair is refused, and a token
 * records the client and org it was issued to.
 */
import type { TestPlatform } from './credentials-support';
import { startTestPlatform } from '../platform/helpers';

const tokenRequest = (p: TestPlatform, fields: Record<string, string>) =>
  fetch(`${p.url}/ims/token/v3`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...fields }),
  });

describe('IMS without a configured client: only the generated pair', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(() => p.close());

  test('any other pair is refused with 401 invalid_client', async () => {
    const id = p.config.env.OAUTH_CLIENT_ID!;
    const secret = p.config.env.OAUTH_CLIENT_SECRET!;
    for (const [client_id, client_secret] of [
      ['attacker', 'whatever'],
      [id, 'whatever'],
      ['attacker', secret],
      [id, `${secret}x`],
      [id.toUpperCase(), secret],
    ] as const) {
      const r = await tokenRequest(p, { client_id, client_secret });
      expect(r.status).toBe(401);
      const body = (await r.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ error: 'invalid_client' });
      expect(body).not.toHaveProperty('access_token');
    }
    expect((await tokenRequest(p, { client_id: id, client_secret: secret })).status).toBe(200);
  });

  test('a token records its client and org', async () => {
    const r = await tokenRequest(p, {
      client_id: p.config.env.OAUTH_CLIENT_ID!,
      client_secret: p.config.env.OAUTH_CLIENT_SECRET!,
    });
    const { access_token } = (await r.json()) as { access_token: string };
    const v = (await (
      await fetch(`${p.url}/ims/validate_token/v1`, { headers: { authorization: `Bearer ${access_token}` } })
    ).json()) as { valid: boolean; token: Record<string, unknown> };
    expect(v.valid).toBe(true);
    expect(v.token).toMatchObject({ client_id: p.config.env.OAUTH_CLIENT_ID, org: p.config.env.OAUTH_ORG_ID });
  });
});

describe('IMS with OAUTH_CLIENT_ID/SECRET configured: only that pair', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ env: { OAUTH_CLIENT_ID: 'my-client', OAUTH_CLIENT_SECRET: 'my-secret' } });
  });
  afterAll(() => p.close());

  test('the configured pair gets a token; the generated pair and others do not', async () => {
    expect((await tokenRequest(p, { client_id: 'my-client', client_secret: 'my-secret' })).status).toBe(200);
    const generated = p.config.localDefaults!;
    expect(
      (await tokenRequest(p, { client_id: generated.OAUTH_CLIENT_ID!, client_secret: generated.OAUTH_CLIENT_SECRET! }))
        .status,
    ).toBe(401);
    expect((await tokenRequest(p, { client_id: 'my-client', client_secret: 'my-secre' })).status).toBe(401);
  });
});
