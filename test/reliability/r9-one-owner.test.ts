/**
 * R9 one owner per data dir: a second `platform start` on the data dir of a running one
 * (another port) exits non-zero at once, naming the owner's pid and port, and takes over
 * nothing; after the owner is killed with SIGKILL, a new start on that data dir is not
 * refused (the lock is the operating system's and dies with its process).
 */
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './support/platform';
import { freePort, healthy, startPlatformChild, until, type PlatformChild } from './support/child';

it('a second start on a data dir in use exits at once naming the owner; a kill -9 leaves no stale lock', async () => {
  const dataDir = tempDir('rel-owner-');
  const projectDir = tempDir('rel-owner-app-');
  const envFile = path.join(dataDir, 'app.env');
  fs.writeFileSync(envFile, '');
  const [port1, port2] = [await freePort(), await freePort()];
  const start = (port: number) => startPlatformChild({ port, dataDir, projectDir, envFile });
  const children: PlatformChild[] = [];
  try {
    const first = start(port1);
    children.push(first);
    await until('the first platform', () => healthy(`http://127.0.0.1:${port1}`), 60_000, 50);

    const t0 = Date.now();
    const second = start(port2);
    children.push(second);
    const code = await Promise.race([
      second.exited,
      new Promise<string>((r) => setTimeout(() => r('still running after 15 s'), 15_000)),
    ]);
    expect(typeof code === 'number' && code !== 0 ? 'exited non-zero' : code).toBe('exited non-zero');
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(second.stderr()).toContain(`pid ${first.proc.pid}`);
    expect(second.stderr()).toContain(`port ${port1}`);
    expect(await healthy(`http://127.0.0.1:${port2}`)).toBe(false);
    expect(await healthy(`http://127.0.0.1:${port1}`)).toBe(true);

    first.proc.kill('SIGKILL');
    await first.exited;
    const third = start(port2);
    children.push(third);
    await until('a start after the owner was killed', () => healthy(`http://127.0.0.1:${port2}`), 60_000, 50).catch(
      (e: Error) => {
        throw new Error(`${e.message}: ${third.stderr()}`);
      },
    );
  } finally {
    for (const c of children) c.proc.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
  }
}, 90_000);
