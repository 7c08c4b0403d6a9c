/**
 * Modules replaced by small stand-ins in action bundles (see bundle-stubs/), by
 * webpack-config.js (`aio app build`, `npm run build` and the local platform) and
 * actions/ingestion/webhook/webpack-config.js (the webhook's own).
 * - `all`: for every action;
 * - `perAction`: extra ones for one action (`package/action`).
 */
'use strict';
const path = require('path');

const stub = (file) => path.join(__dirname, 'bundle-stubs', file);

module.exports = {
  all: {
    rxjs: stub('rxjs.js'),
    'whatwg-url': stub('whatwg-url.js'),
    '@adobe/aio-lib-env': stub('aio-lib-env.js'),
    winston: stub('winston.js'),
    'iconv-lite': stub('iconv-lite.js'),
    'node-fetch': stub('node-fetch.js'),
  },
  perAction: {
    'ingestion/webhook': {
      '@adobe/aio-lib-state': stub('aio-lib-state.js'),
    },
  },
};
