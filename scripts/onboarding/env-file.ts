/**
 * `--write-env`: set NAME=value lines in a .env file, keeping every other line (comments,
 * blank lines, order) as it was. A name that is already present is replaced in place; a new
 * one is appended. Line endings of the file are kept.
 */
import fs from 'node:fs';

export function upsertEnvLines(content: string, values: Record<string, string>): string {
  const eol = content.includes('\r\n') ? '\r\n' : '\n';
  const lines = content === '' ? [] : content.split(/\r?\n/);
  // a trailing newline yields a last empty element: keep the file's shape
  const trailing = lines.length > 0 && lines[lines.length - 1] === '';
  if (trailing) lines.pop();
  const done = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(lines[i]!);
    const name = m?.[1];
    if (name && Object.prototype.hasOwnProperty.call(values, name)) {
      if (done.has(name)) continue;
      lines[i] = `${name}=${values[name]}`;
      done.add(name);
    }
  }
  for (const [name, value] of Object.entries(values)) if (!done.has(name)) lines.push(`${name}=${value}`);
  return lines.join(eol) + eol;
}

/** Returns the names whose value changed. */
export function writeEnvFile(file: string, values: Record<string, string>): string[] {
  let before = '';
  try {
    before = fs.readFileSync(file, 'utf8');
  } catch {
    before = '';
  }
  const after = upsertEnvLines(before, values);
  const changed = Object.entries(values)
    .filter(
      ([k, v]) =>
        !new RegExp(`^\\s*(?:export\\s+)?${k}\\s*=\\s*${v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'm').test(
          before,
        ),
    )
    .map(([k]) => k);
  if (after !== before) fs.writeFileSync(file, after);
  return changed;
}
