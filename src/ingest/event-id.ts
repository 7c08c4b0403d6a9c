/**
 * UUID v5 (RFC 9562 §5.5: SHA-1 over namespace bytes + name, version and variant bits set)
 * of the name `{event code}\n{uid}` (UTF-8): the same uid and event always give the same
 * CloudEvent id, so a resend is recognised downstream and not applied twice.
 * The namespace is the UUID whose 16 bytes are the ASCII text `commerce-events!`
 * (636f6d6d-6572-6365-2d65-76656e747321): any 16 bytes are a valid v5 namespace, and
 * ASCII ones let the whole hash input be one string for node's one-shot `crypto.hash`,
 * several times cheaper than a Hash object on this hot path.
 */
import crypto from 'node:crypto';

export const ID_NAMESPACE = '636f6d6d-6572-6365-2d65-76656e747321';
const NAMESPACE_TEXT = 'commerce-events!';
const sha1Hex: (data: string) => string =
  typeof crypto.hash === 'function'
    ? (data) => crypto.hash('sha1', data, 'hex')
    : (data) => crypto.createHash('sha1').update(data).digest('hex');

export function eventId(uid: string, code: string): string {
  const h = sha1Hex(`${NAMESPACE_TEXT}${code}\n${uid}`);
  const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
