/**
 * A quick check of the store at start, so that a start after the write-ahead log was lost or
 * damaged does not go on silently with fewer events than were acknowledged.
 *
 * SQLite replays the WAL when it opens the database and stops, without a word, at the first
 * frame whose checksum does not match: every committed transaction after it is gone. And
 * when the WAL file is missing after a crash, everything committed since the last
 * checkpoint is gone. Both are only visible before SQLite opens the file (it rewrites the
 * WAL afterwards), so the WAL is read here first:
 *
 * - the previous run did not stop cleanly (it left its owner record, see ./lock.ts) and the
 *   WAL is missing or empty: lost;
 * - a frame of the WAL's current generation (its salts) fails its checksum and a later
 *   frame of the same generation follows: damaged (a torn last frame is not damage: it
 *   was never committed). The damaged WAL is kept beside the database for inspection.
 *
 * After the open, `PRAGMA quick_check` looks for damage in the database file itself when the
 * previous run did not stop cleanly (it reads the whole file: ~3 s for 200 MB, too slow for
 * every start).
 */
import fs from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';

const WAL_HEADER = 32;
const FRAME_HEADER = 24;

export interface WalReport {
  /** frames of the current generation SQLite will replay (up to the first bad one) */
  validFrames: number;
  /** index of the first frame that fails its checksum, when later frames of its generation follow */
  damagedAt: number | undefined;
  /** frames of the current generation after the damage, which SQLite will ignore */
  framesIgnored: number;
  /** the header itself fails its checksum while frames follow */
  headerDamaged: boolean;
}

/** SQLite's WAL checksum over `buf[from, to)`, continuing from (s0, s1). */
function checksum(buf: Buffer, from: number, to: number, bigEndian: boolean, s: [number, number]): [number, number] {
  let [s0, s1] = s;
  for (let i = from; i < to; i += 8) {
    const a = bigEndian ? buf.readUInt32BE(i) : buf.readUInt32LE(i);
    const b = bigEndian ? buf.readUInt32BE(i + 4) : buf.readUInt32LE(i + 4);
    s0 = (s0 + a + s1) >>> 0;
    s1 = (s1 + b + s0) >>> 0;
  }
  return [s0, s1];
}

/** Read a WAL file's frames the way SQLite's recovery does; undefined for no usable WAL. */
export function inspectWal(buf: Buffer): WalReport | undefined {
  if (buf.length < WAL_HEADER) return undefined;
  const magic = buf.readUInt32BE(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) {
    return { validFrames: 0, damagedAt: undefined, framesIgnored: 0, headerDamaged: buf.length > WAL_HEADER };
  }
  const bigEndian = (magic & 1) === 1;
  const pageSize = buf.readUInt32BE(8);
  const salt1 = buf.readUInt32BE(16);
  const salt2 = buf.readUInt32BE(20);
  let sum = checksum(buf, 0, 24, bigEndian, [0, 0]);
  const frameSize = FRAME_HEADER + pageSize;
  const frames = pageSize >= 512 ? Math.floor((buf.length - WAL_HEADER) / frameSize) : 0;
  if (sum[0] !== buf.readUInt32BE(24) || sum[1] !== buf.readUInt32BE(28)) {
    return { validFrames: 0, damagedAt: undefined, framesIgnored: frames, headerDamaged: frames > 0 };
  }
  const current = (at: number) => buf.readUInt32BE(at + 8) === salt1 && buf.readUInt32BE(at + 12) === salt2;
  let valid = 0;
  for (; valid < frames; valid++) {
    const at = WAL_HEADER + valid * frameSize;
    if (!current(at)) break;
    const next = checksum(buf, at + FRAME_HEADER, at + frameSize, bigEndian, checksum(buf, at, at + 8, bigEndian, sum));
    if (next[0] !== buf.readUInt32BE(at + 16) || next[1] !== buf.readUInt32BE(at + 20)) break;
    sum = next;
  }
  let ignored = 0;
  for (let i = valid + 1; i < frames; i++) if (current(WAL_HEADER + i * frameSize)) ignored++;
  return {
    validFrames: valid,
    damagedAt: ignored > 0 ? valid : undefined,
    framesIgnored: ignored,
    headerDamaged: false,
  };
}

export interface StartCheckInput {
  dbFile: string;
  /** the previous run did not stop cleanly */
  crashed: boolean;
}

/** What is wrong with the WAL before the database is opened; one message per finding. */
export function checkWalBeforeOpen(input: StartCheckInput): string[] {
  const wal = `${input.dbFile}-wal`;
  if (!fs.existsSync(input.dbFile)) return [];
  let buf: Buffer | undefined;
  try {
    buf = fs.readFileSync(wal);
  } catch {
    buf = undefined;
  }
  if (!buf || buf.length <= WAL_HEADER) {
    return input.crashed
      ? [
          `the previous run did not stop cleanly and its write-ahead log (${wal}) is missing or empty: ` +
            'whatever it committed since the last checkpoint (events, deliveries) is lost',
        ]
      : [];
  }
  const r = inspectWal(buf);
  if (!r || (!r.headerDamaged && r.damagedAt === undefined)) return [];
  const kept = `${wal}.damaged-${Date.now()}`;
  fs.copyFileSync(wal, kept);
  fs.chmodSync(kept, 0o600);
  const where = r.headerDamaged ? 'its header' : `frame ${r.damagedAt}`;
  return [
    `the write-ahead log (${wal}) is damaged at ${where}: SQLite ignores the ${r.framesIgnored} frame(s) after it, ` +
      `so transactions committed after that point (events, deliveries) are lost; a copy is kept as ${kept}`,
  ];
}

/** `PRAGMA quick_check` on the open database; one message when it finds damage. */
export function quickCheck(db: BetterSqlite3.Database): string[] {
  const rows = db.pragma('quick_check(5)') as Array<{ quick_check: string }>;
  const problems = rows.map((r) => r.quick_check).filter((m) => m !== 'ok');
  return problems.length ? [`the database file is damaged (PRAGMA quick_check): ${problems.join('; ')}`] : [];
}
