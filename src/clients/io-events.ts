/**
 * Publishing back-office events to I/O Events through `@adobe/aio-lib-events` (the real
 * client, pointed at IO_EVENTS_INGRESS_URL / IO_MANAGEMENT_BASE_URL).
 *
 * Per warm container: the IMS token (src/clients/ims.ts, until shortly before expiry), the events
 * client (per token) and the provider id (looked up once by label when
 * BACKOFFICE_PROVIDER_ID is unset) are kept and reused.
 *
 * Outcomes as retry intent (src/kernel/errors.ts):
 * - ingress 2xx → ok;
 * - ingress 429 → RetryableError 429 with the ingress's retry-after;
 * - ingress 5xx, network error, timeout → RetryableError 503 (the caller sends again);
 * - our own misconfiguration (missing input, credentials refused, provider not found)
 *   → RetryableError 500 whose message names the input to fix.
 */
import { init, type EventsCoreAPI } from '@adobe/aio-lib-events';
import type { PublishedEvent } from '../contract';
import { BACKOFFICE_PROVIDER, providerLabel } from '../catalog/providers';
import { ActionError, RetryableError } from '../kernel/errors';
import { DEFAULT_OAUTH_BASE_URL, getImsToken, invalidateImsToken, parseScopes, type ImsCredentials } from './ims';

export const DEFAULT_INGRESS_URL = 'https://eventsingress.adobe.io';
export const DEFAULT_MANAGEMENT_BASE_URL = 'https://api.adobe.io/events/';

/**
 * What a source hands to `publish`: the event as it will be published, less `source`, which
 * the publisher sets to its provider's URN.
 */
export type EventDraft = {
  [
    K in keyof PublishedEvent as string extends K ? never : number extends K ? never : K extends 'source' ? never : K
  ]: PublishedEvent[K];
};

export interface PublishConfig {
  orgId: string;
  ims: ImsCredentials;
  ingressUrl: string;
  /** aio-lib-events' eventsBaseURL: IO_MANAGEMENT_BASE_URL without its `/events/` */
  eventsBaseUrl: string;
  consumerId: string | undefined;
  providerId: string | undefined;
  /** labels a provider may carry to be ours, first match wins */
  providerLabels: string[];
  timeoutMs: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

function misconfigured(message: string, cause?: unknown): RetryableError {
  return new RetryableError(500, message, { code: 'misconfigured', cause });
}

/** Read the publish inputs; a missing one is a 500 that names it. */
export function publishConfigFrom(params: Record<string, unknown>): PublishConfig {
  const missing = ['OAUTH_CLIENT_ID', 'OAUTH_CLIENT_SECRET', 'OAUTH_ORG_ID'].filter((k) => !str(params[k]));
  const providerId = str(params.BACKOFFICE_PROVIDER_ID);
  const consumerId = str(params.IO_CONSUMER_ID);
  if (!providerId && !consumerId) missing.push('BACKOFFICE_PROVIDER_ID or IO_CONSUMER_ID');
  if (missing.length > 0) throw misconfigured(`the webhook is missing the input(s) ${missing.join(', ')}`);
  const management = str(params.IO_MANAGEMENT_BASE_URL) ?? DEFAULT_MANAGEMENT_BASE_URL;
  const namespace =
    str(params.AIO_runtime_namespace) ?? str(params.AIO_RUNTIME_NAMESPACE) ?? str(process.env.__OW_NAMESPACE);
  const labels = [providerLabel(BACKOFFICE_PROVIDER, namespace), BACKOFFICE_PROVIDER.label];
  const timeout = Number(params.IO_EVENTS_TIMEOUT_MS);
  return {
    orgId: str(params.OAUTH_ORG_ID) as string,
    ims: {
      clientId: str(params.OAUTH_CLIENT_ID) as string,
      clientSecret: str(params.OAUTH_CLIENT_SECRET) as string,
      baseUrl: str(params.OAUTH_BASE_URL) ?? DEFAULT_OAUTH_BASE_URL,
      scopes: parseScopes(params.OAUTH_SCOPES),
    },
    ingressUrl: str(params.IO_EVENTS_INGRESS_URL) ?? DEFAULT_INGRESS_URL,
    eventsBaseUrl: management.replace(/\/+$/, '').replace(/\/events$/, ''),
    consumerId,
    providerId,
    providerLabels: [...new Set(labels)],
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : 10_000,
  };
}

// ---------------------------------------------------------------- per-container caches

const clients = new Map<string, EventsCoreAPI>();
const providers = new Map<string, string>();

export function resetPublishCaches(): void {
  clients.clear();
  providers.clear();
}

async function clientFor(cfg: PublishConfig): Promise<EventsCoreAPI> {
  const token = await getImsToken(cfg.ims);
  const key = `${token}\u0000${cfg.ingressUrl}\u0000${cfg.eventsBaseUrl}\u0000${cfg.orgId}`;
  let client = clients.get(key);
  if (!client) {
    // a new token means the old client is dead weight
    clients.clear();
    client = await init(cfg.orgId, cfg.ims.clientId, token, {
      eventsBaseURL: cfg.eventsBaseUrl,
      eventsIngressURL: cfg.ingressUrl,
      timeout: cfg.timeoutMs,
      retries: 0, // the caller (back office or I/O Events) retries on our 503
    });
    clients.set(key, client);
  }
  return client;
}

/** The HTTP status in an aio-lib-events error message (`... 429 - Too Many Requests (url)`). */
export function statusFromLibError(err: unknown): number | undefined {
  const message = err instanceof Error ? err.message : String(err);
  const m = /\b([1-5]\d\d) - /.exec(message);
  return m ? Number(m[1]) : undefined;
}

interface ProviderLike {
  id?: unknown;
  label?: unknown;
}

/** The back-office provider id: BACKOFFICE_PROVIDER_ID, or looked up once by label. */
export async function resolveProviderId(cfg: PublishConfig): Promise<string> {
  if (cfg.providerId) return cfg.providerId;
  const consumerId = cfg.consumerId as string;
  const key = `${cfg.eventsBaseUrl}\u0000${consumerId}\u0000${cfg.providerLabels.join('|')}`;
  const hit = providers.get(key);
  if (hit) return hit;
  const client = await clientFor(cfg);
  let list: unknown;
  try {
    list = await client.getAllProviders(consumerId);
  } catch (err) {
    throw fromLibError(err, cfg, 'the I/O Events management API');
  }
  const found = ((list as { _embedded?: { providers?: ProviderLike[] } })?._embedded?.providers ??
    []) as ProviderLike[];
  for (const label of cfg.providerLabels) {
    const p = found.find((x) => x.label === label && typeof x.id === 'string');
    if (p) {
      providers.set(key, p.id as string);
      return p.id as string;
    }
  }
  throw misconfigured(
    `no I/O Events provider labelled "${cfg.providerLabels[0]}" in IO_CONSUMER_ID ${consumerId}: run the onboarding script or set BACKOFFICE_PROVIDER_ID`,
  );
}

function fromLibError(err: unknown, cfg: PublishConfig, what: string, seen?: Seen): ActionError {
  if (err instanceof ActionError) return err;
  const status = seen?.status ?? statusFromLibError(err);
  if (status === 429) {
    return new RetryableError(429, `${what} is rate limiting publishes`, {
      code: 'rate_limited',
      cause: err,
      ...(seen?.retryAfter !== undefined ? { retryAfter: seen.retryAfter } : {}),
    });
  }
  if (status === 401 || status === 403) {
    invalidateImsToken(cfg.ims);
    return misconfigured(
      `${what} refused the credentials (HTTP ${status}): check OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_ORG_ID and the project's I/O Events API`,
      err,
    );
  }
  if (status !== undefined && status >= 400 && status < 500) {
    // e.g. the provider was deleted and created again under a new id: look it up afresh next time
    providers.clear();
    return misconfigured(
      `${what} rejected the request (HTTP ${status}): check BACKOFFICE_PROVIDER_ID / the provider's event metadata (run onboarding)`,
      err,
    );
  }
  return new RetryableError(
    503,
    `${what} is unavailable${status ? ` (HTTP ${status})` : ' (network error or timeout)'}`,
    {
      code: 'publish_unavailable',
      cause: err,
    },
  );
}

interface Seen {
  status?: number;
  retryAfter?: number;
}

type RetryOn = (
  attempt: number,
  error: unknown,
  response: { status: number; headers: { get(name: string): string | null } } | null,
) => boolean;
interface RetryOnHook {
  __getRetryOn?: (retries: number) => RetryOn;
}

/**
 * `publishEvent` rejects with a message that keeps the status but drops the response
 * headers, so retry-after would be lost. The client asks its own `__getRetryOn(retries)`
 * for the function that fetch-retry calls with every response, synchronously when
 * `publishEvent` starts; an own property on the instance wraps it for exactly this one
 * call and records status and retry-after. The request itself is the library's.
 */
function publishObserved(client: EventsCoreAPI, event: PublishedEvent, seen: Seen): Promise<string | undefined> {
  const hook = client as unknown as RetryOnHook;
  const proto = Object.getPrototypeOf(client) as RetryOnHook;
  const original = proto.__getRetryOn;
  if (typeof original !== 'function') return client.publishEvent(event);
  hook.__getRetryOn = (retries: number): RetryOn => {
    const inner = original.call(client, retries);
    return (attempt, error, response) => {
      if (response) {
        seen.status = response.status;
        const ra = Number(response.headers.get('retry-after'));
        if (Number.isFinite(ra) && ra >= 0) seen.retryAfter = ra;
      }
      return inner(attempt, error, response);
    };
  };
  try {
    return client.publishEvent(event);
  } finally {
    delete hook.__getRetryOn;
  }
}

/** Publish one CloudEvent; resolves on success, throws a typed ActionError otherwise. */
export async function publish(cfg: PublishConfig, event: EventDraft): Promise<PublishedEvent> {
  const providerId = await resolveProviderId(cfg);
  const ce: PublishedEvent = { ...event, source: `urn:uuid:${providerId}` };
  const client = await clientFor(cfg);
  const seen: Seen = {};
  try {
    await publishObserved(client, ce, seen);
  } catch (err) {
    throw fromLibError(err, cfg, 'the I/O Events ingress', seen);
  }
  return ce;
}
