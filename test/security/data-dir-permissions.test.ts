/**
 * The data dir holds event bodies, tokens and generated secrets: it is created 0700 and the
 * files the platform creates in it (the SQLite database and its -wal/-shm, the lock, the
 * generated credentials) 0600, whatever the umask; a data dir left world-readable by an older
 * version is narrowed at start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPlatform } from '../../platform';

const mode = (p: string): string => (fs.statSync(p).mode & 0o777).toString(8);

function filesOf(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

async function startOn(dataDir: string): Promise<Awaited<ReturnType<typeof startPlatform>>> {
  const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perm-app-'));
  const p = await startPlatform({ projectDir, dataDir, port: 0, quiet: true, envFile: path.join(projectDir, '.env') });
  // a write through the platform, so that the WAL holds something
  const res = await fetch(`${p.url}/api/v1/namespaces/${p.config.namespace}/actions`, {
    headers: { authorization: `Basic ${Buffer.from(p.config.auth).toString('base64')}` },
  });
  expect(res.status).toBe(200);
  return p;
}

describe('data dir permissions', () => {
  let umask: number;
  beforeEach(() => {
    umask = process.umask(0o000);
  });
  afterEach(() => {
    process.umask(umask);
  });

  it('a new data dir is 0700 and every file the platform creates in it 0600, even under umask 000', async () => {
    const dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'perm-')), 'data');
    const p = await startOn(dataDir);
    try {
      expect(mode(dataDir)).toBe('700');
      const files = filesOf(dataDir);
      expect(files).toEqual(expect.arrayContaining(['platform.sqlite', 'platform.sqlite-wal', 'platform.sqlite-shm']));
      expect(Object.fromEntries(files.map((f) => [f, mode(path.join(dataDir, f))]))).toEqual(
        Object.fromEntries(files.map((f) => [f, '600'])),
      );
    } finally {
      await p.close();
    }
  });

  it('a world-readable data dir of an older version is narrowed at start', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perm-old-'));
    fs.chmodSync(dataDir, 0o755);
    fs.writeFileSync(path.join(dataDir, 'platform.sqlite'), '', { mode: 0o644 });
    const p = await startOn(dataDir);
    try {
      expect(mode(dataDir)).toBe('700');
      expect(mode(path.join(dataDir, 'platform.sqlite'))).toBe('600');
      expect(mode(path.join(dataDir, 'platform.sqlite-wal'))).toBe('600');
    } finally {
      await p.close();
    }
  });
});
