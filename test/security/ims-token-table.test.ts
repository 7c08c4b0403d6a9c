/**
 * A flood of token requests cannot grow the IMS token table: the client asking again gets
 * its still-fresh token back, and the table is capped whatever the requests vary.
 */
import { startTestPlatform } from '../platform/helpers';
import type { TestPlatform } from './credentials-support';

describe('IMS token table', () => {
  let p: TestPlatform;
  const rows = (): number => p.ctx.db.prepare('SELECT COUNT(*) AS n FROM ims_tokens').pluck().get() as number;
  const ask = async (scope: string) => {
    const r = await fetch(`${p.url}/ims/token/v3`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: p.config.env.OAUTH_CLIENT_ID!,
        client_secret: p.config.env.OAUTH_CLIENT_SECRET!,
        scope,
      }),
    });
    expect(r.status).toBe(200);
    return (await r.json()) as { access_token: string; expires_in: number };
  };

  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(() => p.close());

  test('the same client asking again gets its token back: 300 requests, one row', async () => {
    const first = await ask('AdobeID,openid');
    for (let i = 0; i < 299; i++) expect((await ask('AdobeID,openid')).access_token).toBe(first.access_token);
    expect(rows()).toBe(1);
  });

  test('requests that each ask for a new scope are capped', async () => {
    const n = 1300;
    for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => ask(`scope-${i + j}`)));
    expect(rows()).toBeLessThanOrEqual(1000);
    expect(rows()).toBeGreaterThan(500);
    // the newest tokens stay valid
    const last = await ask(`scope-${n - 1}`);
    const v = await fetch(`${p.url}/ims/validate_token/v1?token=${encodeURIComponent(last.access_token)}`);
    expect(await v.json()).toMatchObject({ valid: true });
  });
});
