// Only for ingestion/webhook: @adobe/aio-lib-events requires @adobe/aio-lib-state at load
// for verifyDigitalSignatureForEvent (caching I/O Events' public keys), which the webhook
// never calls. Anything touched throws.
'use strict';
module.exports = {
  init() {
    throw new Error('@adobe/aio-lib-state is not bundled into ingestion/webhook');
  },
};
