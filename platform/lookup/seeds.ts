/**
 * The entities the lookup stand-ins hold from the start, by path under the stand-in's root:
 * what the catalog's sample events look up (kept here: the platform never imports the app).
 */
export const SEEDS: Record<string, unknown> = {
  'query/products/SKU-EXT-0001': {
    sku: 'SKU-EXT-0001',
    name: 'Product Changed Externally',
    price: 49.5,
    description: 'Looked up in the local query API stand-in',
  },
  'commercetools/fluent-ct-dev/customers/14a4ef54-957d-4148-b0be-de8d0fbc411d': {
    id: '14a4ef54-957d-4148-b0be-de8d0fbc411d',
    version: 3,
    email: 'ct.customer@example.com',
    firstName: 'Casey',
    lastName: 'Tools',
  },
  'commercetools/fluent-ct-dev/products/2b5c1b7e-4a0e-4a8f-9d4b-2f1f6f0e6a11': {
    id: '2b5c1b7e-4a0e-4a8f-9d4b-2f1f6f0e6a11',
    version: 7,
    key: 'duffle-bag',
    masterData: {
      published: true,
      current: {
        name: { en: 'Duffle Bag' },
        description: { en: 'A roomy duffle bag from commercetools' },
        masterVariant: {
          id: 1,
          sku: 'CT-DUFFLE-BAG',
          prices: [{ value: { type: 'centPrecision', currencyCode: 'EUR', centAmount: 4599, fractionDigits: 2 } }],
        },
      },
    },
  },
};
