/**
 * I/O Events' ingress and management API accept only a token the platform's IMS issued to
 * its client, with `x-api-key` equal to that client id (as Adobe requires). Someone without
 * the client secret cannot publish (so cannot pre-empt a future event id, which is
 * UUIDv5(code, uid)), copy events to their own URL, or delete registrations.
 */
import { platformToken, type TestPlatform } from './credentials-support';
import { startTestPlatform } from '../platform/helpers';

const WS = '/events/000000/local-project/local-workspace';

describe('I/O Events credentials', () => {
  let p: TestPlatform;
  let token: string;
  let clientId: string;
  let providerId: string;
  let registrationId: string;

  const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    fetch(`${p.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const event = (uid: string) => ({
    specversion: '1.0',
    id: uid,
    source: `urn:uuid:${providerId}`,
    type: 'sec.thing_created',
    datacontenttype: 'application/json',
    data: { uid },
  });

  beforeAll(async () => {
    p = await startTestPlatform();
    token = await platformToken(p);
    clientId = p.config.env.OAUTH_CLIENT_ID!;
    const auth = { authorization: `Bearer ${token}`, 'x-api-key': clientId };
    const prov = (await (await call('POST', `${WS}/providers`, auth, { label: 'Sec' })).json()) as { id: string };
    providerId = prov.id;
    const meta = await call('POST', `${WS}/providers/${providerId}/eventmetadata`, auth, {
      event_code: 'sec.thing_created',
      label: 'created',
      description: 'created',
    });
    expect(meta.status).toBeLessThan(300);
    const reg = await call('POST', `${WS}/registrations`, auth, {
      client_id: clientId,
      name: 'journal only',
      delivery_type: 'journal',
      events_of_interest: [{ provider_id: providerId, event_code: 'sec.thing_created' }],
    });
    expect(reg.status).toBe(201);
    registrationId = ((await reg.json()) as { registration_id: string }).registration_id;
  });
  afterAll(() => p.close());

  test('an attacker cannot get a token with a pair of their own', async () => {
    const r = await fetch(`${p.url}/ims/token/v3`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=attacker&client_secret=attacker',
    });
    expect(r.status).toBe(401);
  });

  test("a token with the client's claims that the IMS did not issue opens nothing", async () => {
    const [head, claims] = token.split('.');
    const forged = `${head}.${claims}.${Buffer.from('forged').toString('base64url')}`;
    const auth = { authorization: `Bearer ${forged}`, 'x-api-key': clientId };
    expect((await call('POST', '/ingress', auth, event('forged-1'))).status).toBe(401);
    expect((await call('GET', `${WS}/registrations`, auth)).status).toBe(401);
    expect((await call('DELETE', `${WS}/registrations/${registrationId}`, auth)).status).toBe(401);
  });

  test('x-api-key must be the client id the token was issued to', async () => {
    for (const key of ['anything', `${clientId}x`]) {
      const auth = { authorization: `Bearer ${token}`, 'x-api-key': key };
      const res = await call('POST', '/ingress', auth, event(`wrong-key-${key}`));
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ field: 'x-api-key' });
      expect((await call('GET', `${WS}/registrations`, auth)).status).toBe(401);
      const copy = await call('POST', `${WS}/registrations`, auth, {
        client_id: clientId,
        name: 'copy everything',
        delivery_type: 'webhook',
        webhook_url: 'http://127.0.0.1:9/steal',
        events_of_interest: [{ provider_id: providerId, event_code: 'sec.thing_created' }],
      });
      expect(copy.status).toBe(401);
      expect((await call('DELETE', `${WS}/registrations/${registrationId}`, auth)).status).toBe(401);
    }
  });

  test("the client's own token and id publish and manage", async () => {
    const auth = { authorization: `Bearer ${token}`, 'x-api-key': clientId };
    expect((await call('POST', '/ingress', auth, event('own-1'))).status).toBe(200);
    expect((await call('GET', `${WS}/registrations/${registrationId}`, auth)).status).toBe(200);
    expect((await call('DELETE', `${WS}/registrations/${registrationId}`, auth)).status).toBe(204);
  });
});
