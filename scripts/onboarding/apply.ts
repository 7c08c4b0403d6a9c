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
import type { DesiredRegistration, Plan, Step } from './plan';

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
      if (!pid) throw new ManagementCallError('registration', undefined, `no provider id for "${e.provider}"`, 'the provider steps above');
      return { provider_id: pid, event_code: e.event_code };
    }),
  };
}

export async function applyPlan(api: ManagementApi, ws: Workspace, plan: Plan, opts: ApplyOptions): Promise<ApplyResult> {
  const providerIds: Record<string, string> = {};
  for (const s of plan.steps) if (s.what === 'provider' && s.id) providerIds[s.desired.key] = s.id;

  const results: StepResult[] = [];
  const total = plan.steps.length;
  let failure: ManagementCallError | undefined;
  const { org, project, workspace } = ws;

  for (const [i, step] of plan.steps.entries()) {
    if (failure) {
      results.push({ step, outcome: 'skipped', ms: 0 });
      continue;
    }
    const started = Date.now();
    let outcome: Outcome = 'unchanged';
    let note: string | undefined;
    try {
      if (step.kind === 'unchanged') {
        outcome = 'unchanged';
      } else if (step.kind === 'delete-candidate' && !opts.prune) {
        outcome = 'kept';
      } else if (step.what === 'provider') {
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
          if (!id) throw new ManagementCallError('createProvider', undefined, 'the answer has no provider id', 'IO_MANAGEMENT_BASE_URL points at the I/O Events management API');
          providerIds[d.key] = id;
          outcome = 'created';
        } catch (err) {
          if (err instanceof ManagementCallError && err.status === 409 && err.conflictingId) {
            providerIds[d.key] = err.conflictingId;
            outcome = 'unchanged';
            note = `exists (409), adopted ${err.conflictingId}`;
          } else throw err;
        }
      } else if (step.what === 'metadata') {
        const providerId = step.providerId ?? providerIds[step.provider];
        if (!providerId) throw new ManagementCallError('eventmetadata', undefined, `no provider id for "${step.provider}"`, 'the provider steps above');
        if (step.kind === 'delete-candidate') {
          await call(`deleteEventMetadata(${step.event_code})`, () => api.deleteEventMetadata(org, project, workspace, providerId, step.event_code));
          outcome = 'deleted';
        } else {
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
            outcome = 'updated';
          } else {
            try {
              await call(`createEventMetadataForProvider(${d.event_code})`, () =>
                api.createEventMetadataForProvider(org, project, workspace, providerId, body),
              );
              outcome = 'created';
            } catch (err) {
              if (err instanceof ManagementCallError && err.status === 409) {
                await update();
                outcome = 'updated';
                note = 'existed (409), updated';
              } else throw err;
            }
          }
        }
      } else {
        if (step.kind === 'delete-candidate') {
          const id = step.id;
          if (!id) throw new Error('registration delete without id');
          await call(`deleteRegistration(${step.name})`, () => api.deleteRegistration(org, project, workspace, id));
          outcome = 'deleted';
        } else {
          const d = step.desired;
          if (!d) throw new Error('registration step without desired state');
          const body = registrationBody(d, providerIds);
          const update = (id: string): Promise<unknown> =>
            call(`updateRegistration(${d.name})`, () => api.updateRegistration(org, project, workspace, id, body));
          if (step.kind === 'update' && step.id) {
            await update(step.id);
            outcome = 'updated';
          } else {
            try {
              await call(`createRegistration(${d.name})`, () =>
                api.createRegistration(org, project, workspace, { client_id: opts.clientId, ...body }),
              );
              outcome = 'created';
            } catch (err) {
              if (err instanceof ManagementCallError && err.status === 409 && err.conflictingId) {
                await update(err.conflictingId);
                outcome = 'updated';
                note = `existed (409), updated ${err.conflictingId}`;
              } else throw err;
            }
          }
        }
      }
    } catch (err) {
      failure =
        err instanceof ManagementCallError
          ? err
          : new ManagementCallError(`${step.what} ${step.name}`, undefined, err instanceof Error ? err.message : String(err), 'the output above');
      outcome = 'failed';
    }
    const result: StepResult = { step, outcome, ms: Date.now() - started };
    if (note) result.note = note;
    if (outcome === 'failed' && failure) result.error = failure;
    results.push(result);
    opts.onStep?.(result, i, total);
  }
  const out: ApplyResult = { results, providerIds };
  if (failure) out.error = failure;
  return out;
}
