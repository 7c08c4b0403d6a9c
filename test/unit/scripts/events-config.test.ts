import fs from 'node:fs';
import { buildEventsConfig, EVENTS_CONFIG_FILE } from '../../../scripts/events-config';
import { catalog } from '../../../src/catalog';

test('events.config.json is in sync with the catalog (npm run events:config)', () => {
  expect(JSON.parse(fs.readFileSync(EVENTS_CONFIG_FILE, 'utf8'))).toEqual(buildEventsConfig());
});

test('every catalog event reaches exactly one consumer', () => {
  const cfg = buildEventsConfig();
  const routed = cfg.registrations.flatMap((r) => r.events_of_interest.map((e) => e.event_code));
  expect(routed.sort()).toEqual(catalog.map((e) => e.code).sort());
});
