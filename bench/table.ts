/**
 * How `npm run bench` (bench/run.ts) shows its figures: one row per figure, as a plain text
 * table for the terminal, as the full Markdown table (results file, docs/performance.md) and
 * as the short Markdown table of the README (each figure as a ratio against its same-run
 * baseline).
 */
import type { BenchFigure } from './report';

export interface BenchRun {
  file: string;
  ok: boolean;
  exitCode: number | null;
  seconds: number;
  figures: BenchFigure[];
  /** last lines of output when it failed */
  error?: string;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  node: string;
  os: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure */
  loadAverage: number;
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US');
  if (abs >= 100) return n.toFixed(0);
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(2);
}

export interface TableRow {
  benchmark: string;
  figure: string;
  baseline: string;
  ratio: string;
  goal: string;
}

export function tableRows(runs: BenchRun[]): TableRow[] {
  const rows: TableRow[] = [];
  for (const r of runs) {
    if (r.figures.length === 0) {
      rows.push({
        benchmark: r.file,
        figure: r.ok ? '(no figure)' : `FAILED: ${r.error?.split('\n')[0] ?? ''}`,
        baseline: '',
        ratio: '',
        goal: '',
      });
      continue;
    }
    for (const f of r.figures) {
      rows.push({
        benchmark: f.name,
        figure: `${fmt(f.value)} ${f.unit}`,
        baseline: f.baseline ? `${f.baseline}: ${fmt(f.baselineValue)} ${f.unit}` : '',
        ratio: Number.isFinite(f.ratio) ? `${fmt(f.ratio)}×` : '–',
        goal: f.goal ?? '',
      });
    }
    if (!r.ok)
      rows.push({
        benchmark: r.file,
        figure: `FAILED: ${r.error?.split('\n')[0] ?? ''}`,
        baseline: '',
        ratio: '',
        goal: '',
      });
  }
  return rows;
}

const COLS: Array<[keyof TableRow, string]> = [
  ['benchmark', 'benchmark'],
  ['figure', 'figure'],
  ['baseline', 'baseline (same run)'],
  ['ratio', 'ratio'],
  ['goal', 'goal'],
];

export function textTable(rows: TableRow[]): string {
  const w = COLS.map(([k, h]) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(w[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(COLS.map(([, h]) => h)),
    line(w.map((n) => '-'.repeat(n))),
    ...rows.map((r) => line(COLS.map(([k]) => r[k]))),
  ].join('\n');
}

const esc = (s: string) => s.replace(/\|/g, '\\|');

export function machineLine(m: Machine, date: string): string {
  return `Measured ${date.slice(0, 10)} on ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, Node ${m.node}, load average ${m.loadAverage} at the start (\`npm run bench\`).`;
}

export function markdownTable(rows: TableRow[], m: Machine, date: string): string {
  return [
    machineLine(m, date),
    '',
    `| ${COLS.map(([, h]) => h).join(' | ')} |`,
    `| ${COLS.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${COLS.map(([k]) => esc(r[k])).join(' | ')} |`),
    '',
  ].join('\n');
}

/**
 * The figures the README shows (docs/performance.md shows them all): the pipeline against
 * its queue-based peer, and what a deployed action costs. A benchmark name starting with one
 * of these is a README row.
 */
export const README_FIGURES = [
  'e2e app pipeline events/s',
  'e2e p99 at half',
  'e2e CPU per event',
  'deployed webhook cold start',
  'deployed webhook peak RSS',
  'deployed webhook warm CPU',
  'deployed handler warm CPU',
  'deployed handler zip',
  'warm webhook handling vs its floor',
  'platform RSS idle',
];

/** The README's table: the headline figures, each beside its same-run baseline and the ratio. */
export function readmeTable(rows: TableRow[], m: Machine, date: string): string {
  const shown = rows.filter((r) => README_FIGURES.some((n) => r.benchmark.startsWith(n)));
  const against = (r: TableRow) => (r.baseline ? `${r.ratio} ${r.baseline}` : r.ratio);
  return [
    machineLine(m, date),
    '',
    '| benchmark | figure | ratio to the same-run baseline |',
    '| --- | --- | --- |',
    ...shown.map((r) => `| ${esc(r.benchmark)} | ${esc(r.figure)} | ${esc(against(r))} |`),
    '',
  ].join('\n');
}
