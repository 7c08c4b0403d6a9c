/**
 * Bundle each action's `function` (a .ts/.js file, or a folder with an index or a
 * package.json `main`) into `{dataDir}/build/{pkg}/{action}.js`: CommonJS, Node 20, every
 * dependency bundled, one file per action.
 *
 * - An action under a `*webpack-config.js` (the nearest one walking up from its folder to the
 *   project) is built the way `aio app build` builds it, with that configuration
 *   (scripts/webpack-build.js): the local platform runs the very bundles that are deployed.
 *   Other actions are built with esbuild.
 * - One bundler run for all the actions to build (shared modules are parsed once); if it
 *   fails, each action is built alone so that one broken action does not stop the others.
 * - A build cache in `{projectDir}/node_modules/.cache/local-platform/` keyed by the entry
 *   file: a bundle is reused while none of its input files changed (size + mtime), so a
 *   restart or a fresh data dir does not rebuild the app.
 * - With `watch`, the app's own input files (not node_modules) are watched; when one
 *   changes, the actions that include it are rebuilt and `onChange` recycles their workers.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { ActionSpec } from '../core/app-config';
import type { Logger } from '../core/types';
import { atomicWrite, cacheDirFor, hashFile, resolveEntry, statKey } from './build-files';

export interface BuiltAction {
  spec: ActionSpec;
  bundle: string;
  /** last build error, if the last build failed */
  error?: string;
  /** epoch ms of the last successful build */
  builtAt?: number;
}

interface CacheManifest {
  entry: string;
  esbuild: string;
  /** absolute input path → [size, mtimeMs] */
  inputs: Record<string, [number, number]>;
}

const CACHE_VERSION = '2';

interface Target {
  entry: BuiltAction;
  entryPoint: string;
  /** the webpack configuration that builds it, if any */
  webpack?: string;
}

interface WebpackBuilder {
  findConfig(root: string, file: string): string | null;
  buildManyInChild(
    root: string,
    actions: Array<{ name: string; source: string }>,
    outdir: string,
  ): Promise<{ built: Array<{ name: string; inputs: string[] }> }>;
}
const webpackBuilder = (): WebpackBuilder => require('../../scripts/webpack-build.js') as WebpackBuilder;

/**
 * The configuration file, the project's own files it requires (bundle trims, patches,
 * plugins) and the loaders it names: a change to one of them rebuilds.
 */
function configFiles(config: string): string[] {
  const files = new Set<string>([config]);
  const walk = (m: NodeModule | undefined): void => {
    if (!m || files.has(m.filename) || m.filename.includes(`${path.sep}node_modules${path.sep}`)) return;
    files.add(m.filename);
    for (const c of m.children) walk(c);
  };
  try {
    const c = require(config) as {
      module?: { rules?: Array<{ use?: { loader?: string } | Array<{ loader?: string }> }> };
    };
    for (const child of require.cache[config]?.children ?? []) walk(child);
    for (const r of c.module?.rules ?? [])
      for (const u of Array.isArray(r.use) ? r.use : [r.use])
        if (u?.loader && path.isAbsolute(u.loader)) files.add(u.loader);
  } catch {
    // a broken configuration fails the build itself
  }
  return [...files];
}

/** which bundler (and version of this cache) made a cached bundle */
const bundlerKey = (webpackConfig: string | undefined): string =>
  webpackConfig ? `webpack:${webpackConfig}/${CACHE_VERSION}` : `${esbuild.version}/${CACHE_VERSION}`;

export class ActionBuilder {
  readonly built = new Map<string, BuiltAction>();
  private readonly cacheDir: string;
  /** fullName → its inputs (absolute), from the last build */
  private inputs = new Map<string, string[]>();
  private hashes = new Map<string, string>();
  private watchers = new Map<string, fs.FSWatcher>();
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private watching = false;
  private building: Promise<void> = Promise.resolve();

  constructor(
    private readonly buildDir: string,
    private readonly projectDir: string,
    private readonly log: Logger,
    private readonly onChange: (fullName: string) => void,
  ) {
    this.cacheDir = cacheDirFor(projectDir, buildDir);
  }

  /** Build (or take from the cache) every action once; start watching when asked. */
  async buildAll(specs: ActionSpec[], watch: boolean): Promise<void> {
    const started = Date.now();
    const targets: Target[] = [];
    let cached = 0;
    for (const spec of specs) {
      const entry: BuiltAction = { spec, bundle: path.join(this.buildDir, spec.packageName, `${spec.actionName}.js`) };
      this.built.set(spec.fullName, entry);
      let entryPoint: string;
      try {
        entryPoint = resolveEntry(spec.functionPath);
      } catch (e) {
        entry.error = (e as Error).message;
        this.log.error('action build failed', { action: spec.fullName, error: entry.error });
        continue;
      }
      const config = webpackBuilder().findConfig(this.projectDir, entryPoint) ?? undefined;
      if (this.fromCache(entry, entryPoint, config)) cached++;
      else targets.push({ entry, entryPoint, ...(config ? { webpack: config } : {}) });
    }
    await this.build(targets);
    this.log.info('actions ready', { actions: specs.length, cached, built: targets.length, ms: Date.now() - started });
    if (watch) {
      this.watching = true;
      this.refreshWatchers();
    }
  }

  private cachePaths(entryPoint: string): { js: string; meta: string } {
    const key = crypto.createHash('sha1').update(entryPoint).digest('hex').slice(0, 16);
    return { js: path.join(this.cacheDir, `${key}.js`), meta: path.join(this.cacheDir, `${key}.json`) };
  }

  private fromCache(entry: BuiltAction, entryPoint: string, config: string | undefined): boolean {
    const { js, meta } = this.cachePaths(entryPoint);
    try {
      const m = JSON.parse(fs.readFileSync(meta, 'utf8')) as CacheManifest;
      if (m.entry !== entryPoint || m.esbuild !== bundlerKey(config)) return false;
      for (const [f, [size, mtime]] of Object.entries(m.inputs)) {
        const now = statKey(f);
        if (!now || now[0] !== size || now[1] !== mtime) return false;
      }
      fs.mkdirSync(path.dirname(entry.bundle), { recursive: true });
      fs.copyFileSync(js, entry.bundle);
      entry.builtAt = Date.now();
      this.inputs.set(entry.spec.fullName, Object.keys(m.inputs));
      this.hashes.set(entry.spec.fullName, hashFile(entry.bundle));
      return true;
    } catch {
      return false;
    }
  }

  private options(): esbuild.BuildOptions {
    return {
      absWorkingDir: this.projectDir,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'silent',
      metafile: true,
      write: true,
      // optional native/peer modules some libraries probe for at runtime
      external: ['encoding', 'bufferutil', 'utf-8-validate'],
    };
  }

  /** Build the targets in one run per bundler; if one fails, build each alone to isolate errors. */
  private async build(targets: Target[]): Promise<void> {
    if (targets.length === 0) return;
    const packed = targets.filter((t) => t.webpack);
    const rest = targets.filter((t) => !t.webpack);
    await Promise.all([this.buildWithWebpack(packed), this.buildWithEsbuild(rest)]);
  }

  private async buildWithWebpack(targets: Target[]): Promise<void> {
    if (targets.length === 0) return;
    try {
      const { built } = await webpackBuilder().buildManyInChild(
        this.projectDir,
        targets.map((t) => ({ name: `${t.entry.spec.packageName}/${t.entry.spec.actionName}`, source: t.entryPoint })),
        this.buildDir,
      );
      for (const t of targets) {
        const name = `${t.entry.spec.packageName}/${t.entry.spec.actionName}`;
        const inputs = built.find((b) => b.name === name)?.inputs ?? [t.entryPoint];
        this.done(t, [...inputs, ...configFiles(t.webpack as string)]);
      }
      return;
    } catch (e) {
      if (targets.length === 1) {
        this.failed(targets[0] as Target, e);
        return;
      }
    }
    for (const t of targets) await this.buildWithWebpack([t]);
  }

  private async buildWithEsbuild(targets: Target[]): Promise<void> {
    if (targets.length === 0) return;
    try {
      const result = await esbuild.build({
        ...this.options(),
        entryPoints: targets.map((t) => ({
          in: t.entryPoint,
          out: `${t.entry.spec.packageName}/${t.entry.spec.actionName}`,
        })),
        outdir: this.buildDir,
      });
      for (const t of targets) {
        // the inputs of this output, as absolute paths
        const rel = path.relative(this.projectDir, t.entry.bundle).split(path.sep).join('/');
        const out = result.metafile?.outputs[rel];
        this.done(t, out ? Object.keys(out.inputs).map((i) => path.resolve(this.projectDir, i)) : [t.entryPoint]);
      }
      return;
    } catch (e) {
      if (targets.length === 1) {
        this.failed(targets[0] as Target, e);
        return;
      }
    }
    await Promise.all(targets.map((t) => this.buildWithEsbuild([t])));
  }

  private done(t: Target, inputs: string[]): void {
    const { entry, entryPoint } = t;
    delete entry.error;
    entry.builtAt = Date.now();
    this.inputs.set(entry.spec.fullName, inputs);
    const h = hashFile(entry.bundle);
    const prev = this.hashes.get(entry.spec.fullName);
    this.hashes.set(entry.spec.fullName, h);
    if (prev !== undefined && prev !== h) {
      this.log.info('action rebuilt', { action: entry.spec.fullName });
      this.onChange(entry.spec.fullName);
    }
    try {
      const { js, meta: metaFile } = this.cachePaths(entryPoint);
      fs.mkdirSync(this.cacheDir, { recursive: true });
      const manifest: CacheManifest = { entry: entryPoint, esbuild: bundlerKey(t.webpack), inputs: {} };
      for (const f of inputs) {
        const k = statKey(f);
        if (k) manifest.inputs[f] = k;
      }
      atomicWrite(js, fs.readFileSync(entry.bundle));
      atomicWrite(metaFile, JSON.stringify(manifest));
    } catch {
      // a cache that cannot be written only costs a rebuild next time
    }
  }

  private failed(t: Target, e: unknown): void {
    const errors = (e as { errors?: esbuild.Message[] }).errors;
    t.entry.error = errors?.length
      ? errors.map((m) => `${m.location ? `${m.location.file}:${m.location.line}: ` : ''}${m.text}`).join('; ')
      : String((e as Error).message ?? e);
    this.log.error('action build failed', { action: t.entry.spec.fullName, error: t.entry.error });
    // keep watching what it was made of, and the entry itself, so a fix is picked up
    const prev = this.inputs.get(t.entry.spec.fullName) ?? [];
    if (!prev.includes(t.entryPoint)) this.inputs.set(t.entry.spec.fullName, [...prev, t.entryPoint]);
  }

  /** Watch every input that is the app's own (not node_modules). */
  private refreshWatchers(): void {
    if (!this.watching) return;
    const wanted = new Set<string>();
    for (const list of this.inputs.values())
      for (const f of list) if (!f.includes(`${path.sep}node_modules${path.sep}`)) wanted.add(f);
    for (const [f, w] of this.watchers) {
      if (!wanted.has(f)) {
        w.close();
        this.watchers.delete(f);
      }
    }
    for (const f of wanted) {
      if (this.watchers.has(f)) continue;
      try {
        const w = fs.watch(f, { persistent: false }, () => this.changed(f));
        w.on('error', () => undefined);
        this.watchers.set(f, w);
      } catch {
        /* file gone: a later change of its importer re-adds it */
      }
    }
  }

  private changed(file: string): void {
    for (const [name, list] of this.inputs) if (list.includes(file)) this.pending.add(name);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const names = [...this.pending];
      this.pending.clear();
      this.building = this.building.then(() => this.rebuild(names));
    }, 100);
  }

  private async rebuild(names: string[]): Promise<void> {
    const targets: Target[] = [];
    for (const n of names) {
      const entry = this.built.get(n);
      if (!entry) continue;
      try {
        const entryPoint = resolveEntry(entry.spec.functionPath);
        const config = webpackBuilder().findConfig(this.projectDir, entryPoint) ?? undefined;
        targets.push({ entry, entryPoint, ...(config ? { webpack: config } : {}) });
      } catch (e) {
        entry.error = (e as Error).message;
      }
    }
    await this.build(targets);
    // editors often replace files (new inode): watch again what the actions are made of now
    for (const [f, w] of this.watchers) {
      w.close();
      this.watchers.delete(f);
    }
    this.refreshWatchers();
  }

  async close(): Promise<void> {
    this.watching = false;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
    await this.building.catch(() => undefined);
  }
}
