/**
 * Property: whatever the workspace holds from an earlier catalog, one onboarding run with
 * --prune makes it match the current catalog exactly, and the next plan is all unchanged.
 * Catalogs are random subsets of the real one with random label/description edits.
 */
import fc from 'fast-check';
import { catalog } from '../../../src/catalog';
import { applyPlan } from '../../../scripts/onboarding/apply';
import { desiredState, type CatalogEventLike } from '../../../scripts/onboarding/config';
import { readActualState } from '../../../scripts/onboarding/management';
import { matchProvider, plan, hasChanges } from '../../../scripts/onboarding/plan';
import { FakeManagement } from './fake-management';

const ws = { org: '000000', project: 'p', workspace: 'w' };

const arbCatalog: fc.Arbitrary<CatalogEventLike[]> = fc
  .array(fc.tuple(fc.boolean(), fc.constantFrom('', ' (v2)', ' edited'), fc.constantFrom('', ' more')), {
    minLength: catalog.length,
    maxLength: catalog.length,
  })
  .map((picks) =>
    catalog
      .map((e, i) => ({ e, pick: picks[i]! }))
      .filter(({ pick }) => pick[0])
      .map(({ e, pick }) => ({ ...e, label: e.label + pick[1], description: e.description + pick[2] })),
  );

async function onboardOnce(api: FakeManagement, c: readonly CatalogEventLike[], prune: boolean) {
  const desired = desiredState(c);
  const actual = await readActualState(api, ws, {
    isOurs: (p) => desired.providers.some((d) => matchProvider(d, [p]) !== undefined),
  });
  const p = plan(desired, actual);
  const applied = await applyPlan(api, ws, p, { prune, clientId: 'client' });
  expect(applied.error).toBeUndefined();
  return { desired, plan: p };
}

describe('onboarding converges', () => {
  it('from any earlier catalog to the current one, in one run with --prune', async () => {
    await fc.assert(
      fc.asyncProperty(arbCatalog, arbCatalog, async (before, after) => {
        const api = new FakeManagement();
        await onboardOnce(api, before, false);
        await onboardOnce(api, after, true);

        const desired = desiredState(after);
        const actual = await readActualState(api, ws, {
          isOurs: (p) => desired.providers.some((d) => matchProvider(d, [p]) !== undefined),
        });
        const again = plan(desired, actual);
        expect(hasChanges(again, true)).toBe(false);

        // exactly the catalog's registrations, each with exactly its events
        const regs = [...api.registrations.values()];
        expect(regs.map((r) => r.runtime_action).sort()).toEqual(
          desired.registrations.map((r) => r.runtime_action).sort(),
        );
        for (const r of regs) {
          const want = after
            .filter((e) => e.consumer === r.runtime_action)
            .map((e) => e.code)
            .sort();
          expect(r.events_of_interest.map((e) => e.event_code).sort()).toEqual(want);
        }
        // metadata of our providers: exactly the catalog's codes
        const codes = [...api.providers.values()].flatMap((p) => [...p.metadata.keys()]).sort();
        expect(codes).toEqual(after.map((e) => e.code).sort());
      }),
      { numRuns: 40 },
    );
  });
});
