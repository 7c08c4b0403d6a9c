/**
 * `npm run commerce:subscribe` end to end against the local platform's Commerce stand-in
 * (its eventing endpoints), signing with OAuth 1.0a through the app's Commerce auth.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startPlatform, type RunningPlatform } from '../../platform';
import { localDefaults } from '../../platform/core/local-defaults';
import { catalog } from '../../src/catalog';
import { runCommerceSubscribe } from '../../scripts/onboarding/commerce-subscribe';
import type { CliIo } from '../../scripts/onboarding/cli-common';
import type { CommerceCatalogEntry } from '../../scripts/onboarding/commerce-plan';

let platform: RunningPlatform;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commerce-subscribe-e2e-'));
  fs.writeFileSync(path.join(dir, 'app.config.yaml'), 'application:\n  runtimeManifest:\n    packages: {}\n');
  fs.writeFileSync(path.join(dir, '.env'), '');
  platform = await startPlatform({ projectDir: dir, dataDir: dir, port: 0, quiet: true });
  env = { ...localDefaults(platform.url, dir) };
}, 60_000);

afterAll(async () => {
  await platform?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function captureIo(): CliIo & { lines: string[]; errors: string[]; text(): string } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    interactive: false,
    confirm: async () => false,
    text: () => [...lines, ...errors].join('\n'),
  };
}

async function subscribe(
  argv: string[],
  extra: { catalog?: readonly CommerceCatalogEntry[]; env?: Record<string, string> } = {},
) {
  const io = captureIo();
  const r = await runCommerceSubscribe({
    argv,
    env: { ...env, ...(extra.env ?? {}) },
    io,
    ...(extra.catalog ? { catalog: extra.catalog } : {}),
  });
  return { ...r, io };
}

interface Sub {
  name: string;
  parent: string;
  fields: Array<{ name: string }>;
  provider_id: string;
}
async function subscriptions(): Promise<Sub[]> {
  const res = await fetch(`${env.COMMERCE_BASE_URL}V1/eventing/getEventSubscriptions`);
  expect(res.status).toBe(200);
  return (await res.json()) as Sub[];
}

const commerceEvents = catalog.filter((e) => e.direction === 'commerce');

describe('npm run commerce:subscribe against the Commerce stand-in', () => {
  it('--dry-run plans every Commerce event and changes nothing', async () => {
    const r = await subscribe(['--dry-run']);
    expect(r.io.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.steps!.map((s) => s.kind)).toEqual(commerceEvents.map(() => 'create'));
    expect(await subscriptions()).toEqual([]);
  });

  it('subscribes observer.X for each com.adobe.commerce.observer.X with the schema fields; the rerun changes nothing', async () => {
    const r = await subscribe(['--yes'], { env: { COMMERCE_PROVIDER_ID: 'prov-commerce' } });
    expect(r.io.errors).toEqual([]);
    expect(r.exitCode).toBe(0);
    const subs = await subscriptions();
    expect(subs.map((s) => s.name).sort()).toEqual(
      commerceEvents.map((e) => e.code.replace('com.adobe.commerce.', '')).sort(),
    );
    const product = subs.find((s) => s.name === 'observer.catalog_product_save_commit_after')!;
    expect(product.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['id', 'sku', 'name']));
    expect(product.provider_id).toBe('prov-commerce');

    const again = await subscribe(['--yes'], { env: { COMMERCE_PROVIDER_ID: 'prov-commerce' } });
    expect(again.exitCode).toBe(0);
    expect(again.io.text()).toMatch(/Nothing to change/);
  });

  it('a catalog change (new field) replaces only that subscription', async () => {
    const changed = catalog.map((e) =>
      e.code === 'com.adobe.commerce.observer.customer_save_commit_after'
        ? {
            ...e,
            schema: {
              type: 'object',
              properties: { ...(e.schema as unknown as { properties: object }).properties, dob: { type: 'string' } },
            },
          }
        : e,
    );
    const r = await subscribe(['--yes'], { catalog: changed, env: { COMMERCE_PROVIDER_ID: 'prov-commerce' } });
    expect(r.exitCode).toBe(0);
    expect(
      r.steps!.filter((s) => s.kind !== 'unchanged').map((s) => `${s.kind} ${s.name} ${s.changes.join(',')}`),
    ).toEqual(['update observer.customer_save_commit_after fields']);
    const sub = (await subscriptions()).find((s) => s.name === 'observer.customer_save_commit_after')!;
    expect(sub.fields.map((f) => f.name)).toContain('dob');
    expect(
      (await subscribe(['--yes'], { catalog: changed, env: { COMMERCE_PROVIDER_ID: 'prov-commerce' } })).io.text(),
    ).toMatch(/Nothing to change/);
  });

  it('--prune unsubscribes events of our provider that the catalog dropped', async () => {
    const reduced = catalog.filter((e) => e.code !== 'com.adobe.commerce.observer.sales_order_save_commit_after');
    const kept = await subscribe(['--yes'], { catalog: reduced, env: { COMMERCE_PROVIDER_ID: 'prov-commerce' } });
    expect(kept.steps!.filter((s) => s.kind === 'delete-candidate').map((s) => s.name)).toEqual([
      'observer.sales_order_save_commit_after',
    ]);
    expect((await subscriptions()).map((s) => s.name)).toContain('observer.sales_order_save_commit_after');
    const pruned = await subscribe(['--yes', '--prune'], {
      catalog: reduced,
      env: { COMMERCE_PROVIDER_ID: 'prov-commerce' },
    });
    expect(pruned.io.errors).toEqual([]);
    expect(pruned.exitCode).toBe(0);
    expect((await subscriptions()).map((s) => s.name)).not.toContain('observer.sales_order_save_commit_after');
    // without a provider id nothing is ever pruned: the instance may serve other apps
    const noId = await subscribe(['--dry-run', '--prune'], {
      catalog: reduced.filter((e) => !e.code.includes('customer_group')),
    });
    expect(noId.steps!.some((s) => s.kind === 'delete-candidate')).toBe(false);
  });

  it('EVENT_PREFIX: alias subscriptions {prefix}.observer.X with parent observer.X', async () => {
    const r = await subscribe(['--yes'], { env: { EVENT_PREFIX: 'acme' } });
    expect(r.exitCode).toBe(0);
    const sub = (await subscriptions()).find((s) => s.name === 'acme.observer.catalog_product_save_commit_after');
    expect(sub?.parent).toBe('observer.catalog_product_save_commit_after');
  });

  it('--configure sends the eventing configuration', async () => {
    const r = await subscribe(['--yes', '--configure'], {
      env: { COMMERCE_ADOBE_IO_EVENTS_MERCHANT_ID: 'acme_store', COMMERCE_PROVIDER_ID: 'prov-commerce' },
    });
    expect(r.exitCode).toBe(0);
    const cfg = (await (await fetch(`${env.COMMERCE_BASE_URL}V1/eventing/getConfiguration`)).json()) as Record<
      string,
      unknown
    >;
    expect(cfg).toMatchObject({ enabled: true, merchant_id: 'acme_store', environment_id: 'Stage' });
  });

  it('wrong Commerce credentials: exit 1 naming the call, 401 and the credentials to check', async () => {
    const r = await subscribe(['--yes'], { env: { COMMERCE_ACCESS_TOKEN_SECRET: 'wrong', EVENT_PREFIX: 'other' } });
    expect(r.exitCode).toBe(1);
    expect(r.io.errors.join('\n')).toMatch(/V1\/eventing\/\S+( \(.+\))? answered HTTP 401[\s\S]*COMMERCE_CONSUMER_KEY/);
  });

  it('a failing Commerce (500) and an unreachable one: exit 1 with the message', async () => {
    const broken = http.createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"message":"Internal Error. Details are available in Magento log file."}');
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    const port = (broken.address() as AddressInfo).port;
    try {
      const r = await subscribe(['--yes'], {
        env: { COMMERCE_BASE_URL: `http://127.0.0.1:${port}/rest/`, TARGET_TIMEOUT_MS: '2000' },
      });
      expect(r.exitCode).toBe(1);
      expect(r.io.errors.join('\n')).toMatch(
        /GET V1\/eventing\/getEventSubscriptions answered HTTP 500: .*Internal Error/,
      );
    } finally {
      await new Promise<void>((r) => broken.close(() => r()));
    }
    const down = await subscribe(['--yes'], { env: { COMMERCE_BASE_URL: 'http://127.0.0.1:1/rest/' } });
    expect(down.exitCode).toBe(1);
    expect(down.io.errors.join('\n')).toMatch(/got no answer[\s\S]*COMMERCE_BASE_URL/);
  });

  it('missing credentials: exit 2 naming them; --help', async () => {
    const io = captureIo();
    const r = await runCommerceSubscribe({ argv: ['--yes'], env: { COMMERCE_BASE_URL: env.COMMERCE_BASE_URL! }, io });
    expect(r.exitCode).toBe(2);
    expect(io.errors.join('\n')).toMatch(/COMMERCE_CONSUMER_KEY/);
    const help = await subscribe(['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.io.lines.join('\n')).toMatch(/--dry-run[\s\S]*--prune[\s\S]*--configure/);
  });
});
