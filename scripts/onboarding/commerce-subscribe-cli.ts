/** Entry point of `npm run commerce:subscribe`: .env (or --env-file) under the process environment. */
import path from 'node:path';
import dotenv from 'dotenv';
import { runCommerceSubscribe } from './commerce-subscribe';

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--env-file');
  const eq = argv.find((a) => a.startsWith('--env-file='));
  const envFile = path.resolve((eq ? eq.slice('--env-file='.length) : i >= 0 ? argv[i + 1] : undefined) ?? '.env');
  const fromFile = dotenv.config({ path: envFile, processEnv: {} }).parsed ?? {};
  const { exitCode } = await runCommerceSubscribe({ argv, env: { ...fromFile, ...process.env } });
  process.exitCode = exitCode;
}

main().catch((err: unknown) => {
  process.stderr.write(
    `commerce:subscribe: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
