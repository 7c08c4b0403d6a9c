/**
 * The `BENCH {json}` protocol between the benchmarks and `npm run bench` (bench/report.ts,
 * bench/run.ts): parsing, the table, and the benchmark discovery.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseBenchLine } from '../../bench/report';
import { discover, fmt, markdownTable, tableRows, textTable, type BenchRun } from '../../bench/run';

describe('npm run bench', () => {
  it('parses a BENCH line, computing the ratio when it is missing', () => {
    expect(parseBenchLine('BENCH {"name":"x","value":50,"unit":"req/s","baseline":"bare","baselineValue":200}')).toEqual({
      name: 'x', value: 50, unit: 'req/s', baseline: 'bare', baselineValue: 200, ratio: 0.25,
    });
    expect(parseBenchLine('    BENCH {"name":"y","value":1,"unit":"ms","baseline":"b","baselineValue":2,"ratio":0.5,"goal":"<= 5 ms"}')?.goal).toBe('<= 5 ms');
  });

  it('ignores lines that are not well-formed BENCH lines', () => {
    for (const l of ['hello', 'BENCH', 'BENCH {', 'BENCH []', 'BENCH {"name":1,"value":2,"unit":"x"}', 'BENCH {"name":"n","value":"fast","unit":"x"}']) {
      expect(parseBenchLine(l)).toBeUndefined();
    }
  });

  it('finds every benchmark file and none of the helpers', () => {
    const found = discover(path.join(__dirname, '..', '..', 'bench'));
    expect(found).not.toContain('run.ts');
    expect(found).not.toContain('report.ts');
    expect(found).not.toContain('lib.ts');
    expect(found).not.toContain('platform-lib.ts');
    expect(found.every((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toBe(true);
    // every benchmark speaks the protocol
    for (const f of found) expect(fs.readFileSync(path.join(__dirname, '..', '..', 'bench', f), 'utf8')).toContain('BENCH ');
  });

  it('renders one row per figure and a row for a failed benchmark', () => {
    const runs: BenchRun[] = [
      { file: 'a.ts', ok: true, exitCode: 0, seconds: 1, figures: [{ name: 'web req/s', value: 12345.6, unit: 'req/s', baseline: 'bare', baselineValue: 20000, ratio: 0.617, goal: '>= 0.4x' }] },
      { file: 'b.ts', ok: false, exitCode: 1, seconds: 1, figures: [], error: 'exit code 1\nboom' },
    ];
    const rows = tableRows(runs);
    expect(rows).toEqual([
      { benchmark: 'web req/s', figure: '12,346 req/s', baseline: 'bare: 20,000 req/s', ratio: '0.62×', goal: '>= 0.4x' },
      { benchmark: 'b.ts', figure: 'FAILED: exit code 1', baseline: '', ratio: '', goal: '' },
    ]);
    expect(textTable(rows).split('\n')).toHaveLength(4);
    const md = markdownTable(rows, { cpu: 'cpu', cores: 2, memoryGB: 4, node: 'v20', os: 'linux', loadAverage: 0.5 }, '2026-01-01T00:00:00Z');
    expect(md).toContain('| web req/s | 12,346 req/s | bare: 20,000 req/s | 0.62× | >= 0.4x |');
    expect(fmt(0.01234)).toBe('0.012');
    expect(fmt(Number.NaN)).toBe('–');
  });
});
