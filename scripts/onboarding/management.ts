/**
 * The I/O Events management API as onboarding uses it: `@adobe/aio-lib-events` for the
 * calls, parsing of its HAL answers into the plan's ActualState, and errors that name the
 * failing call, its HTTP status and what to check.
 */
import type { ActualEventRef, ActualMetadata, ActualProvider, ActualRegistration, ActualState } from './plan';

/** The subset of aio-lib-events' EventsCoreAPI that onboarding calls. */
export interface ManagementApi {
  getAllProviders(consumerOrgId: string, providerOptions?: object): Promise<unknown>;
  getProvider(providerId: string, fetchEventMetadata?: boolean): Promise<unknown>;
  createProvider(org: string, project: string, workspace: string, body: object): Promise<unknown>;
  getAllEventMetadataForProvider(providerId: string): Promise<unknown>;
  createEventMetadataForProvider(
    org: string,
    project: string,
    workspace: string,
    providerId: string,
    body: object,
  ): Promise<unknown>;
  updateEventMetadataForProvider(
    org: string,
    project: string,
    workspace: string,
    providerId: string,
    eventCode: string,
    body: object,
  ): Promise<unknown>;
  deleteEventMetadata(
    org: string,
    project: string,
    workspace: string,
    providerId: string,
    eventCode: string,
  ): Promise<unknown>;
  getAllRegistrationsForWorkspace(org: string, project: string, workspace: string): Promise<unknown>;
  createRegistration(org: string, project: string, workspace: string, body: object): Promise<unknown>;
  updateRegistration(
    org: string,
    project: string,
    workspace: string,
    registrationId: string,
    body: object,
  ): Promise<unknown>;
  deleteRegistration(org: string, project: string, workspace: string, registrationId: string): Promise<unknown>;
}

export interface Workspace {
  org: string;
  project: string;
  workspace: string;
}

// ---------------------------------------------------------------- errors

export class ManagementCallError extends Error {
  constructor(
    readonly call: string,
    readonly status: number | undefined,
    readonly detail: string,
    readonly hint: string,
    readonly conflictingId?: string,
  ) {
    super(`${call} failed${status ? ` with HTTP ${status}` : ''}: ${detail}\n  check: ${hint}`);
    this.name = 'ManagementCallError';
  }
}

export function hintFor(status: number | undefined, service: 'management' | 'ims' | 'commerce' = 'management'): string {
  if (service === 'ims') {
    if (status === 400 || status === 401 || status === 403)
      return 'OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET and OAUTH_SCOPES (Developer Console > project > workspace > OAuth Server-to-Server)';
    if (status === undefined) return 'OAUTH_BASE_URL is reachable (locally: is `npm start` running?)';
    return 'OAUTH_BASE_URL and the IMS service status; try again later';
  }
  if (service === 'commerce') {
    if (status === 401 || status === 403)
      return 'COMMERCE_CONSUMER_KEY/_SECRET and COMMERCE_ACCESS_TOKEN/_SECRET (Commerce > System > Integrations) and that the integration may manage eventing';
    if (status === 404)
      return 'COMMERCE_BASE_URL (ends with /rest/) and that the Adobe I/O Events module for Commerce is installed and up to date';
    if (status === 400) return 'the subscription payload (event name and fields) and COMMERCE_PROVIDER_ID';
    if (status === undefined) return 'COMMERCE_BASE_URL is reachable (locally: is `npm start` running?)';
    return 'the Commerce instance logs; try again later (the run is safe to repeat)';
  }
  if (status === 401 || status === 403)
    return 'the OAuth credentials (OAUTH_CLIENT_ID, OAUTH_ORG_ID) and that the I/O Management API is added to the workspace';
  if (status === 404)
    return 'IO_CONSUMER_ID, IO_PROJECT_ID, IO_WORKSPACE_ID (the workspace JSON from the Developer Console) and IO_MANAGEMENT_BASE_URL';
  if (status === 400) return 'the request body (labels, event codes, runtime action names) in the catalog';
  if (status === 409) return 'an object with the same name exists elsewhere in the org';
  if (status === undefined) return 'IO_MANAGEMENT_BASE_URL is reachable (locally: is `npm start` running?)';
  return 'the I/O Events service status; try again later (the run is safe to repeat)';
}

/** Turn whatever aio-lib-events rejected with into a ManagementCallError. */
export function toCallError(call: string, err: unknown): ManagementCallError {
  if (err instanceof ManagementCallError) return err;
  const message = err instanceof Error ? err.message : String(err);
  // aio-lib-events formats HTTP failures as "<status> - <statusText> (<url>)"
  const m = /(\d{3}) - ([^(]*)\(([^)]*)\)/.exec(message);
  const status = m ? Number(m[1]) : undefined;
  let conflictingId: string | undefined;
  if (err && typeof err === 'object' && 'sdkDetails' in err) {
    const d = (err as { sdkDetails?: unknown }).sdkDetails;
    if (d && typeof d === 'object' && 'conflictingId' in d) {
      const c = (d as { conflictingId?: unknown }).conflictingId;
      if (typeof c === 'string' && c) conflictingId = c;
    }
  }
  const detail = m ? `${m[1]} ${m[2]!.trim()} (${m[3]})` : message.replace(/^EventsSDK:[A-Z_]+:\s*/, '');
  return new ManagementCallError(call, status, detail, hintFor(status), conflictingId);
}

export async function call<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toCallError(name, err);
  }
}

// ---------------------------------------------------------------- parsing

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** `_embedded.{key}` of a HAL list (or the array itself). */
export function embedded(body: unknown, key: string): Obj[] {
  if (Array.isArray(body)) return body.filter(isObj);
  if (isObj(body) && isObj(body._embedded)) {
    const list = body._embedded[key];
    if (Array.isArray(list)) return list.filter(isObj);
  }
  return [];
}

export function parseMetadata(o: Obj): ActualMetadata | undefined {
  const code = str(o.event_code);
  if (!code) return undefined;
  const m: ActualMetadata = { event_code: code };
  const label = str(o.label);
  const description = str(o.description);
  const sample = str(o.sample_event_template);
  if (label !== undefined) m.label = label;
  if (description !== undefined) m.description = description;
  if (sample !== undefined) m.sample_event_template = sample;
  return m;
}

export function parseProvider(o: Obj): ActualProvider | undefined {
  const id = str(o.id);
  const label = str(o.label);
  if (!id || label === undefined) return undefined;
  const p: ActualProvider = { id, label, metadata: [] };
  const description = str(o.description);
  const pm = str(o.provider_metadata);
  const inst = str(o.instance_id);
  if (description !== undefined) p.description = description;
  if (pm !== undefined) p.provider_metadata = pm;
  if (inst !== undefined) p.instance_id = inst;
  for (const m of embedded(o, 'eventmetadata')) {
    const parsed = parseMetadata(m);
    if (parsed) p.metadata.push(parsed);
  }
  return p;
}

export function parseRegistration(o: Obj): ActualRegistration | undefined {
  const id = str(o.registration_id) ?? str(o.id);
  const name = str(o.name);
  if (!id || name === undefined) return undefined;
  const events: ActualEventRef[] = [];
  if (Array.isArray(o.events_of_interest)) {
    for (const e of o.events_of_interest) {
      if (!isObj(e)) continue;
      const pid = str(e.provider_id);
      const code = str(e.event_code);
      if (pid && code) events.push({ provider_id: pid, event_code: code });
    }
  }
  const r: ActualRegistration = {
    id,
    name,
    delivery_type: str(o.delivery_type) ?? 'webhook',
    events_of_interest: events,
    enabled: o.enabled !== false,
  };
  const description = str(o.description);
  const action = str(o.runtime_action);
  const url = str(o.webhook_url);
  if (description !== undefined) r.description = description;
  if (action) r.runtime_action = action;
  if (url) r.webhook_url = url;
  return r;
}

// ---------------------------------------------------------------- reading the actual state

export interface ReadOptions {
  /** labels/ids of the providers whose event metadata matters (others are not fetched) */
  isOurs(p: ActualProvider): boolean;
}

export async function readActualState(api: ManagementApi, ws: Workspace, opts: ReadOptions): Promise<ActualState> {
  const providerList = await call('getAllProviders', () => api.getAllProviders(ws.org));
  const providers: ActualProvider[] = [];
  for (const o of embedded(providerList, 'providers')) {
    const p = parseProvider(o);
    if (p) providers.push(p);
  }
  for (const p of providers) {
    if (!opts.isOurs(p)) continue;
    const list = await call(`getAllEventMetadataForProvider(${p.id})`, () => api.getAllEventMetadataForProvider(p.id));
    p.metadata = [];
    for (const m of embedded(list, 'eventmetadata')) {
      const parsed = parseMetadata(m);
      if (parsed) p.metadata.push(parsed);
    }
  }
  const regList = await call('getAllRegistrationsForWorkspace', () =>
    api.getAllRegistrationsForWorkspace(ws.org, ws.project, ws.workspace),
  );
  const registrations: ActualRegistration[] = [];
  for (const o of embedded(regList, 'registrations')) {
    const r = parseRegistration(o);
    if (r) registrations.push(r);
  }
  return { providers, registrations };
}
