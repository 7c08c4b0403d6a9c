/**
 * Bundle each action's `function` (a .ts/.js file, or a folder with an index or a
 * package.json `main`) with esbuild into `{dataDir}/build/{pkg}/{action}.js`: CommonJS,
 * Node 20, every dependency bundled, as `aio app build` would produce one file per action.
 * With `watch`, esbuild rebuilds on change and `onChange` is called when an action's bundle
 * really changed, so its warm workers get recycled.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import type { ActionSpec } from '../core/app-config';
import type { Logger } from '../core/types';

export interface BuiltAction {
  spec: ActionSpec;
  bundle: string;
  /** last build error, if the last build failed */
  error?: string;
  /** epoch ms of the last successful build */
  builtAt?: number;
}

const INDEX_NAMES = ['index.ts', 'index.js', 'index.mjs', 'index.cjs', 'main.ts', 'main.js'];

export function resolveEntry(functionPath: string): string {
  const st = fs.statSync(functionPath, { throwIfNoEntry: false });
  if (!st) throw new Error(`action source not found: ${functionPath}`);
  if (st.isFile()) return functionPath;
  const pkgFile = path.join(functionPath, 'package.json');
  if (fs.existsSync(pkgFile)) {
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { main?: string };
    if (pkg.main) return path.resolve(functionPath, pkg.main);
  }
  for (const n of INDEX_NAMES) {
    const f = path.join(functionPath, n);
    if (fs.existsSync(f)) return f;
  }
  throw new Error(`no index file in action folder ${functionPath}`);
}

function hashFile(f: string): string {
  try {
    return crypto.createHash('sha1').update(fs.readFileSync(f)).digest('hex');
  } catch {
    return '';
  }
}

export class ActionBuilder {
  private contexts: esbuild.BuildContext[] = [];
  readonly built = new Map<string, BuiltAction>();
  private hashes = new Map<string, string>();

  constructor(
    private readonly buildDir: string,
    private readonly log: Logger,
    private readonly onChange: (fullName: string) => void,
  ) {}

  /** Build every action once (in parallel); start watching when asked. */
  async buildAll(specs: ActionSpec[], watch: boolean): Promise<void> {
    await Promise.all(specs.map((s) => this.buildOne(s, watch)));
  }

  private async buildOne(spec: ActionSpec, watch: boolean): Promise<void> {
    const outfile = path.join(this.buildDir, spec.packageName, `${spec.actionName}.js`);
    const entry: BuiltAction = { spec, bundle: outfile };
    this.built.set(spec.fullName, entry);
    let entryPoint: string;
    try {
      entryPoint = resolveEntry(spec.functionPath);
    } catch (e) {
      entry.error = (e as Error).message;
      this.log.error('action build failed', { action: spec.fullName, error: entry.error });
      return;
    }
    const started = Date.now();
    const onEndPlugin: esbuild.Plugin = {
      name: 'platform-on-end',
      setup: (b) => {
        b.onEnd((result) => {
          if (result.errors.length > 0) {
            entry.error = result.errors.map((e) => `${e.location?.file ?? ''}:${e.location?.line ?? ''} ${e.text}`).join('; ');
            this.log.error('action build failed', { action: spec.fullName, error: entry.error });
            return;
          }
          delete entry.error;
          entry.builtAt = Date.now();
          const h = hashFile(outfile);
          const prev = this.hashes.get(spec.fullName);
          this.hashes.set(spec.fullName, h);
          if (prev !== undefined && prev !== h) {
            this.log.info('action rebuilt', { action: spec.fullName });
            this.onChange(spec.fullName);
          } else if (prev === undefined) {
            this.log.debug('action built', { action: spec.fullName, ms: Date.now() - started });
          }
        });
      },
    };
    const ctx = await esbuild.context({
      entryPoints: [entryPoint],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'silent',
      // optional native/peer modules some libraries probe for at runtime
      external: ['encoding', 'bufferutil', 'utf-8-validate'],
      plugins: [onEndPlugin],
    });
    this.contexts.push(ctx);
    try {
      await ctx.rebuild();
    } catch {
      // reported by onEnd
    }
    if (watch) await ctx.watch();
    else {
      await ctx.dispose();
      this.contexts = this.contexts.filter((c) => c !== ctx);
    }
  }

  async close(): Promise<void> {
    const ctxs = this.contexts;
    this.contexts = [];
    await Promise.all(ctxs.map((c) => c.dispose().catch(() => undefined)));
  }
}
