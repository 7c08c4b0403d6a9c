/**
 * Bundle actions with webpack the way `aio app build` does (aio-lib-runtime's build-actions:
 * nearest `*webpack-config.js` walking up from the action's folder, action pushed as entry,
 * `target: 'node'`, commonjs2 output, production mode, `optimization.minimize` false unless
 * the config says otherwise, `.js`/`.json` appended to the extensions and `main` to the main
 * fields, AIO_CLI_ENV defined). `npm run build` and the local platform build with it, so the
 * bundles they run are the ones `aio app build` deploys.
 *
 *   node scripts/webpack-build.js actions/ingestion/webhook/index.ts outdir
 */
'use strict';
const { execFile } = require('child_process');
const fs = require('fs');
const path = require('path');
// loaded when a build runs: finding configurations and starting a child need none of it
const webpack = () => require('webpack');

/** The `*webpack-config.js` nearest to the action, walking up to the project root (null: none). */
function findConfig(root, actionFile) {
  if (path.relative(root, actionFile).startsWith('..')) return null;
  let dir = path.dirname(actionFile);
  for (;;) {
    const found = fs.existsSync(dir) && fs.readdirSync(dir).find((n) => n.endsWith('webpack-config.js'));
    if (found) return path.join(dir, found);
    if (dir === root || dir === path.dirname(dir)) return null;
    dir = path.dirname(dir);
  }
}

/**
 * The configuration the Adobe CLI would run for these entries (`{ name: absolute file }`;
 * the CLI has one, named `index`). `minify: false` turns minification off (for reading a bundle).
 */
function cliConfig(configPath, entries, outdir, opts = {}) {
  const user = configPath ? require(configPath) : {};
  const config = { ...user };
  config.entry = entries;
  config.output = { ...(user.output || {}), libraryTarget: 'commonjs2', path: outdir, filename: '[name].js' };
  config.target = 'node';
  config.mode = user.mode || 'production';
  config.optimization = { minimize: false, ...(user.optimization || {}) };
  if (opts.minify === false) config.optimization.minimize = false;
  const resolve = { ...(user.resolve || {}) };
  resolve.extensions = [...new Set([...(resolve.extensions || []), '.js', '.json'])];
  resolve.mainFields = [...new Set([...(resolve.mainFields || []), 'main'])];
  config.resolve = resolve;
  config.plugins = [
    ...(user.plugins || []),
    new (webpack().DefinePlugin)({
      WEBPACK_ACTION_BUILD: 'true',
      'process.env.AIO_CLI_ENV': JSON.stringify(process.env.AIO_CLI_ENV || 'prod'),
    }),
  ];
  return config;
}

function run(config) {
  return new Promise((resolve, reject) => {
    webpack()(config).run((err, stats) => {
      if (err) return reject(err);
      const info = stats.toJson({ all: false, errors: true, warnings: true });
      if (stats.hasErrors()) return reject(new Error(info.errors.map((e) => e.message).join('\n')));
      resolve({ stats, warnings: (info.warnings || []).map((w) => w.message) });
    });
  });
}

/** The files each entry is made of (modules and what loaders read), absolute. */
function inputsByEntry(compilation) {
  const out = {};
  for (const chunk of compilation.chunks) {
    if (!chunk.name) continue;
    const files = new Set();
    for (const m of compilation.chunkGraph.getChunkModulesIterable(chunk)) {
      const mods = m.modules ? [m, ...m.modules] : [m]; // concatenated modules hold the others
      for (const x of mods) {
        if (x.resource) files.add(x.resource.split('?')[0]);
        for (const f of (x.buildInfo && x.buildInfo.fileDependencies) || []) files.add(f);
      }
    }
    out[chunk.name] = [...files].filter((f) => path.isAbsolute(f));
  }
  return out;
}

/**
 * Build several actions (`[{ name: 'pkg/action', source }]`) into `outdir/pkg/action.js`:
 * one webpack run per configuration file (the actions that share one are parsed together).
 * Resolves to `[{ name, file, inputs }]`; rejects on the first configuration that fails.
 */
async function buildMany(root, actions, outdir, opts = {}) {
  const groups = new Map();
  for (const a of actions) {
    const cfg = findConfig(path.resolve(root), path.resolve(root, a.source));
    groups.set(cfg, [...(groups.get(cfg) || []), a]);
  }
  const out = [];
  const warnings = [];
  for (const [cfg, group] of groups) {
    const entries = Object.fromEntries(group.map((a) => [a.name, path.resolve(root, a.source)]));
    const { stats, warnings: w } = await run(cliConfig(cfg, entries, outdir, opts));
    warnings.push(...w);
    const inputs = inputsByEntry(stats.compilation);
    for (const a of group)
      out.push({ name: a.name, file: path.join(outdir, `${a.name}.js`), config: cfg, inputs: inputs[a.name] || [] });
  }
  return { built: out, warnings };
}

/** One action, as the CLI builds it: `outdir/index.js`. */
async function webpackBuild(root, actionFile, outdir, opts = {}) {
  const action = path.resolve(root, actionFile);
  const configPath = opts.config || findConfig(path.resolve(root), action);
  const { warnings } = await run(cliConfig(configPath, { index: action }, outdir, opts));
  return { file: path.join(outdir, 'index.js'), config: configPath, warnings };
}

/**
 * `buildMany` in a child Node process: webpack's CPU-heavy work stays off the caller's event
 * loop (the local platform keeps serving), and a test runner's module system never loads it.
 */
function buildManyInChild(root, actions, outdir, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [path.join(__dirname, 'webpack-build.js'), '--many', JSON.stringify({ root, actions, outdir, opts })],
      { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NODE_OPTIONS: '' } },
      (err, stdout, stderr) => {
        const last = stdout.trim().split('\n').pop() || '';
        if (err) return reject(new Error(stderr.trim() || err.message));
        try {
          resolve(JSON.parse(last));
        } catch {
          reject(new Error(`webpack build printed no result: ${stderr.trim() || stdout.trim()}`));
        }
      },
    );
    if (child.stdin) child.stdin.end();
  });
}

module.exports = { webpackBuild, buildMany, buildManyInChild, findConfig };

if (require.main === module && process.argv[2] === '--many') {
  const { root, actions, outdir, opts } = JSON.parse(process.argv[3]);
  buildMany(root, actions, outdir, opts).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (e) => {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    },
  );
} else if (require.main === module) {
  const [actionFile, outdir] = process.argv.slice(2);
  if (!actionFile || !outdir) {
    process.stderr.write('usage: node scripts/webpack-build.js <action source> <outdir>\n');
    process.exit(2);
  }
  const started = Date.now();
  webpackBuild(process.cwd(), actionFile, path.resolve(outdir)).then(
    (r) =>
      process.stdout.write(
        `${r.file} (${(fs.statSync(r.file).size / 1024).toFixed(0)} KB, config ${path.relative(process.cwd(), r.config || '-')}, ${Date.now() - started} ms)${r.warnings.length ? `\nwarnings:\n${r.warnings.join('\n')}` : ''}\n`,
      ),
    (e) => {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    },
  );
}
