/**
 * The documentation holds together: every relative link of README.md and docs/*.md points at
 * a file that exists (and, with a #fragment into a Markdown file, at one of its headings),
 * every page of docs/ is reachable from the README, and the README stays one screen.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const DOCS = path.join(ROOT, 'docs');
const README = path.join(ROOT, 'README.md');
const pages = [
  README,
  ...fs
    .readdirSync(DOCS)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => path.join(DOCS, f)),
];

/** The text outside fenced code blocks (links and headings in code are not links and headings). */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2… */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = (m[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

interface Link {
  from: string;
  target: string;
}

function linksOf(file: string): Link[] {
  const text = prose(fs.readFileSync(file, 'utf8')).replace(/`[^`\n]*`/g, '');
  const out: Link[] = [];
  for (const m of text.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1] ?? '';
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    out.push({ from: path.relative(ROOT, file), target });
  }
  return out;
}

function broken(link: Link): string | undefined {
  const [file = '', fragment] = link.target.split('#');
  const resolved =
    file === ''
      ? path.join(ROOT, link.from)
      : path.resolve(path.dirname(path.join(ROOT, link.from)), decodeURIComponent(file));
  if (!fs.existsSync(resolved)) return `${link.from}: ${link.target} (no such file)`;
  if (
    fragment !== undefined &&
    resolved.endsWith('.md') &&
    !anchorsOf(fs.readFileSync(resolved, 'utf8')).has(fragment)
  ) {
    return `${link.from}: ${link.target} (no such heading)`;
  }
  return undefined;
}

describe('documentation', () => {
  it('computes anchors the way GitHub does', () => {
    expect([
      ...anchorsOf(
        '# How I/O Events delivers\n## Traces, replay, pause: `npm run events`\n## A\n## A\n```\n# not a heading\n```\n',
      ),
    ]).toEqual(['how-io-events-delivers', 'traces-replay-pause-npm-run-events', 'a', 'a-1']);
  });

  it('has no broken relative link in README.md or docs/', () => {
    const links = pages.flatMap(linksOf);
    expect(links.length).toBeGreaterThan(20);
    expect(links.map(broken).filter(Boolean)).toEqual([]);
  });

  it('links every page of docs/ from the README', () => {
    const fromReadme = new Set(linksOf(README).map((l) => path.normalize(l.target.split('#')[0] ?? '')));
    const unlinked = pages
      .filter((p) => p !== README)
      .map((p) => path.relative(ROOT, p))
      .filter((p) => !fromReadme.has(p));
    expect(unlinked).toEqual([]);
  });

  it('keeps the README to one screen, with the two commands', () => {
    const text = fs.readFileSync(README, 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(10 * 1024);
    expect(text).toContain('npm start');
    expect(text).toContain('npm test');
  });
});
