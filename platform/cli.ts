/**
 * `platform start`: run the local Adobe I/O platform for the app in the current directory.
 *   npm start -- --port 3233 --data-dir .data --env-file .env
 */
import path from 'node:path';
import { startPlatform } from './index';
import { loadAppConfig } from './core/app-config';
import { HELP, parseArgs, type CliArgs } from './cli/args';
import { runHook } from './cli/hook';
import { summary } from './cli/summary';

export { parseArgs } from './cli/args';
export { runHook } from './cli/hook';
export { summary } from './cli/summary';

async function main(argv: string[]): Promise<void> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (args.help || args.command === 'help') {
    process.stdout.write(HELP);
    return;
  }
  if (args.command !== 'start') {
    process.stderr.write(`unknown command ${args.command ?? '(none)'}\n\n${HELP}`);
    process.exit(2);
  }
  // read by the events module (platform/events) at registration
  if (args.eventsConfig !== undefined) process.env.PLATFORM_EVENTS_CONFIG = path.resolve(args.eventsConfig);
  // When the app's post-app-deploy hook will run, it owns the wiring (onboarding creates the
  // providers, metadata and registrations through the management API, as against Adobe):
  // the project's conventional events.config file is then not applied as well, or both
  // would create providers of their own. An explicit --events-config is always applied.
  const hook = loadAppConfig(path.resolve(args.projectDir ?? process.cwd())).hooks['post-app-deploy'];
  const runsHook = Boolean(hook && args.hooks);
  if (runsHook && !process.env.PLATFORM_EVENTS_CONFIG) process.env.PLATFORM_EVENTS_CONFIG = 'none';
  const p = await startPlatform({
    ...(args.port !== undefined ? { port: args.port } : {}),
    ...(args.host !== undefined ? { host: args.host } : {}),
    ...(args.dataDir !== undefined ? { dataDir: args.dataDir } : {}),
    ...(args.envFile !== undefined ? { envFile: args.envFile } : {}),
    ...(args.projectDir !== undefined ? { projectDir: args.projectDir } : {}),
    ...(args.productionLimits !== undefined ? { productionLimits: args.productionLimits } : {}),
    ...(args.timeScale !== undefined ? { timeScale: args.timeScale } : {}),
    watch: args.watch,
    // not ready (no events accepted) until the hook has wired the app's events
    awaitReady: runsHook,
  });
  let stopping = false;
  const stop = (sig: string): void => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`\n${sig}: stopping the platform\n`);
    void p.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  if (hook && runsHook) {
    process.stderr.write(`listening on ${p.url}; ${p.url}/readyz answers 503 until the post-app-deploy hook is done\n`);
    await runHook(p, hook);
  }
  p.markReady();
  // the URLs and the curl only now: an event sent earlier would find no registration
  process.stdout.write(summary(p) + '\n');
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`platform failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
