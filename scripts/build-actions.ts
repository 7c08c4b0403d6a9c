/**
 * `npm run build`: bundle every action of app.config.yaml into
 * dist/actions/{package}/{action}.js and print each bundle's size. The bundles are made the
 * way `aio app build` makes them (scripts/webpack-build.js with the project's
 * webpack-config.js: minified, trimmed, patched, validators compiled ahead of time), so they
 * are the deployed files.
 *
 *   npx tsx scripts/build-actions.ts [--only pkg/action,...] [--outdir dir] [--no-minify] [--strict]
 *
 * An action whose source file does not exist yet is skipped with a warning (`--strict`:
 * fail instead).
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

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

const wp = require('./webpack-build.js') as {
  buildManyInChild(
    root: string,
    actions: Array<{ name: string; source: string }>,
    outdir: string,
    opts?: { minify?: boolean },
  ): Promise<{ built: Array<{ name: string; file: string; inputs: string[] }>; warnings: string[] }>;
  webpackBuild(
    root: string,
    file: string,
    outdir: string,
    opts?: { minify?: boolean; config?: string },
  ): Promise<{ file: string; warnings: string[] }>;
};

/**
 * Bundle one entry file exactly like an action (webpack-config.js, or `config`: another
 * action folder's webpack-config.js, for its per-action trims).
 */
export async function bundleEntry(
  source: string,
  outfile: string,
  opts: { root?: string; config?: string; minify?: boolean } = {},
): Promise<number> {
  const root = opts.root ?? path.resolve(__dirname, '..');
  const tmp = fs.mkdtempSync(path.join(path.dirname(outfile), '.bundle-'));
  try {
    const r = await wp.webpackBuild(root, source, tmp, {
      ...(opts.minify === false ? { minify: false } : {}),
      ...(opts.config ? { config: opts.config } : {}),
    });
    fs.renameSync(r.file, outfile);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
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
  const started = Date.now();
  const { built: out, warnings } = await wp.buildManyInChild(
    root,
    todo.map((a) => ({ name: a.name, source: a.source })),
    outdir,
    opts.minify === false ? { minify: false } : {},
  );
  for (const w of warnings) log(`  warning: ${w}`);
  const ms = Date.now() - started;
  const built: BuiltAction[] = out.map((b) => ({ name: b.name, file: b.file, bytes: fs.statSync(b.file).size, ms }));
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
  process.stdout.write('building actions with webpack-config.js\n');
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
