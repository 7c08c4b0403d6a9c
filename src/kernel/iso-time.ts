/**
 * `Date.prototype.toISOString()` of a time, faster: V8's takes about 0.45 µs, as much as the
 * SHA-1 of the event id, on the webhook's hot path (bench/validation.ts). The date part is
 * formatted once per UTC day and kept; the time of day is plain arithmetic. Same text as
 * toISOString for every time (years outside 0000–9999 and invalid times are left to it).
 */
const DAY_MS = 86_400_000;
let dayStart = Number.NaN;
let dayPrefix = '';

const pad2 = (n: number): string => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

export function isoTime(date: Date): string {
  const ms = date.getTime();
  let offset = ms - dayStart;
  if (!(offset >= 0 && offset < DAY_MS)) {
    const iso = date.toISOString(); // throws RangeError on an invalid date, as it always did
    if (iso.length !== 24) return iso; // a six-digit year: not kept
    dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
    dayPrefix = iso.slice(0, 11);
    offset = ms - dayStart;
  }
  const h = Math.floor(offset / 3_600_000);
  const m = Math.floor(offset / 60_000) % 60;
  const s = Math.floor(offset / 1000) % 60;
  return `${dayPrefix}${pad2(h)}:${pad2(m)}:${pad2(s)}.${pad3(offset % 1000)}Z`;
}
