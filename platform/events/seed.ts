/**
 * Providers, event metadata and registrations read from a config file at start
 * (`--events-config file.json|yaml`), so that `npm start` wires consumers to their events
 * with no manual step. Idempotent: what exists is updated in place.
 *
 * The same rules as the app's onboarding (scripts/onboarding), so that a start with the
 * config file after a start with the onboarding hook (or the other way round) finds what the
 * other created instead of creating a second set:
 * - a provider is created under its label, then ` - ` and the runtime namespace without its
 *   first segment (`Backoffice Provider - 918-localapp`; the starter kit's rule, src/catalog's
 *   `providerLabel`), and found by that label or by the plain label;
 * - a registration is found by its name, else by its runtime action.
 */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { Providers, Workspace } from './providers';
import type { InterestRef, Registrations } from './registrations';
import { PlatformError } from '../core/errors';
import { asRecord } from './fields';

export interface EventsConfigFile {
  providers?: Array<{
    label: string;
    description?: string;
    docs_url?: string;
    instance_id?: string;
    provider_metadata?: string;
    event_metadata?: Array<{
      event_code: string;
      label?: string;
      description?: string;
      sample_event_template?: string;
    }>;
  }>;
  registrations?: Array<{
    name: string;
    description?: string;
    delivery_type?: string;
    runtime_action?: string;
    webhook_url?: string;
    enabled?: boolean;
    events_of_interest: Array<{ provider_id?: string; provider_label?: string; event_code: string }>;
  }>;
}

export function loadEventsConfig(file: string): EventsConfigFile {
  const text = readFileSync(file, 'utf8');
  const parsed: unknown = /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text);
  const obj = asRecord(parsed);
  if (!obj) throw new Error(`${file}: the events config must be an object with providers and registrations`);
  if (obj.providers !== undefined && !Array.isArray(obj.providers))
    throw new Error(`${file}: providers must be an array`);
  if (obj.registrations !== undefined && !Array.isArray(obj.registrations))
    throw new Error(`${file}: registrations must be an array`);
  return obj as EventsConfigFile;
}

/** The starter kit's provider label rule (kept equal to src/catalog's `providerLabel` by a test). */
export function namespacedLabel(label: string, runtimeNamespace: string | undefined): string {
  if (!runtimeNamespace) return label;
  return `${label} - ${runtimeNamespace.slice(runtimeNamespace.indexOf('-') + 1)}`;
}

export interface SeedSummary {
  providers: Record<string, string>;
  created: string[];
  updated: string[];
}

export function applyEventsConfig(
  providers: Providers,
  registrations: Registrations,
  cfg: EventsConfigFile,
  ws: Workspace,
  clientId: string,
  runtimeNamespace?: string,
): SeedSummary {
  const summary: SeedSummary = { providers: {}, created: [], updated: [] };
  const byLabel = (label: string) => {
    const all = providers.listProviders(ws.orgId, {});
    const full = namespacedLabel(label, runtimeNamespace);
    return all.find((x) => x.label === full) ?? all.find((x) => x.label === label);
  };
  for (const p of cfg.providers ?? []) {
    if (!p.label) throw new Error('events config: every provider needs a label');
    let row = byLabel(p.label);
    if (!row) {
      const label = namespacedLabel(p.label, runtimeNamespace);
      row = providers.createProvider(ws, { ...p, label });
      summary.created.push(`provider ${label}`);
    }
    summary.providers[p.label] = row.id;
    for (const m of p.event_metadata ?? []) {
      if (providers.getEventMetadata(row.id, m.event_code)) {
        providers.updateEventMetadata(row.id, m.event_code, m);
      } else {
        providers.createEventMetadata(row.id, { ...m, label: m.label ?? m.event_code });
        summary.created.push(`event ${m.event_code}`);
      }
    }
  }
  const claimed = new Set<number>();
  for (const r of cfg.registrations ?? []) {
    if (!r.name) throw new Error('events config: every registration needs a name');
    const interests: InterestRef[] = (r.events_of_interest ?? []).map((ei, i) => {
      let providerId = ei.provider_id;
      if (!providerId && ei.provider_label) {
        providerId = summary.providers[ei.provider_label] ?? byLabel(ei.provider_label)?.id;
      }
      if (!providerId)
        throw new Error(`events config: registration ${r.name} events_of_interest[${i}] names no known provider`);
      return { provider_id: providerId, event_code: ei.event_code };
    });
    const input = {
      client_id: clientId,
      name: r.name,
      description: r.description,
      delivery_type: r.delivery_type ?? (r.runtime_action || r.webhook_url ? 'webhook' : 'journal'),
      runtime_action: r.runtime_action,
      webhook_url: r.webhook_url,
      enabled: r.enabled,
      events_of_interest: interests,
    };
    const existing = findRegistration(registrations.listRegistrations(ws), r, cfg, claimed);
    if (existing) claimed.add(existing.id);
    try {
      if (existing) {
        registrations.updateRegistration(existing, input);
        summary.updated.push(`registration ${r.name}`);
      } else {
        registrations.createRegistration(ws, input);
        summary.created.push(`registration ${r.name}`);
      }
    } catch (e) {
      if (e instanceof PlatformError)
        throw new Error(`events config: registration ${r.name}: ${e.message}`, { cause: e });
      throw e;
    }
  }
  return summary;
}

/**
 * The registration a config entry stands for: the one of its name, else one delivering to
 * its runtime action that no other entry names (as onboarding finds its registrations).
 */
function findRegistration<T extends { id: number; name: string; runtime_action?: string | null }>(
  existing: readonly T[],
  r: { name: string; runtime_action?: string | undefined },
  cfg: EventsConfigFile,
  claimed: ReadonlySet<number>,
): T | undefined {
  const free = existing.filter((x) => !claimed.has(x.id));
  const named = free.find((x) => x.name === r.name);
  if (named || !r.runtime_action) return named;
  const names = new Set((cfg.registrations ?? []).map((x) => x.name));
  return free.find((x) => x.runtime_action === r.runtime_action && !names.has(x.name));
}
