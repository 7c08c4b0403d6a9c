/**
 * `npm run commerce:subscribe`: subscribe Commerce eventing to the catalog's Commerce events,
 * idempotently, with the same plan / dry-run / progress / summary as onboarding.
 *
 * Commerce REST endpoints (Adobe I/O Events for Adobe Commerce module, "REST endpoints for
 * eventing"; unsubscribe and getEventSubscriptions since module 1.11):
 * - `GET  V1/eventing/getEventSubscriptions`          the current subscriptions
 * - `POST V1/eventing/eventSubscribe`                 `{event: {...}}`; `force: true` replaces
 * - `POST V1/eventing/eventUnsubscribe/{name}`        removes one (`--prune`)
 * - `PUT  V1/eventing/updateConfiguration`            `{config: {...}}` (`--configure`)
 * Requests are signed by the app's Commerce authentication (src/clients/commerce.ts): OAuth 1.0a
 * integration tokens (COMMERCE_CONSUMER_KEY/_SECRET, COMMERCE_ACCESS_TOKEN/_SECRET) or an IMS
 * bearer token. The HTTP status is reported as Commerce answered it (the actions' client maps
 * statuses to retry intent, which a script does not need).
 * `@adobe/aio-commerce-lib-events` was evaluated: it covers listing and creating
 * subscriptions but not updating or removing them, and brings ky, valibot and the
 * aio-commerce core libraries; four REST calls do not need it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { catalog as appCatalog } from '../../src/catalog';
import { commerceAuthFromParams, type CommerceAuth } from '../../src/clients/commerce';
import { targetMessage } from '../../src/kernel/call-target';
import { baseUrl } from '../../src/kernel/inputs';
import { confirmOrRefuse, EXIT, processIo, type CliIo } from './cli-common';
import {
  desiredSubscriptions,
  parseSubscriptions,
  planSubscriptions,
  type CommerceCatalogEntry,
  type SubscriptionStep,
} from './commerce-plan';
import { hintFor } from './management';
import { formatPlan, formatProgress, formatSummary, type ReportResult } from './report';

export const SUBSCRIBE_HELP = `Usage: npm run commerce:subscribe -- [options]

Subscribes Adobe Commerce eventing to every Commerce event of the catalog
(com.adobe.commerce.observer.X -> subscription observer.X, fields from the event's schema),
creating missing subscriptions and replacing changed ones. Prints the plan first; safe to
run again.

Options:
  --dry-run                print the plan and change nothing
  --yes, -y                apply without asking (required without a terminal or when CI is set)
  --prune                  unsubscribe events of our provider (COMMERCE_PROVIDER_ID) that the
                           catalog no longer has
  --configure              also PUT V1/eventing/updateConfiguration (enabled, merchant id,
                           environment, and --workspace-config when given)
  --workspace-config FILE  the workspace JSON downloaded from the Developer Console
  --env-file F             the .env file to read; default ./.env
  --help, -h               this text

Environment: COMMERCE_BASE_URL (e.g. https://shop.example.com/rest/), and either
COMMERCE_CONSUMER_KEY, COMMERCE_CONSUMER_SECRET, COMMERCE_ACCESS_TOKEN,
COMMERCE_ACCESS_TOKEN_SECRET (OAuth 1.0a integration) or OAUTH_CLIENT_ID/OAUTH_CLIENT_SECRET
(IMS); optional COMMERCE_PROVIDER_ID (run \`npm run onboard -- --write-env\`), EVENT_PREFIX,
COMMERCE_ADOBE_IO_EVENTS_MERCHANT_ID and COMMERCE_ADOBE_IO_EVENTS_ENVIRONMENT_ID (for --configure).

Exit status: 0 done (or nothing to do), 1 a call failed, 2 bad usage or configuration.`;

export interface SubscribeDeps {
  argv: string[];
  env: Record<string, string | undefined>;
  catalog?: readonly CommerceCatalogEntry[];
  io?: CliIo;
}

export interface SubscribeResult {
  exitCode: number;
  steps?: SubscriptionStep[];
}

class CommerceCallError extends Error {
  constructor(
    readonly call: string,
    readonly status: number | undefined,
    readonly detail: string,
  ) {
    super(`${call}: ${detail}`);
  }
}

/** Commerce REST for a script: signed requests, the answer's status kept as it is. */
class CommerceRest {
  constructor(
    readonly baseUrl: string,
    private readonly auth: CommerceAuth,
    private readonly timeoutMs: number,
  ) {}

  async request(call: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<unknown> {
    const url = this.baseUrl + path;
    const headers: Record<string, string> = { accept: 'application/json', ...(await this.auth.headers(method, url)) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new CommerceCallError(
        call,
        undefined,
        `${method} ${url}: ${err instanceof Error ? err.message : String(err)}${cause}`,
      );
    }
    let parsed: unknown;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      parsed = text;
    }
    if (!res.ok)
      throw new CommerceCallError(call, res.status, targetMessage(parsed, text) ?? (res.statusText || 'no message'));
    return parsed;
  }
}

const seg = (s: string): string => encodeURIComponent(s);

function eventBody(s: NonNullable<SubscriptionStep['desired']>): Record<string, unknown> {
  const event: Record<string, unknown> = { name: s.name, fields: s.fields.map((name) => ({ name })) };
  if (s.parent) event.parent = s.parent;
  if (s.provider_id) event.provider_id = s.provider_id;
  return event;
}

interface SubscribeOptions {
  dryRun: boolean;
  yes: boolean;
  prune: boolean;
  configure: boolean;
  workspaceConfig: string | undefined;
  help: boolean;
}

/** A bad option or configuration: reported as `commerce:subscribe: <message>`, exit status 2. */
class UsageError extends Error {}

/** The command line's options; undefined (after saying why) when they do not parse. */
function parseOptions(argv: string[], io: CliIo): SubscribeOptions | undefined {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: {
        'dry-run': { type: 'boolean', default: false },
        yes: { type: 'boolean', short: 'y', default: false },
        prune: { type: 'boolean', default: false },
        configure: { type: 'boolean', default: false },
        'workspace-config': { type: 'string' },
        'env-file': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    io.err(`commerce:subscribe: ${err instanceof Error ? err.message : String(err)}`);
    io.err('Run with --help for the options.');
    return undefined;
  }
  return {
    dryRun: values['dry-run'] === true,
    yes: values.yes === true,
    prune: values.prune === true,
    configure: values.configure === true,
    workspaceConfig: values['workspace-config'],
    help: values.help === true,
  };
}

function commerceClient(env: Record<string, string | undefined>): CommerceRest {
  try {
    const base = env.COMMERCE_BASE_URL?.trim();
    if (!base)
      throw new Error(
        'missing COMMERCE_BASE_URL (where the Commerce REST API is, e.g. https://shop.example.com/rest/)',
      );
    const timeout = Number(env.TARGET_TIMEOUT_MS);
    return new CommerceRest(
      baseUrl(base),
      commerceAuthFromParams(env),
      Number.isInteger(timeout) && timeout > 0 ? timeout : 15_000,
    );
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), { cause: err });
  }
}

/** The body of `PUT V1/eventing/updateConfiguration` (`--configure`), or undefined without it. */
function configurationBody(
  env: Record<string, string | undefined>,
  opts: SubscribeOptions,
): Record<string, unknown> | undefined {
  if (!opts.configure) return undefined;
  const merchant = env.COMMERCE_ADOBE_IO_EVENTS_MERCHANT_ID?.trim();
  if (!merchant)
    throw new UsageError('--configure needs COMMERCE_ADOBE_IO_EVENTS_MERCHANT_ID (letters, digits and underscores)');
  const config: Record<string, unknown> = {
    enabled: true,
    merchant_id: merchant,
    environment_id: env.COMMERCE_ADOBE_IO_EVENTS_ENVIRONMENT_ID?.trim() || 'Stage',
  };
  const wsFile = opts.workspaceConfig;
  if (wsFile) {
    try {
      config.workspace_configuration = JSON.stringify(JSON.parse(fs.readFileSync(path.resolve(wsFile), 'utf8')));
    } catch (err) {
      throw new UsageError(
        `cannot read --workspace-config ${wsFile}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
  }
  return { config };
}

type ShownStep = SubscriptionStep | { what: string; kind: 'update'; name: string; changes: string[] };

/** What one run works with: where to print, the Commerce client, the options, the configuration to PUT. */
interface Subscribe {
  io: CliIo;
  client: CommerceRest;
  opts: SubscribeOptions;
  configBody: Record<string, unknown> | undefined;
}

async function applyStep({ client, opts, configBody }: Subscribe, step: ShownStep): Promise<ReportResult['outcome']> {
  if (step.what === 'configuration' && configBody) {
    await client.request('PUT V1/eventing/updateConfiguration', 'PUT', 'V1/eventing/updateConfiguration', configBody);
    return 'updated';
  }
  if (step.kind === 'unchanged') return 'unchanged';
  if (step.kind === 'delete-candidate') {
    if (!opts.prune) return 'kept';
    await client.request(
      `POST V1/eventing/eventUnsubscribe/${step.name}`,
      'POST',
      `V1/eventing/eventUnsubscribe/${seg(step.name)}`,
    );
    return 'deleted';
  }
  if ('desired' in step && step.desired) {
    const body = { event: eventBody(step.desired), ...(step.kind === 'update' ? { force: true } : {}) };
    await client.request(`POST V1/eventing/eventSubscribe (${step.name})`, 'POST', 'V1/eventing/eventSubscribe', body);
    return step.kind === 'update' ? 'updated' : 'created';
  }
  return 'unchanged';
}

/** Apply the shown steps in order, printing progress and the summary; the first failure skips the rest. */
async function applySteps(s: Subscribe, shown: readonly ShownStep[]): Promise<CommerceCallError | undefined> {
  const { io } = s;
  io.out('Applying:');
  const results: ReportResult[] = [];
  const total = shown.length;
  let failure: CommerceCallError | undefined;
  for (const [i, step] of shown.entries()) {
    if (failure) {
      results.push({ step, outcome: 'skipped', ms: 0 });
      continue;
    }
    const started = Date.now();
    let outcome: ReportResult['outcome'];
    try {
      outcome = await applyStep(s, step);
    } catch (err) {
      failure = err instanceof CommerceCallError ? err : new CommerceCallError(step.name, undefined, String(err));
      outcome = 'failed';
    }
    const r: ReportResult = { step, outcome, ms: Date.now() - started };
    results.push(r);
    io.out(formatProgress(r, i, total));
  }
  for (const l of formatSummary(results)) io.out(l);
  return failure;
}

/** List, plan, print the plan, confirm, apply. A failed listing throws its CommerceCallError. */
async function subscribe(
  s: Subscribe,
  desired: ReturnType<typeof desiredSubscriptions>,
  providerId: string | undefined,
): Promise<SubscribeResult> {
  const { io, client, opts, configBody } = s;
  const listed = await client.request(
    'GET V1/eventing/getEventSubscriptions',
    'GET',
    'V1/eventing/getEventSubscriptions',
  );
  const steps = planSubscriptions(desired, parseSubscriptions(listed), providerId);
  const shown: ShownStep[] = [...steps];
  if (configBody)
    shown.push({
      what: 'configuration',
      kind: 'update',
      name: 'eventing configuration',
      changes: ['enabled', 'merchant_id', 'environment_id'],
    });
  for (const l of formatPlan(shown, opts.prune)) io.out(l);

  const changes =
    steps.some((x) => x.kind === 'create' || x.kind === 'update' || (opts.prune && x.kind === 'delete-candidate')) ||
    configBody !== undefined;
  if (!changes) {
    io.out('Nothing to change: Commerce already has every subscription of the catalog.');
    return { exitCode: EXIT.ok, steps };
  }
  if (opts.dryRun) {
    io.out('Dry run: nothing was changed.');
    return { exitCode: EXIT.ok, steps };
  }
  const decision = await confirmOrRefuse(io, opts.yes, 'Apply this plan?');
  if (decision === 'refused') return { exitCode: EXIT.usage, steps };
  if (decision === 'declined') {
    io.out('Nothing was changed.');
    return { exitCode: EXIT.ok, steps };
  }
  const failure = await applySteps(s, shown);
  if (failure) {
    reportError(io, failure);
    return { exitCode: EXIT.failed, steps };
  }
  io.out('Commerce subscriptions done.');
  return { exitCode: EXIT.ok, steps };
}

export async function runCommerceSubscribe(deps: SubscribeDeps): Promise<SubscribeResult> {
  const io = deps.io ?? processIo(deps.env);
  const opts = parseOptions(deps.argv, io);
  if (!opts) return { exitCode: EXIT.usage };
  if (opts.help) {
    io.out(SUBSCRIBE_HELP);
    return { exitCode: EXIT.ok };
  }
  const env = deps.env;
  let s: Subscribe;
  try {
    const client = commerceClient(env);
    s = { io, client, opts, configBody: configurationBody(env, opts) };
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`commerce:subscribe: ${err.message}`);
    return { exitCode: EXIT.usage };
  }

  const providerId = env.COMMERCE_PROVIDER_ID?.trim() || undefined;
  const prefix = env.EVENT_PREFIX?.trim() || undefined;
  const catalog = deps.catalog ?? appCatalog;
  const desired = desiredSubscriptions(catalog, {
    ...(prefix ? { eventPrefix: prefix } : {}),
    ...(providerId ? { providerId } : {}),
  });
  io.out(`Subscribing ${desired.length} Commerce event(s) at ${s.client.baseUrl}${opts.dryRun ? ' [dry run]' : ''}`);
  if (!providerId)
    io.out(
      "(COMMERCE_PROVIDER_ID is not set: subscriptions use the instance's default provider, and --prune has nothing to prune.)",
    );

  try {
    return await subscribe(s, desired, providerId);
  } catch (err) {
    if (err instanceof CommerceCallError) {
      reportError(io, err);
      return { exitCode: EXIT.failed };
    }
    throw err;
  }
}

function reportError(io: CliIo, err: CommerceCallError): void {
  io.err(
    `commerce:subscribe failed: ${err.call}${err.status ? ` answered HTTP ${err.status}` : ' got no answer'}: ${err.detail}`,
  );
  io.err(`  check: ${hintFor(err.status, 'commerce')}`);
  io.err('  Nothing after this step was changed; fix the cause and run again (the run is safe to repeat).');
}
