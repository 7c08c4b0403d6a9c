/**
 * What onboarding wants, derived from the event catalog and a small amount of configuration.
 *
 * - Providers: events that come from the back office are published by our own custom
 *   provider; Commerce events come from the Commerce provider (`dx_commerce_events`), found
 *   by its instance id or label.
 * - Event metadata: one per catalog event code, on the provider of its direction, with the
 *   catalog's label, description and sample.
 * - Registrations: one per consumer action `{pkg}/consumer`, with exactly the catalog's
 *   event codes of that package.
 *
 * Everything here is pure (environment in, desired state out) so that tests can hand in a
 * modified catalog instead of editing files.
 */
import {
  BACKOFFICE_PROVIDER,
  COMMERCE_PROVIDER,
  prefixedCode,
  providerLabel as catalogProviderLabel,
} from '../../src/catalog';
import type { DesiredMetadata, DesiredProvider, DesiredRegistration, DesiredState } from './plan';

/** The part of a catalog entry onboarding reads (src/catalog's CatalogEntry satisfies it). */
export interface CatalogEventLike {
  code: string;
  entity: string;
  direction: 'backoffice' | 'commerce';
  label: string;
  description: string;
  /** the entity payload (`value`) of a sample event */
  sample: unknown;
  /** Commerce events carry the value as `data.value` */
  dataWrapsValue?: boolean;
  package: string;
  consumer: string;
}

export type ProviderKey = 'backoffice' | 'commerce';

export interface ProviderInfo {
  label: string;
  description: string;
  docs_url?: string;
}

/** The catalog's provider definitions (shared with the webhook's provider lookup). */
export const DEFAULT_PROVIDERS: Record<ProviderKey, ProviderInfo> = {
  backoffice: { label: BACKOFFICE_PROVIDER.label, description: BACKOFFICE_PROVIDER.description },
  commerce: { label: COMMERCE_PROVIDER.label, description: COMMERCE_PROVIDER.description },
};

/** provider_metadata of the Commerce provider in Adobe I/O Events */
export const COMMERCE_PROVIDER_METADATA = 'dx_commerce_events';

/** EVENT_PREFIX joining rule: the catalog's (the starter kit's getEventName). */
export { prefixedCode };

/** The sample as the management API takes it: base64 of the CloudEvent `data` JSON. */
export function encodeSample(entry: Pick<CatalogEventLike, 'sample' | 'dataWrapsValue'>): string | undefined {
  const { sample } = entry;
  if (sample === undefined || sample === null || typeof sample !== 'object') return undefined;
  const data = entry.dataWrapsValue ? { value: sample } : sample;
  return Buffer.from(JSON.stringify(data)).toString('base64');
}

const title = (s: string): string =>
  s
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join(' ');

/** Registration name in the starter kit's style, e.g. "Commerce Product Sync". */
export function registrationName(direction: ProviderKey, entity: string): string {
  return `${title(direction)} ${title(entity)} Sync`;
}

export interface DesiredOptions {
  eventPrefix?: string;
  /** runtime namespace: provider labels get its suffix, as the starter kit does */
  runtimeNamespace?: string;
  providers?: Partial<Record<ProviderKey, ProviderInfo>>;
  backofficeProviderId?: string;
  commerceProviderId?: string;
  commerceInstanceId?: string;
}

export function providerLabel(key: ProviderKey, opts: DesiredOptions): string {
  const info = opts.providers?.[key] ?? DEFAULT_PROVIDERS[key];
  return catalogProviderLabel({ key, ...info }, opts.runtimeNamespace);
}

/** The desired state for a catalog. */
export function desiredState(catalog: readonly CatalogEventLike[], opts: DesiredOptions = {}): DesiredState {
  // both providers always: a catalog that drops every event of one direction still owns
  // that provider, so --prune can remove its event metadata
  const providers: DesiredProvider[] = [];
  for (const key of ['backoffice', 'commerce'] as const) {
    const info = opts.providers?.[key] ?? DEFAULT_PROVIDERS[key];
    const p: DesiredProvider = { key, label: providerLabel(key, opts), description: info.description };
    if (info.docs_url) p.docs_url = info.docs_url;
    if (key === 'commerce') {
      p.provider_metadata = COMMERCE_PROVIDER_METADATA;
      if (opts.commerceInstanceId) p.instance_id = opts.commerceInstanceId;
      if (opts.commerceProviderId) p.id = opts.commerceProviderId;
    } else if (opts.backofficeProviderId) {
      p.id = opts.backofficeProviderId;
    }
    providers.push(p);
  }

  const metadata: DesiredMetadata[] = catalog.map((e) => {
    const m: DesiredMetadata = {
      provider: e.direction,
      event_code: prefixedCode(e.code, opts.eventPrefix),
      label: e.label,
      description: e.description,
    };
    const sample = encodeSample(e);
    if (sample) m.sample_event_template = sample;
    return m;
  });

  const byConsumer = new Map<string, CatalogEventLike[]>();
  for (const e of catalog) {
    const list = byConsumer.get(e.consumer) ?? [];
    list.push(e);
    byConsumer.set(e.consumer, list);
  }
  const registrations: DesiredRegistration[] = [];
  for (const [consumer, entries] of [...byConsumer].sort(([a], [b]) => a.localeCompare(b))) {
    const first = entries[0];
    if (!first) continue;
    const name = registrationName(first.direction, first.entity);
    registrations.push({
      name,
      description: `${name}: delivers ${entries.length} ${first.direction === 'commerce' ? 'Commerce' : 'back-office'} event(s) to ${consumer}`,
      runtime_action: consumer,
      delivery_type: 'webhook',
      events: entries.map((e) => ({ provider: e.direction, event_code: prefixedCode(e.code, opts.eventPrefix) })),
      enabled: true,
    });
  }
  return { providers, metadata, registrations };
}

// ---------------------------------------------------------------- environment

export interface OnboardingEnv {
  OAUTH_BASE_URL: string;
  OAUTH_CLIENT_ID: string;
  OAUTH_CLIENT_SECRET: string;
  OAUTH_ORG_ID: string;
  OAUTH_SCOPES?: string;
  IO_MANAGEMENT_BASE_URL: string;
  IO_CONSUMER_ID: string;
  IO_PROJECT_ID: string;
  IO_WORKSPACE_ID: string;
  EVENT_PREFIX?: string;
  BACKOFFICE_PROVIDER_ID?: string;
  COMMERCE_PROVIDER_ID?: string;
  COMMERCE_PROVIDER_INSTANCE_ID?: string;
  /** App Builder's .env name; AIO_RUNTIME_NAMESPACE and __OW_NAMESPACE are read too */
  AIO_runtime_namespace?: string;
}

export const PRODUCTION_DEFAULTS = {
  OAUTH_BASE_URL: 'https://ims-na1.adobelogin.com/ims/token/',
  IO_MANAGEMENT_BASE_URL: 'https://api.adobe.io/events/',
} as const;

export const REQUIRED = [
  'OAUTH_CLIENT_ID',
  'OAUTH_CLIENT_SECRET',
  'OAUTH_ORG_ID',
  'IO_CONSUMER_ID',
  'IO_PROJECT_ID',
  'IO_WORKSPACE_ID',
] as const;

export type EnvResult = { ok: true; env: OnboardingEnv } | { ok: false; missing: string[] };

/** Validate the environment; names every missing variable at once. */
export function readOnboardingEnv(raw: Record<string, string | undefined>): EnvResult {
  const get = (k: string): string | undefined => {
    const v = raw[k];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const missing = REQUIRED.filter((k) => get(k) === undefined);
  if (missing.length) return { ok: false, missing: [...missing] };
  const env: OnboardingEnv = {
    OAUTH_BASE_URL: get('OAUTH_BASE_URL') ?? PRODUCTION_DEFAULTS.OAUTH_BASE_URL,
    IO_MANAGEMENT_BASE_URL: get('IO_MANAGEMENT_BASE_URL') ?? PRODUCTION_DEFAULTS.IO_MANAGEMENT_BASE_URL,
    OAUTH_CLIENT_ID: get('OAUTH_CLIENT_ID') as string,
    OAUTH_CLIENT_SECRET: get('OAUTH_CLIENT_SECRET') as string,
    OAUTH_ORG_ID: get('OAUTH_ORG_ID') as string,
    IO_CONSUMER_ID: get('IO_CONSUMER_ID') as string,
    IO_PROJECT_ID: get('IO_PROJECT_ID') as string,
    IO_WORKSPACE_ID: get('IO_WORKSPACE_ID') as string,
  };
  for (const k of [
    'OAUTH_SCOPES',
    'EVENT_PREFIX',
    'BACKOFFICE_PROVIDER_ID',
    'COMMERCE_PROVIDER_ID',
    'COMMERCE_PROVIDER_INSTANCE_ID',
    'AIO_runtime_namespace',
  ] as const) {
    const v = get(k);
    if (v !== undefined) env[k] = v;
  }
  const ns = get('AIO_runtime_namespace') ?? get('AIO_RUNTIME_NAMESPACE') ?? get('__OW_NAMESPACE');
  if (ns !== undefined) env.AIO_runtime_namespace = ns;
  return { ok: true, env };
}

/**
 * aio-lib-events takes the management API's host (it appends `/events/...` itself), while
 * the app's IO_MANAGEMENT_BASE_URL is the starter kit's `https://api.adobe.io/events/`.
 */
export function eventsBaseUrl(managementBaseUrl: string): string {
  return managementBaseUrl.replace(/\/+$/, '').replace(/\/events$/, '');
}

/** `OAUTH_BASE_URL` + `v3`, as the app does. */
export function imsTokenUrl(oauthBaseUrl: string): string {
  return `${oauthBaseUrl.endsWith('/') ? oauthBaseUrl : `${oauthBaseUrl}/`}v3`;
}

export function desiredOptionsFromEnv(env: OnboardingEnv): DesiredOptions {
  const o: DesiredOptions = {};
  if (env.EVENT_PREFIX) o.eventPrefix = env.EVENT_PREFIX;
  if (env.AIO_runtime_namespace) o.runtimeNamespace = env.AIO_runtime_namespace;
  if (env.BACKOFFICE_PROVIDER_ID) o.backofficeProviderId = env.BACKOFFICE_PROVIDER_ID;
  if (env.COMMERCE_PROVIDER_ID) o.commerceProviderId = env.COMMERCE_PROVIDER_ID;
  if (env.COMMERCE_PROVIDER_INSTANCE_ID) o.commerceInstanceId = env.COMMERCE_PROVIDER_INSTANCE_ID;
  return o;
}
