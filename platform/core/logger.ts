/**
 * A tiny logger to stderr: one line per call, `LOG_LEVEL` (debug|info|warn|error|silent).
 * Lines are buffered and written once per event-loop turn, because stderr is a synchronous
 * pipe on Linux and one write per request would cost more than the request itself.
 * Control characters in messages and values are escaped (`\n` → `\\n`), so that a value a
 * caller chose (a registration name, a URL) can never start a forged line of its own.
 */
import type { Logger } from './types';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = keyof typeof LEVELS;
const LABELS: Record<Level, string> = { debug: 'DEBUG', info: 'INFO ', warn: 'WARN ', error: 'ERROR', silent: '' };

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `s` with control characters written as escapes; the same string when it has none (the usual case). */
export function escapeControl(s: string): string {
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(s)) return s;
  return s.replace(CONTROL, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function parseLevel(v: string | undefined, fallback: Level): Level {
  return v && v in LEVELS ? (v as Level) : fallback;
}

export function createLogger(opts: { quiet?: boolean; level?: string; name?: string } = {}): Logger {
  const min = LEVELS[opts.quiet ? 'silent' : parseLevel(opts.level ?? process.env.LOG_LEVEL, 'info')];
  let buf: string[] = [];
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (buf.length === 0) return;
    const out = buf.join('');
    buf = [];
    process.stderr.write(out);
  };
  // one ISO timestamp per millisecond is enough, and formatting it is the costly part of a line
  let lastMs = 0;
  let lastIso = '';
  const line = (level: Level, msg: string, fields?: Record<string, unknown>): void => {
    if (LEVELS[level] < min) return;
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      lastIso = new Date(now).toISOString();
    }
    let s = `${lastIso} ${LABELS[level]} ${opts.name ? `[${opts.name}] ` : ''}${escapeControl(msg)}`;
    if (fields) {
      for (const k in fields) {
        const v = fields[k];
        if (v === undefined) continue;
        s += ` ${escapeControl(k)}=${typeof v === 'string' ? escapeControl(v) : typeof v === 'number' ? v : JSON.stringify(v)}`;
      }
    }
    buf.push(s + '\n');
    if (level === 'error' || buf.length > 512) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  return {
    debug: (m, f) => line('debug', m, f),
    info: (m, f) => line('info', m, f),
    warn: (m, f) => line('warn', m, f),
    error: (m, f) => line('error', m, f),
  };
}
