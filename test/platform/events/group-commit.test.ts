/**
 * The engine's group commit (platform/events/commit.ts) on a real SQLite file: the jobs of a
 * turn in one transaction, a failing job rolled back alone, a store fault failing them all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { GroupCommit } from '../../../platform/events/commit';
import { migrate } from '../../../platform/events/schema';
import { EventsStore } from '../../../platform/events/store';

let dir: string;
let db: Database.Database;
let store: EventsStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
  db = new Database(join(dir, 'p.sqlite'));
  db.pragma('journal_mode = WAL');
  migrate(db);
  store = new EventsStore(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const kv = (k: string) => store.s.kv.get(k)?.value;

const job = (write: () => void) => ({ write, done: jest.fn(), failed: jest.fn() });

test("one turn's jobs commit together; a job that fails is rolled back alone and told", async () => {
  const commit = new GroupCommit(store);
  const a = job(() => store.s.insertKv.run('a', '1'));
  const bad = job(() => {
    store.s.insertKv.run('b', '1');
    store.s.insertKv.run('b', '2'); // primary key: fails
  });
  const c = job(() => store.s.insertKv.run('c', '1'));
  for (const j of [a, bad, c]) commit.add(j);
  expect(a.done).not.toHaveBeenCalled(); // written with the next turn
  await new Promise((r) => setImmediate(r));
  expect([kv('a'), kv('b'), kv('c')]).toEqual(['1', undefined, '1']);
  expect(a.done).toHaveBeenCalledTimes(1);
  expect(c.done).toHaveBeenCalledTimes(1);
  expect(bad.done).not.toHaveBeenCalled();
  expect(bad.failed).toHaveBeenCalledWith(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' }));
});

test('a store fault fails every job of the transaction and commits none', () => {
  const commit = new GroupCommit(store);
  const a = job(() => store.s.insertKv.run('a', '1'));
  const full = job(() => {
    throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
  });
  commit.add(a);
  commit.add(full);
  commit.flush();
  expect(kv('a')).toBeUndefined();
  for (const j of [a, full]) {
    expect(j.done).not.toHaveBeenCalled();
    expect(j.failed).toHaveBeenCalledWith(expect.objectContaining({ code: 'SQLITE_FULL' }));
  }
});
