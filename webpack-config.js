/**
 * Webpack configuration of every action bundle: `aio app build` / `aio app deploy` use it (the
 * Adobe CLI looks for `*webpack-config.js` from each action's folder up to the project root),
 * and so do `npm run build` and the local platform (`npm start`), through
 * scripts/webpack-build.js, so what runs locally is what is deployed. The CLI adds the action
 * as entry, sets `target: 'node'`, `output` (commonjs2) and `mode`, and appends `.js`/`.json`
 * to `resolve.extensions`; this file adds:
 * - TypeScript, as ES modules (scripts/webpack/ts-loader.js: esbuild strips the types; no type
 *   check here, `npm run typecheck` is that), so unused exports are dropped;
 * - the bundle trims (scripts/bundle-trims.js) and the source patches of dependencies
 *   (scripts/bundle-patches.js, guarded: a patch that no longer fits fails the build);
 * - the catalog's schemas compiled ahead of time in place of src/catalog/validators.ts;
 * - minification with esbuild (the CLI's default is none).
 *
 * It is a plain object, the form every version of the CLI accepts.
 */
'use strict';
const path = require('path');
const trims = require('./scripts/bundle-trims.js');
const { patches } = require('./scripts/bundle-patches.js');
const { EsbuildMinifyPlugin, PatchGuardPlugin } = require('./scripts/webpack/plugins.js');

const loader = (name) => path.join(__dirname, 'scripts', 'webpack', name);
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const sep = '[\\\\/]';
const validators = path.join(__dirname, 'src', 'catalog', 'validators.ts');

module.exports = {
  devtool: false,
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: [/node_modules/, validators],
        use: { loader: loader('ts-loader.js') },
      },
      {
        test: validators,
        use: { loader: loader('validators-loader.js') },
      },
      {
        test: new RegExp(
          patches
            .map(
              (p) =>
                `${sep}node_modules${sep}${[...p.package.split('/'), ...p.file.split('/')].map(escapeRe).join(sep)}$`,
            )
            .join('|'),
        ),
        use: { loader: loader('patch-loader.js') },
      },
    ],
  },
  resolve: {
    extensions: ['.ts', '.js', '.json'],
    // `$` = exact module name
    alias: {
      ...Object.fromEntries(Object.entries(trims.all).map(([name, file]) => [`${name}$`, file])),
      // node-fetch's optional charset converter (try/require); never installed, never needed
      encoding$: false,
    },
  },
  optimization: { minimize: true, minimizer: [new EsbuildMinifyPlugin()] },
  plugins: [new PatchGuardPlugin()],
};
