/**
 * The real @adobe/aio-lib-events against the local events module: management calls
 * (providers, event metadata, registrations, the 409 path), publishEvent and journal reads.
 */
import path from 'node:path';
import type { RunningPlatform } from '../../../platform/core/server';
import { startTestPlatform } from '../helpers';
import { waitFor } from './harness';

const EVENTS_APP = path.join(__dirname, '..', '..', 'fixtures', 'events-app');

const sdk = require('@adobe/aio-lib-events') as {
  init(org: string, apiKey: string, token: string, opts: Record<string, unknown>): Promise<EventsClient>;
};

interface EventsClient {
  getAllProviders(org: string, opts?: Record<string, unknown>): Promise<any>;
  getProvider(id: string, meta?: boolean): Promise<any>;
  createProvider(org: string, proj: string, ws: string, body: Record<string, unknown>): Promise<any>;
  updateProvider(org: string, proj: string, ws: string, id: string, body: Record<string, unknown>): Promise<any>;
  deleteProvider(org: string, proj: string, ws: string, id: string): Promise<any>;
  getAllEventMetadataForProvider(id: string): Promise<any>;
  getEventMetadataForProvider(id: string, code: string): Promise<any>;
  createEventMetadataForProvider(
    org: string,
    proj: string,
    ws: string,
    id: string,
    body: Record<string, unknown>,
  ): Promise<any>;
  updateEventMetadataForProvider(
    org: string,
    proj: string,
    ws: string,
    id: string,
    code: string,
    body: Record<string, unknown>,
  ): Promise<any>;
  deleteEventMetadata(org: string, proj: string, ws: string, id: string, code: string): Promise<any>;
  createRegistration(org: string, proj: string, ws: string, body: Record<string, unknown>): Promise<any>;
  updateRegistration(org: string, proj: string, ws: string, id: string, body: Record<string, unknown>): Promise<any>;
  getRegistration(org: string, proj: string, ws: string, id: string): Promise<any>;
  getAllRegistrationsForWorkspace(org: string, proj: string, ws: string): Promise<any>;
  getAllRegistrationsForOrg(org: string, page?: Record<string, unknown>): Promise<any>;
  deleteRegistration(org: string, proj: string, ws: string, id: string): Promise<any>;
  publishEvent(ce: Record<string, unknown>): Promise<string | undefined>;
  getEventsFromJournal(url: string, opts?: Record<string, unknown>, headers?: boolean): Promise<any>;
  getEventsObservableFromJournal(
    url: string,
    opts?: Record<string, unknown>,
    poll?: Record<string, unknown>,
  ): { subscribe(o: Record<string, (x: any) => void>): { unsubscribe(): void } };
}

const ORG = '000000';
const PROJ = 'local-project';
const WS = 'local-workspace';

describe('@adobe/aio-lib-events against the local platform', () => {
  let p: RunningPlatform;
  let client: EventsClient;
  let h: { base: string; ctx: RunningPlatform['ctx'] };

  beforeAll(async () => {
    p = await startTestPlatform({ projectDir: EVENTS_APP, timeScale: 0.0001 });
    h = { base: p.url, ctx: p.ctx };
    const tok = (await (
      await fetch(`${p.url}/ims/token/v3`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: p.config.env.OAUTH_CLIENT_ID!,
          client_secret: p.config.env.OAUTH_CLIENT_SECRET!,
          scope: 'adobeio_api',
        }),
      })
    ).json()) as { access_token: string };
    client = await sdk.init('LOCALORG@AdobeOrg', p.config.env.OAUTH_CLIENT_ID!, tok.access_token, {
      eventsBaseURL: p.url,
      eventsIngressURL: `${p.url}/ingress`,
    });
  });
  afterAll(() => p.close());

  test('a token the platform did not issue is refused', async () => {
    const other = await sdk.init('LOCALORG@AdobeOrg', p.config.env.OAUTH_CLIENT_ID!, 'not-issued', {
      eventsBaseURL: p.url,
      eventsIngressURL: `${p.url}/ingress`,
    });
    await expect(other.getAllProviders(ORG)).rejects.toThrow(/401/);
  });

  let providerId = '';

  test('providers: create, 409 with x-conflicting-id, get, list with filters, update', async () => {
    const p = await client.createProvider(ORG, PROJ, WS, { label: 'Backoffice', description: 'ERP events' });
    expect(p.id).toMatch(/[0-9a-f-]{36}/);
    expect(p.source).toBe(`urn:uuid:${p.id}`);
    expect(p._links.self.href).toBe(`${h.base}/events/providers/${p.id}`);
    providerId = p.id;

    const err = await client.createProvider(ORG, PROJ, WS, { label: 'Backoffice' }).catch((e: any) => e);
    expect(err.sdkDetails.conflictingId).toBe(p.id);
    expect(String(err.message)).toContain('409');

    const commerce = await client.createProvider(ORG, PROJ, WS, {
      label: 'Commerce',
      provider_metadata: 'dx_commerce_events',
      instance_id: 'shop-1',
    });
    const dup = await client
      .createProvider(ORG, PROJ, WS, {
        label: 'Commerce 2',
        provider_metadata: 'dx_commerce_events',
        instance_id: 'shop-1',
      })
      .catch((e: any) => e);
    expect(dup.sdkDetails.conflictingId).toBe(commerce.id);

    const all = await client.getAllProviders(ORG);
    expect(all._embedded.providers.map((x: any) => x.label).sort()).toEqual(['Backoffice', 'Commerce']);
    const filtered = await client.getAllProviders(ORG, { filterBy: { providerMetadataIds: ['dx_commerce_events'] } });
    expect(filtered._embedded.providers.map((x: any) => x.id)).toEqual([commerce.id]);
    const byInstance = await client.getAllProviders(ORG, {
      filterBy: { providerMetadataId: 'dx_commerce_events', instanceId: 'shop-1' },
    });
    expect(byInstance._embedded.providers).toHaveLength(1);

    const upd = await client.updateProvider(ORG, PROJ, WS, commerce.id, { label: 'Commerce shop' });
    expect(upd.label).toBe('Commerce shop');
    await client.deleteProvider(ORG, PROJ, WS, commerce.id);
    await expect(client.getProvider(commerce.id)).rejects.toThrow(/404/);
  });

  test('event metadata: create, 409, list, get, update, delete; provider embeds it', async () => {
    const m = await client.createEventMetadataForProvider(ORG, PROJ, WS, providerId, {
      event_code: 'be-observer.catalog_product_create',
      label: 'Product created',
      description: 'a product was created in the back office',
      sample_event_template: Buffer.from('{"sku":"X"}').toString('base64'),
    });
    expect(m.event_code).toBe('be-observer.catalog_product_create');
    await expect(
      client.createEventMetadataForProvider(ORG, PROJ, WS, providerId, {
        event_code: 'be-observer.catalog_product_create',
        label: 'again',
      }),
    ).rejects.toThrow(/409/);
    await client.createEventMetadataForProvider(ORG, PROJ, WS, providerId, {
      event_code: 'be-observer.catalog_product_delete',
      label: 'Product deleted',
    });
    await client.createEventMetadataForProvider(ORG, PROJ, WS, providerId, { event_code: 'tmp.code', label: 'tmp' });
    await client.deleteEventMetadata(ORG, PROJ, WS, providerId, 'tmp.code');

    const list = await client.getAllEventMetadataForProvider(providerId);
    expect(list._embedded.eventmetadata.map((x: any) => x.event_code)).toEqual([
      'be-observer.catalog_product_create',
      'be-observer.catalog_product_delete',
    ]);
    const one = await client.getEventMetadataForProvider(providerId, 'be-observer.catalog_product_delete');
    expect(one.label).toBe('Product deleted');
    const upd = await client.updateEventMetadataForProvider(
      ORG,
      PROJ,
      WS,
      providerId,
      'be-observer.catalog_product_delete',
      { label: 'Product removed', description: 'gone' },
    );
    expect(upd.label).toBe('Product removed');
    const withMeta = await client.getProvider(providerId, true);
    // Adobe's key is `eventmetadata`, as in the provider list with eventmetadata=true
    expect(withMeta._embedded.eventmetadata).toHaveLength(2);
    expect(withMeta._embedded['rel:eventmetadata']).toBeUndefined();
    const listed = await client.getAllProviders(ORG, { fetchEventMetadata: true });
    const mine = listed._embedded.providers.find((x: any) => x.id === providerId);
    expect(mine._embedded.eventmetadata.map((x: any) => x.event_code)).toContain('be-observer.catalog_product_create');
  });

  let registrationId = '';
  test('registrations: create with Adobe fields, 409, get, list, update, list for org', async () => {
    const body = {
      client_id: 'local-client',
      name: 'product-backoffice',
      description: 'products from the back office',
      delivery_type: 'webhook',
      runtime_action: 'product-backoffice/consumer',
      events_of_interest: [{ provider_id: providerId, event_code: 'be-observer.catalog_product_create' }],
    };
    const r = await client.createRegistration(ORG, PROJ, WS, body);
    for (const f of [
      'registration_id',
      'id',
      'client_id',
      'name',
      'description',
      'runtime_action',
      'delivery_type',
      'events_of_interest',
      'enabled',
      'webhook_status',
      '_links',
    ]) {
      expect(r).toHaveProperty(f);
    }
    expect(r).toMatchObject({ consumer_id: ORG, project_id: PROJ, workspace_id: WS });
    // a webhook registration's journal cannot be read here, so it advertises none
    expect(r.events_url).toBeUndefined();
    expect(r._links['rel:events']).toBeUndefined();
    expect(r.enabled).toBe(true);
    expect(r.events_of_interest[0]).toMatchObject({
      provider_id: providerId,
      event_code: 'be-observer.catalog_product_create',
      provider_label: 'Backoffice',
    });
    registrationId = r.registration_id;

    const err = await client.createRegistration(ORG, PROJ, WS, body).catch((e: any) => e);
    expect(err.sdkDetails.conflictingId).toBe(r.registration_id);

    const bad = await client
      .createRegistration(ORG, PROJ, WS, {
        ...body,
        name: 'x',
        events_of_interest: [{ provider_id: providerId, event_code: 'nope' }],
      })
      .catch((e: any) => e);
    expect(String(bad.message)).toContain('400');

    const got = await client.getRegistration(ORG, PROJ, WS, registrationId);
    expect(got.name).toBe('product-backoffice');
    const list = await client.getAllRegistrationsForWorkspace(ORG, PROJ, WS);
    expect(list._embedded.registrations).toHaveLength(1);
    const upd = await client.updateRegistration(ORG, PROJ, WS, registrationId, {
      ...body,
      events_of_interest: [
        { provider_id: providerId, event_code: 'be-observer.catalog_product_create' },
        { provider_id: providerId, event_code: 'be-observer.catalog_product_delete' },
      ],
    });
    expect(upd.events_of_interest).toHaveLength(2);
    const org = await client.getAllRegistrationsForOrg(ORG, { page: 0, size: 10 });
    expect(org.page.totalElements).toBe(1);
  });

  test('publishEvent: 200 OK, stored once per (source, id), delivered to the runtime action', async () => {
    const ce = {
      specversion: '1.0',
      id: 'uid-0001',
      source: `urn:uuid:${providerId}`,
      type: 'be-observer.catalog_product_create',
      datacontenttype: 'application/json',
      data: { name: 'One' },
    };
    await expect(client.publishEvent(ce)).resolves.toBe('OK');
    await expect(client.publishEvent(ce)).resolves.toBe('OK');
    const acts = await waitFor(
      () => p.ctx.runtime.activationsForEvent('uid-0001').length >= 1 && p.ctx.runtime.activationsForEvent('uid-0001'),
      15000,
      'the action call',
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(p.ctx.runtime.activationsForEvent('uid-0001')).toHaveLength(1);
    expect(acts[0]!.logs.join('\n')).toContain('consumer got be-observer.catalog_product_create uid-0001 retry=0');
    expect(acts[0]!.response.result).toMatchObject({
      statusCode: 200,
      body: { type: 'be-observer.catalog_product_create', received: 'uid-0001' },
    });

    await expect(client.publishEvent({ ...ce, id: 'uid-2', type: 'unknown.code' })).rejects.toThrow(/400/);
    await expect(
      client.publishEvent({ ...ce, id: 'uid-3', source: 'urn:uuid:00000000-0000-0000-0000-000000000000' }),
    ).rejects.toThrow(/400/);
  });

  test('ingress checks the token and the api key', async () => {
    void h;
    const res = await fetch(`${h.base}/ingress`, {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { field: string };
    expect(body.field).toBe('authorization');
  });

  test('journal: getEventsFromJournal pages with Link rel=next, 204 + retry-after when caught up, 410 expired; observable', async () => {
    const j = await client.createRegistration(ORG, PROJ, WS, {
      client_id: 'local-client',
      name: 'journal-reader',
      description: 'journal',
      delivery_type: 'journal',
      events_of_interest: [{ provider_id: providerId, event_code: 'be-observer.catalog_product_delete' }],
    });
    for (let i = 0; i < 5; i++) {
      await client.publishEvent({
        specversion: '1.0',
        id: `del-${i}`,
        source: `urn:uuid:${providerId}`,
        type: 'be-observer.catalog_product_delete',
        data: { sku: `S${i}` },
      });
    }
    expect(j.events_url).toBe(j._links['rel:events'].href);
    const first = await client.getEventsFromJournal(j.events_url, { limit: 3 });
    expect(first.events.map((e: any) => e.event.id)).toEqual(['del-0', 'del-1', 'del-2']);
    expect(first.link.next).toContain('since=');
    const second = await client.getEventsFromJournal(first.link.next);
    expect(second.events.map((e: any) => e.event.id)).toEqual(['del-3', 'del-4']);
    const third = await client.getEventsFromJournal(second.link.next);
    expect(third.events).toBeUndefined();
    expect(third.retryAfter).toBeGreaterThan(0);
    expect(third.link.next).toBeDefined();

    const latest = await client.getEventsFromJournal(j.events_url, { latest: true });
    expect(latest.events.map((e: any) => e.event.id)).toEqual(['del-4']);

    h.ctx.db
      .prepare(
        "INSERT INTO ev_kv (key, value) VALUES ('journal_floor', '999999') ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      )
      .run();
    await expect(client.getEventsFromJournal(first.link.next)).rejects.toThrow(/410/);
    h.ctx.db.prepare("DELETE FROM ev_kv WHERE key = 'journal_floor'").run();

    // the library's observable polls forever (setTimeout chain, no way to stop it): let
    // its timers not hold the test process open
    const realSetTimeout = global.setTimeout;
    global.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const t = realSetTimeout(fn, ms, ...args);
      t.unref();
      return t;
    }) as unknown as typeof setTimeout;
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const sub = client.getEventsObservableFromJournal(j.events_url, { limit: 2 }).subscribe({
        next: (e: any) => {
          seen.push(e.event.id);
          if (seen.length === 5) {
            sub.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    });
    expect(seen).toEqual(['del-0', 'del-1', 'del-2', 'del-3', 'del-4']);
  });

  test('delete registration and provider answer 204', async () => {
    await expect(client.deleteRegistration(ORG, PROJ, WS, registrationId)).resolves.toBeUndefined();
    await expect(client.getRegistration(ORG, PROJ, WS, registrationId)).rejects.toThrow(/404/);
  });
});
