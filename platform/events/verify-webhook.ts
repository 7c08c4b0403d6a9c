/**
 * Adobe's check of a new webhook URL: `GET url?challenge=X` must answer 200 with X in the
 * body, or the registration is refused.
 */
import { PlatformError } from '../core/errors';

const failed = (message: string): PlatformError =>
  new PlatformError(400, 'webhook_verification_failed', message, { field: 'webhook_url' });

export async function verifyWebhook(url: string): Promise<void> {
  const challenge = Math.random().toString(36).slice(2);
  const u = new URL(url);
  u.searchParams.set('challenge', challenge);
  let text: string;
  let status: number;
  try {
    const res = await fetch(u, {
      signal: AbortSignal.timeout(10_000),
      headers: { 'user-agent': 'Adobe I/O Events (local platform)' },
    });
    status = res.status;
    text = await res.text();
  } catch (e) {
    throw failed(
      `webhook_url did not answer the challenge GET ${u.origin}${u.pathname}?challenge=…: ${(e as Error).message}`,
    );
  }
  if (status < 200 || status >= 300 || !text.includes(challenge)) {
    throw failed(`webhook_url must answer GET ?challenge=X with 200 and X in the body (got ${status})`);
  }
}
