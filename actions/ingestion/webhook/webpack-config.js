/**
 * ingestion/webhook only: the project's webpack-config.js plus the webhook's own trims
 * (scripts/bundle-trims.js `perAction`). The Adobe CLI uses the nearest `*webpack-config.js`
 * walking up from the action's folder, so this file sits in the webhook's folder: the other
 * ingestion actions (commercetools keeps versions in State) get the project's configuration.
 */
'use strict';
const base = require('../../../webpack-config.js');
const trims = require('../../../scripts/bundle-trims.js');

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
