// @adobe/aio-lib-env decides prod or stage from AIO_CLI_ENV or the aio CLI's config files,
// which it reads through @adobe/aio-lib-core-config (js-yaml, hjson, dotenv, file reads at
// load). Actions have no CLI config: in Runtime the answer is AIO_CLI_ENV or prod, which is
// what this keeps (aio app build also defines process.env.AIO_CLI_ENV in bundles).
'use strict';
const PROD_ENV = 'prod';
const STAGE_ENV = 'stage';
const SUPPORTED_ENVS = [PROD_ENV, STAGE_ENV];
function getCliEnv() {
  const v = String(process.env.AIO_CLI_ENV || PROD_ENV).toLowerCase();
  return SUPPORTED_ENVS.includes(v) ? v : PROD_ENV;
}
function setCliEnv() {
  throw new Error('setCliEnv is a CLI operation, not available in an action');
}
module.exports = { getCliEnv, setCliEnv, SUPPORTED_ENVS, DEFAULT_ENV: PROD_ENV, PROD_ENV, STAGE_ENV };
