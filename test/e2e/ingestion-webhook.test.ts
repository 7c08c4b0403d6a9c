/**
 * The ingestion webhook end to end on the local platform: the app's own
 * actions/ingestion/actions.config.yaml (pulled into a one-package app.config.yaml so the
 * platform builds only this action), the platform's build of the action, a raw-http web action call over HTTP, the inputs the
 * platform fills in (IMS, management, ingress URLs and credentials), and the real
 * @adobe/aio-lib-events publishing to the platform's ingress. The provider and its event
 * metadata are created first through the management API, as onboarding does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { startPlatform } from '../../platform';
import type { RunningPlatform } from '../../platform/core/server';
import { BACKOFFICE_PROVIDER, eventsOf, providerLabel } from '../../src/catalog';
import { eventId } from '../../src/ingest/event-id';

const events = require('@adobe/aio-lib-events') as {
  init(
    org: string,
    apiKey: string,
    token: string,
    opts: Record<string, unknown>,
  ): Promise<{
    createProvider(org: string, proj: string, ws: string, body: Record<string, unknown>): Promise<{ id: string }>;
    createEventMetadataForProvider(
      org: string,
      proj: string,
      ws: string,
      id: string,
      body: Record<string, unknown>,
    ): Promise<unknown>;
  }>;
};

const root = path.resolve(__dirname, '..', '..');
const API_KEY = 'e2e-ingest-key-0123456789abcdef';
const SECRET = `whsec_${Buffer.from('e2e secret for the ingestion test').toString('base64')}`;

let p: RunningPlatform;
let dataDir: string;
let webhookUrl: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-ingest-'));
  const envFile = path.join(dataDir, 'test.env');
  fs.writeFileSync(envFile, `INGESTION_API_KEY=${API_KEY}\nINGESTION_WEBHOOK_SECRET=${SECRET}\n`);
  const projectDir = path.join(dataDir, 'app');
  fs.mkdirSync(projectDir);
  fs.writeFileSync(
    path.join(projectDir, 'app.config.yaml'),
    [
      'application:',
      '  runtimeManifest:',
      '    packages:',
      '      ingestion:',
      '        actions:',
      `          $include: ${JSON.stringify(path.join(root, 'actions', 'ingestion', 'actions.config.yaml'))}`,
      '',
    ].join('\n'),
  );
  p = await startPlatform({ projectDir, port: 0, dataDir, envFile, quiet: true, watch: false });
  const env = p.config.env;
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: env.OAUTH_CLIENT_ID ?? '',
    client_secret: env.OAUTH_CLIENT_SECRET ?? '',
    scope: 'adobeio_api,event_receiver_api',
  });
  const tok = (await (await fetch(`${p.url}/ims/token/v3`, { method: 'POST', body: form })).json()) as {
    access_token: string;
  };
  const client = await events.init(env.OAUTH_ORG_ID ?? '', env.OAUTH_CLIENT_ID ?? '', tok.access_token, {
    eventsBaseURL: p.url,
    eventsIngressURL: `${p.url}/ingress`,
  });
  const [org, proj, ws] = [env.IO_CONSUMER_ID ?? '', env.IO_PROJECT_ID ?? '', env.IO_WORKSPACE_ID ?? ''];
  const provider = await client.createProvider(org, proj, ws, {
    label: providerLabel(BACKOFFICE_PROVIDER, p.config.namespace),
    description: BACKOFFICE_PROVIDER.description,
  });
  for (const e of eventsOf({ direction: 'backoffice' })) {
    await client.createEventMetadataForProvider(org, proj, ws, provider.id, {
      event_code: e.code,
      label: e.label,
      description: e.description,
    });
  }
  webhookUrl = `${p.url}/api/v1/web/${p.config.namespace}/ingestion/webhook`;
}, 120_000);

afterAll(async () => {
  await p?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function post(body: string, headers: Record<string, string> = { 'x-api-key': API_KEY }, method = 'POST') {
  const res = await fetch(webhookUrl, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(method === 'POST' ? { body } : {}),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, any> };
}

describe('ingestion/webhook on the local platform', () => {
  it.each(eventsOf({ direction: 'backoffice' }).map((e) => [e.code, e] as const))(
    'publishes %s',
    async (code, entry) => {
      const uid = `e2e-${code}`;
      const r = await post(JSON.stringify({ data: { uid, event: code, value: entry.sample } }));
      expect(r.status).toBe(200);
      expect(r.headers.get('x-openwhisk-activation-id')).toBeTruthy();
      expect(r.json).toEqual({
        type: code,
        response: { success: true, message: 'Event published successfully', id: eventId(uid, code) },
      });
    },
  );

  it('answers the same id for a resend of the same uid', async () => {
    const body = JSON.stringify({
      data: { uid: 'e2e-resend', event: 'be-observer.catalog_product_delete', value: { sku: 'A' } },
    });
    const [a, b] = [await post(body), await post(body)];
    expect(a.json.response.id).toBe(b.json.response.id);
  });

  it('checks a Standard Webhooks signature over the raw body', async () => {
    const body = JSON.stringify({
      data: { uid: 'e2e-signed', event: 'be-observer.customer_delete', value: { id: 7 } },
    });
    const at = new Date();
    const headers = {
      'webhook-id': 'msg_e2e',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(SECRET).sign('msg_e2e', at, body),
    };
    expect((await post(body, headers)).status).toBe(200);
    expect((await post(body.replace('7', '8'), headers)).json.code).toBe('invalid_signature');
  });

  it('refuses without credentials, with a bad value, and for GET', async () => {
    const good = JSON.stringify({
      data: { uid: 'x', event: 'be-observer.catalog_product_create', value: { sku: 'S' } },
    });
    const noAuth = await post(good, {});
    expect([noAuth.status, noAuth.json.code]).toEqual([401, 'unauthenticated']);
    const bad = await post(good);
    expect([bad.status, bad.json.code]).toEqual([400, 'invalid_value']);
    expect(bad.json.details.map((d: { path: string }) => d.path).sort()).toEqual([
      '/data/value/description',
      '/data/value/name',
    ]);
    const get = await post('', { 'x-api-key': API_KEY }, 'GET');
    expect(get.status).toBe(405);
  });
});
