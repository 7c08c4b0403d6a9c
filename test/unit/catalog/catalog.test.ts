import {
  catalog,
  dataOf,
  eventsOf,
  findEvent,
  packages,
  prefixedCode,
  stripPrefix,
  valueOf,
  providerLabel,
  BACKOFFICE_PROVIDER,
} from '../../../src/catalog';
import { validateValue } from '../../../src/catalog/validation';
import kit from '../../support/starter-kit-events.json';

type KitFile = Record<string, Record<string, Record<string, { sampleEventTemplate: unknown }>>>;

/** Every (code, sample) of the starter kit's onboarding events.json, as the kit ships it. */
function kitSamples(): Array<{ code: string; direction: string; entity: string; sample: unknown }> {
  const out: Array<{ code: string; direction: string; entity: string; sample: unknown }> = [];
  for (const [entity, byDirection] of Object.entries(kit as KitFile)) {
    for (const [direction, byCode] of Object.entries(byDirection)) {
      for (const [code, def] of Object.entries(byCode))
        out.push({ code, direction, entity, sample: def.sampleEventTemplate });
    }
  }
  return out;
}

describe('catalog', () => {
  it('covers every event of the starter kit, and nothing else', () => {
    const kitCodes = kitSamples()
      .map((s) => s.code)
      .sort();
    // the kit's events; commercetools and thin events (src/catalog/commercetools.ts) come on top
    const kit = (e: { code: string }) => /^(be-observer|com\.adobe\.commerce)\./.test(e.code);
    expect(
      catalog
        .filter(kit)
        .map((e) => e.code)
        .sort(),
    ).toEqual(kitCodes);
    expect(catalog.filter(kit)).toHaveLength(21);
    expect(eventsOf({ direction: 'backoffice' }).filter(kit)).toHaveLength(13);
    expect(eventsOf({ direction: 'commerce' })).toHaveLength(8);
  });

  it.each(kitSamples())('accepts the kit sample of $code unchanged', ({ code, direction, sample }) => {
    const entry = findEvent(code);
    expect(entry).toBeDefined();
    if (!entry) return;
    expect(entry.direction).toBe(direction === 'commerce' ? 'commerce' : 'backoffice');
    // the kit's commerce samples are CloudEvent data ({value}); back-office ones are the value
    const value = valueOf(entry, sample);
    expect(validateValue(entry, value)).toEqual({ ok: true });
    expect(dataOf(entry, value)).toEqual(sample);
    expect(entry.sample).toEqual(value);
    expect(entry.entityId(value as never)).toEqual(expect.any(String));
  });

  it('gives every entry a route, a label and a description', () => {
    for (const e of catalog) {
      expect(e.package).toBe(`${e.entity}-${e.direction}`);
      expect(e.handler).toBe(`${e.package}/handler`);
      expect(e.consumer).toBe(`${e.package}/consumer`);
      expect(e.label.length).toBeGreaterThan(0);
      expect(e.description.length).toBeGreaterThan(0);
      expect(e.dataWrapsValue).toBe(e.direction === 'commerce');
    }
    expect(packages).toHaveLength(10);
  });

  it('applies and strips EVENT_PREFIX with the kit rule', () => {
    const c = 'com.adobe.commerce.observer.catalog_product_save_commit_after';
    expect(prefixedCode(c, 'test_app')).toBe('com.adobe.commerce.test_app.observer.catalog_product_save_commit_after');
    expect(prefixedCode('be-observer.catalog_product_create', 'test_app')).toBe('be-observer.catalog_product_create');
    expect(prefixedCode('custom.event', 'test_app')).toBe('test_app.custom.event');
    expect(prefixedCode(c, '')).toBe(c);
    for (const e of catalog) {
      expect(stripPrefix(prefixedCode(e.code, 'p1'), 'p1')).toBe(e.code);
      expect(findEvent(prefixedCode(e.code, 'p1'), 'p1')).toBe(e);
      expect(findEvent(e.code, 'p1')).toBe(e);
    }
    expect(findEvent('com.adobe.commerce.other.observer.catalog_product_save_commit_after', 'p1')).toBeUndefined();
    expect(findEvent('nope')).toBeUndefined();
  });

  it('names providers like the kit', () => {
    expect(providerLabel(BACKOFFICE_PROVIDER)).toBe('Backoffice Provider');
    expect(providerLabel(BACKOFFICE_PROVIDER, '1234567-myproject-stage')).toBe('Backoffice Provider - myproject-stage');
  });

  it('reports every failing field path', () => {
    const entry = findEvent('be-observer.catalog_product_create');
    if (!entry) throw new Error('missing');
    const r = validateValue(entry, { sku: '', price: -1, description: 3 }, '/data/value');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.details.map((d) => d.path).sort();
    expect(paths).toEqual(['/data/value/description', '/data/value/name', '/data/value/price', '/data/value/sku']);
    const stock = findEvent('be-observer.catalog_stock_update');
    if (!stock) throw new Error('missing');
    const s = validateValue(stock, [
      { sku: 'A', source: 'default', quantity: 'x', outOfStock: false },
      { source: 'default' },
    ]);
    expect(s.ok).toBe(false);
    if (!s.ok)
      expect(s.details.map((d) => d.path).sort()).toEqual(['/0/quantity', '/1/outOfStock', '/1/quantity', '/1/sku']);
  });
});

describe('catalog types', () => {
  it('infers value types from the schemas', () => {
    // compile-time checks: these lines fail `tsc` if the inferred types drift
    const p: import('../../../src/catalog').EventValue<'be-observer.catalog_product_create'> = {
      sku: 'A',
      name: 'n',
      description: 'd',
    };
    const s: import('../../../src/catalog').EventValue<'be-observer.catalog_stock_update'> = [
      { sku: 'A', source: 'default', quantity: 1, outOfStock: false },
    ];
    // @ts-expect-error sku is required
    const bad: import('../../../src/catalog').EventValue<'be-observer.catalog_product_delete'> = {};
    expect([p.sku, s[0]?.sku, bad]).toEqual(['A', 'A', {}]);
  });
});
