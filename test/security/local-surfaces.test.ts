/**
 * The platform's own surfaces (events traces and controls, the console API, the stand-ins'
 * failure switches, the lookup stand-ins' controls) answer loopback callers without
 * credentials; from any other address they need the namespace key (Basic auth) or a token
 * the platform's IMS issued. A bearer of any other value opens nothing.
 */
import {
  basic,
  externalAddress,
  platformToken,
  request,
  startExposedPlatform,
  type TestPlatform,
} from './credentials-support';

const address = externalAddress();
const describeExposed = address ? describe : describe.skip;

/** [method, path, body ('' for none)] */
const SURFACES: Array<[method: string, path: string, body: string]> = [
  ['GET', '/events/_local/events', ''],
  ['GET', '/events/_local/registrations', ''],
  ['POST', '/events/_local/replay', '{"eventIds":[]}'],
  ['GET', '/events/_local/stream', ''],
  ['GET', '/console/api/overview', ''],
  ['POST', '/console/api/replay-failed', '{"eventIds":[]}'],
  ['GET', '/console/api/stream', ''],
  ['POST', '/commerce/_control/fail', '{"status":503,"count":0}'],
  ['POST', '/backoffice/_control/fail', '{"status":503,"count":0}'],
  ['PUT', '/query/products/SEC-1', '{"sku":"SEC-1"}'],
  ['DELETE', '/query/products/SEC-1', ''],
  ['GET', '/query/_stats', ''],
  ['PUT', '/commercetools/p/products/SEC-1', '{"id":"SEC-1"}'],
];

describeExposed('the platform surfaces, called from another address', () => {
  let p: TestPlatform;
  let token: string;
  beforeAll(async () => {
    p = await startExposedPlatform();
    token = await platformToken(p);
  });
  afterAll(() => p.close());

  test.each(SURFACES)(
    '%s %s: 401 without credentials or with a bearer the IMS did not issue',
    async (m, path, body) => {
      const none = await request(p, address!, m, path, { ...(body ? { body } : {}) });
      expect(none.status).toBe(401);
      const forged = await request(p, address!, m, path, {
        headers: { authorization: 'Bearer anything' },
        ...(body ? { body } : {}),
      });
      expect(forged.status).toBe(401);
      expect(forged.body).not.toMatch(/"events":|"lookups"|failNext/);
      const wrongKey = await request(p, address!, m, path, {
        headers: { authorization: basic(`${p.config.auth}x`) },
        ...(body ? { body } : {}),
      });
      expect(wrongKey.status).toBe(401);
    },
  );

  test.each(SURFACES)('%s %s: the namespace key or a platform token opens it', async (m, path, body) => {
    const byKey = await request(p, address!, m, path, {
      headers: { authorization: basic(p.config.auth) },
      ...(body ? { body } : {}),
    });
    // admitted: anything but 401 (a repeated DELETE answers 404)
    expect(byKey.status).not.toBe(401);
    expect(byKey.status).toBeLessThan(500);
    const byToken = await request(p, address!, m, path, {
      headers: { authorization: `Bearer ${token}` },
      ...(body ? { body } : {}),
    });
    expect(byToken.status).not.toBe(401);
    expect(byToken.status).toBeLessThan(500);
  });

  test.each(SURFACES)('%s %s: loopback callers need no credentials', async (m, path, body) => {
    const local = await request(p, '127.0.0.1', m, path, { ...(body ? { body } : {}) });
    expect(local.status).not.toBe(401);
    expect(local.status).toBeLessThan(500);
  });
});

describeExposed('the back-office stand-in', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startExposedPlatform();
  });
  afterAll(() => p.close());

  test('reads need BACKOFFICE_API_KEY: any other key is refused, from anywhere', async () => {
    const key = p.config.env.BACKOFFICE_API_KEY!;
    const put = await request(p, '127.0.0.1', 'PUT', '/backoffice/orders/SEC-1', {
      headers: { 'x-api-key': key },
      body: '{"id":"SEC-1","email":"someone@example.com"}',
    });
    expect(put.status).toBe(200);
    for (const from of [address!, '127.0.0.1']) {
      const wrong = await request(p, from, 'GET', '/backoffice/orders/SEC-1', { headers: { 'x-api-key': 'anything' } });
      expect(wrong.status).toBe(401);
      expect(wrong.body).not.toContain('someone@example.com');
      const right = await request(p, from, 'GET', '/backoffice/orders/SEC-1', { headers: { 'x-api-key': key } });
      expect(right.status).toBe(200);
    }
    expect((await request(p, address!, 'GET', '/backoffice/orders/SEC-1')).status).toBe(401);
    expect((await request(p, address!, 'GET', '/backoffice/_log', { headers: { 'x-api-key': 'x' } })).status).toBe(401);
  });
});
