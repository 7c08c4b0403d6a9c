/**
 * What `onboard` and `commerce:subscribe` share: the I/O seams a test replaces, flags,
 * and the confirmation rule (no TTY or CI → `--yes` is required).
 */
import readline from 'node:readline';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** true when a person can answer a question (stdin and stdout are TTYs and CI is unset) */
  interactive: boolean;
  confirm(question: string): Promise<boolean>;
}

export function processIo(env: Record<string, string | undefined> = process.env): CliIo {
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !env.CI;
  return {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
    interactive,
    confirm: (question) =>
      new Promise((resolve) => {
        const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
        rl.question(`${question} [y/N] `, (answer) => {
          rl.close();
          resolve(/^y(es)?$/i.test(answer.trim()));
        });
      }),
  };
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Ask before changing anything; without a person to ask, demand --yes. */
export async function confirmOrRefuse(
  io: CliIo,
  yes: boolean,
  question: string,
): Promise<'go' | 'declined' | 'refused'> {
  if (yes) return 'go';
  if (!io.interactive) {
    io.err('Refusing to change anything without confirmation: no terminal to ask (or CI is set).');
    io.err('Pass --yes to apply the plan above, or --dry-run to only print it.');
    return 'refused';
  }
  return (await io.confirm(question)) ? 'go' : 'declined';
}
