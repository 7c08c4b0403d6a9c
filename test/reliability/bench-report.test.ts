/**
 * The `BENCH {json}` protocol between the benchmarks and `npm run bench` (bench/report.ts,
 * bench/run.ts): parsing, the table, the benchmark discovery, and where the figures are
 * written (an ignored folder; the published tables only on request).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseBenchLine } from '../../bench/report';
import { discover, parseArgs } from '../../bench/run';
import { MARK_END, MARK_START, RESULTS_DIR, replaceMarked, updateMarkedFile, writeResults } from '../../bench/publish';
import { fmt, markdownTable, readmeTable, tableRows, textTable, type BenchRun } from '../../bench/table';

const ROOT = path.join(__dirname, '..', '..');

describe('npm run bench', () => {
  it('parses a BENCH line, computing the ratio when it is missing', () => {
    expect(
      parseBenchLine('BENCH {"name":"x","value":50,"unit":"req/s","baseline":"bare","baselineValue":200}'),
    ).toEqual({
      name: 'x',
      value: 50,
      unit: 'req/s',
      baseline: 'bare',
      baselineValue: 200,
      ratio: 0.25,
    });
    expect(
      parseBenchLine(
        '    BENCH {"name":"y","value":1,"unit":"ms","baseline":"b","baselineValue":2,"ratio":0.5,"goal":"<= 5 ms"}',
      )?.goal,
    ).toBe('<= 5 ms');
  });

  it('ignores lines that are not well-formed BENCH lines', () => {
    for (const l of [
      'hello',
      'BENCH',
      'BENCH {',
      'BENCH []',
      'BENCH {"name":1,"value":2,"unit":"x"}',
      'BENCH {"name":"n","value":"fast","unit":"x"}',
    ]) {
      expect(parseBenchLine(l)).toBeUndefined();
    }
  });

  it('finds every benchmark file and none of the helpers', () => {
    const found = discover(path.join(__dirname, '..', '..', 'bench'));
    expect(found).not.toContain('run.ts');
    expect(found).not.toContain('report.ts');
    expect(found).not.toContain('table.ts');
    expect(found).not.toContain('publish.ts');
    expect(found).not.toContain('lib.ts');
    expect(found).not.toContain('platform-lib.ts');
    expect(found.every((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toBe(true);
    // every benchmark speaks the protocol
    for (const f of found)
      expect(fs.readFileSync(path.join(__dirname, '..', '..', 'bench', f), 'utf8')).toContain('BENCH ');
  });

  it('renders one row per figure and a row for a failed benchmark', () => {
    const runs: BenchRun[] = [
      {
        file: 'a.ts',
        ok: true,
        exitCode: 0,
        seconds: 1,
        figures: [
          {
            name: 'web req/s',
            value: 12345.6,
            unit: 'req/s',
            baseline: 'bare',
            baselineValue: 20000,
            ratio: 0.617,
            goal: '>= 0.4x',
          },
        ],
      },
      { file: 'b.ts', ok: false, exitCode: 1, seconds: 1, figures: [], error: 'exit code 1\nboom' },
    ];
    const rows = tableRows(runs);
    expect(rows).toEqual([
      {
        benchmark: 'web req/s',
        figure: '12,346 req/s',
        baseline: 'bare: 20,000 req/s',
        ratio: '0.62×',
        goal: '>= 0.4x',
      },
      { benchmark: 'b.ts', figure: 'FAILED: exit code 1', baseline: '', ratio: '', goal: '' },
    ]);
    expect(textTable(rows).split('\n')).toHaveLength(4);
    const md = markdownTable(
      rows,
      { cpu: 'cpu', cores: 2, memoryGB: 4, node: 'v20', os: 'linux', loadAverage: 0.5 },
      '2026-01-01T00:00:00Z',
    );
    expect(md).toContain('| web req/s | 12,346 req/s | bare: 20,000 req/s | 0.62× | >= 0.4x |');
    expect(fmt(0.01234)).toBe('0.012');
    expect(fmt(Number.NaN)).toBe('–');
  });

  it('renders the README table: only the headline figures, each beside its baseline and the ratio', () => {
    const fig = (name: string, value: number, baseline: string, baselineValue: number) => ({
      name,
      value,
      unit: 'events/s',
      baseline,
      baselineValue,
      ratio: value / baselineValue,
    });
    const runs: BenchRun[] = [
      {
        file: 'a.ts',
        ok: true,
        exitCode: 0,
        seconds: 1,
        figures: [
          fig('e2e app pipeline events/s, c=10', 150, 'BullMQ + Redis', 750),
          fig('scheduler pick of 64 due', 1, 'the same pick forced to scan', 90),
        ],
      },
    ];
    const md = readmeTable(
      tableRows(runs),
      { cpu: 'cpu', cores: 2, memoryGB: 4, node: 'v20', os: 'linux', loadAverage: 0.5 },
      '2026-01-01T00:00:00Z',
    );
    expect(md).toContain('| e2e app pipeline events/s, c=10 | 150 events/s | 0.20× BullMQ + Redis: 750 events/s |');
    expect(md).not.toContain('scheduler pick');
    expect(md).toContain('Measured 2026-01-01 on cpu, 2 cores');
    expect(md).toContain('load average 0.5');
  });

  it('writes its results into the git-ignored bench/results/, never over tracked files', () => {
    expect(path.relative(ROOT, RESULTS_DIR)).toBe(path.join('bench', 'results'));
    const ignored = fs
      .readFileSync(path.join(ROOT, '.gitignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    expect(ignored).toContain('bench/results/');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
    try {
      const files = writeResults(path.join(dir, 'results'), { figures: [] }, '| table |\n');
      expect(files.map((f) => path.basename(f))).toEqual(['results.json', 'results.md']);
      expect(JSON.parse(fs.readFileSync(files[0] as string, 'utf8'))).toEqual({ figures: [] });
      expect(fs.readdirSync(path.join(dir, 'results')).sort()).toEqual(['results.json', 'results.md']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replaces the published tables only between their markers, and only for a full run', () => {
    const text = `# t\n\nbefore\n${MARK_START}\nold table\n${MARK_END}\nafter\n`;
    expect(replaceMarked(text, '| new |\n')).toBe(`# t\n\nbefore\n${MARK_START}\n| new |\n${MARK_END}\nafter\n`);
    expect(() => replaceMarked('no markers here', 'x')).toThrow(/markers/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-readme-'));
    try {
      const file = path.join(dir, 'README.md');
      fs.writeFileSync(file, text);
      updateMarkedFile(file, 'fresh');
      expect(fs.readFileSync(file, 'utf8')).toBe(`# t\n\nbefore\n${MARK_START}\nfresh\n${MARK_END}\nafter\n`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    // the files `--update-readme` writes carry the markers
    for (const f of ['README.md', path.join('docs', 'performance.md')]) {
      const t = fs.readFileSync(path.join(ROOT, f), 'utf8');
      expect(t.indexOf(MARK_START)).toBeGreaterThanOrEqual(0);
      expect(t.indexOf(MARK_END)).toBeGreaterThan(t.indexOf(MARK_START));
    }
    expect(parseArgs([]).updateReadme).toBe(false);
    expect(parseArgs(['--update-readme']).updateReadme).toBe(true);
    expect(() => parseArgs(['--update-readme', '--only', 'valid'])).toThrow(/full run/);
    expect(() => parseArgs(['--update-readme', '--quick'])).toThrow(/full run/);
  });
});
