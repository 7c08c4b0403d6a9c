import { ActivationStore } from '../../platform/runtime/activations';
import { openDatabase } from '../../platform/store/db';
import type { ActivationRecord } from '../../platform/core/types';
import { tempDir } from './helpers';

function rec(id: string, start: number, eventId?: string): ActivationRecord {
  return {
    activationId: id,
    namespace: 'ns',
    name: 'a',
    version: '0.0.1',
    subject: 'ns',
    start,
    end: start + 1,
    duration: 1,
    response: { status: 'success', statusCode: 0, success: true, result: {} },
    logs: [],
    annotations: [],
    ...(eventId ? { eventId } : {}),
  };
}

test('queued records are readable before the group commit, and durable after it', () => {
  const dir = tempDir();
  const db = openDatabase(dir);
  const store = new ActivationStore(db, { maxCount: 100, maxAgeMs: 86_400_000 });
  store.add(rec('x1', Date.now(), 'e1'), 'p/a');
  expect(store.get('x1')?.activationId).toBe('x1'); // from the queue
  store.close(); // flushes
  db.close();
  const db2 = openDatabase(dir);
  const again = new ActivationStore(db2);
  expect(again.get('x1')?.eventId).toBe('e1');
  expect(again.forEvent('e1').map((r) => r.activationId)).toEqual(['x1']);
  again.close();
  db2.close();
});

test('retention by count and by age', () => {
  const db = openDatabase(tempDir());
  const now = Date.now();
  const store = new ActivationStore(db, { maxCount: 5, maxAgeMs: 60_000 });
  store.add(rec('old', now - 120_000), 'p/a');
  for (let i = 0; i < 8; i++) store.add(rec(`r${i}`, now - 1000 + i), 'p/a');
  store.prune(now);
  const left = store.list({ limit: 100, skip: 0 }).map((r) => r.activationId);
  expect(left).toEqual(['r7', 'r6', 'r5', 'r4', 'r3']);
  store.close();
  db.close();
});
