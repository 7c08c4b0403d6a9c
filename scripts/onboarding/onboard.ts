/**
 * `npm run onboard`: make the I/O Events workspace match the event catalog.
 *
 * IMS token → read providers, event metadata, registrations → plan (pure) → print →
 * confirm → apply with a progress line per step → summary table → optionally write the
 * provider ids to .env. Safe to run any number of times; the same code runs against Adobe
 * and against the local platform (only the URLs in the environment differ).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { catalog as appCatalog } from '../../src/catalog';
import { applyPlan } from './apply';
import { confirmOrRefuse, EXIT, processIo, type CliIo } from './cli-common';
import {
  desiredOptionsFromEnv,
  desiredState,
  eventsBaseUrl,
  readOnboardingEnv,
  type CatalogEventLike,
  type OnboardingEnv,
} from './config';
import { writeEnvFile } from './env-file';
import { getImsToken } from './ims';
import { ManagementCallError, readActualState, type ManagementApi } from './management';
import { matchProvider, plan as makePlan, hasChanges, type Plan } from './plan';
import { formatPlan, formatProgress, formatSummary } from './report';

export const ONBOARD_HELP = `Usage: npm run onboard -- [options]

Creates or updates, from the event catalog (src/catalog), the I/O Events providers
(back office and Commerce), the event metadata of every event code, and one registration
per consumer action ({package}/consumer) with exactly the catalog's events. Prints the
plan first; safe to run again after every catalog change.

Options:
  --dry-run     print the plan and change nothing
  --yes, -y     apply without asking (required without a terminal or when CI is set)
  --prune       also delete event metadata and registrations the catalog no longer has
  --write-env   write the provider ids (BACKOFFICE_PROVIDER_ID, COMMERCE_PROVIDER_ID)
                to .env, keeping every other line
  --env-file F  the .env file to read and (with --write-env) write; default ./.env
  --help, -h    this text

Environment (.env, then the process environment): OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET,
OAUTH_ORG_ID, IO_CONSUMER_ID, IO_PROJECT_ID, IO_WORKSPACE_ID (required); OAUTH_BASE_URL,
IO_MANAGEMENT_BASE_URL, OAUTH_SCOPES, EVENT_PREFIX, BACKOFFICE_PROVIDER_ID,
COMMERCE_PROVIDER_ID, COMMERCE_PROVIDER_INSTANCE_ID, AIO_runtime_namespace (optional).

Exit status: 0 done (or nothing to do), 1 a call failed, 2 bad usage or configuration.`;

export interface OnboardDeps {
  argv: string[];
  env: Record<string, string | undefined>;
  /** the catalog to onboard (tests inject a modified one); default: src/catalog */
  catalog?: readonly CatalogEventLike[];
  io?: CliIo;
  /** where --write-env writes; default: --env-file or ./.env */
  envFile?: string;
  /** management API factory (default: @adobe/aio-lib-events init) */
  createApi?(env: OnboardingEnv, accessToken: string): Promise<ManagementApi>;
}

export interface OnboardResult {
  exitCode: number;
  plan?: Plan;
  providerIds?: Record<string, string>;
}

/** aio-lib-events ships a types.d.ts its package.json does not point to: type the one call here. */
type EventsInit = (
  org: string,
  apiKey: string,
  token: string,
  httpOptions: { eventsBaseURL: string },
) => Promise<unknown>;

async function defaultApi(env: OnboardingEnv, token: string): Promise<ManagementApi> {
  const { init } = require('@adobe/aio-lib-events') as { init: EventsInit };
  const client = await init(env.OAUTH_ORG_ID, env.OAUTH_CLIENT_ID, token, {
    eventsBaseURL: eventsBaseUrl(env.IO_MANAGEMENT_BASE_URL),
  });
  return client as unknown as ManagementApi;
}

export function parseOnboardArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      'dry-run': { type: 'boolean', default: false },
      yes: { type: 'boolean', short: 'y', default: false },
      prune: { type: 'boolean', default: false },
      'write-env': { type: 'boolean', default: false },
      'env-file': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  }).values;
}

export async function runOnboarding(deps: OnboardDeps): Promise<OnboardResult> {
  const io = deps.io ?? processIo(deps.env);
  let args: ReturnType<typeof parseOnboardArgs>;
  try {
    args = parseOnboardArgs(deps.argv);
  } catch (err) {
    io.err(`onboard: ${err instanceof Error ? err.message : String(err)}`);
    io.err('Run with --help for the options.');
    return { exitCode: EXIT.usage };
  }
  if (args.help) {
    io.out(ONBOARD_HELP);
    return { exitCode: EXIT.ok };
  }
  const dryRun = args['dry-run'] === true;
  const prune = args.prune === true;

  const envResult = readOnboardingEnv(deps.env);
  if (!envResult.ok) {
    io.err(`onboard: missing environment: ${envResult.missing.join(', ')}`);
    io.err('Set them in .env (see .env.example; the workspace JSON from the Developer Console has the ids).');
    return { exitCode: EXIT.usage };
  }
  const env = envResult.env;
  const catalog = deps.catalog ?? appCatalog;
  const desired = desiredState(catalog, desiredOptionsFromEnv(env));
  const ws = { org: env.IO_CONSUMER_ID, project: env.IO_PROJECT_ID, workspace: env.IO_WORKSPACE_ID };

  io.out(
    `Onboarding ${catalog.length} event(s) to ${env.IO_MANAGEMENT_BASE_URL} (org ${ws.org}, project ${ws.project}, workspace ${ws.workspace})${dryRun ? ' [dry run]' : ''}`,
  );

  try {
    const token = await getImsToken(env);
    const api = await (deps.createApi ?? defaultApi)(env, token);
    const ourProviders = desired.providers;
    const actual = await readActualState(api, ws, {
      isOurs: (p) => ourProviders.some((d) => matchProvider(d, [p]) !== undefined),
    });
    const thePlan = makePlan(desired, actual);
    for (const l of formatPlan(thePlan.steps, prune)) io.out(l);

    const knownIds: Record<string, string> = {};
    for (const s of thePlan.steps) if (s.what === 'provider' && s.id) knownIds[s.desired.key] = s.id;

    if (!hasChanges(thePlan, prune)) {
      io.out('Nothing to change: the workspace already matches the catalog.');
      if (args['write-env'] && !dryRun) writeIds(io, deps, args['env-file'], knownIds);
      return { exitCode: EXIT.ok, plan: thePlan, providerIds: knownIds };
    }
    if (dryRun) {
      io.out('Dry run: nothing was changed.');
      return { exitCode: EXIT.ok, plan: thePlan, providerIds: knownIds };
    }
    const decision = await confirmOrRefuse(io, args.yes === true, 'Apply this plan?');
    if (decision === 'refused') return { exitCode: EXIT.usage, plan: thePlan };
    if (decision === 'declined') {
      io.out('Nothing was changed.');
      return { exitCode: EXIT.ok, plan: thePlan };
    }

    io.out('Applying:');
    const applied = await applyPlan(api, ws, thePlan, {
      prune,
      clientId: env.OAUTH_CLIENT_ID,
      onStep: (r, i, n) => io.out(formatProgress(r, i, n)),
    });
    for (const l of formatSummary(applied.results)) io.out(l);
    if (applied.error) {
      reportError(io, applied.error);
      return { exitCode: EXIT.failed, plan: thePlan, providerIds: applied.providerIds };
    }
    for (const [key, id] of Object.entries(applied.providerIds)) io.out(`Provider ${key}: ${id}`);
    if (args['write-env']) writeIds(io, deps, args['env-file'], applied.providerIds);
    else if (Object.keys(applied.providerIds).length)
      io.out('(Run with --write-env to save the provider ids to .env.)');
    io.out('Onboarding done.');
    return { exitCode: EXIT.ok, plan: thePlan, providerIds: applied.providerIds };
  } catch (err) {
    if (err instanceof ManagementCallError) {
      reportError(io, err);
      return { exitCode: EXIT.failed };
    }
    throw err;
  }
}

function reportError(io: CliIo, err: ManagementCallError): void {
  io.err(`onboard failed: ${err.call}${err.status ? ` answered HTTP ${err.status}` : ' failed'}: ${err.detail}`);
  io.err(`  check: ${err.hint}`);
  io.err('  Nothing after this step was changed; fix the cause and run again (the run is safe to repeat).');
}

function writeIds(io: CliIo, deps: OnboardDeps, envFileArg: string | undefined, ids: Record<string, string>): void {
  const values: Record<string, string> = {};
  if (ids.backoffice) values.BACKOFFICE_PROVIDER_ID = ids.backoffice;
  if (ids.commerce) values.COMMERCE_PROVIDER_ID = ids.commerce;
  if (!Object.keys(values).length) return;
  const file = deps.envFile ?? path.resolve(envFileArg ?? '.env');
  const changed = writeEnvFile(file, values);
  io.out(
    changed.length
      ? `Wrote ${changed.join(', ')} to ${path.basename(file)}.`
      : `${path.basename(file)} already has the provider ids.`,
  );
}
