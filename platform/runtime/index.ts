/** The I/O Runtime module: actions of app.config.yaml, OpenWhisk REST + web actions. */
import type { PlatformContext, PlatformModule } from '../core/types';
import { loadAppConfig } from '../core/app-config';
import { DIALECTS } from '../core/errors';
import { LocalRuntime } from './runtime';
import { registerRuntimeRoutes } from './routes';

export interface RuntimeModuleOptions {
  /** rebuild actions when their sources change (default: false; the CLI turns it on) */
  watch?: boolean;
}

export function runtimeModule(opts: RuntimeModuleOptions = {}): PlatformModule & { runtime?: LocalRuntime } {
  let rt: LocalRuntime | undefined;
  const mod: PlatformModule & { runtime?: LocalRuntime } = {
    name: 'runtime',
    async register(app, ctx: PlatformContext) {
      const appConfig = loadAppConfig(ctx.config.projectDir);
      rt = new LocalRuntime(ctx, appConfig.actions, { watch: opts.watch ?? false, server: app.server });
      mod.runtime = rt;
      ctx.runtime = rt;
      await rt.build();
      ctx.errors.register('/api/v1', DIALECTS.openwhisk);
      ctx.errors.register('/runtime', DIALECTS.openwhisk);
      await app.register(async (scope) => registerRuntimeRoutes(scope, ctx, rt as LocalRuntime));
    },
    async close() {
      await rt?.close();
    },
  };
  return mod;
}
