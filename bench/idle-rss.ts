/**
 * Idle RSS of the platform process with an app loaded: after start (no worker yet), after
 * one call to every action (warm workers), and after the workers were reaped; beside the
 * RSS of a bare node:http + better-sqlite3 server in the same run. Goal: ≤ 120 MB.
 *   npx tsx bench/idle-rss.ts [--project-dir .]   (default: the repo's app if it has an
 *   app.config.yaml, else the benchmark fixture)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bareServerCode, ROOT, rssMb, startPlatformProcess, startScript, stop, TRIVIAL_APP } from './platform-lib';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const i = process.argv.indexOf('--project-dir');
  const projectDir =
    i > 0
      ? path.resolve(process.argv[i + 1] as string)
      : fs.existsSync(path.join(ROOT, 'app.config.yaml'))
        ? ROOT
        : TRIVIAL_APP;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bare-'));
  const bare = await startScript(bareServerCode(path.join(tmp, 'bare.sqlite')));
  const idleMs = 3000;
  const plat = await startPlatformProcess({
    projectDir,
    env: { PLATFORM_WORKER_IDLE_MS: String(idleMs), LOG_LEVEL: 'warn' },
  });
  try {
    await fetch(bare.url, { method: 'POST', body: '{}' });
    await sleep(2000);
    const bareRss = rssMb(bare.child.pid as number);
    const startRss = rssMb(plat.child.pid as number);
    const auth = `Basic ${Buffer.from(plat.auth).toString('base64')}`;
    const list = (await (
      await fetch(`${plat.url}/api/v1/namespaces/_/actions?limit=0`, { headers: { authorization: auth } })
    ).json()) as Array<{
      name: string;
      namespace: string;
    }>;
    for (const a of list) {
      const pkg = a.namespace.split('/')[1];
      // one activation each, whatever it answers (bad input is fine: the worker is loaded)
      await fetch(`${plat.url}/api/v1/namespaces/_/actions/${pkg}/${a.name}?blocking=true`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: '{}',
      }).then((r) => r.arrayBuffer());
    }
    await sleep(1000);
    const warmRss = rssMb(plat.child.pid as number);
    await sleep(idleMs * 2 + 1000);
    const reapedRss = rssMb(plat.child.pid as number);
    console.log(`\napp: ${path.relative(ROOT, projectDir) || '.'} (${list.length} actions)`);
    console.log(`bare http + SQLite server         ${bareRss.toFixed(1)} MB`);
    console.log(
      `platform idle after start         ${startRss.toFixed(1)} MB  (${(startRss / bareRss).toFixed(2)}× bare; goal ≤ 120 MB)`,
    );
    console.log(`platform with ${String(list.length).padEnd(3)} warm workers     ${warmRss.toFixed(1)} MB`);
    console.log(`platform after idle workers reaped ${reapedRss.toFixed(1)} MB`);
    console.log(
      `BENCH ${JSON.stringify({ name: 'platform RSS idle, app loaded', value: startRss, unit: 'MB', baseline: 'bare http + SQLite server', baselineValue: bareRss, ratio: startRss / bareRss, goal: '<= 120 MB' })}`,
    );
    console.log(
      `BENCH ${JSON.stringify({ name: `platform RSS loaded, ${list.length} warm workers`, value: warmRss, unit: 'MB', baseline: 'bare http + SQLite server', baselineValue: bareRss, ratio: warmRss / bareRss })}`,
    );
  } finally {
    await stop(plat.child);
    await stop(bare.child);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
