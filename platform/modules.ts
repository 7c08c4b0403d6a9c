/**
 * The platform's default module list, in registration order. Add a service here (one line).
 */
import type { PlatformModule } from './core/types';
import { runtimeModule } from './runtime';
import { stateModule } from './state';
import { imsModule } from './ims';
import { eventsModule } from './events';
import { commerceModule } from './commerce';
import { consoleModule } from './console';
import { lookupModule } from './lookup';
import { proxyModule } from './proxy';

export interface DefaultModuleOptions {
  /** rebuild actions when their sources change */
  watch?: boolean;
}

export function defaultModules(opts: DefaultModuleOptions = {}): PlatformModule[] {
  return [
    proxyModule(),
    runtimeModule({ watch: opts.watch ?? false }),
    stateModule(),
    imsModule(),
    eventsModule(),
    commerceModule(),
    consoleModule(),
    lookupModule(),
  ];
}
