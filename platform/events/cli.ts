/**
 * The events CLI: talks to a running platform over HTTP (the `/events/_local/` API).
 *   npm run events -- list --status rejected,dead --entity SKU-1
 *   npm run events -- show <eventId|CloudEvent id>
 *   npm run events -- tail [--registration name]
 *   npm run events -- replay <eventId> | replay --status rejected,dead [--type code]
 *   npm run events -- pause <registration> --reason "..." / resume <registration>
 *   npm run events -- registrations
 */
import fs from 'node:fs';
import path from 'node:path';

const HELP = `Usage: npm run events -- <command> [options]

Look at and act on the local platform's I/O Events: deliveries, traces, replays.

Commands:
  list                     events, newest first
      --status <s,...>     received|unrouted|pending|held|retrying|delivered|rejected|dead|dropped
      --type <code>        event code          --entity <id>   entity id (sku, email, order id...)
      --registration <r>   registration id or name
      --since <time>       ISO time or epoch ms --until <time>
      --limit <n>          default 20           --before <cursor> next page
  show <event>             one event: its deliveries, every attempt's request and response,
                           and the activations it caused (event_id or CloudEvent id)
  tail                     follow ingests and deliveries live (Ctrl-C to stop)
      --registration <r>   only this registration
  replay <event>           deliver an event again (--registration <r> for one target)
  replay --status rejected,dead [--type ...] [--entity ...] [--registration ...]
                           replay every event matching the filter
  pause <registration> --reason <text>     hold deliveries (they queue)
  resume <registration> [--reason <text>]  deliver what was held, re-enable if DISABLED
  registrations            registrations with target, health and delivery counts

Options:
  --url <url>              the platform (env PLATFORM_URL, default http://127.0.0.1:$PLATFORM_PORT or 3233)
  --data-dir <dir>         where to find the namespace key (env PLATFORM_DATA_DIR, default ./.data)
  --json                   print JSON instead of tables
  -h, --help               this help
`;

export interface CliOptions {
  command?: string | undefined;
  positional: string[];
  flags: Record<string, string | true>;
}

export function parseCliArgs(argv: string[]): CliOptions {
  const out: CliOptions = { positional: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '-h' || a === '--help') out.flags.help = true;
    else if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) out.flags[a.slice(2, eq)] = a.slice(eq + 1);
      else if (a === '--json') out.flags.json = true;
      else {
        const v = argv[i + 1];
        if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
        out.flags[a.slice(2)] = v;
        i++;
      }
    } else if (out.command === undefined) out.command = a;
    else out.positional.push(a);
  }
  return out;
}

function authHeader(flags: Record<string, string | true>): Record<string, string> {
  let auth = process.env.AIO_RUNTIME_AUTH;
  if (!auth) {
    const dir = typeof flags['data-dir'] === 'string' ? flags['data-dir'] : process.env.PLATFORM_DATA_DIR || '.data';
    try {
      const stored = JSON.parse(fs.readFileSync(path.join(dir, 'runtime-credentials.json'), 'utf8')) as {
        auth?: string;
      };
      auth = stored.auth;
    } catch {
      auth = undefined;
    }
  }
  return auth ? { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {};
}

function pad(s: string, n: number): string {
  return s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length);
}

function table(rows: string[][], widths: number[]): string {
  return rows
    .map((r) =>
      r
        .map((c, i) => pad(c, widths[i] ?? 20))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function time(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** The parts of the `/events/_local/` replies the CLI prints: the API's JSON, not the platform's rows. */
interface AttemptView {
  attempt: number;
  at: string;
  durationMs: number;
  outcome: string;
  activationId: string | null;
  request: { headers: Record<string, string | undefined> };
  response: { status: number; body: string | null } | null;
  error: string | null;
}

interface EventDetail {
  event: {
    type: string;
    status: string;
    eventId: string;
    id: string;
    entityId: string | null;
    source: string;
    receivedAt: string;
    cloudEvent: { data?: unknown };
  };
  deliveries: Array<{
    registration?: string;
    target: string | null;
    status: string;
    attempts: number;
    nextAttemptAt: string | null;
    trace: AttemptView[];
  }>;
  journals?: Array<string | undefined>;
  activations?: Array<{
    activationId: string;
    name: string;
    response?: { status?: string };
    duration: number;
    logs?: string[];
  }>;
}

interface RegistrationView {
  name: string;
  delivery_type: string;
  target: string;
  health: string;
  paused: boolean;
  pauseReason: string | null;
  counts: Record<string, number | undefined>;
}

/** What every command gets: its arguments, how to reach the platform, and where to print. */
interface Command {
  o: CliOptions;
  base: string;
  headers: Record<string, string>;
  json: boolean;
  out: (s: string) => void;
  /** a flag's value, when given with one */
  str(k: string): string | undefined;
  /** one JSON request to the platform; a non-2xx answer throws with its message */
  call<T>(method: string, p: string, body?: unknown): Promise<T>;
}

function platformCaller(base: string, headers: Record<string, string>): Command['call'] {
  return async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    let res: Response;
    try {
      res = await fetch(`${base}${p}`, {
        method,
        headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
    } catch (e) {
      throw new Error(
        `cannot reach the platform at ${base} (${(e as Error).message}); is it running? (npm start, or --url)`,
        { cause: e },
      );
    }
    const text = await res.text();
    if (!res.ok) {
      let msg = text;
      try {
        msg = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        /* plain text */
      }
      throw new Error(`${method} ${p} → ${res.status}: ${msg}`);
    }
    return JSON.parse(text) as T;
  };
}

function filterQuery(c: Command): string {
  const q = new URLSearchParams();
  for (const k of ['status', 'type', 'entity', 'registration', 'since', 'until', 'limit', 'before']) {
    const v = c.str(k);
    if (v !== undefined) q.set(k, v);
  }
  if (!q.has('limit')) q.set('limit', '20');
  return q.toString();
}

async function listCommand(c: Command): Promise<void> {
  const { out } = c;
  const r = await c.call<{ events: Array<Record<string, string | null>>; next: string | null }>(
    'GET',
    `/events/_local/events?${filterQuery(c)}`,
  );
  if (c.json) out(JSON.stringify(r, null, 2));
  else {
    out(
      table(
        [
          ['RECEIVED', 'STATUS', 'EVENT CODE', 'ENTITY', 'CLOUDEVENT ID', 'EVENT ID'],
          ...r.events.map((e) => [
            time(e.receivedAt ?? ''),
            e.status ?? '',
            e.type ?? '',
            e.entityId ?? '-',
            e.id ?? '',
            e.eventId ?? '',
          ]),
        ],
        [20, 9, 44, 16, 24, 36],
      ),
    );
    if (r.events.length === 0) out('(no events match)');
    if (r.next) out(`more: --before ${r.next}`);
  }
}

async function showCommand(c: Command): Promise<void> {
  const { out } = c;
  const id = c.o.positional[0];
  if (!id) throw new Error('show needs an event id (event_id or CloudEvent id)');
  const r = await c.call<EventDetail>('GET', `/events/_local/events/${encodeURIComponent(id)}`);
  if (c.json) {
    out(JSON.stringify(r, null, 2));
    return;
  }
  const e = r.event;
  out(`${e.type}  ${e.status.toUpperCase()}`);
  out(`  event_id ${e.eventId}   id ${e.id}   entity ${e.entityId ?? '-'}`);
  out(`  source ${e.source}   received ${time(e.receivedAt)}`);
  out(`  data ${JSON.stringify(e.cloudEvent.data)}`);
  for (const d of r.deliveries) {
    out('');
    out(
      `→ ${d.registration} (${d.target})  ${d.status}, ${d.attempts} attempt(s)${d.nextAttemptAt ? `, next at ${time(d.nextAttemptAt)}` : ''}`,
    );
    for (const a of d.trace) {
      out(
        `  #${a.attempt} ${time(a.at)} ${a.durationMs} ms  ${a.response ? a.response.status : a.error}  → ${a.outcome}${a.activationId ? `  activation ${a.activationId}` : ''}`,
      );
      out(
        `     request  x-adobe-delivery-id ${a.request.headers['x-adobe-delivery-id']}  retry-count ${a.request.headers['x-adobe-retry-count']}`,
      );
      if (a.response) out(`     response ${String(a.response.body ?? '').slice(0, 300)}`);
    }
  }
  if (r.journals?.length) out(`\njournals: ${r.journals.join(', ')}`);
  if (r.activations?.length) {
    out('\nactivations:');
    for (const act of r.activations) {
      out(`  ${act.activationId}  ${act.name}  ${act.response?.status ?? ''}  ${act.duration} ms`);
      for (const l of (act.logs ?? []).slice(0, 20)) out(`     ${l}`);
    }
  }
}

async function replayCommand(c: Command): Promise<void> {
  const id = c.o.positional[0];
  const registration = c.str('registration');
  if (id) {
    const r = await c.call<{ replayed: number }>(
      'POST',
      `/events/_local/events/${encodeURIComponent(id)}/replay`,
      registration ? { registration } : {},
    );
    c.out(c.json ? JSON.stringify(r) : `replayed ${r.replayed} deliver${r.replayed === 1 ? 'y' : 'ies'} of ${id}`);
    return;
  }
  const body: Record<string, string> = {};
  for (const k of ['status', 'type', 'entity', 'registration', 'since', 'until']) {
    const v = c.str(k);
    if (v !== undefined) body[k] = v;
  }
  if (!body.status) throw new Error('replay needs an event id or a filter with --status (e.g. --status rejected,dead)');
  const r = await c.call<{ events: number; deliveries: number }>('POST', '/events/_local/replay', body);
  c.out(c.json ? JSON.stringify(r) : `replayed ${r.deliveries} deliveries of ${r.events} events`);
}

async function pauseOrResumeCommand(c: Command, command: 'pause' | 'resume'): Promise<void> {
  const reg = c.o.positional[0];
  if (!reg) throw new Error(`${command} needs a registration (id or name)`);
  const reason = c.str('reason');
  if (command === 'pause' && !reason) throw new Error('pause needs --reason "why"');
  const r = await c.call<RegistrationView>(
    'POST',
    `/events/_local/registrations/${encodeURIComponent(reg)}/${command}`,
    reason ? { reason } : {},
  );
  c.out(
    c.json
      ? JSON.stringify(r, null, 2)
      : `${r.name}: ${r.paused ? `paused (${r.pauseReason})` : 'delivering'}, health ${r.health}`,
  );
}

async function registrationsCommand(c: Command): Promise<void> {
  const r = await c.call<{ registrations: RegistrationView[] }>('GET', '/events/_local/registrations');
  if (c.json) c.out(JSON.stringify(r, null, 2));
  else
    c.out(
      table(
        [
          ['NAME', 'TYPE', 'TARGET', 'HEALTH', 'PAUSED', 'DELIVERED', 'RETRYING', 'FAILED'],
          ...r.registrations.map((x) => [
            x.name,
            x.delivery_type,
            x.target,
            x.health,
            x.paused ? 'yes' : 'no',
            String(x.counts.delivered ?? 0),
            String(x.counts.retrying ?? 0),
            String((x.counts.rejected ?? 0) + (x.counts.dead ?? 0)),
          ]),
        ],
        [28, 13, 40, 8, 6, 9, 8, 6],
      ),
    );
}

/** one server-sent event of the stream, printed (or skipped when `--registration` filters it out) */
function printStreamEvent(c: Command, block: string, only: string | undefined): void {
  const { out } = c;
  const name = /^event: (.+)$/m.exec(block)?.[1];
  const data = /^data: (.+)$/m.exec(block)?.[1];
  if (!name || !data) return;
  const d = JSON.parse(data) as Record<string, unknown>;
  if (only && name === 'delivery' && d.registration !== only && d.registrationId !== only) return;
  if (c.json) out(JSON.stringify({ kind: name, ...d }));
  else if (name === 'event')
    out(
      `${new Date(Number(d.receivedAt)).toISOString()}  IN    ${String(d.type)}  ${String(d.entityId ?? '-')}  ${String(d.eventId)}`,
    );
  else if (name === 'delivery')
    out(
      `${new Date(Number(d.at)).toISOString()}  OUT   ${String(d.registration)} #${String(d.attempt)} ${String(d.responseStatus ?? 'no response')} → ${String(d.status)} (${String(d.durationMs)} ms)  ${String(d.eventId)}`,
    );
  else out(`${new Date().toISOString()}  REG   ${JSON.stringify(d)}`);
}

async function tailCommand(c: Command): Promise<void> {
  const only = c.str('registration');
  let res: Response;
  try {
    res = await fetch(`${c.base}/events/_local/stream`, { headers: c.headers });
  } catch (e) {
    throw new Error(`cannot reach the platform at ${c.base} (${(e as Error).message})`, { cause: e });
  }
  if (!res.ok || !res.body) throw new Error(`GET /events/_local/stream → ${res.status}`);
  c.out(`following ${c.base} (Ctrl-C to stop)`);
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let i: number;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      printStreamEvent(c, block, only);
    }
  }
}

export async function run(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
): Promise<number> {
  const o = parseCliArgs(argv);
  if (o.flags.help || !o.command || o.command === 'help') {
    out(HELP);
    return o.command || o.flags.help ? 0 : 1;
  }
  const base = (
    typeof o.flags.url === 'string'
      ? o.flags.url
      : process.env.PLATFORM_URL || `http://127.0.0.1:${process.env.PLATFORM_PORT || 3233}`
  ).replace(/\/$/, '');
  const headers = authHeader(o.flags);
  const c: Command = {
    o,
    base,
    headers,
    json: o.flags.json === true,
    out,
    str: (k) => (typeof o.flags[k] === 'string' ? (o.flags[k] as string) : undefined),
    call: platformCaller(base, headers),
  };
  switch (o.command) {
    case 'list':
      await listCommand(c);
      return 0;
    case 'show':
      await showCommand(c);
      return 0;
    case 'replay':
      await replayCommand(c);
      return 0;
    case 'pause':
    case 'resume':
      await pauseOrResumeCommand(c, o.command);
      return 0;
    case 'registrations':
      await registrationsCommand(c);
      return 0;
    case 'tail':
      await tailCommand(c);
      return 0;
    default:
      out(`unknown command ${o.command}\n\n${HELP}`);
      return 1;
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`events: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
