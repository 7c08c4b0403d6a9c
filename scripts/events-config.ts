/**
 * `npm run events:config`: write events.config.json, the providers, event metadata and
 * registrations the local platform creates at start (one registration per consumer action,
 * with exactly the catalog's events for it), so `npm start` wires every consumer with no
 * manual step. Generated from the catalog; a test keeps the committed file in sync.
 * Against Adobe, onboarding creates the same things through the management API.
 */
import fs from 'node:fs';
import path from 'node:path';
import { catalog } from '../src/catalog';
import { desiredState } from './onboarding/config';

export interface EventsConfig {
  providers: Array<{
    label: string;
    description: string;
    provider_metadata?: string;
    event_metadata: Array<{ event_code: string; label: string; description: string }>;
  }>;
  registrations: Array<{
    name: string;
    description: string;
    delivery_type: 'webhook';
    runtime_action: string;
    events_of_interest: Array<{ provider_label: string; event_code: string }>;
  }>;
}

/**
 * Onboarding's desired state (scripts/onboarding/config.ts) written as a config file: the same
 * providers (the platform adds the namespace to their labels at start, as onboarding does),
 * the same registration names and events, so that the file and the onboarding hook find each
 * other's providers and registrations instead of creating a second set.
 */
export function buildEventsConfig(): EventsConfig {
  const desired = desiredState(catalog);
  const labelOf = new Map(desired.providers.map((p) => [p.key, p.label]));
  return {
    providers: desired.providers.map((p) => ({
      label: p.label,
      description: p.description,
      ...(p.provider_metadata ? { provider_metadata: p.provider_metadata } : {}),
      event_metadata: desired.metadata
        .filter((m) => m.provider === p.key)
        .map((m) => ({ event_code: m.event_code, label: m.label, description: m.description })),
    })),
    registrations: desired.registrations.map((r) => ({
      name: r.name,
      description: r.description,
      delivery_type: 'webhook' as const,
      runtime_action: r.runtime_action,
      events_of_interest: r.events.map((e) => ({
        provider_label: labelOf.get(e.provider) ?? e.provider,
        event_code: e.event_code,
      })),
    })),
  };
}

export const EVENTS_CONFIG_FILE = path.join(__dirname, '..', 'events.config.json');

if (require.main === module) {
  fs.writeFileSync(EVENTS_CONFIG_FILE, `${JSON.stringify(buildEventsConfig(), null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), EVENTS_CONFIG_FILE)}\n`);
}
