/**
 * Executes an onboarding plan step by step against the management API.
 *
 * Each step is idempotent on its own: a create that answers 409 ("exists") adopts the
 * existing object (`x-conflicting-id`) or turns into an update, so a run interrupted halfway
 * is finished by the next run. The first failing call stops the run (later steps may depend
 * on it); what was done stays done and the error names the call.
 */
import crypto from 'node:crypto';
import { call, ManagementCallError, type ManagementApi, type Workspace } from './management';
import type { DesiredRegistration, MetadataStep, Plan, ProviderStep, RegistrationStep, Step } from './plan';

export type Outcome = 'created' | 'updated' | 'unchanged' | 'deleted' | 'kept' | 'failed' | 'skipped';

export interface StepResult {
  step: Step;
  outcome: Outcome;
  ms: number;
  /** e.g. "adopted existing (409)" */
  note?: string;
  error?: ManagementCallError;
}

export interface ApplyOptions {
  prune: boolean;
  /** the workspace's OAuth client id (registrations are created for it) */
  clientId: string;
  /** called after each step */
  onStep?(result: StepResult, index: number, total: number): void;
}

export interface ApplyResult {
  results: StepResult[];
  /** provider key → provider id, for every provider of the plan */
  providerIds: Record<string, string>;
  error?: ManagementCallError;
}

const idOf = (body: unknown): string | undefined => {
  if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    const v = o.registration_id ?? o.id;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  return undefined;
};

function registrationBody(r: DesiredRegistration, providerIds: Record<string, string>): Record<string, unknown> {
  return {
    name: r.name,
    description: r.description,
    delivery_type: r.delivery_type,
    runtime_action: r.runtime_action,
    enabled: r.enabled,
    events_of_interest: r.events.map((e) => {
      const pid = providerIds[e.provider];
      if (!pid)
        throw new ManagementCallError(
          'registration',
          undefined,
          `no provider id for "${e.provider}"`,
          'the provider steps above',
        );
      return { provider_id: pid, event_code: e.event_code };
    }),
  };
}

/** What a step did, when it did not throw. */
interface Done {
  outcome: Outcome;
  note?: string;
}

/** What the steps share: the API and workspace, the options, and the provider ids found so far. */
interface Apply {
  api: ManagementApi;
  ws: Workspace;
  opts: ApplyOptions;
  providerIds: Record<string, string>;
}

async function applyProvider({ api, ws, providerIds }: Apply, step: ProviderStep): Promise<Done> {
  const { org, project, workspace } = ws;
  const d = step.desired;
  const body: Record<string, unknown> = { label: d.label, description: d.description };
  if (d.docs_url) body.docs_url = d.docs_url;
  if (d.provider_metadata) {
    body.provider_metadata = d.provider_metadata;
    body.instance_id = d.instance_id ?? crypto.randomUUID();
  }
  try {
    const created = await call('createProvider', () => api.createProvider(org, project, workspace, body));
    const id = idOf(created);
    if (!id)
      throw new ManagementCallError(
        'createProvider',
        undefined,
        'the answer has no provider id',
        'IO_MANAGEMENT_BASE_URL points at the I/O Events management API',
      );
    providerIds[d.key] = id;
    return { outcome: 'created' };
  } catch (err) {
    if (err instanceof ManagementCallError && err.status === 409 && err.conflictingId) {
      providerIds[d.key] = err.conflictingId;
      return { outcome: 'unchanged', note: `exists (409), adopted ${err.conflictingId}` };
    }
    throw err;
  }
}

async function applyMetadata({ api, ws, providerIds }: Apply, step: MetadataStep): Promise<Done> {
  const { org, project, workspace } = ws;
  const providerId = step.providerId ?? providerIds[step.provider];
  if (!providerId)
    throw new ManagementCallError(
      'eventmetadata',
      undefined,
      `no provider id for "${step.provider}"`,
      'the provider steps above',
    );
  if (step.kind === 'delete-candidate') {
    await call(`deleteEventMetadata(${step.event_code})`, () =>
      api.deleteEventMetadata(org, project, workspace, providerId, step.event_code),
    );
    return { outcome: 'deleted' };
  }
  const d = step.desired;
  if (!d) throw new Error('metadata step without desired state');
  const body: Record<string, unknown> = { event_code: d.event_code, label: d.label, description: d.description };
  if (d.sample_event_template) body.sample_event_template = d.sample_event_template;
  const update = (): Promise<unknown> =>
    call(`updateEventMetadataForProvider(${d.event_code})`, () =>
      api.updateEventMetadataForProvider(org, project, workspace, providerId, d.event_code, body),
    );
  if (step.kind === 'update') {
    await update();
    return { outcome: 'updated' };
  }
  try {
    await call(`createEventMetadataForProvider(${d.event_code})`, () =>
      api.createEventMetadataForProvider(org, project, workspace, providerId, body),
    );
    return { outcome: 'created' };
  } catch (err) {
    if (err instanceof ManagementCallError && err.status === 409) {
      await update();
      return { outcome: 'updated', note: 'existed (409), updated' };
    }
    throw err;
  }
}

async function applyRegistration({ api, ws, opts, providerIds }: Apply, step: RegistrationStep): Promise<Done> {
  const { org, project, workspace } = ws;
  if (step.kind === 'delete-candidate') {
    const id = step.id;
    if (!id) throw new Error('registration delete without id');
    await call(`deleteRegistration(${step.name})`, () => api.deleteRegistration(org, project, workspace, id));
    return { outcome: 'deleted' };
  }
  const d = step.desired;
  if (!d) throw new Error('registration step without desired state');
  const body = registrationBody(d, providerIds);
  const update = (id: string): Promise<unknown> =>
    call(`updateRegistration(${d.name})`, () => api.updateRegistration(org, project, workspace, id, body));
  if (step.kind === 'update' && step.id) {
    await update(step.id);
    return { outcome: 'updated' };
  }
  try {
    await call(`createRegistration(${d.name})`, () =>
      api.createRegistration(org, project, workspace, { client_id: opts.clientId, ...body }),
    );
    return { outcome: 'created' };
  } catch (err) {
    if (err instanceof ManagementCallError && err.status === 409 && err.conflictingId) {
      await update(err.conflictingId);
      return { outcome: 'updated', note: `existed (409), updated ${err.conflictingId}` };
    }
    throw err;
  }
}

async function applyStep(a: Apply, step: Step): Promise<Done> {
  if (step.kind === 'unchanged') return { outcome: 'unchanged' };
  if (step.kind === 'delete-candidate' && !a.opts.prune) return { outcome: 'kept' };
  if (step.what === 'provider') return applyProvider(a, step);
  if (step.what === 'metadata') return applyMetadata(a, step);
  return applyRegistration(a, step);
}

export async function applyPlan(
  api: ManagementApi,
  ws: Workspace,
  plan: Plan,
  opts: ApplyOptions,
): Promise<ApplyResult> {
  const providerIds: Record<string, string> = {};
  for (const s of plan.steps) if (s.what === 'provider' && s.id) providerIds[s.desired.key] = s.id;

  const a: Apply = { api, ws, opts, providerIds };
  const results: StepResult[] = [];
  const total = plan.steps.length;
  let failure: ManagementCallError | undefined;

  for (const [i, step] of plan.steps.entries()) {
    if (failure) {
      results.push({ step, outcome: 'skipped', ms: 0 });
      continue;
    }
    const started = Date.now();
    let done: Done;
    try {
      done = await applyStep(a, step);
    } catch (err) {
      failure =
        err instanceof ManagementCallError
          ? err
          : new ManagementCallError(
              `${step.what} ${step.name}`,
              undefined,
              err instanceof Error ? err.message : String(err),
              'the output above',
            );
      done = { outcome: 'failed' };
    }
    const result: StepResult = { step, outcome: done.outcome, ms: Date.now() - started };
    if (done.note) result.note = done.note;
    if (done.outcome === 'failed' && failure) result.error = failure;
    results.push(result);
    opts.onStep?.(result, i, total);
  }
  const out: ApplyResult = { results, providerIds };
  if (failure) out.error = failure;
  return out;
}
