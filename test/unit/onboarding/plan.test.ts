import {
  plan,
  countSteps,
  hasChanges,
  matchProvider,
  type ActualProvider,
  type ActualRegistration,
  type ActualState,
  type DesiredState,
  type Step,
} from '../../../scripts/onboarding/plan';

const desired = (): DesiredState => ({
  providers: [
    { key: 'backoffice', label: 'Backoffice Provider', description: 'bo' },
    { key: 'commerce', label: 'Commerce Provider', description: 'c', provider_metadata: 'dx_commerce_events' },
  ],
  metadata: [
    {
      provider: 'backoffice',
      event_code: 'be-observer.catalog_product_create',
      label: 'Product created',
      description: 'd1',
      sample_event_template: 'e30=',
    },
    {
      provider: 'backoffice',
      event_code: 'be-observer.catalog_product_update',
      label: 'Product updated',
      description: 'd2',
    },
    {
      provider: 'commerce',
      event_code: 'com.adobe.commerce.observer.catalog_product_save_commit_after',
      label: 'Product saved',
      description: 'd3',
    },
  ],
  registrations: [
    {
      name: 'Backoffice Product Sync',
      description: 'r1',
      runtime_action: 'product-backoffice/consumer',
      delivery_type: 'webhook',
      events: [
        { provider: 'backoffice', event_code: 'be-observer.catalog_product_create' },
        { provider: 'backoffice', event_code: 'be-observer.catalog_product_update' },
      ],
      enabled: true,
    },
    {
      name: 'Commerce Product Sync',
      description: 'r2',
      runtime_action: 'product-commerce/consumer',
      delivery_type: 'webhook',
      events: [{ provider: 'commerce', event_code: 'com.adobe.commerce.observer.catalog_product_save_commit_after' }],
      enabled: true,
    },
  ],
});

/** The actual state that exactly matches desired(). */
const converged = (): ActualState => ({
  providers: [
    {
      id: 'p-bo',
      label: 'Backoffice Provider',
      description: 'bo',
      provider_metadata: '3rd_party_custom_events',
      metadata: [
        {
          event_code: 'be-observer.catalog_product_create',
          label: 'Product created',
          description: 'd1',
          sample_event_template: 'e30=',
        },
        { event_code: 'be-observer.catalog_product_update', label: 'Product updated', description: 'd2' },
      ],
    },
    {
      id: 'p-c',
      label: 'Commerce Provider',
      description: 'c',
      provider_metadata: 'dx_commerce_events',
      instance_id: 'inst-1',
      metadata: [
        {
          event_code: 'com.adobe.commerce.observer.catalog_product_save_commit_after',
          label: 'Product saved',
          description: 'd3',
        },
      ],
    },
  ],
  registrations: [
    {
      id: 'r-1',
      name: 'Backoffice Product Sync',
      description: 'r1',
      runtime_action: 'product-backoffice/consumer',
      delivery_type: 'webhook',
      enabled: true,
      events_of_interest: [
        { provider_id: 'p-bo', event_code: 'be-observer.catalog_product_update' },
        { provider_id: 'p-bo', event_code: 'be-observer.catalog_product_create' },
      ],
    },
    {
      id: 'r-2',
      name: 'Commerce Product Sync',
      description: 'r2',
      runtime_action: 'product-commerce/consumer',
      delivery_type: 'webhook',
      enabled: true,
      events_of_interest: [
        { provider_id: 'p-c', event_code: 'com.adobe.commerce.observer.catalog_product_save_commit_after' },
      ],
    },
  ],
});

const kinds = (steps: Step[]): string[] => steps.map((s) => `${s.what}:${s.kind}:${s.name}`);
const changed = (steps: Step[]): Step[] => steps.filter((s) => s.kind !== 'unchanged');

describe('plan: empty workspace', () => {
  const p = plan(desired(), { providers: [], registrations: [] });

  it('creates every provider, metadata and registration, in dependency order', () => {
    expect(kinds(p.steps)).toEqual([
      'provider:create:Backoffice Provider',
      'provider:create:Commerce Provider',
      'metadata:create:be-observer.catalog_product_create',
      'metadata:create:be-observer.catalog_product_update',
      'metadata:create:com.adobe.commerce.observer.catalog_product_save_commit_after',
      'registration:create:Backoffice Product Sync',
      'registration:create:Commerce Product Sync',
    ]);
  });

  it('metadata steps of a provider to be created carry no provider id', () => {
    for (const s of p.steps) if (s.what === 'metadata') expect(s.providerId).toBeUndefined();
  });

  it('counts and hasChanges', () => {
    expect(countSteps(p.steps)).toEqual({ create: 7, update: 0, unchanged: 0, 'delete-candidate': 0 });
    expect(countSteps(p.steps, 'metadata').create).toBe(3);
    expect(hasChanges(p, false)).toBe(true);
  });
});

describe('plan: converged workspace', () => {
  const p = plan(desired(), converged());

  it('is all unchanged (event order in a registration does not matter)', () => {
    expect(changed(p.steps)).toEqual([]);
    expect(p.steps).toHaveLength(7);
    expect(hasChanges(p, true)).toBe(false);
  });

  it('carries the ids it matched', () => {
    const reg = p.steps.find((s) => s.what === 'registration' && s.name === 'Commerce Product Sync');
    expect(reg && reg.what === 'registration' ? reg.id : undefined).toBe('r-2');
    const meta = p.steps.find((s) => s.what === 'metadata' && s.provider === 'commerce');
    expect(meta && meta.what === 'metadata' ? meta.providerId : undefined).toBe('p-c');
  });
});

describe('plan: drift', () => {
  it('a changed label or description updates only that metadata', () => {
    const d = desired();
    d.metadata[1] = { ...d.metadata[1]!, label: 'Product changed', description: 'new' };
    const c = changed(plan(d, converged()).steps);
    expect(kinds(c)).toEqual(['metadata:update:be-observer.catalog_product_update']);
    expect(c[0]!.changes).toEqual(['label', 'description']);
  });

  it('a changed sample updates the metadata only when the API reports samples inline', () => {
    const d = desired();
    d.metadata[0] = { ...d.metadata[0]!, sample_event_template: 'eyJhIjoxfQ==' };
    expect(kinds(changed(plan(d, converged()).steps))).toEqual(['metadata:update:be-observer.catalog_product_create']);
    const a = converged();
    delete a.providers[0]!.metadata[0]!.sample_event_template;
    expect(changed(plan(d, a).steps)).toEqual([]);
  });

  it('a new catalog event: metadata created and its registration updated, nothing else', () => {
    const d = desired();
    d.metadata.push({
      provider: 'backoffice',
      event_code: 'be-observer.catalog_product_delete',
      label: 'Product deleted',
      description: 'd4',
    });
    d.registrations[0]!.events.push({ provider: 'backoffice', event_code: 'be-observer.catalog_product_delete' });
    const c = changed(plan(d, converged()).steps);
    expect(kinds(c)).toEqual([
      'metadata:create:be-observer.catalog_product_delete',
      'registration:update:Backoffice Product Sync',
    ]);
    expect(c[1]!.changes).toEqual(['events_of_interest (+1 -0)']);
  });

  it('a dropped catalog event: registration updated, metadata becomes a delete candidate (last)', () => {
    const d = desired();
    d.metadata.splice(1, 1);
    d.registrations[0]!.events.splice(1, 1);
    const p = plan(d, converged());
    expect(kinds(changed(p.steps))).toEqual([
      'registration:update:Backoffice Product Sync',
      'metadata:delete-candidate:be-observer.catalog_product_update',
    ]);
    expect(p.steps[p.steps.length - 1]!.kind).toBe('delete-candidate');
    expect(hasChanges({ steps: p.steps.filter((s) => s.what !== 'registration') }, false)).toBe(false);
    expect(hasChanges({ steps: p.steps.filter((s) => s.what !== 'registration') }, true)).toBe(true);
  });

  it('a dropped package: its registration is a delete candidate, listed before metadata deletes', () => {
    const d = desired();
    d.registrations.splice(1, 1);
    d.metadata.splice(2, 1);
    const c = changed(plan(d, converged()).steps);
    expect(kinds(c)).toEqual([
      'registration:delete-candidate:Commerce Product Sync',
      'metadata:delete-candidate:com.adobe.commerce.observer.catalog_product_save_commit_after',
    ]);
  });

  it("registrations that are not the app's (journal, hand-made webhook) are never candidates", () => {
    const a = converged();
    a.registrations.push(
      {
        id: 'j',
        name: 'My journal',
        delivery_type: 'journal',
        enabled: true,
        events_of_interest: [{ provider_id: 'p-bo', event_code: 'be-observer.catalog_product_create' }],
      },
      {
        id: 'w',
        name: 'Hook',
        delivery_type: 'webhook',
        webhook_url: 'https://example.com/x',
        enabled: true,
        events_of_interest: [],
      },
      {
        id: 'h',
        name: 'Other action',
        delivery_type: 'webhook',
        runtime_action: 'tools/handler',
        enabled: true,
        events_of_interest: [],
      },
    );
    expect(changed(plan(desired(), a).steps)).toEqual([]);
  });

  it('metadata of providers that are not ours is never a candidate', () => {
    const a = converged();
    a.providers.push({
      id: 'x',
      label: 'Someone else',
      metadata: [{ event_code: 'x.y', label: 'x', description: 'x' }],
    });
    expect(changed(plan(desired(), a).steps)).toEqual([]);
  });

  it('events of another provider id or an extra event are removed from the registration', () => {
    const a = converged();
    a.registrations[1]!.events_of_interest.push({ provider_id: 'p-other', event_code: 'x' });
    const c = changed(plan(desired(), a).steps);
    expect(kinds(c)).toEqual(['registration:update:Commerce Product Sync']);
    expect(c[0]!.changes).toEqual(['events_of_interest (+0 -1)']);
  });

  it('a disabled registration is re-enabled; delivery type and runtime action are restored', () => {
    const a = converged();
    a.registrations[0] = { ...a.registrations[0]!, enabled: false, delivery_type: 'journal' };
    const c = changed(plan(desired(), a).steps);
    expect(c[0]!.changes).toEqual(['delivery_type', 'enabled (re-enable)']);
  });

  it('a registration is adopted by name when its runtime action differs (kit-created)', () => {
    const a = converged();
    a.registrations[0] = { ...a.registrations[0]!, runtime_action: 'product-backoffice/old-consumer' };
    const c = changed(plan(desired(), a).steps);
    expect(kinds(c)).toEqual(['registration:update:Backoffice Product Sync']);
    expect(c[0]!.changes).toEqual(['runtime_action']);
    expect(c[0]!.what === 'registration' && c[0]!.id).toBe('r-1');
  });

  it('a registration is matched by runtime action even when it was renamed', () => {
    const a = converged();
    a.registrations[1] = { ...a.registrations[1]!, name: 'Renamed' };
    const c = changed(plan(desired(), a).steps);
    expect(c).toHaveLength(1);
    expect(c[0]!.changes).toEqual(['name']);
  });

  it('one actual registration is claimed by one desired registration only', () => {
    const a = converged();
    a.registrations = [a.registrations[0]!];
    const d = desired();
    d.registrations[1]!.name = 'Backoffice Product Sync'; // same name, other action
    const p = plan(d, a);
    const regs = p.steps.filter((s) => s.what === 'registration');
    expect(regs.map((s) => s.kind)).toEqual(['unchanged', 'create']);
  });

  it('a duplicate registration for the same consumer is a delete candidate', () => {
    const a = converged();
    a.registrations.push({ ...a.registrations[0]!, id: 'r-dup', name: 'Backoffice Product Sync (copy)' });
    const c = changed(plan(desired(), a).steps);
    expect(kinds(c)).toEqual(['registration:delete-candidate:Backoffice Product Sync (copy)']);
  });

  it('when a provider must be created, existing registrations referring to it are updated', () => {
    const a = converged();
    a.providers.splice(1, 1);
    const c = changed(plan(desired(), a).steps);
    expect(kinds(c)).toEqual([
      'provider:create:Commerce Provider',
      'metadata:create:com.adobe.commerce.observer.catalog_product_save_commit_after',
      'registration:update:Commerce Product Sync',
    ]);
    expect(c[2]!.changes).toEqual(['events_of_interest (+1 -1)']);
  });

  it('duplicate desired metadata codes are planned once', () => {
    const d = desired();
    d.metadata.push({ ...d.metadata[0]! });
    expect(plan(d, converged()).steps.filter((s) => s.what === 'metadata')).toHaveLength(3);
  });
});

describe('matchProvider', () => {
  const providers: ActualProvider[] = [
    { id: 'a', label: 'Commerce Provider', provider_metadata: 'dx_commerce_events', instance_id: 'i-a', metadata: [] },
    {
      id: 'b',
      label: 'Commerce Provider 2',
      provider_metadata: 'dx_commerce_events',
      instance_id: 'i-b',
      metadata: [],
    },
    { id: 'c', label: 'Backoffice Provider', provider_metadata: '3rd_party_custom_events', metadata: [] },
    { id: 'd', label: 'Commerce Provider', provider_metadata: '3rd_party_custom_events', metadata: [] },
  ];

  it('prefers a known id', () => {
    expect(matchProvider({ key: 'k', label: 'zzz', description: '', id: 'c' }, providers)?.id).toBe('c');
  });

  it('falls back when the known id no longer exists', () => {
    expect(matchProvider({ key: 'k', label: 'Backoffice Provider', description: '', id: 'gone' }, providers)?.id).toBe(
      'c',
    );
  });

  it('Commerce provider: by instance id when configured', () => {
    expect(
      matchProvider(
        {
          key: 'commerce',
          label: 'Commerce Provider',
          description: '',
          provider_metadata: 'dx_commerce_events',
          instance_id: 'i-b',
        },
        providers,
      )?.id,
    ).toBe('b');
    expect(
      matchProvider(
        {
          key: 'commerce',
          label: 'Commerce Provider',
          description: '',
          provider_metadata: 'dx_commerce_events',
          instance_id: 'i-z',
        },
        providers,
      ),
    ).toBeUndefined();
  });

  it('Commerce provider: by label among dx_commerce_events providers only', () => {
    expect(
      matchProvider(
        { key: 'commerce', label: 'Commerce Provider', description: '', provider_metadata: 'dx_commerce_events' },
        providers,
      )?.id,
    ).toBe('a');
  });

  it('custom provider: by label', () => {
    expect(matchProvider({ key: 'backoffice', label: 'Backoffice Provider', description: '' }, providers)?.id).toBe(
      'c',
    );
    expect(matchProvider({ key: 'backoffice', label: 'Nope', description: '' }, providers)).toBeUndefined();
  });
});

describe('plan is pure', () => {
  it('does not modify its inputs and is deterministic', () => {
    const d = desired();
    const a = converged();
    a.registrations.push({
      id: 'x',
      name: 'Old',
      delivery_type: 'webhook',
      runtime_action: 'old/consumer',
      enabled: true,
      events_of_interest: [],
    } satisfies ActualRegistration);
    const dj = JSON.stringify(d);
    const aj = JSON.stringify(a);
    const p1 = plan(d, a);
    const p2 = plan(d, a);
    expect(JSON.stringify(d)).toBe(dj);
    expect(JSON.stringify(a)).toBe(aj);
    expect(p2).toEqual(p1);
  });
});
