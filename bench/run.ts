/**
 * `npm run bench`: run every benchmark of the project (bench/*.ts) one after the other, each
 * in a child process of its own (so one's memory and warm caches never flatter the next),
 * collect the figures they print in the `BENCH {json}` protocol (bench/report.ts), print
 * one table, and write bench/results/results.json and bench/results/results.md (git-ignored:
 * a run leaves the clone clean) with the machine the figures were measured on.
 *
 *   npm run bench                          every benchmark
 *   npm run bench -- --only cold,valid     those whose file name contains one of the words
 *   npm run bench -- --list                the benchmarks it would run
 *   npm run bench -- --timeout 600         per-benchmark limit in seconds (default 900)
 *   npm run bench -- --quick               sets BENCH_QUICK=1 for benchmarks that offer shorter runs
 *   npm run bench -- --update-readme       also publish the figures: the short table of README.md
 *                                          and the full one of docs/performance.md (between their
 *                                          bench markers); only for a full run of every benchmark
 *
 * Benchmarks assert nothing about absolute time; they report. A benchmark that exits non-zero
 * or prints no figure is shown as such in the table and makes the exit code 1.
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseBenchLine, type BenchFigure } from './report';
import { RESULTS_DIR, updateMarkedFile, writeResults } from './publish';
import { markdownTable, readmeTable, tableRows, textTable, type BenchRun, type Machine } from './table';

const ROOT = path.join(__dirname, '..');
const BENCH_DIR = __dirname;
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
/** helpers in bench/ that are not benchmarks (and any `*-lib.ts`) */
const NOT_BENCHMARKS = new Set(['run.ts', 'report.ts', 'table.ts', 'publish.ts', 'lib.ts', 'platform-lib.ts']);

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
    .filter(
      (f) =>
        f.endsWith('.ts') &&
        !f.endsWith('.d.ts') &&
        !f.endsWith('-lib.ts') &&
        !f.startsWith('_') &&
        !NOT_BENCHMARKS.has(f),
    )
    .sort();
}

export interface Args {
  only: string[];
  list: boolean;
  quick: boolean;
  timeoutS: number;
  updateReadme: boolean;
}

export function parseArgs(argv: string[]): Args {
  const a: Args = { only: [], list: false, quick: false, timeoutS: 900, updateReadme: false };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    if (f === '--only')
      a.only = (argv[++i] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (f === '--list') a.list = true;
    else if (f === '--quick') a.quick = true;
    else if (f === '--timeout') a.timeoutS = Number(argv[++i]) || a.timeoutS;
    else if (f === '--update-readme') a.updateReadme = true;
    else if (f === '-h' || f === '--help') {
      process.stdout.write(
        fs
          .readFileSync(__filename, 'utf8')
          .split('*/')[0]
          ?.replace(/^\/\*\*?|^ \* ?/gm, '') ?? '',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${f}`);
  }
  // the published tables show every benchmark at full size, never a partial or quick run
  if (a.updateReadme && (a.only.length > 0 || a.quick))
    throw new Error('--update-readme needs a full run: drop --only and --quick');
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
      const why = timedOut
        ? `timed out after ${a.timeoutS} s`
        : code !== 0
          ? `exit code ${code}`
          : figures.length === 0
            ? 'printed no BENCH line'
            : undefined;
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

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
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
  process.stdout.write(
    `Running ${files.length} benchmark(s) on ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, Node ${m.node}\n`,
  );
  const runs: BenchRun[] = [];
  for (const [i, file] of files.entries()) {
    process.stdout.write(`\n[${i + 1}/${files.length}] bench/${file}\n`);
    const r = await runOne(file, a);
    process.stdout.write(
      `[${i + 1}/${files.length}] bench/${file}: ${r.ok ? 'done' : 'FAILED'} in ${r.seconds} s, ${r.figures.length} figure(s)\n`,
    );
    runs.push(r);
  }
  const date = new Date().toISOString();
  const rows = tableRows(runs);
  process.stdout.write(
    `\n${textTable(rows)}\n\nMachine: ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, Node ${m.node}, ${m.os}; load average ${m.loadAverage} at the start, ${(os.loadavg()[0] ?? 0).toFixed(1)} at the end\n`,
  );
  const commit = gitCommit();
  const results = {
    date,
    ...(commit ? { commit } : {}),
    machine: m,
    quick: a.quick,
    figures: runs.flatMap((r) => r.figures.map((f) => ({ file: r.file, ...f }))),
    runs,
  };
  const written = writeResults(RESULTS_DIR, results, markdownTable(rows, m, date));
  process.stdout.write(`Wrote ${written.map((f) => path.relative(ROOT, f)).join(' and ')}\n`);
  if (a.updateReadme) {
    if (runs.some((r) => !r.ok))
      throw new Error('a benchmark failed: README.md and docs/performance.md left as they were');
    updateMarkedFile(path.join(ROOT, 'README.md'), readmeTable(rows, m, date));
    updateMarkedFile(path.join(ROOT, 'docs', 'performance.md'), markdownTable(rows, m, date));
    process.stdout.write('Updated the benchmark tables of README.md and docs/performance.md\n');
  }
  if (runs.some((r) => !r.ok)) process.exit(1);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
