/** The app's post-app-deploy hook, run against the local platform as `aio app deploy` would. */
import { spawn } from 'node:child_process';
import type { RunningPlatform } from '../core/server';

/** Run the app's post-app-deploy hook against this platform; never fatal. */
export function runHook(p: RunningPlatform, command: string): Promise<number> {
  const { config } = p;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...config.env,
    AIO_RUNTIME_APIHOST: config.baseUrl,
    AIO_RUNTIME_AUTH: config.auth,
    AIO_RUNTIME_NAMESPACE: config.namespace,
    // Adobe's hosts routed to the platform (platform/proxy), as for the actions
    ...p.ctx.childEnv,
  };
  return new Promise((resolve) => {
    process.stderr.write(`[post-app-deploy] ${command}\n`);
    const child = spawn(command, { cwd: config.projectDir, env, shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line) stream.write(`[post-app-deploy] ${line}\n`);
    };
    child.stdout.on('data', prefix(process.stdout));
    child.stderr.on('data', prefix(process.stderr));
    child.on('error', (e) => {
      process.stderr.write(`\n!!! post-app-deploy hook could not start: ${e.message}\n\n`);
      resolve(-1);
    });
    child.on('exit', (code) => {
      if (code !== 0) {
        process.stderr.write(`\n!!! post-app-deploy hook FAILED (exit code ${code}); the platform keeps running.\n\n`);
      } else {
        process.stderr.write('[post-app-deploy] done\n');
      }
      resolve(code ?? -1);
    });
  });
}
