import { migrate, openDatabase, kvGet, kvSet } from '../../platform/store/db';
import { tempDir } from './helpers';

test('WAL, synchronous NORMAL by default, FULL with PLATFORM_SYNC=full', () => {
  const dir = tempDir();
  const db = openDatabase(dir);
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(db.pragma('synchronous', { simple: true })).toBe(1);
  db.close();
  const full = openDatabase(dir, { sync: 'full' });
  expect(full.pragma('synchronous', { simple: true })).toBe(2);
  full.close();
});

test('migrations run once each, in order, per module; new steps are applied later', () => {
  const dir = tempDir();
  const db = openDatabase(dir);
  const calls: string[] = [];
  const steps = [`CREATE TABLE IF NOT EXISTS m_a (x INTEGER)`, () => calls.push('fn')];
  migrate(db, 'mod', steps);
  migrate(db, 'mod', steps);
  expect(calls).toEqual(['fn']);
  migrate(db, 'mod', [...steps, `ALTER TABLE m_a ADD COLUMN y TEXT`]);
  const cols = (db.prepare('PRAGMA table_info(m_a)').all() as Array<{ name: string }>).map((c) => c.name);
  expect(cols).toEqual(['x', 'y']);
  expect(() => migrate(db, 'broken', ['CREATE TABLE ok1 (a)', 'NOT SQL'])).toThrow();
  // a failing migration leaves nothing half-applied
  expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'ok1'`).get()).toBeUndefined();
  kvSet(db, 'k', 'v1');
  kvSet(db, 'k', 'v2');
  expect(kvGet(db, 'k')).toBe('v2');
  db.close();
});
