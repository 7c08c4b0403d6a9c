/**
 * The stand-in's eventing, as Adobe Commerce's "Adobe I/O Events for Adobe Commerce" module
 * does it: a save or delete through the REST API queues the matching `observer.*` event in
 * the same database (the module's `event_data` table; here `cm_entities` of kind
 * `eventQueue`), and the queue is published to I/O Events shortly after the save committed
 * (the module's cron batch; here every 100 ms, once an event is COMMERCE_EVENTS_DELAY_MS old,
 * 1000 by default). A queued event survives a restart; it is removed once I/O Events stored it.
 *
 * Which events: those the Commerce instance is subscribed to (`POST V1/eventing/eventSubscribe`,
 * what `npm run commerce:subscribe` sends): a subscription `observer.X`, or an alias
 * `{prefix}.observer.X` whose parent is `observer.X`, publishes `com.adobe.commerce.{name}`
 * with `data: {value: {...}}` holding the fields the subscription selects (`*`: all). Until
 * any subscription is recorded, the Commerce event codes the app declared to the local I/O
 * Events (onboarding, or events.config.json on `npm start`) stand for the subscriptions, with
 * every field. A configuration saved with `enabled: false` stops publishing, as in Commerce.
 *
 * The provider: the subscription's `provider_id`, else COMMERCE_PROVIDER_ID, else the local
 * Commerce provider (`dx_commerce_events`) that defines the code.
 */
import type { PlatformContext } from '../core/types';
import type { CommerceStore, Json } from './store';

const COMMERCE = 'com.adobe.commerce.';
const QUEUE = 'eventQueue';
const COMMERCE_PROVIDER_METADATA = 'dx_commerce_events';

/** Queue the event a write caused: the base event name (`observer.X`) and the entity's data. */
export type Emit = (base: string, value: Json) => void;

export interface CommerceEventing {
  emit: Emit;
  /** publish the queued events that are due; resolves when done */
  flush(): Promise<void>;
  start(): void;
  close(): Promise<void>;
}

interface Subscription {
  name: string;
  fields: string[];
  providerId?: string | undefined;
}

interface Queued extends Json {
  type: string;
  value: Json;
  providerId?: string;
  due: number;
}

function fieldNames(raw: unknown): string[] {
  if (!Array.isArray(raw)) return ['*'];
  const names = raw
    .map((f) => (typeof f === 'string' ? f : f && typeof f === 'object' ? (f as Json).name : undefined))
    .filter((n): n is string => typeof n === 'string' && n !== '');
  return names.length ? names : ['*'];
}

/** the subscription's fields of the entity data (top-level names; `*` keeps everything) */
export function selectFields(value: Json, fields: readonly string[]): Json {
  if (fields.includes('*')) return value;
  const out: Json = {};
  for (const f of fields) {
    const top = f.split('.')[0] ?? f;
    if (value[top] !== undefined) out[top] = value[top];
  }
  return out;
}

export function commerceEventing(ctx: PlatformContext, store: CommerceStore): CommerceEventing {
  const env = () => ctx.config.env ?? {};
  const delayMs = () => {
    const v = Number(env().COMMERCE_EVENTS_DELAY_MS);
    return Number.isFinite(v) && v >= 0 ? v : 1000;
  };
  const warned = new Set<string>();
  // something may be queued (true at start: events queued before a restart are published)
  let pending = true;

  const subscriptionsFor = (base: string): Subscription[] => {
    const recorded = store.list('subscription');
    if (recorded.length > 0) {
      return recorded
        .filter((s) => s.name === base || s.parent === base)
        .map((s) => ({
          name: String(s.name),
          fields: fieldNames(s.fields),
          providerId: typeof s.provider_id === 'string' && s.provider_id ? s.provider_id : undefined,
        }));
    }
    return (ctx.events?.eventCodes() ?? [])
      .filter((c) => c.startsWith(COMMERCE) && (c === COMMERCE + base || c.endsWith(`.${base}`)))
      .map((c) => ({ name: c.slice(COMMERCE.length), fields: ['*'] }));
  };

  const emit: Emit = (base, value) => {
    if (store.get('eventingConfig', 'default')?.enabled === false) return;
    for (const s of subscriptionsFor(base)) {
      const q: Queued = {
        type: COMMERCE + s.name,
        value: selectFields(value, s.fields),
        due: Date.now() + delayMs(),
        ...(s.providerId ? { providerId: s.providerId } : {}),
      };
      store.put(QUEUE, String(store.nextId(QUEUE)).padStart(12, '0'), q);
      pending = true;
    }
  };

  const publishOne = async (key: string, q: Queued): Promise<boolean> => {
    const events = ctx.events;
    if (!events) return false;
    try {
      await events.publish({
        type: q.type,
        data: { value: q.value },
        providerId: q.providerId ?? env().COMMERCE_PROVIDER_ID,
        providerMetadata: COMMERCE_PROVIDER_METADATA,
      });
    } catch (e) {
      const status = (e as { status?: number }).status;
      // no provider defines the code: Commerce drops it too (nothing would ever accept it)
      if (status !== 400) return false;
      if (!warned.has(q.type)) {
        warned.add(q.type);
        ctx.log.warn(`Commerce stand-in: ${q.type} not published: ${(e as Error).message}`);
      }
    }
    store.delete(QUEUE, key);
    return true;
  };

  let running: Promise<void> | undefined;
  const drain = async (): Promise<void> => {
    const now = Date.now();
    const queued = store.entries(QUEUE);
    let done = 0;
    for (const [key, q] of queued) {
      if ((q as Queued).due > now) break;
      if (!(await publishOne(key, q as Queued))) break; // keep the order: retry on the next tick
      done++;
    }
    // nothing left: no reads until the next save queues an event
    if (done === queued.length && store.entries(QUEUE).length === 0) pending = false;
  };
  const flush = (): Promise<void> => {
    if (!running) {
      running = drain().finally(() => {
        running = undefined;
      });
    }
    return running;
  };

  let timer: NodeJS.Timeout | undefined;
  return {
    emit,
    flush,
    start() {
      timer = setInterval(() => {
        if (!pending) return;
        flush().catch((e: unknown) =>
          ctx.log.warn('Commerce stand-in: publishing events failed', { error: String(e) }),
        );
      }, 100);
      timer.unref();
    },
    async close() {
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
