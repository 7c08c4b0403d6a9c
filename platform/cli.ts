/**
 * `platform start`: run the local Adobe I/O platform for the app in the current directory.
 *   npm start -- --port 3233 --data-dir .data --env-file .env
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startPlatform } from './index';
import { loadAppConfig } from './core/app-config';
import type { RunningPlatform } from './core/server';

const HELP = `Usage: platform start [options]

Starts the local Adobe I/O platform (I/O Runtime, State, IMS, and the other modules of
platform/modules.ts) for the App Builder app in the project directory, on one SQLite file.

Options:
  --port <n>             port to listen on (env PLATFORM_PORT, default 3233; 0 = random)
  --host <addr>          interface to bind (default 127.0.0.1)
  --data-dir <dir>       where the database, generated keys and builds live
                         (env PLATFORM_DATA_DIR, default ./.data)
  --env-file <file>      the app's .env (default ./.env)
  --project-dir <dir>    where app.config.yaml is (default: current directory)
  --production-limits    enforce Adobe's caps: 600 activations/min, 100 concurrent, 1 MB payloads
  --time-scale <x>       multiply platform delays (retry schedule, blocking wait) by x
  --events-config <file> providers, event metadata and registrations to create at start
                         (JSON or YAML; env PLATFORM_EVENTS_CONFIG)
  --no-watch             do not rebuild actions when their sources change
  --no-hooks             do not run the app's post-app-deploy hook
  -h, --help             show this help

Environment:
  AIO_RUNTIME_NAMESPACE, AIO_RUNTIME_AUTH   credentials (else generated once, kept in the data dir)
  LOG_LEVEL                                debug | info | warn | error
  PLATFORM_SYNC=full                       fsync every commit (default: survives a process crash)
  PLATFORM_MAX_WORKERS                     containers per action (default: cores, 2 to 4)
  PLATFORM_WORKER_IDLE_MS                  idle containers are stopped after this (default 120000)
  PLATFORM_WORKER_ENV_PASS=A,B             environment variables passed through to actions
  PLATFORM_ACTIVATIONS_MAX, PLATFORM_ACTIVATIONS_MAX_AGE_DAYS   activation retention (20000, 7)
  PLATFORM_SAMPLE_EVENT_FILE               the sample event of the printed curl
`;

interface CliArgs {
  command: string | undefined;
  port?: number;
  host?: string;
  dataDir?: string;
  envFile?: string;
  projectDir?: string;
  productionLimits?: boolean;
  timeScale?: number;
  eventsConfig?: string;
  watch: boolean;
  hooks: boolean;
  help: boolean;
}

export function parseArgs(argv: string[]): CliArgs {
  const out: CliArgs = { command: undefined, watch: true, hooks: true, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const number = (): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`${flag} needs a number, got ${v}`);
      return n;
    };
    switch (flag) {
      case '-h':
      case '--help':
        out.help = true;
        break;
      case '--port':
        out.port = number();
        break;
      case '--host':
        out.host = value();
        break;
      case '--data-dir':
        out.dataDir = value();
        break;
      case '--env-file':
        out.envFile = value();
        break;
      case '--project-dir':
        out.projectDir = value();
        break;
      case '--production-limits':
        out.productionLimits = true;
        break;
      case '--time-scale':
        out.timeScale = number();
        break;
      case '--events-config':
        out.eventsConfig = value();
        break;
      case '--no-watch':
        out.watch = false;
        break;
      case '--no-hooks':
        out.hooks = false;
        break;
      default:
        if (flag.startsWith('-')) throw new Error(`unknown option ${flag}`);
        if (out.command === undefined) out.command = flag;
        else throw new Error(`unexpected argument ${flag}`);
    }
  }
  return out;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** A sample event the app provides, for the ready-to-paste curl. */
function findSample(projectDir: string, env: Record<string, string>): string | undefined {
  const candidates = [
    ...(env.PLATFORM_SAMPLE_EVENT_FILE ? [env.PLATFORM_SAMPLE_EVENT_FILE] : []),
    'scripts/samples/ingestion-webhook.json',
    'samples/ingestion-webhook.json',
    'test/fixtures/ingestion-webhook.json',
    'scripts/onboarding/config/sample-event.json',
  ];
  for (const c of candidates) {
    const f = path.join(projectDir, c);
    if (fs.existsSync(f)) return f;
  }
  return undefined;
}

export function summary(p: RunningPlatform): string {
  const { config } = p;
  const actions = p.ctx.runtime.actions();
  const lines: string[] = [];
  lines.push('');
  lines.push(`Local Adobe I/O platform on ${config.baseUrl}`);
  lines.push(`  namespace  ${config.namespace}`);
  lines.push(`  auth       ${config.auth}   (AIO_RUNTIME_AUTH)`);
  lines.push(`  console    ${config.baseUrl}/console`);
  lines.push(`  data dir   ${config.dataDir}`);
  lines.push('');
  if (actions.length === 0) {
    lines.push('  no actions (no app.config.yaml with runtimeManifest packages in the project dir)');
  } else {
    const w = Math.max(...actions.map((a) => a.fullName.length), 6);
    lines.push(`  ${pad('action', w)}  url`);
    for (const a of actions) {
      const url = a.webUrl ?? `POST ${config.baseUrl}/api/v1/namespaces/${config.namespace}/actions/${a.fullName}?blocking=true`;
      lines.push(`  ${pad(a.fullName, w)}  ${url}`);
    }
  }
  lines.push('');
  lines.push(`  aio rt:  AIO_RUNTIME_APIHOST=${config.baseUrl} AIO_RUNTIME_NAMESPACE=${config.namespace} AIO_RUNTIME_AUTH=${config.auth} aio rt action list`);
  const ingestion = actions.find((a) => a.web && /ingestion|webhook/i.test(a.fullName));
  if (ingestion?.webUrl) {
    const sample = findSample(config.projectDir, config.env);
    const key = config.env.INGESTION_API_KEY;
    const rel = sample ? path.relative(process.cwd(), sample) || sample : undefined;
    lines.push('');
    lines.push('  Post a sample event to the webhook:');
    // without a sample file: the starter kit's webhook payload, with a new uid per paste
    // (the uid becomes the event id, and a repeated id is rightly delivered only once)
    const data = rel
      ? ` --data @${rel}`
      : ` --data '{"data":{"uid":"sample-'"$(date +%s)"'","event":"be-observer.catalog_product_create",` +
        `"value":{"sku":"SAMPLE-1","name":"Sample product","price":1,"description":"A sample product"}}}'`;
    lines.push(`  curl -sS -X POST '${ingestion.webUrl}' -H 'content-type: application/json'${key ? ` -H 'x-api-key: ${key}'` : ''}${data}`);
  }
  lines.push('');
  return lines.join('\n');
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
  const p = await startPlatform({
    ...(args.port !== undefined ? { port: args.port } : {}),
    ...(args.host !== undefined ? { host: args.host } : {}),
    ...(args.dataDir !== undefined ? { dataDir: args.dataDir } : {}),
    ...(args.envFile !== undefined ? { envFile: args.envFile } : {}),
    ...(args.projectDir !== undefined ? { projectDir: args.projectDir } : {}),
    ...(args.productionLimits !== undefined ? { productionLimits: args.productionLimits } : {}),
    ...(args.timeScale !== undefined ? { timeScale: args.timeScale } : {}),
    watch: args.watch,
  });
  process.stdout.write(summary(p) + '\n');
  let stopping = false;
  const stop = (sig: string): void => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`\n${sig}: stopping the platform\n`);
    void p.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const hook = loadAppConfig(p.config.projectDir).hooks['post-app-deploy'];
  if (hook && args.hooks) await runHook(p, hook);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`platform failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
