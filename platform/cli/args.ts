/** The command line of `platform start`: its flags and its help text. */

export const HELP = `Usage: platform start [options]

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
  --no-adobe-hosts       do not route Adobe's hosts (ims-na1.adobelogin.com, api.adobe.io,
                         eventsingress.adobe.io) to the platform for actions and hooks
                         (env PLATFORM_ROUTE_ADOBE_HOSTS=false; docs/platform.md)
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

export interface CliArgs {
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
  adobeHosts: boolean;
  help: boolean;
}

export function parseArgs(argv: string[]): CliArgs {
  const out: CliArgs = { command: undefined, watch: true, hooks: true, adobeHosts: true, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
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
      case '--no-adobe-hosts':
        out.adobeHosts = false;
        break;
      default:
        if (flag.startsWith('-')) throw new Error(`unknown option ${flag}`);
        if (out.command === undefined) out.command = flag;
        else throw new Error(`unexpected argument ${flag}`);
    }
  }
  return out;
}
