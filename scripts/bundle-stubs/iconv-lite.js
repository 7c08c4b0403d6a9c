// needle (the openwhisk client's HTTP library) decodes responses through iconv-lite when a
// response declares a charset other than UTF-8; iconv-lite's tables are most of a consumer
// bundle. The OpenWhisk API answers JSON in UTF-8. With this stand-in needle sees only
// UTF-8 as supported and passes any other body through undecoded, exactly what it does
// when iconv-lite is not installed.
'use strict';
const UTF8 = /^utf-?8$/i;
module.exports = {
  encodingExists: (name) => UTF8.test(String(name)),
  decodeStream() {
    throw new Error('iconv-lite is not bundled into actions');
  },
  decode(buf, name) {
    if (UTF8.test(String(name))) return Buffer.from(buf).toString('utf8');
    throw new Error('iconv-lite is not bundled into actions');
  },
  encode(str, name) {
    if (UTF8.test(String(name))) return Buffer.from(String(str), 'utf8');
    throw new Error('iconv-lite is not bundled into actions');
  },
};
