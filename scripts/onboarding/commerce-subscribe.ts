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
import { desiredSubscriptions, parseSubscriptions, planSubscriptions, type CommerceCatalogEntry, type SubscriptionStep } from './commerce-plan';
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
      res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.timeoutMs) });
      text = await res.text();
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      throw new CommerceCallError(call, undefined, `${method} ${url}: ${err instanceof Error ? err.message : String(err)}${cause}`);
    }
    let parsed: unknown = null;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      parsed = text;
    }
    if (!res.ok) throw new CommerceCallError(call, res.status, targetMessage(parsed, text) ?? (res.statusText || 'no message'));
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

export async function runCommerceSubscribe(deps: SubscribeDeps): Promise<SubscribeResult> {
  const io = deps.io ?? processIo(deps.env);
  let args;
  try {
    args = parseArgs({
      args: deps.argv,
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
    return { exitCode: EXIT.usage };
  }
  if (args.help) {
    io.out(SUBSCRIBE_HELP);
    return { exitCode: EXIT.ok };
  }
  const env = deps.env;
  const prune = args.prune === true;
  const dryRun = args['dry-run'] === true;

  let client: CommerceRest;
  try {
    const base = env.COMMERCE_BASE_URL?.trim();
    if (!base) throw new Error('missing COMMERCE_BASE_URL (where the Commerce REST API is, e.g. https://shop.example.com/rest/)');
    const timeout = Number(env.TARGET_TIMEOUT_MS);
    client = new CommerceRest(baseUrl(base), commerceAuthFromParams(env), Number.isInteger(timeout) && timeout > 0 ? timeout : 15_000);
  } catch (err) {
    io.err(`commerce:subscribe: ${err instanceof Error ? err.message : String(err)}`);
    return { exitCode: EXIT.usage };
  }
  let configBody: Record<string, unknown> | undefined;
  if (args.configure) {
    const merchant = env.COMMERCE_ADOBE_IO_EVENTS_MERCHANT_ID?.trim();
    if (!merchant) {
      io.err('commerce:subscribe: --configure needs COMMERCE_ADOBE_IO_EVENTS_MERCHANT_ID (letters, digits and underscores)');
      return { exitCode: EXIT.usage };
    }
    const config: Record<string, unknown> = {
      enabled: true,
      merchant_id: merchant,
      environment_id: env.COMMERCE_ADOBE_IO_EVENTS_ENVIRONMENT_ID?.trim() || 'Stage',
    };
    const wsFile = args['workspace-config'];
    if (wsFile) {
      try {
        config.workspace_configuration = JSON.stringify(JSON.parse(fs.readFileSync(path.resolve(wsFile), 'utf8')));
      } catch (err) {
        io.err(`commerce:subscribe: cannot read --workspace-config ${wsFile}: ${err instanceof Error ? err.message : String(err)}`);
        return { exitCode: EXIT.usage };
      }
    }
    configBody = { config };
  }

  const providerId = env.COMMERCE_PROVIDER_ID?.trim() || undefined;
  const prefix = env.EVENT_PREFIX?.trim() || undefined;
  const catalog = deps.catalog ?? appCatalog;
  const desired = desiredSubscriptions(catalog, { ...(prefix ? { eventPrefix: prefix } : {}), ...(providerId ? { providerId } : {}) });
  io.out(`Subscribing ${desired.length} Commerce event(s) at ${client.baseUrl}${dryRun ? ' [dry run]' : ''}`);
  if (!providerId) io.out('(COMMERCE_PROVIDER_ID is not set: subscriptions use the instance\'s default provider, and --prune has nothing to prune.)');

  try {
    const listed = await client.request('GET V1/eventing/getEventSubscriptions', 'GET', 'V1/eventing/getEventSubscriptions');
    const steps = planSubscriptions(desired, parseSubscriptions(listed), providerId);
    const shown: Array<SubscriptionStep | { what: string; kind: 'update'; name: string; changes: string[] }> = [...steps];
    if (configBody) shown.push({ what: 'configuration', kind: 'update', name: 'eventing configuration', changes: ['enabled', 'merchant_id', 'environment_id'] });
    for (const l of formatPlan(shown, prune)) io.out(l);

    const changes = steps.some((s) => s.kind === 'create' || s.kind === 'update' || (prune && s.kind === 'delete-candidate')) || configBody !== undefined;
    if (!changes) {
      io.out('Nothing to change: Commerce already has every subscription of the catalog.');
      return { exitCode: EXIT.ok, steps };
    }
    if (dryRun) {
      io.out('Dry run: nothing was changed.');
      return { exitCode: EXIT.ok, steps };
    }
    const decision = await confirmOrRefuse(io, args.yes === true, 'Apply this plan?');
    if (decision === 'refused') return { exitCode: EXIT.usage, steps };
    if (decision === 'declined') {
      io.out('Nothing was changed.');
      return { exitCode: EXIT.ok, steps };
    }

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
      let outcome: ReportResult['outcome'] = 'unchanged';
      try {
        if (step.what === 'configuration' && configBody) {
          const body = configBody;
          await client.request('PUT V1/eventing/updateConfiguration', 'PUT', 'V1/eventing/updateConfiguration', body);
          outcome = 'updated';
        } else if (step.kind === 'unchanged') outcome = 'unchanged';
        else if (step.kind === 'delete-candidate') {
          if (!prune) outcome = 'kept';
          else {
            await client.request(`POST V1/eventing/eventUnsubscribe/${step.name}`, 'POST', `V1/eventing/eventUnsubscribe/${seg(step.name)}`);
            outcome = 'deleted';
          }
        } else if ('desired' in step && step.desired) {
          const body = { event: eventBody(step.desired), ...(step.kind === 'update' ? { force: true } : {}) };
          await client.request(`POST V1/eventing/eventSubscribe (${step.name})`, 'POST', 'V1/eventing/eventSubscribe', body);
          outcome = step.kind === 'update' ? 'updated' : 'created';
        }
      } catch (err) {
        failure = err instanceof CommerceCallError ? err : new CommerceCallError(step.name, undefined, String(err));
        outcome = 'failed';
      }
      const r: ReportResult = { step, outcome, ms: Date.now() - started };
      results.push(r);
      io.out(formatProgress(r, i, total));
    }
    for (const l of formatSummary(results)) io.out(l);
    if (failure) {
      reportError(io, failure);
      return { exitCode: EXIT.failed, steps };
    }
    io.out('Commerce subscriptions done.');
    return { exitCode: EXIT.ok, steps };
  } catch (err) {
    if (err instanceof CommerceCallError) {
      reportError(io, err);
      return { exitCode: EXIT.failed };
    }
    throw err;
  }
}

function reportError(io: CliIo, err: CommerceCallError): void {
  io.err(`commerce:subscribe failed: ${err.call}${err.status ? ` answered HTTP ${err.status}` : ' got no answer'}: ${err.detail}`);
  io.err(`  check: ${hintFor(err.status, 'commerce')}`);
  io.err('  Nothing after this step was changed; fix the cause and run again (the run is safe to repeat).');
}
