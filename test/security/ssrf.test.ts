/**
 * Registering a webhook makes the platform GET the URL (Adobe's challenge). It fetches only
 * http(s) URLs (the scheme is checked before any request), does not follow a redirect, and
 * answers every failure with one generic message that leaks neither status nor error text.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { localWorkspace } from '../../platform/events';
import { imsToken, startRelPlatform, type RelPlatform } from '../reliability/support/platform';

const CLIENT = { OAUTH_CLIENT_ID: 'ssrf-suite-client', OAUTH_CLIENT_SECRET: 'ssrf-suite-secret-0123456789' };
let rp: RelPlatform;
let inner: http.Server;
let innerUrl: string;
const hits: string[] = [];
let register: (webhookUrl: string) => Promise<{ status: number; body: Record<string, unknown> }>;

beforeAll(async () => {
  // a server "inside" that should not be reachable through the platform, and a redirector to it
  inner = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/redirect') {
      res.writeHead(302, { location: `${innerUrl}/secret?challenge=${u.searchParams.get('challenge')}` }).end();
    } else if (u.pathname === '/secret') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${u.searchParams.get('challenge')} internal data`);
    } else {
      res.writeHead(418, { 'content-type': 'text/plain' }).end('teapot says hi');
    }
  });
  await new Promise<void>((r) => inner.listen(0, '127.0.0.1', r));
  innerUrl = `http://127.0.0.1:${(inner.address() as AddressInfo).port}`;
  rp = await startRelPlatform({
    env: { ...CLIENT, PLATFORM_EVENTS_VERIFY_WEBHOOKS: 'true' },
    seed: { providers: [{ label: 'SSRF suite', event_metadata: [{ event_code: 'x.created', label: 'x' }] }] },
  });
  const token = await imsToken(rp.url, { ...rp.p.config.env, ...CLIENT });
  const ws = localWorkspace(rp.p.config.env);
  const providerId = rp.events.providers.listProviders(ws.orgId, {}).find((x) => x.label === 'SSRF suite')?.id;
  register = async (webhookUrl) => {
    const res = await fetch(`${rp.url}/events/${ws.orgId}/${ws.projectId}/${ws.workspaceId}/registrations`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'x-api-key': CLIENT.OAUTH_CLIENT_ID,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        client_id: CLIENT.OAUTH_CLIENT_ID,
        name: `ssrf-${hits.length}-${Math.random().toString(36).slice(2, 8)}`,
        delivery_type: 'webhook',
        webhook_url: webhookUrl,
        events_of_interest: [{ provider_id: providerId, event_code: 'x.created' }],
      }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
}, 60_000);
afterAll(async () => {
  await rp?.close();
  inner?.closeAllConnections();
  await new Promise((r) => inner?.close(r));
});

it('refuses file: and gopher: URLs before fetching, naming webhook_url', async () => {
  for (const url of ['file:///etc/passwd', `gopher://127.0.0.1:${new URL(innerUrl).port}/_x`]) {
    const r = await register(url);
    expect([url, r.status, r.body.field]).toEqual([url, 400, 'webhook_url']);
    expect(String(r.body.message)).toMatch(/http\(s\)/);
    expect(r.body.error_code).not.toBe('webhook_verification_failed');
  }
  expect(hits).toEqual([]);
});

it('does not follow a redirect on the challenge', async () => {
  const before = hits.length;
  const r = await register(`${innerUrl}/redirect`);
  expect(r.status).toBe(400);
  expect(r.body.error_code).toBe('webhook_verification_failed');
  expect(hits.slice(before).map((h) => h.split('?')[0])).toEqual(['/redirect']);
});

it('answers a failed challenge with one generic message: no status, no body, no error text', async () => {
  const teapot = await register(`${innerUrl}/teapot`);
  const closed = await register('http://127.0.0.1:1/nothing-listens');
  expect(teapot.status).toBe(400);
  expect(closed.status).toBe(400);
  expect(teapot.body.message).toBe(closed.body.message);
  expect(JSON.stringify(teapot.body)).not.toMatch(/418|teapot/);
  expect(JSON.stringify(closed.body)).not.toMatch(/ECONNREFUSED|fetch failed/);
});
