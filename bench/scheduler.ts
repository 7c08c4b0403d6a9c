/**
 * Scheduler pick time with 1,000,000 pending deliveries: the engine's indexed pick
 * (partial index on next_attempt_at, ORDER BY + LIMIT, lease update) against the same
 * query forced to scan (NOT INDEXED) in the same run.
 *   npx tsx bench/scheduler.ts [pending=1000000] [batch=64]
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../platform/store/db';
import { DeliveryEngine } from '../platform/events/engine';
import { migrate } from '../platform/events/schema';
import { Providers } from '../platform/events/providers';
import { Registrations } from '../platform/events/registrations';
import { Signer } from '../platform/events/signing';
import { EventsStore } from '../platform/events/store';

const PENDING = Number(process.argv[2] ?? 1_000_000);
const BATCH = Number(process.argv[3] ?? 64);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-scheduler-'));
const db = openDatabase(dir);
migrate(db);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const store = new EventsStore(db);
const providers = new Providers(store);
const registrations = new Registrations(store, providers, () => 'http://127.0.0.1');
const engine = new DeliveryEngine({
  store,
  providers,
  registrations,
  signer: new Signer(store),
  log: quiet,
  bus: new EventEmitter(),
  runtime: () => undefined,
  timeScale: 1,
  webhookTimeoutMs: 10_000,
  actionTimeoutMs: 60_000,
  maxInFlight: BATCH,
  healthWindowMs: 1_800_000,
  batchMaxEvents: 20,
  batchMaxBytes: 2 << 20,
});

const now = Date.now();
let t0 = performance.now();
const ins = db.prepare(
  'INSERT INTO ev_deliveries (event_seq, registration_pk, status, next_attempt_at, created_at) VALUES (?, 1, ?, ?, ?)',
);
db.transaction(() => {
  for (let i = 1; i <= PENDING; i++) {
    // 10% due now, the rest spread over the next 24 h (retries waiting for their time)
    const due = i % 10 === 0 ? now - (i % 1000) : now + 60_000 + ((i * 7919) % 86_400_000);
    ins.run(i, due <= now ? 'pending' : 'retrying', due, now);
  }
})();
db.pragma('optimize');
// setup leaves a large WAL: fold it into the file now so that picks measure picks
db.pragma('wal_checkpoint(TRUNCATE)');
for (let i = 0; i < 10; i++) engine.pickDue(Date.now(), BATCH); // warm the page cache
console.log(
  `inserted ${PENDING.toLocaleString()} pending deliveries in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

const picks: number[] = [];
let picked = 0;
for (let i = 0; i < 500; i++) {
  t0 = performance.now();
  picked += engine.pickDue(Date.now(), BATCH).length;
  picks.push(performance.now() - t0);
}
// the same with SQLite's automatic checkpoint off: the pick alone, without the periodic
// WAL checkpoint (and its fsync) that every ~1000 dirty pages lands on whichever write comes next
db.pragma('wal_autocheckpoint = 0');
const picksNoCkpt: number[] = [];
for (let i = 0; i < 500; i++) {
  t0 = performance.now();
  picked += engine.pickDue(Date.now(), BATCH).length;
  picksNoCkpt.push(performance.now() - t0);
}
db.pragma('wal_autocheckpoint = 1000');
db.pragma('wal_checkpoint(TRUNCATE)');
const minDue = db.prepare('SELECT MIN(next_attempt_at) AS t FROM ev_deliveries WHERE next_attempt_at IS NOT NULL');
const mins: number[] = [];
for (let i = 0; i < 200; i++) {
  t0 = performance.now();
  minDue.get();
  mins.push(performance.now() - t0);
}

// baseline: the same pick without the index (what a scan costs)
const scan = db.prepare(
  `UPDATE ev_deliveries SET status = 'in_flight', next_attempt_at = @lease
   WHERE id IN (SELECT id FROM ev_deliveries NOT INDEXED WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= @now ORDER BY next_attempt_at LIMIT @n)
   RETURNING id`,
);
const scans: number[] = [];
for (let i = 0; i < 5; i++) {
  t0 = performance.now();
  scan.all({ now: Date.now(), lease: Date.now() + 120_000, n: BATCH });
  scans.push(performance.now() - t0);
}
const plan = db
  .prepare(
    'EXPLAIN QUERY PLAN SELECT id FROM ev_deliveries WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 64',
  )
  .all(Date.now()) as Array<{ detail: string }>;

const p50 = pct(picks, 50);
const p99 = pct(picks, 99);
const s50 = pct(scans, 50);
console.log(`plan: ${plan.map((r) => r.detail).join(' / ')}`);
console.log(
  `pick ${BATCH} due of ${PENDING.toLocaleString()} pending (indexed): p50 ${p50.toFixed(3)} ms  p99 ${p99.toFixed(3)} ms  (${picked} picked; goal <= 5 ms)`,
);
console.log(
  `pick alone (automatic checkpoint off):        p50 ${pct(picksNoCkpt, 50).toFixed(3)} ms  p99 ${pct(picksNoCkpt, 99).toFixed(3)} ms`,
);
console.log(
  `  distribution with checkpoints: p90 ${pct(picks, 90).toFixed(3)} ms  p95 ${pct(picks, 95).toFixed(3)} ms  max ${Math.max(...picks).toFixed(1)} ms; ${picks.filter((x) => x > 5).length} of ${picks.length} picks over 5 ms (WAL checkpoints)`,
);
console.log(`earliest-due lookup for the timer:              p50 ${pct(mins, 50).toFixed(3)} ms`);
console.log(`baseline, same pick forced to scan:             p50 ${s50.toFixed(1)} ms`);
console.log(`ratio scan / indexed: ${(s50 / p50).toFixed(0)}x`);
console.log(
  `BENCH ${JSON.stringify({ name: `scheduler pick of ${BATCH} due at ${PENDING.toLocaleString('en-US')} pending, p50`, value: p50, unit: 'ms', baseline: 'the same pick forced to scan', baselineValue: s50, ratio: p50 / s50, goal: '<= 5 ms' })}`,
);
db.close();
fs.rmSync(dir, { recursive: true, force: true });
