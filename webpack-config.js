/**
 * Webpack configuration for `aio app build` / `aio app deploy` (the Adobe CLI looks for
 * `*webpack-config.js` from each action's folder up to the project root). The CLI adds the
 * action as entry, sets `target: 'node'`, `output` (commonjs2) and `mode`, and appends
 * `.js`/`.json` to `resolve.extensions`; this file adds TypeScript and the same bundle trims
 * as `npm run build` (scripts/bundle-trims.js).
 *
 * ts-loader only transpiles here (`transpileOnly`): `npm run typecheck` is the type check.
 * It is a plain object, the form every version of the CLI accepts.
 */
'use strict';
const path = require('path');
const trims = require('./scripts/bundle-trims.js');

module.exports = {
  devtool: false,
  module: {
    rules: [
      {
        test: /\.ts$/,
        exclude: /node_modules/,
        use: {
          loader: 'ts-loader',
          options: {
            transpileOnly: true,
            configFile: path.join(__dirname, 'tsconfig.json'),
            // tsconfig.json is `noEmit` for the type check; the bundler needs the output
            compilerOptions: { noEmit: false, sourceMap: false },
          },
        },
      },
    ],
  },
  resolve: {
    extensions: ['.ts', '.js', '.json'],
    // `$` = exact module name, as in scripts/build-actions.ts
    alias: {
      ...Object.fromEntries(Object.entries(trims.all).map(([name, file]) => [`${name}$`, file])),
      // node-fetch's optional charset converter (try/require); never installed, never needed
      encoding$: false,
    },
  },
};
