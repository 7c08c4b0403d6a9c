/**
 * ingestion/webhook only: the project's webpack-config.js plus the trims this package's
 * actions may also take (scripts/bundle-trims.js `perAction`). The Adobe CLI uses the
 * nearest `*webpack-config.js` walking up from the action's folder.
 */
'use strict';
const base = require('../../webpack-config.js');
const trims = require('../../scripts/bundle-trims.js');

const extra = trims.perAction['ingestion/webhook'] || {};
module.exports = {
  ...base,
  resolve: {
    ...base.resolve,
    alias: {
      ...base.resolve.alias,
      ...Object.fromEntries(Object.entries(extra).map(([name, file]) => [`${name}$`, file])),
    },
  },
};
