/**
 * Summaries of V8 `.cpuprofile` files (node --cpu-prof, node:inspector's Profiler): where a
 * thread's samples went, by function and by module (an npm package, a directory of the
 * project, or Node's internals), in ms and in ms per event. Self time is where the CPU was;
 * inclusive time by module (a sample counts once for every module on its stack) says whose
 * call it was, e.g. ajv compiling inside `@adobe/aio-lib-state`. Frames of a bundled action
 * are attributed to the module esbuild's `// path` comments place them in, when the bundle
 * is at hand (`bundleModules`).
 */
import fs from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
  /** the thread's user + sys CPU over the profile, when the writer added it (bench/e2e-profile-preload.js) */
  threadCpuMs?: number;
}

/** For a bundle: the module each line belongs to (esbuild's `// path/of/module.js` comments). */
export type LineModules = (line: number) => string | undefined;

export function bundleModules(file: string): LineModules {
  const starts: Array<[number, string]> = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((l, i) => {
      const m = /^\/\/ (\S+\.(?:[cm]?js|ts|json))$/.exec(l);
      if (m) starts.push([i, moduleOf(m[1] as string)]);
    });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found: string | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [at, mod] = starts[mid] as [number, string];
      if (at <= line) {
        found = mod;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

export interface ProfileSummary {
  /** sampled wall time, ms */
  totalMs: number;
  /** the thread's CPU time over the profile, ms (NaN when unknown) */
  cpuMs: number;
  idleMs: number;
  gcMs: number;
  /** self time by function (`name module:line`), ms, largest first */
  functions: Array<[string, number]>;
  /** self time by module, ms, largest first */
  modules: Array<[string, number]>;
  /** inclusive time by module, ms, largest first */
  inclusive: Array<[string, number]>;
}

/** `node_modules/<pkg>` (scoped too), a project directory two levels deep, or `node:` internals */
export function moduleOf(url: string): string {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0] ?? ''}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? '');
  }
  const m = /(?:^|\/)(platform|src|actions|bench|dist)\/(.*)$/.exec(url.replace(/^file:\/\//, ''));
  // the file's directory, at most two levels below the top one (one for platform/: its modules)
  const dirs = (m?.[2] ?? '').split('/').slice(0, -1);
  if (m) return [m[1], ...dirs.slice(0, m[1] === 'platform' ? 1 : 2)].join('/');
  return url
    .replace(/^file:\/\//, '')
    .split('/')
    .slice(-2)
    .join('/');
}

function frameModule(cf: CallFrame, bundles: Record<string, LineModules>): string {
  if (cf.functionName.startsWith('(')) return cf.functionName;
  const inBundle = bundles[cf.url]?.(cf.lineNumber);
  return inBundle ?? moduleOf(cf.url);
}

/** `bundles`: url of a bundled action → its line map (frames of other urls by their path) */
export function summarize(file: string, bundles: Record<string, LineModules> = {}): ProfileSummary {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackMods = new Map<number, Set<string>>();
  const modsOf = (id: number): Set<string> => {
    let set = stackMods.get(id);
    if (!set) {
      const up = parent.get(id);
      set = new Set(up === undefined ? [] : modsOf(up));
      set.add(frameModule((byId.get(id) as ProfileNode).callFrame, bundles));
      stackMods.set(id, set);
    }
    return set;
  };
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  }
  const fns = new Map<string, number>();
  const mods = new Map<string, number>();
  const incl = new Map<string, number>();
  let idleMs = 0;
  let gcMs = 0;
  for (const [id, ms] of self) {
    const cf = (byId.get(id) as ProfileNode).callFrame;
    if (cf.functionName === '(idle)') idleMs += ms;
    if (cf.functionName === '(garbage collector)') gcMs += ms;
    const mod = frameModule(cf, bundles);
    const fn = `${cf.functionName || '(anonymous)'} ${mod}:${cf.lineNumber + 1}`;
    fns.set(fn, (fns.get(fn) ?? 0) + ms);
    mods.set(mod, (mods.get(mod) ?? 0) + ms);
    for (const m of modsOf(id)) incl.set(m, (incl.get(m) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    totalMs: (p.endTime - p.startTime) / 1000,
    cpuMs: p.threadCpuMs ?? Number.NaN,
    idleMs,
    gcMs,
    functions: sorted(fns),
    modules: sorted(mods),
    inclusive: sorted(incl),
  };
}

/** Several profiles of one kind of thread (windows, containers of one action) as one. */
export function merge(list: ProfileSummary[]): ProfileSummary {
  const add = (pick: (s: ProfileSummary) => Array<[string, number]>) => {
    const m = new Map<string, number>();
    for (const s of list) for (const [k, ms] of pick(s)) m.set(k, (m.get(k) ?? 0) + ms);
    return [...m].sort((a, b) => b[1] - a[1]);
  };
  return {
    totalMs: list.reduce((a, s) => a + s.totalMs, 0),
    cpuMs: list.reduce((a, s) => a + s.cpuMs, 0),
    idleMs: list.reduce((a, s) => a + s.idleMs, 0),
    gcMs: list.reduce((a, s) => a + s.gcMs, 0),
    functions: add((s) => s.functions),
    modules: add((s) => s.modules),
    inclusive: add((s) => s.inclusive),
  };
}

/**
 * The summary as text: busy share, then the top modules and functions. With `events`, each row
 * also in CPU ms per event: its share of the busy samples times the thread's CPU time (or,
 * when that is unknown, its sampled ms).
 */
export function formatSummary(name: string, s: ProfileSummary, events?: number, top = 15): string {
  const busy = s.totalMs - s.idleMs;
  const cpu = Number.isFinite(s.cpuMs) ? s.cpuMs : busy;
  const per = (ms: number) =>
    events ? `${((ms / Math.max(1, busy)) * (cpu / events)).toFixed(2).padStart(7)} ms/event` : '';
  const pct = (ms: number) => `${((ms / Math.max(1, busy)) * 100).toFixed(1).padStart(5)}%`;
  const rows = (xs: Array<[string, number]>) =>
    xs
      .filter(([k]) => k !== '(idle)')
      .slice(0, top)
      .map(([k, ms]) => `    ${pct(ms)} ${per(ms)}  ${k}`);
  const cpuNote = Number.isFinite(s.cpuMs) ? `CPU ${(s.cpuMs / 1000).toFixed(1)} s` : 'CPU unknown';
  return [
    `${name}: ${(busy / 1000).toFixed(1)} s busy of ${(s.totalMs / 1000).toFixed(1)} s sampled (${((busy / s.totalMs) * 100).toFixed(0)}%), ${cpuNote}, GC ${pct(s.gcMs).trim()} of busy${events ? `, ${per(busy).trim()}` : ''}`,
    '  by module (self time):',
    ...rows(s.modules),
    '  by module (inclusive: a sample counts for every module on its stack):',
    ...rows(s.inclusive.filter(([k]) => !k.startsWith('('))),
    '  by function (self time):',
    ...rows(s.functions),
  ].join('\n');
}
