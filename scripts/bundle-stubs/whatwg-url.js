// node-fetch 2 loads whatwg-url but only uses it when Node's `url` module has no URL class
// (`Url.URL || whatwgUrl.URL`); Node >= 10 always has one. Node's own URL stands in.
'use strict';
module.exports = { URL: globalThis.URL, URLSearchParams: globalThis.URLSearchParams };
