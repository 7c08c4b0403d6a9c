/**
 * R10 store check at start: the platform is killed with SIGKILL after acknowledging events
 * (they are in the write-ahead log, not yet in the database file). Its data dir is then
 * started three ways: intact (no warning, every event there), with the WAL deleted, and with
 * one frame in the middle of the WAL damaged (SQLite drops that frame and every later one
 * without a word). The last two must start, and say on stderr that events were lost.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { appEventsConfig, imsToken, publish, tempDir } from './support/platform';
import { freePort, healthy, startPlatformChild, until, type PlatformChild } from './support/child';

const EVENTS = 40;

function damageMiddleFrame(wal: string): void {
  const buf = fs.readFileSync(wal);
  const pageSize = buf.readUInt32BE(8);
  const frames = Math.floor((buf.length - 32) / (24 + pageSize));
  expect(frames).toBeGreaterThan(4);
  const at = 32 + Math.floor(frames / 2) * (24 + pageSize) + 24 + 100;
  buf.writeUInt32BE((buf.readUInt32BE(at) ^ 0xffffffff) >>> 0, at);
  fs.writeFileSync(wal, buf);
}

function eventCount(dataDir: string): number {
  const db = new Database(path.join(dataDir, 'platform.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM ev_events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

it('a start after a lost or damaged WAL warns that events were lost; an intact one does not', async () => {
  const dataDir = tempDir('rel-wal-');
  const projectDir = tempDir('rel-wal-app-');
  const envFile = path.join(projectDir, 'app.env');
  fs.writeFileSync(envFile, '');
  const configFile = path.join(projectDir, 'events-config.json');
  fs.writeFileSync(configFile, JSON.stringify(appEventsConfig()));
  const children: PlatformChild[] = [];
  const start = async (dir: string) => {
    const port = await freePort();
    const c = startPlatformChild({
      port,
      dataDir: dir,
      projectDir,
      envFile,
      eventsConfig: configFile,
      env: { LOG_LEVEL: 'warn' },
    });
    children.push(c);
    const base = `http://127.0.0.1:${port}`;
    await until('the platform to start', () => healthy(base), 60_000, 50).catch((e: Error) => {
      throw new Error(`${e.message}: ${c.stderr()}`);
    });
    return { c, base };
  };
  try {
    const { c, base } = await start(dataDir);
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'local-secrets.json'), 'utf8')) as Record<
      string,
      string
    >;
    const token = await imsToken(base, secrets);
    const db = new Database(path.join(dataDir, 'platform.sqlite'), { readonly: true });
    const { id: providerId } = db
      .prepare(
        "SELECT id FROM ev_providers WHERE provider_metadata IS NULL OR provider_metadata != 'dx_commerce_events'",
      )
      .get() as { id: string };
    db.close();
    for (let i = 0; i < EVENTS; i++) {
      const res = await publish(base, token, {
        specversion: '1.0',
        id: `r10-${i}`,
        source: `urn:uuid:${providerId}`,
        type: 'be-observer.catalog_product_create',
        datacontenttype: 'application/json',
        data: { value: { sku: `R10-${i}`, name: 'x'.repeat(2000) } },
      });
      expect(res.status).toBe(200);
    }
    c.proc.kill('SIGKILL');
    await c.exited;

    const copy = (name: string) => {
      const dir = tempDir(`rel-wal-${name}-`);
      fs.cpSync(dataDir, dir, { recursive: true });
      return dir;
    };
    const intact = copy('intact');
    const lost = copy('lost');
    fs.rmSync(path.join(lost, 'platform.sqlite-wal'));
    const damaged = copy('damaged');
    damageMiddleFrame(path.join(damaged, 'platform.sqlite-wal'));

    const runs = await Promise.all([start(intact), start(lost), start(damaged)]);
    // the warnings are written while the store opens, before the server listens
    const [intactErr, lostErr, damagedErr] = runs.map((r) => r.c.stderr());
    for (const r of runs) {
      r.c.proc.kill('SIGTERM');
      await r.c.exited;
    }
    expect(intactErr).not.toMatch(/store: /);
    expect(eventCount(intact)).toBe(EVENTS);

    expect(eventCount(lost)).toBeLessThan(EVENTS);
    expect(lostErr).toMatch(/write-ahead log .* is missing/);
    expect(eventCount(damaged)).toBeLessThan(EVENTS);
    expect(damagedErr).toMatch(/write-ahead log .* is damaged/);
    expect(fs.readdirSync(damaged).some((f) => f.startsWith('platform.sqlite-wal.damaged-'))).toBe(true);
  } finally {
    for (const c of children) c.proc.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
  }
}, 120_000);
