import fs from 'node:fs';
import path from 'node:path';
import { ActionPool, type PoolOptions } from '../../platform/runtime/pool';
import { tempDir } from './helpers';

function bundle(code: string): string {
  const f = path.join(tempDir('pool-'), 'bundle.js');
  fs.writeFileSync(f, code);
  return f;
}

const base = (b: string, o: Partial<PoolOptions> = {}): PoolOptions => ({
  name: 'test/action',
  bundle: b,
  env: { FROM_POOL: 'yes' },
  memoryMb: 64,
  concurrency: 1,
  maxWorkers: 2,
  idleMs: 60_000,
  ...o,
});

test("a container does not inherit the platform's environment", async () => {
  process.env.PLATFORM_TEST_SECRET = 'do-not-leak';
  const pool = new ActionPool(
    base(
      bundle(`exports.main = () => ({ secret: process.env.PLATFORM_TEST_SECRET || null, path: !!process.env.PATH })`),
    ),
  );
  try {
    expect(JSON.parse((await pool.run('e', {}, {}, 5000)).result)).toEqual({ secret: null, path: true });
  } finally {
    delete process.env.PLATFORM_TEST_SECRET;
    await pool.close();
  }
});

test('worker env is set before the bundle loads; per-activation env; warm reuse', async () => {
  const b = bundle(`const atLoad = process.env.FROM_POOL; let n = 0;
    exports.main = () => ({ atLoad, id: process.env.__OW_ACTIVATION_ID, n: ++n });`);
  const pool = new ActionPool(base(b));
  try {
    const r1 = await pool.run('a1', {}, { __OW_ACTIVATION_ID: 'a1' }, 5000);
    const r2 = await pool.run('a2', {}, { __OW_ACTIVATION_ID: 'a2' }, 5000);
    expect(JSON.parse(r1.result)).toEqual({ atLoad: 'yes', id: 'a1', n: 1 });
    expect(JSON.parse(r2.result)).toEqual({ atLoad: 'yes', id: 'a2', n: 2 });
    expect(r1.initTime).toBeGreaterThanOrEqual(0); // cold
    expect(r2.initTime).toBeUndefined(); // warm
  } finally {
    await pool.close();
  }
});

test('queueing beyond maxWorkers × concurrency; all complete', async () => {
  const b = bundle(`exports.main = (p) => new Promise((r) => setTimeout(() => r({ i: p.i }), 30));`);
  const pool = new ActionPool(base(b, { maxWorkers: 2 }));
  try {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => pool.run(`q${i}`, { i }, {}, 5000)));
    expect(results.map((r) => JSON.parse(r.result).i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(pool.size).toBeLessThanOrEqual(2);
  } finally {
    await pool.close();
  }
});

test('a failed module load is an init error; a worker that dies is replaced', async () => {
  const bad = new ActionPool(base(bundle(`throw new Error('cannot load')`)));
  try {
    const r = await bad.run('x', {}, {}, 5000);
    expect(r.kind).toBe('init');
    expect(JSON.parse(r.result).error).toMatch(/Initialization has failed due to: cannot load/);
  } finally {
    await bad.close();
  }
  const b = bundle(`let n = 0; exports.main = (p) => { if (p.exit) process.exit(1); return { n: ++n }; };`);
  const pool = new ActionPool(base(b));
  try {
    expect(JSON.parse((await pool.run('1', {}, {}, 5000)).result)).toEqual({ n: 1 });
    expect((await pool.run('2', { exit: true }, {}, 5000)).kind).toBe('crash');
    expect(JSON.parse((await pool.run('3', {}, {}, 5000)).result)).toEqual({ n: 1 }); // a new container
  } finally {
    await pool.close();
  }
});

test('idle workers are reaped', async () => {
  const pool = new ActionPool(base(bundle(`exports.main = () => ({})`), { idleMs: 300 }));
  try {
    await pool.run('1', {}, {}, 5000);
    expect(pool.size).toBe(1);
    for (let i = 0; i < 40 && pool.size > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(pool.size).toBe(0);
    expect((await pool.run('2', {}, {}, 5000)).kind).toBe('ok');
  } finally {
    await pool.close();
  }
});

test('recycle: new activations get a fresh module', async () => {
  const f = bundle(`exports.main = () => ({ v: 1 })`);
  const pool = new ActionPool(base(f));
  try {
    expect(JSON.parse((await pool.run('1', {}, {}, 5000)).result)).toEqual({ v: 1 });
    fs.writeFileSync(f, `exports.main = () => ({ v: 2 })`);
    pool.recycle();
    expect(JSON.parse((await pool.run('2', {}, {}, 5000)).result)).toEqual({ v: 2 });
  } finally {
    await pool.close();
  }
});
