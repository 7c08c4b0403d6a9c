/**
 * Sizes of the reliability suite: the short version runs in `npm test` (the whole
 * reliability part stays well under 90 s on 2 cores); `npm run test:reliability` sets
 * RELIABILITY_FULL=1 for the full sizes.
 */
export const FULL = process.env.RELIABILITY_FULL === '1';

/** RELIABILITY_<NAME>=n overrides one size, e.g. RELIABILITY_CRASHEVENTS=2000 */
function size(name: string, full: number, short: number): number {
  const v = Number(process.env[`RELIABILITY_${name.toUpperCase()}`]);
  return Number.isFinite(v) && v > 0 ? v : FULL ? full : short;
}

export const SIZES = {
  /** R2: inputs through `main(params)` in-process */
  fuzzInProcess: size('fuzzInProcess', 100_000, 1_000),
  /** R2: inputs through the platform's HTTP door */
  fuzzHttp: size('fuzzHttp', 3_000, 200),
  /** R1: events POSTed to the webhook, and SIGKILLs during the run */
  crashEvents: size('crashEvents', 10_000, 100),
  crashKills: size('crashKills', 5, 1),
  /** R6: autocannon connections and seconds */
  loadConnections: size('loadConnections', 1_000, 50),
  loadSeconds: size('loadSeconds', 30, 3),
} as const;

/** jest timeout for a test of the given short/full budget in seconds */
export function budget(shortS: number, fullS: number): number {
  return (FULL ? fullS : shortS) * 1000;
}
