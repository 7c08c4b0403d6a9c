/**
 * `npm run events:config`: write events.config.json, the providers, event metadata and
 * registrations the local platform creates at start (one registration per consumer action,
 * with exactly the catalog's events for it), so `npm start` wires every consumer with no
 * manual step. Generated from the catalog; a test keeps the committed file in sync.
 * Against Adobe, onboarding creates the same things through the management API.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BACKOFFICE_PROVIDER, catalog, COMMERCE_PROVIDER, packages } from '../src/catalog';

export interface EventsConfig {
  providers: Array<{
    label: string;
    description: string;
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

export function buildEventsConfig(): EventsConfig {
  const providerOf = (direction: string) => (direction === 'commerce' ? COMMERCE_PROVIDER : BACKOFFICE_PROVIDER);
  return {
    providers: [BACKOFFICE_PROVIDER, COMMERCE_PROVIDER].map((p) => ({
      label: p.label,
      description: p.description,
      event_metadata: catalog
        .filter((e) => providerOf(e.direction).key === p.key)
        .map((e) => ({ event_code: e.code, label: e.label, description: e.description })),
    })),
    registrations: packages.map((pkg) => {
      const events = catalog.filter((e) => e.package === pkg);
      const first = events[0];
      return {
        name: pkg,
        description: `${pkg}: ${events.length} event(s) delivered to ${first?.consumer ?? `${pkg}/consumer`}`,
        delivery_type: 'webhook' as const,
        runtime_action: first?.consumer ?? `${pkg}/consumer`,
        events_of_interest: events.map((e) => ({ provider_label: providerOf(e.direction).label, event_code: e.code })),
      };
    }),
  };
}

export const EVENTS_CONFIG_FILE = path.join(__dirname, '..', 'events.config.json');

if (require.main === module) {
  fs.writeFileSync(EVENTS_CONFIG_FILE, `${JSON.stringify(buildEventsConfig(), null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), EVENTS_CONFIG_FILE)}\n`);
}
