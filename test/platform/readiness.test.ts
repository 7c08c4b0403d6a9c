/**
 * Liveness and readiness: with `awaitReady` (what `platform start` sets while the app's
 * post-app-deploy hook runs) the platform is live but not ready; the ingress and web actions
 * answer 503 with retry-after, the rest (management API, runtime REST) answers as usual.
 */
import { basicAuth, startTestPlatform } from './helpers';

it('not ready until markReady: /readyz, /ingress and web actions 503 + retry-after; the rest answers', async () => {
  const p = await startTestPlatform({ awaitReady: true });
  try {
    expect((await fetch(`${p.url}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${p.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(notReady.headers.get('retry-after')).toBeTruthy();

    const ingress = await fetch(`${p.url}/ingress`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', authorization: 'Bearer x' },
      body: '{}',
    });
    expect(ingress.status).toBe(503);
    expect(ingress.headers.get('retry-after')).toBeTruthy();
    expect(((await ingress.json()) as { error_code: string }).error_code).toBe('not_ready');

    const web = await fetch(`${p.url}/api/v1/web/${p.config.namespace}/default/anything`, { method: 'POST' });
    expect(web.status).toBe(503);
    expect(web.headers.get('retry-after')).toBeTruthy();

    // what the hook itself needs still answers
    const rest = await fetch(`${p.url}/api/v1/namespaces/${p.config.namespace}/actions`, {
      headers: { authorization: basicAuth(p.config.auth) },
    });
    expect(rest.status).toBe(200);

    p.markReady();
    expect((await fetch(`${p.url}/readyz`)).status).toBe(200);
    const after = await fetch(`${p.url}/ingress`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', authorization: 'Bearer x' },
      body: '{}',
    });
    expect(after.status).not.toBe(503);
  } finally {
    await p.close();
  }
});
