/**
 * Entry point of `npm run onboard` (and of the app's `post-app-deploy` hook).
 * Reads .env (or --env-file) under the process environment, then runs onboarding; names left
 * unset are taken from a running local platform (./local-platform.ts), as `npm start` does.
 */
import path from 'node:path';
import dotenv from 'dotenv';
import { REQUIRED } from './config';
import { withLocalPlatformDefaults } from './local-platform';
import { runOnboarding } from './onboard';

function envFileFrom(argv: string[]): string {
  const i = argv.indexOf('--env-file');
  const eq = argv.find((a) => a.startsWith('--env-file='));
  const given = eq ? eq.slice('--env-file='.length) : i >= 0 ? argv[i + 1] : undefined;
  return path.resolve(given ?? '.env');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const envFile = envFileFrom(argv);
  // process.env wins over the file, as App Builder and the local platform do
  const fromFile = dotenv.config({ path: envFile, processEnv: {} }).parsed ?? {};
  const local = await withLocalPlatformDefaults({ ...fromFile, ...process.env }, REQUIRED, process.cwd());
  if (local.filled.length)
    process.stderr.write(
      `onboard: using the local platform at ${local.base} (its defaults for ${local.filled.join(', ')})\n`,
    );
  const { exitCode } = await runOnboarding({ argv, env: local.env, envFile });
  process.exitCode = exitCode;
}

main().catch((err: unknown) => {
  process.stderr.write(
    `onboard: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
