/** The app's post-app-deploy hook, run against the local platform as `aio app deploy` would. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { RunningPlatform } from '../core/server';

/**
 * How to start the hook. A hook that names a JavaScript file (`./hooks/post-app-deploy.js`)
 * is what the aio CLI requires and calls in-process (its export, given the app's config);
 * here a node process does the same, so it still gets the hook's environment. Anything
 * else is a shell command.
 */
function hookProcess(projectDir: string, command: string): { file: string; args: string[]; shell: boolean } {
  const file = path.resolve(projectDir, command.trim());
  if (/\.c?js$/.test(file) && fs.existsSync(file)) {
    const run = `const h = require(${JSON.stringify(file)}); Promise.resolve(typeof h === 'function' ? h({}) : undefined).catch((e) => { console.error(e); process.exit(1); });`;
    return { file: process.execPath, args: ['-e', run], shell: false };
  }
  return { file: command, args: [], shell: true };
}

/** Run the app's post-app-deploy hook against this platform; never fatal. */
export function runHook(p: RunningPlatform, command: string): Promise<number> {
  const { config } = p;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...config.env,
    AIO_RUNTIME_APIHOST: config.baseUrl,
    AIO_RUNTIME_AUTH: config.auth,
    AIO_RUNTIME_NAMESPACE: config.namespace,
    // the spelling `aio app use` writes into an app's .env, which hooks read
    AIO_runtime_apihost: config.baseUrl,
    AIO_runtime_auth: config.auth,
    AIO_runtime_namespace: config.namespace,
    // Adobe's hosts routed to the platform (platform/proxy), as for the actions
    ...p.ctx.childEnv,
  };
  return new Promise((resolve) => {
    process.stderr.write(`[post-app-deploy] ${command}\n`);
    const how = hookProcess(config.projectDir, command);
    const child = spawn(how.file, how.args, {
      cwd: config.projectDir,
      env,
      shell: how.shell,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
