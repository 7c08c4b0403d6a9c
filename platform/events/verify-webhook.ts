/**
 * Adobe's check of a new webhook URL: `GET url?challenge=X` must answer 200 with X in the
 * body, or the registration is refused.
 *
 * Whoever may register a webhook makes the platform send a GET, so the check gives away as
 * little as it can: only http(s) URLs are fetched (the scheme is checked before anything
 * else), a redirect is not followed (it counts as a failed challenge), at most 64 KB of the
 * answer is read, and every failure is the same generic message (no status, no error text:
 * the platform must not become a way to probe what answers where).
 */
import { PlatformError } from '../core/errors';

const MAX_CHALLENGE_BODY = 64 * 1024;

const failed = (): PlatformError =>
  new PlatformError(
    400,
    'webhook_verification_failed',
    'webhook_url did not answer the challenge: it must answer GET ?challenge=X with 200 and X in the body',
    { field: 'webhook_url' },
  );

/** The start of the body, at most `max` bytes, as text. */
async function readSome(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, max).toString('utf8');
}

export async function verifyWebhook(url: string): Promise<void> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new PlatformError(400, 'invalid_field', 'webhook_url is not a valid URL', { field: 'webhook_url' });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new PlatformError(400, 'invalid_field', 'webhook_url must be http(s)', { field: 'webhook_url' });
  const challenge = Math.random().toString(36).slice(2);
  u.searchParams.set('challenge', challenge);
  let ok: boolean;
  try {
    const res = await fetch(u, {
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
      headers: { 'user-agent': 'Adobe I/O Events (local platform)' },
    });
    const text = await readSome(res, MAX_CHALLENGE_BODY);
    ok = res.status >= 200 && res.status < 300 && text.includes(challenge);
  } catch {
    ok = false;
  }
  if (!ok) throw failed();
}
