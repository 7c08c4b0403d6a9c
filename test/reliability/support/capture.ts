/**
 * Everything the test process prints (its own console, the platform's log, and the action
 * logs the platform forwards from its workers), captured so a test can search it, and kept
 * off the jest output.
 */
export interface Capture {
  text(): string;
  restore(): void;
}

export function captureOutput(): Capture {
  let out = '';
  const orig = { stdout: process.stdout.write.bind(process.stdout), stderr: process.stderr.write.bind(process.stderr) };
  const hook = (chunk: string | Uint8Array, encoding?: unknown, cb?: unknown): boolean => {
    out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') (done as () => void)();
    return true;
  };
  process.stdout.write = hook as typeof process.stdout.write;
  process.stderr.write = hook as typeof process.stderr.write;
  const consoles = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => {
    const o = console[m];
    console[m] = (...args: unknown[]) => {
      out += `${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}\n`;
    };
    return () => {
      console[m] = o;
    };
  });
  return {
    text: () => out,
    restore: () => {
      process.stdout.write = orig.stdout as typeof process.stdout.write;
      process.stderr.write = orig.stderr as typeof process.stderr.write;
      for (const r of consoles) r();
    },
  };
}
