/**
 * Bundle one action with webpack the way `aio app build` does (aio-lib-runtime's
 * build-actions: nearest `*webpack-config.js` walking up from the action's folder, action
 * pushed as entry, `target: 'node'`, commonjs2 output, production mode, no minification,
 * `.js`/`.json` appended to the extensions, AIO_CLI_ENV defined), so webpack-config.js can
 * be checked without the Adobe CLI installed.
 *
 *   node scripts/webpack-build.js actions/ingestion/webhook/index.ts outdir
 */
'use strict';
const fs = require('fs');
const path = require('path');
const webpack = require('webpack');

function findConfig(root, actionFile) {
  let dir = path.dirname(actionFile);
  for (;;) {
    const found = fs.readdirSync(dir).find((n) => n.endsWith('webpack-config.js'));
    if (found) return path.join(dir, found);
    if (dir === root || dir === path.dirname(dir)) return null;
    dir = path.dirname(dir);
  }
}

function webpackBuild(root, actionFile, outdir) {
  const action = path.resolve(root, actionFile);
  const configPath = findConfig(path.resolve(root), action);
  const user = configPath ? require(configPath) : {};
  const config = { ...user };
  config.entry = [action];
  config.output = { ...(user.output || {}), libraryTarget: 'commonjs2', path: outdir, filename: 'index.js' };
  config.target = 'node';
  config.mode = user.mode || 'production';
  config.optimization = { minimize: false, ...(user.optimization || {}) };
  const resolve = { ...(user.resolve || {}) };
  resolve.extensions = [...new Set([...(resolve.extensions || []), '.js', '.json'])];
  resolve.mainFields = [...new Set([...(resolve.mainFields || []), 'main'])];
  config.resolve = resolve;
  config.plugins = [
    ...(user.plugins || []),
    new webpack.DefinePlugin({
      WEBPACK_ACTION_BUILD: 'true',
      'process.env.AIO_CLI_ENV': JSON.stringify(process.env.AIO_CLI_ENV || 'prod'),
    }),
  ];
  return new Promise((resolvePromise, reject) => {
    webpack(config).run((err, stats) => {
      if (err) return reject(err);
      const info = stats.toJson({ all: false, errors: true, warnings: true });
      if (stats.hasErrors()) return reject(new Error(info.errors.map((e) => e.message).join('\n')));
      resolvePromise({
        file: path.join(outdir, 'index.js'),
        config: configPath,
        warnings: (info.warnings || []).map((w) => w.message),
      });
    });
  });
}

module.exports = { webpackBuild };

if (require.main === module) {
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
