import fc from 'fast-check';
import {
  commerceEventName,
  desiredSubscriptions,
  fieldsOf,
  parseSubscriptions,
  planSubscriptions,
} from '../../../scripts/onboarding/commerce-plan';
import { upsertEnvLines } from '../../../scripts/onboarding/env-file';
import {
  eventsBaseUrl,
  imsTokenUrl,
  readOnboardingEnv,
  registrationName,
  desiredState,
} from '../../../scripts/onboarding/config';
import { catalog } from '../../../src/catalog';

const entries = [
  {
    code: 'com.adobe.commerce.observer.catalog_product_save_commit_after',
    direction: 'commerce' as const,
    schema: { type: 'object', properties: { sku: {}, name: {} } },
  },
  {
    code: 'com.adobe.commerce.observer.cataloginventory_stock_item_save_commit_after',
    direction: 'commerce' as const,
    schema: { type: 'array' },
  },
  { code: 'be-observer.catalog_product_create', direction: 'backoffice' as const },
];

describe('commerce subscription plan', () => {
  it('names, parents, fields and provider id from the catalog', () => {
    expect(commerceEventName('com.adobe.commerce.observer.x')).toBe('observer.x');
    expect(fieldsOf({ properties: { a: {}, b: {} } })).toEqual(['a', 'b']);
    expect(fieldsOf({ type: 'array' })).toEqual(['*']);
    expect(desiredSubscriptions(entries)).toEqual([
      { name: 'observer.catalog_product_save_commit_after', fields: ['sku', 'name'] },
      { name: 'observer.cataloginventory_stock_item_save_commit_after', fields: ['*'] },
    ]);
    expect(desiredSubscriptions(entries, { eventPrefix: 'acme', providerId: 'p1' })[0]).toEqual({
      name: 'acme.observer.catalog_product_save_commit_after',
      parent: 'observer.catalog_product_save_commit_after',
      fields: ['sku', 'name'],
      provider_id: 'p1',
    });
  });

  it('create / unchanged / update / delete candidate', () => {
    const desired = desiredSubscriptions(entries, { providerId: 'p1' });
    const actual = parseSubscriptions([
      {
        name: 'observer.catalog_product_save_commit_after',
        parent: '',
        fields: [{ name: 'name' }, { name: 'sku' }],
        provider_id: 'p1',
        rules: [],
      },
      { name: 'observer.sales_order_save_commit_after', fields: [{ name: 'id' }], provider_id: 'p1' },
      { name: 'observer.other_app_event', fields: [{ name: 'id' }], provider_id: 'someone-else' },
    ]);
    const steps = planSubscriptions(desired, actual, 'p1');
    expect(steps.map((s) => `${s.kind} ${s.name}`)).toEqual([
      'unchanged observer.catalog_product_save_commit_after',
      'create observer.cataloginventory_stock_item_save_commit_after',
      'delete-candidate observer.sales_order_save_commit_after',
    ]);
    // without our provider id, nothing is a candidate
    expect(planSubscriptions(desired, actual).some((s) => s.kind === 'delete-candidate')).toBe(false);
    // a changed field list or provider is an update
    const drift = planSubscriptions(
      desired,
      parseSubscriptions([
        { name: 'observer.catalog_product_save_commit_after', fields: ['sku'], provider_id: 'default' },
      ]),
      'p1',
    );
    expect(drift[0]).toMatchObject({ kind: 'update', changes: ['fields', 'provider_id'] });
  });

  it('parses a keyed object answer too, and ignores junk', () => {
    expect(parseSubscriptions({ 'observer.a': { fields: [{ name: 'x' }] } })).toEqual([
      { name: 'observer.a', fields: ['x'] },
    ]);
    expect(parseSubscriptions([null, 3, { fields: [] }])).toEqual([]);
    expect(parseSubscriptions('nope')).toEqual([]);
  });
});

describe('.env writing', () => {
  it('replaces in place, appends new names, keeps comments, blanks, CRLF and export lines', () => {
    expect(upsertEnvLines('# c\nA=1\n\nB=2\n', { B: '3', C: '4' })).toBe('# c\nA=1\n\nB=3\nC=4\n');
    expect(upsertEnvLines('A=1\r\nexport B=2\r\n', { B: 'x' })).toBe('A=1\r\nB=x\r\n');
    expect(upsertEnvLines('', { A: '1' })).toBe('A=1\n');
    expect(upsertEnvLines('A=1', { A: '2' })).toBe('A=2\n');
    expect(upsertEnvLines('AB=1\nA=0\n', { A: '2' })).toBe('AB=1\nA=2\n');
  });
});

describe('onboarding config', () => {
  it('URLs as the app and aio-lib-events want them', () => {
    expect(eventsBaseUrl('https://api.adobe.io/events/')).toBe('https://api.adobe.io');
    expect(eventsBaseUrl('http://127.0.0.1:3233/events')).toBe('http://127.0.0.1:3233');
    expect(imsTokenUrl('https://ims-na1.adobelogin.com/ims/token/')).toBe(
      'https://ims-na1.adobelogin.com/ims/token/v3',
    );
    expect(imsTokenUrl('http://x/ims/token')).toBe('http://x/ims/token/v3');
  });

  it('environment: production defaults, namespace fallbacks, missing names', () => {
    const r = readOnboardingEnv({
      OAUTH_CLIENT_ID: 'a',
      OAUTH_CLIENT_SECRET: 'b',
      OAUTH_ORG_ID: 'c',
      IO_CONSUMER_ID: '1',
      IO_PROJECT_ID: '2',
      IO_WORKSPACE_ID: '3',
      AIO_RUNTIME_NAMESPACE: '123-app-stage',
      EVENT_PREFIX: ' ',
    });
    expect(r.ok && r.env).toMatchObject({
      IO_MANAGEMENT_BASE_URL: 'https://api.adobe.io/events/',
      AIO_runtime_namespace: '123-app-stage',
    });
    expect(r.ok && r.env.EVENT_PREFIX).toBeUndefined();
    expect(readOnboardingEnv({})).toEqual({
      ok: false,
      missing: [
        'OAUTH_CLIENT_ID',
        'OAUTH_CLIENT_SECRET',
        'OAUTH_ORG_ID',
        'IO_CONSUMER_ID',
        'IO_PROJECT_ID',
        'IO_WORKSPACE_ID',
      ],
    });
  });

  it('desired state of the real catalog: two providers, one metadata per code, one registration per consumer', () => {
    const d = desiredState(catalog, { runtimeNamespace: '1234567-myapp-stage' });
    expect(d.providers.map((p) => p.label)).toEqual([
      'Backoffice Provider - myapp-stage',
      'Commerce Provider - myapp-stage',
    ]);
    expect(d.providers[1]!.provider_metadata).toBe('dx_commerce_events');
    expect(d.metadata).toHaveLength(catalog.length);
    expect(new Set(d.registrations.map((r) => r.runtime_action)).size).toBe(d.registrations.length);
    expect(d.registrations.reduce((n, r) => n + r.events.length, 0)).toBe(catalog.length);
    expect(registrationName('commerce', 'customer-group')).toBe('Commerce Customer Group Sync');
  });
});

describe('commerce subscriptions converge', () => {
  const commerce = catalog.filter((e) => e.direction === 'commerce');
  const arbSubset = fc
    .array(fc.boolean(), { minLength: commerce.length, maxLength: commerce.length })
    .map((bits) => commerce.filter((_, i) => bits[i]));

  it('applying the plan with prune yields exactly the catalog and leaves other providers alone', () => {
    fc.assert(
      fc.property(arbSubset, arbSubset, fc.constantFrom(undefined, 'acme'), (before, after, prefix) => {
        const own = 'p1';
        const foreign = { name: 'observer.someone_elses_event', fields: ['id'], provider_id: 'other' };
        let state = [foreign, ...desiredSubscriptions(before, { providerId: own })];
        const desired = desiredSubscriptions(after, { providerId: own, ...(prefix ? { eventPrefix: prefix } : {}) });
        for (const s of planSubscriptions(desired, state, own)) {
          if (s.kind === 'delete-candidate') state = state.filter((x) => x.name !== s.name);
          else if (s.desired) state = [...state.filter((x) => x.name !== s.name), s.desired];
        }
        expect(planSubscriptions(desired, state, own).every((s) => s.kind === 'unchanged')).toBe(true);
        expect(
          state
            .filter((x) => x.provider_id === own)
            .map((x) => x.name)
            .sort(),
        ).toEqual(desired.map((d) => d.name).sort());
        expect(state).toContainEqual(foreign);
      }),
      { numRuns: 200 },
    );
  });
});
