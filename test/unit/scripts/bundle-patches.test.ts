/**
 * The source patches of dependencies applied at bundle time (scripts/bundle-patches.js): the
 * aio-lib-state patch fits the installed library, keeps its answers and errors, compiles each
 * schema once instead of on every call; a patch that no longer fits, or a bundle that holds a
 * patched library without its patched file, fails the build.
 */
import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';

const bp = require('../../../scripts/bundle-patches.js') as {
  patches: Array<{ name: string; package: string; file: string; find: string; replace: string }>;
  patchSource(file: string, source: string): string;
  missedPatches(bundled: string[], patched: Iterable<string>): Array<{ name: string }>;
};
const root = path.resolve(__dirname, '../../..');
const stateFile = require.resolve('@adobe/aio-lib-state/lib/AdobeState.js', { paths: [root] });

interface StateClass {
  new (ns: string, key: string, env: string, region: string): { get(key: string): Promise<unknown> };
}

/** Load AdobeState.js from `source` with an `ajv` whose compiles are counted. */
function loadCounting(source: string): { AdobeState: StateClass; compiles: () => number } {
  let compiles = 0;
  const realRequire = Module.createRequire(stateFile);
  const Ajv = realRequire('ajv') as new (o: object) => { compile(s: object): unknown };
  class CountingAjv extends Ajv {
    override compile(s: object): unknown {
      compiles++;
      return super.compile(s);
    }
  }
  const mod = { exports: {} as { AdobeState: StateClass } };
  const req = (id: string): unknown => (id === 'ajv' ? CountingAjv : realRequire(id));
  new Function('require', 'module', 'exports', '__filename', '__dirname', source)(
    req,
    mod,
    mod.exports,
    stateFile,
    path.dirname(stateFile),
  );
  return { AdobeState: mod.exports.AdobeState, compiles: () => compiles };
}

async function badKeyErrors(AdobeState: StateClass, n: number): Promise<string[]> {
  const state = new AdobeState('ns', 'key', 'prod', 'amer');
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await state.get('not a valid key!').then(String, (e: Error) => e.message));
  return out;
}

test('aio-lib-state: the patched validate compiles each schema once and answers as the original', async () => {
  const original = fs.readFileSync(stateFile, 'utf8');
  const patched = bp.patchSource(stateFile, original);
  expect(patched).not.toBe(original);
  const before = loadCounting(original);
  const after = loadCounting(patched);
  const errorsBefore = await badKeyErrors(before.AdobeState, 3);
  const errorsAfter = await badKeyErrors(after.AdobeState, 3);
  expect(errorsAfter).toEqual(errorsBefore);
  expect(errorsAfter[0]).toMatch(/must match pattern/);
  expect(before.compiles()).toBe(3); // the library as published: one compile per call
  expect(after.compiles()).toBe(1);
});

test('a patch that no longer fits its file fails loudly; other files pass through', () => {
  const original = fs.readFileSync(stateFile, 'utf8');
  const upgraded = original.replace('new Ajv({ allErrors: true })', 'new Ajv({ allErrors: true, strict: false })');
  expect(() => bp.patchSource(stateFile, upgraded)).toThrow(
    /no longer fits @adobe\/aio-lib-state\/lib\/AdobeState\.js/,
  );
  const twice = original + original;
  expect(() => bp.patchSource(stateFile, twice)).toThrow(/more than once/);
  const other = path.join(path.dirname(stateFile), 'utils.js');
  expect(bp.patchSource(other, 'x')).toBe('x');
});

test('a bundle that holds the library but not its patched file is reported', () => {
  const lib = path.dirname(stateFile);
  const index = path.join(path.dirname(lib), 'index.js');
  expect(bp.missedPatches([index, stateFile], [stateFile])).toEqual([]);
  expect(bp.missedPatches([index, stateFile], []).map((p) => p.name)).toEqual([bp.patches[0]?.name]);
  expect(bp.missedPatches([path.join(os.tmpdir(), 'x.js')], [])).toEqual([]);
});

test('the webpack build fails on a patch that no longer fits', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'patch-guard-'));
  try {
    // a copy of the library whose validate() differs, bundled through the project's configuration
    const pkg = path.join(tmp, 'node_modules', '@adobe', 'aio-lib-state');
    fs.mkdirSync(path.join(pkg, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(pkg, 'package.json'), '{"name":"@adobe/aio-lib-state","main":"lib/AdobeState.js"}');
    fs.writeFileSync(
      path.join(pkg, 'lib', 'AdobeState.js'),
      'function validate () {}\nmodule.exports = { validate }\n',
    );
    const entry = path.join(tmp, 'entry.js');
    fs.writeFileSync(entry, "module.exports = require('@adobe/aio-lib-state');\n");
    const { webpackBuild } = require('../../../scripts/webpack-build.js') as {
      webpackBuild(root: string, file: string, outdir: string, o: { config: string }): Promise<unknown>;
    };
    await expect(
      webpackBuild(tmp, entry, path.join(tmp, 'out'), { config: path.join(root, 'webpack-config.js') }),
    ).rejects.toThrow(/no longer fits/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}, 60_000);

test('every patch fits the installed library', () => {
  for (const p of bp.patches) {
    const file = require.resolve(`${p.package}/${p.file}`, { paths: [root] });
    const source = fs.readFileSync(file, 'utf8');
    expect([p.name, bp.patchSource(file, source).includes(p.replace)]).toEqual([p.name, true]);
  }
});

test('aio-lib-core-logging: a disabled debug-provider line is not formatted; an enabled one is written as before', () => {
  const file = require.resolve('@adobe/aio-lib-core-logging/src/DebugLogger.js', { paths: [root] });
  const realRequire = Module.createRequire(file);
  let formats = 0;
  const util = realRequire('node:util') as typeof import('node:util');
  const countingUtil = {
    ...util,
    format: (...a: unknown[]) => {
      formats++;
      return util.format(...a);
    },
  };
  const mod = { exports: {} as unknown };
  const req = (id: string): unknown => (id === 'node:util' ? countingUtil : realRequire(id));
  new Function('require', 'module', 'exports', bp.patchSource(file, fs.readFileSync(file, 'utf8')))(
    req,
    mod,
    mod.exports,
  );
  const DebugLogger = mod.exports as new (c: object) => { debug(...a: unknown[]): void; error(...a: unknown[]): void };
  const saved = process.env.DEBUG;
  process.env.DEBUG = 'patch-test'; // the label: its configured level (error) and above are on
  const out = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const logger = new DebugLogger({ label: 'patch-test', level: 'error' });
    logger.debug('response', { big: 'object' });
    expect(formats).toBe(0);
    logger.error('failed', 42);
    expect(formats).toBe(1);
    expect(out.mock.calls.map((c) => String(c[0]))).toEqual([expect.stringContaining('failed 42')]);
  } finally {
    out.mockRestore();
    if (saved === undefined) delete process.env.DEBUG;
    else process.env.DEBUG = saved;
  }
});
