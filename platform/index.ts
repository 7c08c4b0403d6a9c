/**
 * The local Adobe I/O platform: I/O Runtime, State and IMS wire protocols (and the modules
 * listed in ./modules.ts) in one process over one SQLite file.
 */
import { assemblePlatform, type RunningPlatform } from './core/server';
import type { PlatformModule } from './core/types';
import { defaultModules } from './modules';

export type { RunningPlatform } from './core/server';
export type * from './core/types';
export { defaultModules } from './modules';

export interface StartPlatformOptions {
  /** where app.config.yaml (and .env) are; default: the current directory */
  projectDir?: string;
  /** 0 = a random free port; default PLATFORM_PORT or 3233 */
  port?: number;
  host?: string;
  /** default PLATFORM_DATA_DIR or {projectDir}/.data */
  dataDir?: string;
  /** default {projectDir}/.env */
  envFile?: string;
  timeScale?: number;
  productionLimits?: boolean;
  /** default: defaultModules() */
  modules?: PlatformModule[];
  quiet?: boolean;
  /** rebuild actions on change (only used with the default modules) */
  watch?: boolean;
  /** accept events only after `markReady()` (see core/readiness.ts) */
  awaitReady?: boolean;
}

export function startPlatform(opts: StartPlatformOptions = {}): Promise<RunningPlatform> {
  const modules = opts.modules ?? defaultModules({ watch: opts.watch ?? false });
  return assemblePlatform(opts, modules);
}
