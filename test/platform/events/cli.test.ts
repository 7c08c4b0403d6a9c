/** The events CLI against a running events module (list, show, replay, pause, resume, registrations, --help). */
import { eventsModule } from '../../../platform/events';
import { run } from '../../../platform/events/cli';
import { startHarness, startReceiver, waitFor, type Harness, type Receiver } from './harness';

const WS = { orgId: '000000', projectId: 'local-project', workspaceId: 'local-workspace' };

describe('events CLI', () => {
  let h: Harness;
  let rx: Receiver;
  let status = 400;
  let mod: ReturnType<typeof eventsModule>;
  let providerId = '';

  const cli = async (...args: string[]): Promise<{ code: number; text: string }> => {
    const lines: string[] = [];
    const code = await run([...args, '--url', h.base], (s) => lines.push(s));
    return { code, text: lines.join('\n') };
  };

  beforeAll(async () => {
    mod = eventsModule({ verifyWebhooks: false });
    h = await startHarness([mod], { timeScale: 0.0001 });
    rx = await startReceiver((_req, _body, res) =>
      res.writeHead(status).end(status === 200 ? 'ok' : '{"error":"invalid sku"}'),
    );
    const { providers, registrations } = mod.handle();
    providerId = providers.createProvider(WS, { label: 'Backoffice' }).id;
    providers.createEventMetadata(providerId, { event_code: 'be-observer.catalog_product_create', label: 'created' });
    registrations.createRegistration(WS, {
      client_id: 'c',
      name: 'products',
      delivery_type: 'webhook',
      webhook_url: rx.url,
      events_of_interest: [{ provider_id: providerId, event_code: 'be-observer.catalog_product_create' }],
    });
  });
  afterAll(async () => {
    await h.close();
    await rx.close();
  });

  test('--help lists the commands', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    for (const c of ['list', 'show', 'tail', 'replay', 'pause', 'resume']) expect(r.text).toContain(c);
  });

  test('list, show, replay, pause, resume, registrations', async () => {
    await fetch(`${h.base}/ingress`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'x-api-key': 'k', 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({
        specversion: '1.0',
        id: 'cli-1',
        source: `urn:uuid:${providerId}`,
        type: 'be-observer.catalog_product_create',
        data: { sku: 'CLI-SKU' },
      }),
    });
    await waitFor(
      async () => (await cli('list', '--status', 'rejected')).text.includes('CLI-SKU'),
      5000,
      'rejected event',
    );
    const list = await cli('list', '--entity', 'CLI-SKU');
    expect(list.text).toMatch(/rejected\s+be-observer\.catalog_product_create\s+CLI-SKU\s+cli-1/);
    const show = await cli('show', 'cli-1');
    expect(show.text).toContain('→ products');
    expect(show.text).toContain('400  → final');
    expect(show.text).toContain('invalid sku');

    status = 200;
    expect((await cli('replay', '--status', 'rejected')).text).toContain('replayed 1 deliveries of 1 events');
    await waitFor(
      async () => (await cli('list', '--status', 'delivered')).text.includes('CLI-SKU'),
      5000,
      'delivered after replay',
    );

    expect((await cli('pause', 'products', '--reason', 'deploying the ERP')).text).toContain(
      'paused (deploying the ERP)',
    );
    expect((await cli('registrations')).text).toMatch(/products\s+webhook\s+\S+\s+ACTIVE\s+yes\s+1/);
    expect((await cli('resume', 'products')).text).toContain('products: delivering');
    const bad = await cli('pause', 'products').catch((e: Error) => ({ code: 1, text: e.message }));
    expect(bad.text).toContain('--reason');
  });

  test('an event no registration wants is unrouted, stays so when a registration is created, and is routed when sent again', async () => {
    const { providers, registrations } = mod.handle();
    providers.createEventMetadata(providerId, { event_code: 'be-observer.customer_create', label: 'customer' });
    const send = () =>
      fetch(`${h.base}/ingress`, {
        method: 'POST',
        headers: { authorization: 'Bearer t', 'x-api-key': 'k', 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify({
          specversion: '1.0',
          id: 'cli-unrouted-1',
          source: `urn:uuid:${providerId}`,
          type: 'be-observer.customer_create',
          data: { id: 'CLI-CUSTOMER' },
        }),
      });
    expect((await send()).status).toBe(200);
    expect((await cli('list', '--status', 'unrouted')).text).toMatch(
      /unrouted\s+be-observer\.customer_create\s+CLI-CUSTOMER\s+cli-unrouted-1/,
    );
    // as in I/O Events, a registration does not receive events published before it existed
    registrations.createRegistration(WS, {
      client_id: 'c',
      name: 'customers',
      delivery_type: 'webhook',
      webhook_url: rx.url,
      events_of_interest: [{ provider_id: providerId, event_code: 'be-observer.customer_create' }],
    });
    await new Promise((r) => setTimeout(r, 200));
    expect((await cli('list', '--entity', 'CLI-CUSTOMER')).text).toMatch(/unrouted\s+be-observer\.customer_create/);
    // sent again (same id), it goes to the registration there is now
    status = 200;
    expect((await send()).status).toBe(200);
    await waitFor(
      async () => /delivered\s+be-observer\.customer_create/.test((await cli('list', '--entity', 'CLI-CUSTOMER')).text),
      5000,
      'the resent event delivered',
    );
  });
});
