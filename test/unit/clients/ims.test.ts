import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionError } from '../../../src/kernel/errors';
import { clearImsCache, getImsToken, parseScopes, tokenUrl, DEFAULT_SCOPES } from '../../../src/clients/ims';
import { FakeIoEvents } from '../../support/io-events-server';

let io: FakeIoEvents;
beforeAll(async () => {
  io = await new FakeIoEvents({ tokenLifetimeSeconds: 3600 }).start();
});
afterAll(() => io.stop());
beforeEach(() => {
  clearImsCache();
  io.reset();
});

const creds = () => ({ clientId: io.clientId, clientSecret: io.clientSecret, baseUrl: `${io.baseUrl}/ims/token/` });

async function statusOf(p: Promise<unknown>): Promise<[number, string, Record<string, string>]> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ActionError) return [err.statusCode, err.code, err.headers];
    throw err;
  }
  throw new Error('expected a failure');
}

/** a one-route server answering the token endpoint with a fixed response */
async function imsAnswering(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const s = http.createServer((_q, r) => {
    r.writeHead(status, { 'content-type': 'application/json', ...headers });
    r.end(body);
  });
  await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/ims/token/`,
    close: () => new Promise<void>((res) => s.close(() => res())),
  };
}

describe('IMS client credentials', () => {
  it('builds the v3 URL and the kit scopes', () => {
    expect(tokenUrl('https://ims-na1.adobelogin.com/ims/token/')).toBe('https://ims-na1.adobelogin.com/ims/token/v3');
    expect(tokenUrl('http://x/ims/token')).toBe('http://x/ims/token/v3');
    expect(parseScopes(undefined)).toEqual(DEFAULT_SCOPES);
    expect(parseScopes('AdobeID, openid event_receiver_api')).toEqual(['AdobeID', 'openid', 'event_receiver_api']);
  });

  it('caches the token until shortly before expiry, then fetches a new one', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const a = await getImsToken(creds(), clock);
    expect(await getImsToken(creds(), clock)).toBe(a);
    now += 50 * 60_000; // 50 of 60 minutes: still good
    expect(await getImsToken(creds(), clock)).toBe(a);
    now += 6 * 60_000; // inside the 5-minute margin
    const b = await getImsToken(creds(), clock);
    expect(b).not.toBe(a);
    expect(io.tokenCalls).toBe(2);
  });

  it('sends one request for concurrent callers', async () => {
    const tokens = await Promise.all([1, 2, 3, 4].map(() => getImsToken(creds())));
    expect(new Set(tokens).size).toBe(1);
    expect(io.tokenCalls).toBe(1);
  });

  it('refused credentials → 500 misconfigured', async () => {
    expect(await statusOf(getImsToken({ ...creds(), clientSecret: 'nope' }))).toEqual([500, 'misconfigured', {}]);
  });

  it('IMS 5xx → 503, 429 → 429 with retry-after, garbage → 503, unreachable → 503', async () => {
    const down = await imsAnswering(502, '{}');
    const busy = await imsAnswering(429, '{}', { 'retry-after': '12' });
    const junk = await imsAnswering(200, 'not json');
    try {
      expect((await statusOf(getImsToken({ ...creds(), baseUrl: down.url })))[0]).toBe(503);
      expect(await statusOf(getImsToken({ ...creds(), baseUrl: busy.url }))).toEqual([
        429,
        'ims_unavailable',
        { 'retry-after': '12' },
      ]);
      expect((await statusOf(getImsToken({ ...creds(), baseUrl: junk.url })))[0]).toBe(503);
      expect((await statusOf(getImsToken({ ...creds(), baseUrl: 'http://127.0.0.1:9/ims/token/' })))[0]).toBe(503);
    } finally {
      await Promise.all([down.close(), busy.close(), junk.close()]);
    }
  });
});
