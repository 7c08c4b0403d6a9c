// rxjs is required at load by @adobe/aio-lib-events' journalling module (it declares
// `class EventsConsumerFromJournal extends Rx.Subject`), which only
// getEventsObservableFromJournal uses; actions never poll a journal. Subject exists so the
// module loads; using it, or anything else of rxjs, throws.
'use strict';
const notBundled = (name) =>
  new Error(`rxjs.${name} is not bundled into actions (journal polling is not used by actions)`);
class Subject {
  constructor() {
    throw notBundled('Subject');
  }
}
module.exports = new Proxy(
  { Subject },
  {
    get(target, name) {
      if (name in target) return target[name];
      if (name === '__esModule' || typeof name === 'symbol') return undefined;
      throw notBundled(String(name));
    },
  },
);
