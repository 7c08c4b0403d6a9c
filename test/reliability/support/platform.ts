/**
 * The local platform for the reliability suite, in-process: the default modules plus the
 * events module (when the defaults do not include it yet), a fresh data dir, a random port,
 * an `.env` of the test's settings, and an events config (providers, event metadata,
 * registrations) applied at start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultModules, startPlatform, type RunningPlatform } from '../../../platform';
import type { PlatformModule } from '../../../platform/core/types';
import { eventsModule, localWorkspace, type EventsHandle } from '../../../platform/events';
import { namespacedLabel, type EventsConfigFile } from '../../../platform/events/seed';
import { eventsOf } from '../../../src/catalog';
import { BACKOFFICE_PROVIDER, COMMERCE_PROVIDER } from '../../../src/catalog/providers';

export const REPO = path.join(__dirname, '..', '..', '..');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface RelPlatform {
  p: RunningPlatform;
  url: string;
  dataDir: string;
  events: EventsHandle;
  close(): Promise<void>;
}

type EventsModule = PlatformModule & { handle(): EventsHandle };

export function modulesWithEvents(): { modules: PlatformModule[]; events: EventsModule } {
  const modules = defaultModules({ watch: false });
  let events = modules.find((m) => m.name === 'events') as EventsModule | undefined;
  if (!events) {
    events = eventsModule();
    modules.push(events);
  }
  return { modules, events };
}

export async function startRelPlatform(opts: {
  projectDir?: string;
  env?: Record<string, string>;
  timeScale?: number;
  seed?: EventsConfigFile;
  dataDir?: string;
}): Promise<RelPlatform> {
  const dataDir = opts.dataDir ?? tempDir('rel-platform-');
  const env: Record<string, string> = { LOG_LEVEL: 'error', ...opts.env };
  if (opts.seed) {
    const file = path.join(dataDir, 'events-config.json');
    fs.writeFileSync(file, JSON.stringify(opts.seed, null, 2));
    env.PLATFORM_EVENTS_CONFIG = file;
  }
  const envFile = path.join(dataDir, 'test.env');
  fs.writeFileSync(
    envFile,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  );
  const projectDir = opts.projectDir ?? tempDir('rel-empty-app-');
  const { modules, events } = modulesWithEvents();
  const p = await startPlatform({
    projectDir,
    port: 0,
    quiet: true,
    envFile,
    dataDir,
    modules,
    watch: false,
    ...(opts.timeScale !== undefined ? { timeScale: opts.timeScale } : {}),
  });
  return { p, url: p.url, dataDir, events: events.handle(), close: () => p.close() };
}

/** A bearer token from the platform's own IMS (the ingress accepts it whether or not it checks tokens). */
export async function imsToken(url: string, env: Record<string, string>): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: env.OAUTH_CLIENT_ID ?? '',
    client_secret: env.OAUTH_CLIENT_SECRET ?? '',
    scope: 'openid,AdobeID',
  });
  const res = await fetch(`${url}/ims/token/v3`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  const body = (await res.json()) as { access_token?: string };
  if (!res.ok || !body.access_token) throw new Error(`IMS token: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

export function providerIdByLabel(rp: RelPlatform, label: string): string {
  const ws = localWorkspace(rp.p.config.env);
  // the seed labels providers as onboarding does: `<label> - <namespace without its first segment>`
  const full = namespacedLabel(label, rp.p.config.namespace);
  const p = rp.events.providers.listProviders(ws.orgId, {}).find((x) => x.label === full || x.label === label);
  if (!p) throw new Error(`no provider labelled ${label}`);
  return p.id;
}

/** Publish one CloudEvent to the platform's ingress the way aio-lib-events does. */
export async function publish(url: string, token: string, ce: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/ingress`, {
    method: 'POST',
    headers: {
      'content-type': 'application/cloudevents+json',
      authorization: `Bearer ${token}`,
      'x-api-key': 'reliability-suite',
      'x-ims-org-id': 'LOCALORG@AdobeOrg',
    },
    body: JSON.stringify(ce),
  });
}

/** The app's providers and event metadata from the catalog, and one registration per consumer action. */
export function appEventsConfig(opts: { consumers?: boolean; packages?: readonly string[] } = {}): EventsConfigFile {
  const back = eventsOf({ direction: 'backoffice' });
  const commerce = eventsOf({ direction: 'commerce' });
  const cfg: EventsConfigFile = {
    providers: [
      {
        label: BACKOFFICE_PROVIDER.label,
        description: BACKOFFICE_PROVIDER.description,
        event_metadata: back.map((e) => ({ event_code: e.code, label: e.label, description: e.description })),
      },
      {
        label: COMMERCE_PROVIDER.label,
        description: COMMERCE_PROVIDER.description,
        provider_metadata: 'dx_commerce_events',
        event_metadata: commerce.map((e) => ({ event_code: e.code, label: e.label, description: e.description })),
      },
    ],
  };
  if (opts.consumers) {
    const byConsumer = new Map<string, { label: string; codes: string[] }>();
    for (const e of [...back, ...commerce]) {
      if (opts.packages && !opts.packages.includes(e.package)) continue;
      const label = e.direction === 'backoffice' ? BACKOFFICE_PROVIDER.label : COMMERCE_PROVIDER.label;
      const r = byConsumer.get(e.consumer) ?? { label, codes: [] };
      r.codes.push(e.code);
      byConsumer.set(e.consumer, r);
    }
    cfg.registrations = [...byConsumer.entries()].map(([consumer, r]) => ({
      name: `${consumer.replace('/', '-')}-registration`,
      delivery_type: 'webhook',
      runtime_action: consumer,
      events_of_interest: r.codes.map((code) => ({ provider_label: r.label, event_code: code })),
    }));
  }
  return cfg;
}

export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  everyMs = 25,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
