/**
 * Where `npm run bench` (bench/run.ts) puts its figures. Every run writes them to
 * bench/results/ (git-ignored, so a run leaves the clone clean): results.json with the
 * machine and every figure, results.md with the table. Only on request
 * (`--update-readme`) are the published tables replaced: the short one in README.md and the
 * full one in docs/performance.md, each between its pair of marker comments.
 */
import fs from 'node:fs';
import path from 'node:path';

export const RESULTS_DIR = path.join(__dirname, 'results');

export const MARK_START = '<!-- bench:start -->';
export const MARK_END = '<!-- bench:end -->';

/** Write-then-rename: an interrupted run never leaves half a file. */
export function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, text);
  fs.renameSync(`${file}.tmp`, file);
}

/** Write results.json and results.md into `dir`; returns the two paths. */
export function writeResults(dir: string, results: unknown, markdown: string): string[] {
  const json = path.join(dir, 'results.json');
  const md = path.join(dir, 'results.md');
  writeAtomically(json, `${JSON.stringify(results, null, 2)}\n`);
  writeAtomically(md, markdown);
  return [json, md];
}

/** `text` with what lies between the markers replaced by `block`; throws when the markers are missing. */
export function replaceMarked(text: string, block: string): string {
  const start = text.indexOf(MARK_START);
  const end = text.indexOf(MARK_END, start + MARK_START.length);
  if (start < 0 || end < 0) throw new Error(`the markers ${MARK_START} … ${MARK_END} are missing`);
  return `${text.slice(0, start + MARK_START.length)}\n${block.trim()}\n${text.slice(end)}`;
}

/** Replace the marked block of one file in place. */
export function updateMarkedFile(file: string, block: string): void {
  const before = fs.readFileSync(file, 'utf8');
  let after: string;
  try {
    after = replaceMarked(before, block);
  } catch (e) {
    throw new Error(`${path.basename(file)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  writeAtomically(file, after);
}
