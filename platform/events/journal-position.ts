/** Journal positions are opaque to clients; here a prefixed sequence number. */

export function encodePosition(seq: number): string {
  return `pos-${seq.toString(36)}`;
}

export function decodePosition(pos: string): number | undefined {
  const m = /^pos-([0-9a-z]+)$/.exec(pos);
  if (!m || !m[1]) return undefined;
  const n = parseInt(m[1], 36);
  return Number.isSafeInteger(n) ? n : undefined;
}
