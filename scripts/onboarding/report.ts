/**
 * Text output shared by `npm run onboard` and `npm run commerce:subscribe`: the plan, one
 * progress line per step, the summary table. Plain text, no colours (it ends up in CI logs
 * and in the platform's prefixed hook output).
 */

export interface ReportStep {
  what: string;
  kind: 'create' | 'update' | 'unchanged' | 'delete-candidate';
  name: string;
  changes: string[];
}

export interface ReportResult {
  step: ReportStep;
  outcome: 'created' | 'updated' | 'unchanged' | 'deleted' | 'kept' | 'failed' | 'skipped';
  ms: number;
  note?: string;
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padLeft = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

export function formatPlan(steps: readonly ReportStep[], prune: boolean): string[] {
  const lines: string[] = ['Plan:'];
  const whatWidth = Math.max(...steps.map((s) => s.what.length), 4);
  for (const s of steps) {
    const kind = s.kind === 'delete-candidate' ? (prune ? 'delete' : 'delete-candidate') : s.kind;
    const detail = s.changes.length ? ` (${s.changes.join(', ')})` : '';
    lines.push(`  ${pad(kind, 16)} ${pad(s.what, whatWidth)}  ${s.name}${detail}`);
  }
  const c = count(steps);
  lines.push(
    `  = ${c.create} to create, ${c.update} to update, ${c.unchanged} unchanged, ${c['delete-candidate']} ${
      prune ? 'to delete' : 'delete candidate(s) (kept; --prune deletes them)'
    }`,
  );
  return lines;
}

function count(steps: readonly ReportStep[]): Record<ReportStep['kind'], number> {
  const c = { create: 0, update: 0, unchanged: 0, 'delete-candidate': 0 };
  for (const s of steps) c[s.kind]++;
  return c;
}

export function formatProgress(r: ReportResult, index: number, total: number): string {
  const n = String(total).length;
  const verb = r.step.kind === 'delete-candidate' ? 'delete' : r.step.kind;
  const note = r.note ? `, ${r.note}` : '';
  return `  [${padLeft(String(index + 1), n)}/${total}] ${pad(verb, 9)} ${r.step.what} ${r.step.name} ... ${r.outcome} (${r.ms} ms${note})`;
}

export function formatSummary(results: readonly ReportResult[]): string[] {
  const outcomes = ['created', 'updated', 'unchanged', 'deleted', 'kept', 'failed', 'skipped'] as const;
  const whats = [...new Set(results.map((r) => r.step.what))];
  const rows = whats.map((w) => {
    const row: Record<string, number> = {};
    for (const o of outcomes) row[o] = 0;
    for (const r of results) if (r.step.what === w) row[r.outcome] = (row[r.outcome] ?? 0) + 1;
    return { what: w, row };
  });
  const used = outcomes.filter((o) => rows.some((r) => (r.row[o] ?? 0) > 0));
  const cols = used.length ? used : (['unchanged'] as const);
  const w0 = Math.max(4, ...whats.map((w) => w.length));
  const widths = cols.map((c) => Math.max(c.length, 3));
  const lines = ['Summary:'];
  lines.push(`  ${pad('', w0)}  ${cols.map((c, i) => padLeft(c, widths[i]!)).join('  ')}`);
  for (const r of rows)
    lines.push(`  ${pad(r.what, w0)}  ${cols.map((c, i) => padLeft(String(r.row[c] ?? 0), widths[i]!)).join('  ')}`);
  return lines;
}
