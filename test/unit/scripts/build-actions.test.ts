/**
 * `npm run build`: every action whose source exists is bundled, each bundle loads and
 * exports main, and the trimmed webhook bundle still publishes through the real client.
 * The ahead-of-time validators agree with ajv compiling the same schemas at run time.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildActions, readManifest } from '../../../scripts/build-actions';
import { generateValidatorsSource } from '../../../scripts/generate-validators';
import { catalog, packages } from '../../../src/catalog';
import { validatorFor } from '../../../src/catalog/validators';
import { FakeIoEvents } from '../../support/io-events-server';
import { startOpenWhiskServer } from '../../support/openwhisk-server';

const root = path.resolve(__dirname, '../../..');
let outdir: string;

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'actions-build-'));
});
afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

describe('app.config.yaml', () => {
  it('declares the webhook and a consumer and handler for every catalog package', () => {
    const names = readManifest(root)
      .map((a) => a.name)
      .sort();
    // + the commercetools source and the outbound dispatcher (README, "Beyond the starter kit")
    const expected = [
      'ingestion/webhook',
      'ingestion/commercetools',
      'outbound/dispatch',
      ...packages.flatMap((p) => [`${p}/consumer`, `${p}/handler`]),
    ].sort();
    expect(names).toEqual(expected);
    const webhook = readManifest(root).find((a) => a.name === 'ingestion/webhook');
    expect(webhook?.web).toBe(true);
    expect(readManifest(root).find((a) => a.name === 'ingestion/commercetools')?.web).toBe(true);
    expect(webhook?.raw.annotations).toMatchObject({ 'raw-http': true, final: true, 'require-adobe-auth': false });
    for (const a of readManifest(root).filter((x) => x.package !== 'ingestion')) {
      expect(a.web).toBe(false);
      expect(a.source).toBe(path.join(root, 'actions', a.package, a.action, 'index.ts'));
    }
  });
});

describe('npm run build', () => {
  it('bundles every action that has a source, and each bundle loads', async () => {
    const { built, missing } = await buildActions({ root, outdir, skipMissing: true, log: () => undefined });
    expect(built.map((b) => b.name)).toContain('ingestion/webhook');
    expect(built.length + missing.length).toBe(3 + 2 * packages.length);
    for (const b of built) expect(b.file).toBe(path.join(outdir, ...b.name.split('/')) + '.js');
    // load each in a plain Node process, as Runtime does (jest would transform 10 MB of bundles)
    const script = `for (const f of JSON.parse(process.argv[1])) process.stdout.write(typeof require(f).main + "\\n")`;
    const out = execFileSync(process.execPath, ['-e', script, JSON.stringify(built.map((b) => b.file))], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(out.trim().split('\n')).toEqual(built.map(() => 'function'));
    // the webhook's own trims (its folder's webpack-config.js) stay out of the other ingestion actions
    const stub = 'is not bundled into ingestion/webhook';
    expect(fs.readFileSync(path.join(outdir, 'ingestion', 'webhook.js'), 'utf8')).toContain(stub);
    expect(fs.readFileSync(path.join(outdir, 'ingestion', 'commercetools.js'), 'utf8')).not.toContain(stub);
  }, 240_000);

  it('the built webhook publishes with the trimmed libraries and precompiled validators', async () => {
    const io = await new FakeIoEvents().start();
    try {
      const { main } = require(path.join(outdir, 'ingestion', 'webhook.js')) as {
        main: (
          p: object,
        ) => Promise<{ statusCode?: number; error?: { statusCode: number; body: { details?: unknown[] } } }>;
      };
      const ok = await main({
        ...io.inputs(),
        LOG_LEVEL: 'error',
        INGESTION_AUTH: 'none',
        __ow_method: 'post',
        __ow_headers: { 'content-type': 'application/json' },
        __ow_body: JSON.stringify({
          data: {
            uid: 'b-1',
            event: 'be-observer.catalog_stock_update',
            value: [{ sku: 'A', source: 'default', quantity: 1, outOfStock: false }],
          },
        }),
      });
      expect(ok.statusCode).toBe(200);
      expect(io.published).toHaveLength(1);
      const bad = await main({
        ...io.inputs(),
        LOG_LEVEL: 'error',
        INGESTION_AUTH: 'none',
        __ow_method: 'post',
        __ow_headers: { 'content-type': 'application/json' },
        __ow_body: JSON.stringify({
          data: { uid: 'b-2', event: 'be-observer.customer_create', value: { name: 'a', email: 'nope' } },
        }),
      });
      expect(bad.error?.statusCode).toBe(400);
      expect(bad.error?.body.details).toHaveLength(2);
    } finally {
      await io.stop();
    }
  }, 30_000);
});

describe('a built consumer with the trimmed openwhisk client', () => {
  it('invokes its handler through the OpenWhisk API and answers with its status', async () => {
    const bundle = path.join(outdir, 'product-backoffice', 'consumer.js');
    if (!fs.existsSync(bundle)) return; // the consumers are not in this tree yet
    const ow = await startOpenWhiskServer({ blockingWaitMs: 5_000 });
    const saved = { ...process.env };
    Object.assign(process.env, ow.env());
    try {
      ow.define('product-backoffice/handler', () => ({
        statusCode: 200,
        body: { success: true, message: 'Product created' },
      }));
      const { main } = require(bundle) as { main: (p: object) => Promise<{ statusCode?: number; body?: unknown }> };
      const r = await main({
        LOG_LEVEL: 'error',
        type: 'be-observer.catalog_product_create',
        id: 'evt-built-1',
        source: 'urn:uuid:provider',
        data: { sku: 'SKU-1', name: 'One', price: 1, description: 'd' },
      });
      expect(r.statusCode).toBe(200);
      expect(ow.invocations.map((i) => i.name)).toEqual(['product-backoffice/handler']);
    } finally {
      process.env = saved;
      await ow.close();
    }
  });
});

describe('ahead-of-time validators', () => {
  it('give the same answers and errors as ajv at run time', () => {
    const file = path.join(root, 'dist', 'generated', `validators-test-${process.pid}.js`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, generateValidatorsSource());
    try {
      const aot = require(file) as {
        precompiled: boolean;
        validatorFor(code: string): ((v: unknown) => boolean) & { errors?: unknown };
      };
      expect(aot.precompiled).toBe(true);
      const variants = (v: unknown): unknown[] => [
        v,
        {},
        [],
        null,
        'x',
        42,
        Array.isArray(v) ? [{ ...(v[0] as object), sku: '' }] : { ...(v as object), id: -1, sku: '', email: 'x' },
      ];
      for (const e of catalog) {
        const jit = validatorFor(e.code, e.schema);
        const pre = aot.validatorFor(e.code);
        for (const v of variants(e.sample)) {
          expect([e.code, pre(v)]).toEqual([e.code, jit(v)]);
          expect(pre.errors ?? null).toEqual(jit.errors ?? null);
        }
      }
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});

describe('aio app build (webpack-config.js)', () => {
  it('bundles the webhook with webpack the way the Adobe CLI does, and the bundle publishes', async () => {
    const { webpackBuild } = require('../../../scripts/webpack-build.js') as {
      webpackBuild(
        root: string,
        action: string,
        outdir: string,
      ): Promise<{ file: string; config: string; warnings: string[] }>;
    };
    const out = path.join(outdir, 'webpack');
    const r = await webpackBuild(root, 'actions/ingestion/webhook/index.ts', out);
    expect(path.relative(root, r.config)).toBe(path.join('actions', 'ingestion', 'webhook', 'webpack-config.js'));
    expect(r.warnings).toEqual([]);
    const io = await new FakeIoEvents().start();
    try {
      const { main } = require(r.file) as { main: (p: object) => Promise<{ statusCode?: number }> };
      const res = await main({
        ...io.inputs(),
        LOG_LEVEL: 'error',
        INGESTION_AUTH: 'none',
        __ow_method: 'post',
        __ow_headers: { 'content-type': 'application/json' },
        __ow_body: JSON.stringify({
          data: { uid: 'w-1', event: 'be-observer.catalog_product_delete', value: { sku: 'A' } },
        }),
      });
      expect(res.statusCode).toBe(200);
      expect(io.published).toHaveLength(1);
    } finally {
      await io.stop();
    }
  }, 240_000);
});
