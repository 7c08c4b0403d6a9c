/**
 * `npm run build`: bundle every action of app.config.yaml with esbuild into
 * dist/actions/{package}/{action}.js, one minified CommonJS file per action, and print each
 * bundle's size. The local platform loads these; `aio app build` uses webpack-config.js
 * instead (same sources, same trims from scripts/bundle-trims.js).
 *
 *   npx tsx scripts/build-actions.ts [--only pkg/action,...] [--outdir dir] [--no-minify] [--strict]
 *
 * An action whose source file does not exist yet is skipped with a warning (`--strict`:
 * fail instead).
 */
import fs from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions as BuildOptionsOfEsbuild, type Plugin } from 'esbuild';
import YAML from 'yaml';
import { writeValidators } from './generate-validators';

const trims = require('./bundle-trims.js') as {
  all: Record<string, string>;
  perAction: Record<string, Record<string, string>>;
};

export interface ManifestAction {
  /** `package/action` */
  name: string;
  package: string;
  action: string;
  /** absolute path of the action's source */
  source: string;
  web: boolean;
  raw: Record<string, unknown>;
}

type YamlMap = Record<string, unknown>;
const isMap = (v: unknown): v is YamlMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Read app.config.yaml and its `$include`s (paths relative to the including file). */
export function readManifest(root: string): ManifestAction[] {
  const appFile = path.join(root, 'app.config.yaml');
  const app = YAML.parse(fs.readFileSync(appFile, 'utf8')) as unknown;
  const packages =
    isMap(app) && isMap(app.application) && isMap(app.application.runtimeManifest)
      ? app.application.runtimeManifest.packages
      : undefined;
  if (!isMap(packages)) throw new Error('app.config.yaml has no application.runtimeManifest.packages');
  const out: ManifestAction[] = [];
  for (const [pkg, def] of Object.entries(packages)) {
    if (!isMap(def)) continue;
    let actions = def.actions;
    let baseDir = root;
    if (isMap(actions) && typeof actions.$include === 'string') {
      const file = path.resolve(root, actions.$include);
      actions = YAML.parse(fs.readFileSync(file, 'utf8')) as unknown;
      baseDir = path.dirname(file);
    }
    if (!isMap(actions)) continue;
    for (const [name, a] of Object.entries(actions)) {
      if (!isMap(a) || typeof a.function !== 'string') continue;
      out.push({
        name: `${pkg}/${name}`,
        package: pkg,
        action: name,
        source: path.resolve(baseDir, a.function),
        web: a.web === 'yes' || a.web === true,
        raw: a,
      });
    }
  }
  return out;
}

function trimPlugin(replacements: Record<string, string>): Plugin {
  const names = Object.keys(replacements);
  const filter = new RegExp(`^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`);
  return {
    name: 'bundle-trims',
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: replacements[args.path] as string }));
    },
  };
}

/**
 * src/catalog/validators.ts compiles schemas with ajv at run time; bundles get the
 * ahead-of-time module written by generate-validators.ts in its place.
 */
function precompiledValidatorsPlugin(generated: string): Plugin {
  return {
    name: 'precompiled-validators',
    setup(b) {
      b.onResolve({ filter: /^\.\/validators$/ }, (args) =>
        /[\\/]src[\\/]catalog$/.test(args.resolveDir) ? { path: generated } : undefined,
      );
    },
  };
}

/** What every action bundle is: one CommonJS file for Node 20 with every dependency inside. */
function esbuildOptions(minify: boolean): BuildOptionsOfEsbuild {
  return {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  };
}

/**
 * Bundle one entry file exactly like an action (same trims, precompiled validators);
 * `trimsOf` picks the per-action trims of that action name.
 */
export async function bundleEntry(
  source: string,
  outfile: string,
  opts: { root?: string; trimsOf?: string; minify?: boolean; writeGenerated?: boolean } = {},
): Promise<number> {
  const root = opts.root ?? path.resolve(__dirname, '..');
  const generated = path.join(root, 'dist', 'generated', 'validators.js');
  if (opts.writeGenerated !== false || !fs.existsSync(generated)) writeValidators(generated);
  await build({
    ...esbuildOptions(opts.minify ?? true),
    entryPoints: [source],
    outfile,
    plugins: [
      trimPlugin({ ...trims.all, ...((opts.trimsOf && trims.perAction[opts.trimsOf]) ?? {}) }),
      precompiledValidatorsPlugin(generated),
    ],
  });
  return fs.statSync(outfile).size;
}

export interface BuiltAction {
  name: string;
  file: string;
  bytes: number;
  ms: number;
}

export interface BuildOptions {
  root?: string;
  outdir?: string;
  only?: string[];
  minify?: boolean;
  /** skip actions whose source file does not exist (instead of failing) */
  skipMissing?: boolean;
  log?: (line: string) => void;
}

export async function buildActions(opts: BuildOptions = {}): Promise<{ built: BuiltAction[]; missing: string[] }> {
  const root = opts.root ?? path.resolve(__dirname, '..');
  const outdir = opts.outdir ?? path.join(root, 'dist', 'actions');
  const log = opts.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const actions = readManifest(root).filter((a) => !opts.only || opts.only.includes(a.name));
  const missing = actions.filter((a) => !fs.existsSync(a.source)).map((a) => a.name);
  if (missing.length > 0 && !opts.skipMissing) {
    throw new Error(`action sources missing: ${missing.join(', ')}`);
  }
  const todo = actions.filter((a) => {
    if (!missing.includes(a.name)) return true;
    log(`  skip  ${a.name} (no ${path.relative(root, a.source)})`);
    return false;
  });
  const generated = writeValidators(path.join(root, 'dist', 'generated', 'validators.js'));
  // one esbuild run per set of trims (every action but the webhook shares one): the
  // dependencies they share are parsed once
  const groups = new Map<string, ManifestAction[]>();
  for (const a of todo) {
    const key = JSON.stringify(trims.perAction[a.name] ?? {});
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  const built: BuiltAction[] = [];
  for (const [key, group] of groups) {
    const started = Date.now();
    await build({
      ...esbuildOptions(opts.minify ?? true),
      entryPoints: Object.fromEntries(group.map((a) => [`${a.package}/${a.action}`, a.source])),
      outdir,
      plugins: [
        trimPlugin({ ...trims.all, ...(JSON.parse(key) as Record<string, string>) }),
        precompiledValidatorsPlugin(generated),
      ],
    });
    const ms = Date.now() - started;
    for (const a of group) {
      const file = path.join(outdir, a.package, `${a.action}.js`);
      built.push({ name: a.name, file, bytes: fs.statSync(file).size, ms });
    }
  }
  built.sort((x, y) => todo.findIndex((a) => a.name === x.name) - todo.findIndex((a) => a.name === y.name));
  for (const b of built)
    log(`  ${(b.bytes / 1024).toFixed(0).padStart(5)} KB  ${b.name}  → ${path.relative(root, b.file)}`);
  return { built, missing };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const only = arg('--only')?.split(',').filter(Boolean);
  const outdir = arg('--outdir');
  const started = Date.now();
  process.stdout.write('building actions with esbuild\n');
  buildActions({
    ...(only ? { only } : {}),
    ...(outdir ? { outdir: path.resolve(outdir) } : {}),
    minify: !args.includes('--no-minify'),
    skipMissing: !args.includes('--strict'),
  })
    .then(({ built, missing }) => {
      if (missing.length > 0)
        process.stderr.write(`warning: ${missing.length} action(s) have no source yet and were not built\n`);
      const total = built.reduce((s, b) => s + b.bytes, 0);
      process.stdout.write(
        `built ${built.length} action(s), ${(total / 1024).toFixed(0)} KB in all, in ${Date.now() - started} ms\n`,
      );
    })
    .catch((err: unknown) => {
      process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
