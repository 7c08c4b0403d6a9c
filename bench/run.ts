/**
 * `npm run bench`: run every benchmark of the project (bench/*.ts) one after the other, each
 * in a child process of its own (so one's memory and warm caches never flatter the next),
 * collect the figures they print in the `BENCH {json}` protocol (bench/report.ts), print
 * one table, and write bench/results.json (and bench/results.md, the table as Markdown for
 * the README) with the machine the figures were measured on.
 *
 *   npm run bench                          every benchmark
 *   npm run bench -- --only cold,valid     those whose file name contains one of the words
 *   npm run bench -- --list                the benchmarks it would run
 *   npm run bench -- --timeout 600         per-benchmark limit in seconds (default 900)
 *   npm run bench -- --quick               sets BENCH_QUICK=1 for benchmarks that offer shorter runs
 *
 * Benchmarks assert nothing about absolute time; they report. A benchmark that exits non-zero
 * or prints no figure is shown as such in the table and makes the exit code 1.
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseBenchLine, type BenchFigure } from './report';

const ROOT = path.join(__dirname, '..');
const BENCH_DIR = __dirname;
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
/** helpers in bench/ that are not benchmarks (and any `*-lib.ts`) */
const NOT_BENCHMARKS = new Set(['run.ts', 'report.ts', 'lib.ts', 'platform-lib.ts']);

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

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown',
    cores: cpus.length,
    memoryGB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 10) / 10,
  };
}

export function discover(dir: string = BENCH_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('-lib.ts') && !f.startsWith('_') && !NOT_BENCHMARKS.has(f))
    .sort();
}

interface Args {
  only: string[];
  list: boolean;
  quick: boolean;
  timeoutS: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { only: [], list: false, quick: false, timeoutS: 900 };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    if (f === '--only') a.only = (argv[++i] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    else if (f === '--list') a.list = true;
    else if (f === '--quick') a.quick = true;
    else if (f === '--timeout') a.timeoutS = Number(argv[++i]) || a.timeoutS;
    else if (f === '-h' || f === '--help') {
      process.stdout.write(fs.readFileSync(__filename, 'utf8').split('*/')[0]?.replace(/^\/\*\*?|^ \* ?/gm, '') ?? '');
      process.exit(0);
    } else throw new Error(`unknown option ${f}`);
  }
  return a;
}

/** Run one benchmark; its output goes through to ours (indented) while BENCH lines are collected. */
function runOne(file: string, a: Args): Promise<BenchRun> {
  const started = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSX, path.join(BENCH_DIR, file)], {
      cwd: ROOT,
      env: { ...process.env, ...(a.quick ? { BENCH_QUICK: '1' } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const figures: BenchFigure[] = [];
    const tail: string[] = [];
    const keep = (line: string) => {
      tail.push(line);
      if (tail.length > 15) tail.shift();
    };
    const lines = (stream: NodeJS.ReadableStream, out: NodeJS.WritableStream) => {
      let buf = '';
      stream.on('data', (c: Buffer) => {
        buf += c.toString('utf8');
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          const fig = parseBenchLine(line);
          if (fig) figures.push(fig);
          else keep(line);
          out.write(`    ${line}\n`);
        }
      });
      stream.on('end', () => {
        if (buf) {
          const fig = parseBenchLine(buf);
          if (fig) figures.push(fig);
          else keep(buf);
          out.write(`    ${buf}\n`);
        }
      });
    };
    lines(child.stdout, process.stdout);
    lines(child.stderr, process.stderr);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, a.timeoutS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const ok = code === 0 && !timedOut && figures.length > 0;
      const why = timedOut ? `timed out after ${a.timeoutS} s` : code !== 0 ? `exit code ${code}` : figures.length === 0 ? 'printed no BENCH line' : undefined;
      resolve({
        file,
        ok,
        exitCode: code,
        seconds: Math.round(seconds * 10) / 10,
        figures,
        ...(why ? { error: `${why}\n${tail.join('\n')}` } : {}),
      });
    });
  });
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
      rows.push({ benchmark: r.file, figure: r.ok ? '(no figure)' : `FAILED: ${r.error?.split('\n')[0] ?? ''}`, baseline: '', ratio: '', goal: '' });
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
    if (!r.ok) rows.push({ benchmark: r.file, figure: `FAILED: ${r.error?.split('\n')[0] ?? ''}`, baseline: '', ratio: '', goal: '' });
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
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(w[i] ?? 0)).join('  ').trimEnd();
  return [line(COLS.map(([, h]) => h)), line(w.map((n) => '-'.repeat(n))), ...rows.map((r) => line(COLS.map(([k]) => r[k])))].join('\n');
}

export function markdownTable(rows: TableRow[], m: Machine, date: string): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `Measured ${date.slice(0, 10)} on ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, Node ${m.node}, load average ${m.loadAverage} at the start (\`npm run bench\`).`,
    '',
    `| ${COLS.map(([, h]) => h).join(' | ')} |`,
    `| ${COLS.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${COLS.map(([k]) => esc(r[k])).join(' | ')} |`),
    '',
  ].join('\n');
}

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  let files = discover();
  if (a.only.length > 0) files = files.filter((f) => a.only.some((w) => f.includes(w)));
  if (a.list) {
    process.stdout.write(`${files.join('\n')}\n`);
    return;
  }
  if (files.length === 0) {
    process.stderr.write('no benchmarks found in bench/\n');
    process.exit(1);
  }
  const m = machine();
  process.stdout.write(`Running ${files.length} benchmark(s) on ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, Node ${m.node}\n`);
  const runs: BenchRun[] = [];
  for (const [i, file] of files.entries()) {
    process.stdout.write(`\n[${i + 1}/${files.length}] bench/${file}\n`);
    const r = await runOne(file, a);
    process.stdout.write(`[${i + 1}/${files.length}] bench/${file}: ${r.ok ? 'done' : 'FAILED'} in ${r.seconds} s, ${r.figures.length} figure(s)\n`);
    runs.push(r);
  }
  const date = new Date().toISOString();
  const rows = tableRows(runs);
  process.stdout.write(`\n${textTable(rows)}\n\nMachine: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, Node ${m.node}, ${m.os}; load average ${m.loadAverage} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end\n`);
  const commit = gitCommit();
  const results = {
    date,
    ...(commit ? { commit } : {}),
    machine: m,
    quick: a.quick,
    figures: runs.flatMap((r) => r.figures.map((f) => ({ file: r.file, ...f }))),
    runs,
  };
  // write-then-rename: an interrupted run never leaves half a results file
  const out = path.join(BENCH_DIR, 'results.json');
  fs.writeFileSync(`${out}.tmp`, JSON.stringify(results, null, 2) + '\n');
  fs.renameSync(`${out}.tmp`, out);
  fs.writeFileSync(path.join(BENCH_DIR, 'results.md'), markdownTable(rows, m, date));
  process.stdout.write(`Wrote bench/results.json and bench/results.md\n`);
  if (runs.some((r) => !r.ok)) process.exit(1);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
