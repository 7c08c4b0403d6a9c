/**
 * The lookup cache: per-container memory in front of State, and why both.
 * - Memory (a Map with expiry, plus one in-flight promise per key) collapses a burst that
 *   lands in one warm container into one fetch with no round trip at all; it is lost at a
 *   cold start and not shared between containers.
 * - State (aio-lib-state, the key's TTL = the cache TTL) is shared by every container of
 *   the namespace and survives cold starts, at one State round trip per miss in memory.
 * - A burst spread over several containers would still race on a State miss (State has no
 *   compare-and-set), so the first container to miss puts a short lease key and checks it is
 *   still its own; the others poll State for the value instead of fetching. If the lease
 *   holder dies, the lease expires and the next one fetches. State trouble never fails a
 *   lookup: the cache degrades to memory only.
 * Staleness: an entity is reused for up to the TTL after it was fetched; choose the TTL as
 * the delay you accept between a change and its propagation for changes that arrive in a
 * burst. Errors are never cached.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Logger } from '../kernel/log';
import type { StateStore } from '../state';

export interface CacheStats {
  fetches: number;
  memoryHits: number;
  stateHits: number;
  waits: number;
}

interface MemoryEntry {
  value: unknown;
  expiresAt: number;
}

const MAX_MEMORY_ENTRIES = 1000;
const LEASE_CHECK_MS = 25;
const POLL_MS = 50;

export class LookupCache {
  private readonly memory = new Map<string, MemoryEntry>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  readonly stats: CacheStats = { fetches: 0, memoryHits: 0, stateHits: 0, waits: 0 };
  private readonly owner = randomUUID();

  constructor(private readonly now: () => number = Date.now) {}

  clear(): void {
    this.memory.clear();
    this.inflight.clear();
    Object.assign(this.stats, { fetches: 0, memoryHits: 0, stateHits: 0, waits: 0 });
  }

  /** The value for `url`: memory, in-flight, State, a lease holder's result, or `fetch()`. */
  async get(
    url: string,
    ttlSeconds: number,
    state: StateStore | undefined,
    fetch: () => Promise<unknown>,
    log?: Logger,
    leaseMs = 10_000,
  ): Promise<unknown> {
    if (ttlSeconds <= 0) {
      this.stats.fetches++;
      return fetch();
    }
    const key = createHash('sha256').update(url).digest('hex');
    const hit = this.memory.get(key);
    if (hit && hit.expiresAt > this.now()) {
      this.stats.memoryHits++;
      return hit.value;
    }
    const running = this.inflight.get(key);
    if (running) {
      this.stats.memoryHits++;
      return running;
    }
    const p = this.load(key, ttlSeconds, state, fetch, log, leaseMs).finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    return p;
  }

  private remember(key: string, value: unknown, expiresAt: number): void {
    if (this.memory.size >= MAX_MEMORY_ENTRIES) {
      const oldest = this.memory.keys().next().value;
      if (oldest !== undefined) this.memory.delete(oldest);
    }
    this.memory.set(key, { value, expiresAt });
  }

  private async fromState(
    state: StateStore,
    key: string,
    log?: Logger,
  ): Promise<{ value: unknown; at: number } | undefined> {
    const text = await quiet(log, () => state.get(`lookup.c.${key}`));
    if (text === undefined) return undefined;
    try {
      const o = JSON.parse(text) as { at?: unknown; value?: unknown };
      return typeof o.at === 'number' ? { value: o.value, at: o.at } : undefined;
    } catch {
      return undefined;
    }
  }

  private async load(
    key: string,
    ttlSeconds: number,
    state: StateStore | undefined,
    fetch: () => Promise<unknown>,
    log: Logger | undefined,
    leaseMs: number,
  ): Promise<unknown> {
    const ttlMs = ttlSeconds * 1000;
    if (state) {
      const cached = await this.fromState(state, key, log);
      if (cached && cached.at + ttlMs > this.now()) {
        this.stats.stateHits++;
        this.remember(key, cached.value, cached.at + ttlMs);
        return cached.value;
      }
      // lease: one fetch for the namespace; the others wait for its result in State
      const leaseKey = `lookup.l.${key}`;
      const free = (h: string | undefined) => h === undefined || h.startsWith('free') || h.startsWith(this.owner);
      let holder = await quiet(log, () => state.get(leaseKey));
      if (free(holder)) {
        const mine = `${this.owner}.${randomUUID()}`;
        await quiet(log, () => state.put(leaseKey, mine, Math.max(1, Math.ceil(leaseMs / 1000))));
        await sleep(LEASE_CHECK_MS);
        holder = await quiet(log, () => state.get(leaseKey));
        if (holder === mine || holder === undefined) {
          try {
            return await this.fetchAndStore(key, ttlMs, ttlSeconds, state, fetch, log);
          } finally {
            // let waiters (and the next miss) go on at once, whatever the outcome
            await quiet(log, () => state.put(leaseKey, 'free', 1));
          }
        }
      }
      if (!free(holder)) {
        this.stats.waits++;
        const until = this.now() + leaseMs;
        while (this.now() < until) {
          await sleep(POLL_MS);
          const got = await this.fromState(state, key, log);
          if (got && got.at + ttlMs > this.now()) {
            this.stats.stateHits++;
            this.remember(key, got.value, got.at + ttlMs);
            return got.value;
          }
          if (free(await quiet(log, () => state.get(leaseKey)))) break; // the holder is done or gone: fetch ourselves
        }
      }
    }
    return this.fetchAndStore(key, ttlMs, ttlSeconds, state, fetch, log);
  }

  private async fetchAndStore(
    key: string,
    ttlMs: number,
    ttlSeconds: number,
    state: StateStore | undefined,
    fetch: () => Promise<unknown>,
    log: Logger | undefined,
  ): Promise<unknown> {
    this.stats.fetches++;
    const value = await fetch();
    const at = this.now();
    this.remember(key, value, at + ttlMs);
    if (state) {
      const text = JSON.stringify({ at, value });
      // State values are limited to 1 MB; a bigger entity stays in memory only
      if (Buffer.byteLength(text) < 1_000_000)
        await quiet(log, () => state.put(`lookup.c.${key}`, text, Math.max(1, ttlSeconds)));
    }
    return value;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** State trouble degrades the cache, it never fails the lookup. */
async function quiet<T>(log: Logger | undefined, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    log?.debug(
      `lookup cache: State unavailable (${err instanceof Error ? err.message : String(err)}), using memory only`,
    );
    return undefined;
  }
}

/** One cache per warm container. */
export const lookupCache = new LookupCache();
