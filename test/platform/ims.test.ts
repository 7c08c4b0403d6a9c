import type { RunningPlatform } from '../../platform/core/server';
import { startTestPlatform } from './helpers';

const form = (o: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(o).toString(),
});

describe('IMS without configured credentials', () => {
  let p: RunningPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(() => p.close());

  test('client_credentials → bearer token; the generated local pair is a default', async () => {
    const r = await fetch(
      `${p.url}/ims/token/v3`,
      form({
        grant_type: 'client_credentials',
        client_id: p.config.env.OAUTH_CLIENT_ID!,
        client_secret: p.config.env.OAUTH_CLIENT_SECRET!,
        scope: 'AdobeID,openid',
      }),
    );
    expect(r.status).toBe(200);
    const t = (await r.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(t.token_type).toBe('bearer');
    expect(t.access_token.length).toBeGreaterThan(20);
    expect(t.expires_in).toBeGreaterThan(0);
    const v = await fetch(`${p.url}/ims/validate_token/v1?token=${encodeURIComponent(t.access_token)}`);
    expect(await v.json()).toMatchObject({ valid: true });
    expect(p.config.env.OAUTH_CLIENT_ID).toMatch(/^[0-9a-f]{32}$/);
    expect(p.config.env.OAUTH_BASE_URL).toBe(`${p.url}/ims/token/`);
  });

  test('bad grant or missing field → 400', async () => {
    expect(
      (await fetch(`${p.url}/ims/token/v3`, form({ grant_type: 'password', client_id: 'a', client_secret: 'b' })))
        .status,
    ).toBe(400);
    expect(
      (await fetch(`${p.url}/ims/token/v3`, form({ grant_type: 'client_credentials', client_id: 'a' }))).status,
    ).toBe(400);
  });
});

describe('IMS with OAUTH_CLIENT_ID/SECRET in .env', () => {
  let p: RunningPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ env: { OAUTH_CLIENT_ID: 'my-client', OAUTH_CLIENT_SECRET: 'my-secret' } });
  });
  afterAll(() => p.close());

  test('only that pair is accepted', async () => {
    const ok = await fetch(
      `${p.url}/ims/token/v3`,
      form({ grant_type: 'client_credentials', client_id: 'my-client', client_secret: 'my-secret' }),
    );
    expect(ok.status).toBe(200);
    const bad = await fetch(
      `${p.url}/ims/token/v3`,
      form({ grant_type: 'client_credentials', client_id: 'my-client', client_secret: 'nope' }),
    );
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'invalid_client' });
  });
});
