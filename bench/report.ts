/**
 * The one protocol between a benchmark and `npm run bench` (bench/run.ts): besides its own
 * human-readable output, every benchmark prints one line per figure
 *
 *   BENCH {"name":"…","value":…,"unit":"…","baseline":"…","baselineValue":…,"ratio":…,"goal":"…"}
 *
 * `value` is the figure measured, `baselineValue` the yardstick measured in the same run
 * (same unit), `ratio` = value / baselineValue, `goal` an optional human-readable target.
 * A benchmark may print the line by hand (one `console.log`) or call `reportBench`.
 */

export interface BenchFigure {
  /** what was measured, e.g. "web action req/s" */
  name: string;
  value: number;
  /** e.g. "req/s", "ms", "MB" */
  unit: string;
  /** what the yardstick is, e.g. "bare HTTP + SQLite insert" */
  baseline: string;
  baselineValue: number;
  /** value / baselineValue */
  ratio: number;
  /** e.g. ">= 0.4 of bare" */
  goal?: string;
}

export const BENCH_PREFIX = 'BENCH ';

/** Print one figure in the protocol's shape (ratio computed when omitted). */
export function reportBench(f: Omit<BenchFigure, 'ratio'> & { ratio?: number }): void {
  const ratio = f.ratio ?? (f.baselineValue !== 0 ? f.value / f.baselineValue : Number.NaN);
  const out: BenchFigure = { ...f, ratio: Math.round(ratio * 1000) / 1000 };
  process.stdout.write(`${BENCH_PREFIX}${JSON.stringify(out)}\n`);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Parse one output line; undefined when it is not a well-formed BENCH line. */
export function parseBenchLine(line: string): BenchFigure | undefined {
  const at = line.indexOf(BENCH_PREFIX);
  if (at < 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line.slice(at + BENCH_PREFIX.length));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const o = parsed as Record<string, unknown>;
  if (typeof o.name !== 'string' || !isNum(o.value) || typeof o.unit !== 'string') return undefined;
  const baselineValue = isNum(o.baselineValue) ? o.baselineValue : Number.NaN;
  const ratio = isNum(o.ratio) ? o.ratio : baselineValue ? o.value / baselineValue : Number.NaN;
  return {
    name: o.name,
    value: o.value,
    unit: o.unit,
    baseline: typeof o.baseline === 'string' ? o.baseline : '',
    baselineValue,
    ratio,
    ...(typeof o.goal === 'string' ? { goal: o.goal } : {}),
  };
}
