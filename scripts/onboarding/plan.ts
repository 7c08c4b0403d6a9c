/**
 * Onboarding as a pure function: (desired state, actual state) → steps.
 *
 * Nothing here performs I/O. The desired state comes from the event catalog (config.ts),
 * the actual state from the I/O Events management API (management.ts); the steps are what
 * apply.ts executes and what the CLI prints. Because the plan is computed before anything
 * is changed, a run that would change nothing says so, `--dry-run` is exact, and a failure
 * halfway leaves a state that the next run plans from again (every step is idempotent).
 *
 * Identity rules (how a desired thing finds its counterpart):
 * - provider: by the id the environment already knows (e.g. BACKOFFICE_PROVIDER_ID) when it
 *   exists; otherwise, for a provider with `provider_metadata` (the Commerce provider,
 *   `dx_commerce_events`), by that metadata and its instance id (or its label when no instance
 *   id is configured); otherwise by label.
 * - event metadata: by event code within its provider.
 * - registration: by its `runtime_action` (`{pkg}/consumer`), then by name, so that
 *   registrations created by earlier versions of the scripts are adopted, not duplicated.
 *
 * Delete candidates: event metadata of a matched provider whose code the catalog no longer
 * has, and registrations that deliver to a `…/consumer` runtime action no desired
 * registration claims. Other registrations of the workspace (a journal, a webhook someone
 * added by hand) are never touched.
 */

export type StepKind = 'create' | 'update' | 'unchanged' | 'delete-candidate';
export type StepWhat = 'provider' | 'metadata' | 'registration';

// ---------------------------------------------------------------- desired state

export interface DesiredProvider {
  /** stable key used by metadata and registrations to refer to this provider */
  key: string;
  label: string;
  description: string;
  docs_url?: string;
  /** e.g. `dx_commerce_events` for the Commerce provider; absent for a custom provider */
  provider_metadata?: string;
  /** instance id of a non-custom provider (the Commerce instance), when configured */
  instance_id?: string;
  /** provider id already known (from .env); preferred when such a provider exists */
  id?: string;
}

export interface DesiredMetadata {
  /** DesiredProvider.key */
  provider: string;
  event_code: string;
  label: string;
  description: string;
  /** base64 of the JSON sample, as the management API takes it */
  sample_event_template?: string;
}

export interface DesiredEventRef {
  /** DesiredProvider.key */
  provider: string;
  event_code: string;
}

export interface DesiredRegistration {
  name: string;
  description: string;
  /** `{pkg}/consumer` */
  runtime_action: string;
  delivery_type: 'webhook';
  events: DesiredEventRef[];
  enabled: boolean;
}

export interface DesiredState {
  providers: DesiredProvider[];
  metadata: DesiredMetadata[];
  registrations: DesiredRegistration[];
}

// ---------------------------------------------------------------- actual state

export interface ActualMetadata {
  event_code: string;
  label?: string;
  description?: string;
  /** only compared when the API reports it inline */
  sample_event_template?: string;
}

export interface ActualProvider {
  id: string;
  label: string;
  description?: string;
  provider_metadata?: string;
  instance_id?: string;
  /** event metadata of this provider (may be left empty for providers we do not own) */
  metadata: ActualMetadata[];
}

export interface ActualEventRef {
  provider_id: string;
  event_code: string;
}

export interface ActualRegistration {
  /** the id the management API takes in its URLs (`registration_id`) */
  id: string;
  name: string;
  description?: string;
  runtime_action?: string;
  webhook_url?: string;
  delivery_type: string;
  events_of_interest: ActualEventRef[];
  enabled: boolean;
}

export interface ActualState {
  providers: ActualProvider[];
  registrations: ActualRegistration[];
}

// ---------------------------------------------------------------- steps

interface StepBase {
  kind: StepKind;
  /** human-readable name: provider label, event code, registration name */
  name: string;
  /** what differs, e.g. ["label", "events_of_interest (+1 -0)"]; empty when unchanged */
  changes: string[];
}

export interface ProviderStep extends StepBase {
  what: 'provider';
  kind: 'create' | 'unchanged';
  desired: DesiredProvider;
  /** id of the matched provider */
  id?: string;
}

export interface MetadataStep extends StepBase {
  what: 'metadata';
  /** DesiredProvider.key of the owning provider */
  provider: string;
  /** id of the owning provider, when it exists already */
  providerId?: string;
  event_code: string;
  desired?: DesiredMetadata;
}

export interface RegistrationStep extends StepBase {
  what: 'registration';
  desired?: DesiredRegistration;
  /** id of the matched registration */
  id?: string;
}

export type Step = ProviderStep | MetadataStep | RegistrationStep;

export interface Plan {
  steps: Step[];
}

// ---------------------------------------------------------------- planning

/** Find the actual provider a desired provider stands for (see the identity rules above). */
export function matchProvider(desired: DesiredProvider, actual: readonly ActualProvider[]): ActualProvider | undefined {
  if (desired.id) {
    const byId = actual.find((p) => p.id === desired.id);
    if (byId) return byId;
  }
  if (desired.provider_metadata) {
    const sameKind = actual.filter((p) => p.provider_metadata === desired.provider_metadata);
    if (desired.instance_id) return sameKind.find((p) => p.instance_id === desired.instance_id);
    return sameKind.find((p) => p.label === desired.label);
  }
  return actual.find((p) => p.label === desired.label);
}

function metadataChanges(desired: DesiredMetadata, actual: ActualMetadata): string[] {
  const changes: string[] = [];
  if ((actual.label ?? '') !== desired.label) changes.push('label');
  if ((actual.description ?? '') !== desired.description) changes.push('description');
  if (
    actual.sample_event_template !== undefined &&
    desired.sample_event_template !== undefined &&
    actual.sample_event_template !== desired.sample_event_template
  ) {
    changes.push('sample_event_template');
  }
  return changes;
}

const eventKey = (providerId: string, code: string): string => `${providerId}\u0000${code}`;

function registrationChanges(
  desired: DesiredRegistration,
  actual: ActualRegistration,
  providerIds: ReadonlyMap<string, string>,
): string[] {
  const changes: string[] = [];
  if (actual.name !== desired.name) changes.push('name');
  if ((actual.description ?? '') !== desired.description) changes.push('description');
  if (actual.runtime_action !== desired.runtime_action) changes.push('runtime_action');
  if (actual.delivery_type !== desired.delivery_type) changes.push('delivery_type');
  if (actual.enabled !== desired.enabled) changes.push(desired.enabled ? 'enabled (re-enable)' : 'enabled');

  const want = new Set<string>();
  let unresolved = 0;
  for (const e of desired.events) {
    const pid = providerIds.get(e.provider);
    if (pid === undefined) unresolved++;
    else want.add(eventKey(pid, e.event_code));
  }
  const have = new Set(actual.events_of_interest.map((e) => eventKey(e.provider_id, e.event_code)));
  let added = unresolved;
  for (const k of want) if (!have.has(k)) added++;
  let removed = 0;
  for (const k of have) if (!want.has(k)) removed++;
  if (added > 0 || removed > 0) changes.push(`events_of_interest (+${added} -${removed})`);
  return changes;
}

/** Registrations that deliver to one of the app's consumer actions are the app's own. */
export function isAppRegistration(r: ActualRegistration): boolean {
  return typeof r.runtime_action === 'string' && /^[^/]+\/consumer$/.test(r.runtime_action);
}

export function plan(desired: DesiredState, actual: ActualState): Plan {
  const steps: Step[] = [];

  // providers: create or adopt; never updated or deleted by onboarding
  const matched = new Map<string, ActualProvider>();
  for (const p of desired.providers) {
    const found = matchProvider(p, actual.providers);
    if (found) {
      matched.set(p.key, found);
      steps.push({ what: 'provider', kind: 'unchanged', name: p.label, desired: p, id: found.id, changes: [] });
    } else {
      steps.push({ what: 'provider', kind: 'create', name: p.label, desired: p, changes: [] });
    }
  }
  const providerIds = new Map<string, string>();
  for (const [key, p] of matched) providerIds.set(key, p.id);

  // event metadata
  const metaDeletes: MetadataStep[] = [];
  for (const p of desired.providers) {
    const wanted = desired.metadata.filter((m) => m.provider === p.key);
    const existing = matched.get(p.key);
    const have = new Map((existing?.metadata ?? []).map((m) => [m.event_code, m]));
    const seen = new Set<string>();
    for (const m of wanted) {
      if (seen.has(m.event_code)) continue;
      seen.add(m.event_code);
      const a = have.get(m.event_code);
      const base = {
        what: 'metadata' as const,
        provider: p.key,
        ...(existing ? { providerId: existing.id } : {}),
        event_code: m.event_code,
        name: m.event_code,
        desired: m,
      };
      if (!a) steps.push({ ...base, kind: 'create', changes: [] });
      else {
        const changes = metadataChanges(m, a);
        steps.push({ ...base, kind: changes.length ? 'update' : 'unchanged', changes });
      }
    }
    if (existing) {
      for (const a of existing.metadata) {
        if (!seen.has(a.event_code)) {
          metaDeletes.push({
            what: 'metadata',
            kind: 'delete-candidate',
            provider: p.key,
            providerId: existing.id,
            event_code: a.event_code,
            name: a.event_code,
            changes: [],
          });
        }
      }
    }
  }

  // registrations
  const claimed = new Set<string>();
  for (const r of desired.registrations) {
    const found =
      actual.registrations.find((a) => !claimed.has(a.id) && a.runtime_action === r.runtime_action) ??
      actual.registrations.find((a) => !claimed.has(a.id) && a.name === r.name);
    if (!found) {
      steps.push({ what: 'registration', kind: 'create', name: r.name, desired: r, changes: [] });
      continue;
    }
    claimed.add(found.id);
    const changes = registrationChanges(r, found, providerIds);
    steps.push({
      what: 'registration',
      kind: changes.length ? 'update' : 'unchanged',
      name: r.name,
      desired: r,
      id: found.id,
      changes,
    });
  }
  const regDeletes: RegistrationStep[] = actual.registrations
    .filter((a) => !claimed.has(a.id) && isAppRegistration(a))
    .map((a) => ({ what: 'registration', kind: 'delete-candidate', name: a.name, id: a.id, changes: [] }));

  // registrations go before the metadata they reference
  steps.push(...regDeletes, ...metaDeletes);
  return { steps };
}

// ---------------------------------------------------------------- reading a plan

export interface PlanCounts {
  create: number;
  update: number;
  unchanged: number;
  'delete-candidate': number;
}

export function countSteps(steps: readonly Step[], what?: StepWhat): PlanCounts {
  const counts: PlanCounts = { create: 0, update: 0, unchanged: 0, 'delete-candidate': 0 };
  for (const s of steps) if (!what || s.what === what) counts[s.kind]++;
  return counts;
}

/** True when applying the plan (with or without pruning) changes something. */
export function hasChanges(p: Plan, prune: boolean): boolean {
  return p.steps.some((s) => s.kind === 'create' || s.kind === 'update' || (prune && s.kind === 'delete-candidate'));
}
