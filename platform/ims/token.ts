/**
 * The tokens the local IMS issues, shaped like Adobe's: a JWT whose claims carry what
 * Adobe's clients read (`@adobe/aio-lib-ims` decodes `created_at` + `expires_in`, in ms as
 * strings, to know when it expires; `type`; `as` to pick the IMS environment; `client_id`
 * to validate). The signature is random bytes, not a signature: nothing trusts the claims,
 * a token is valid only when it is found in the token table (platform/ims/store.ts).
 */
import crypto from 'node:crypto';

const b64url = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');

/** The claims of a token issued to `clientId` of `orgId` at `createdAt` (ms), living `ttlMs`. */
export function tokenClaims(
  clientId: string,
  orgId: string,
  scope: string | null,
  createdAt: number,
  ttlMs: number,
): Record<string, unknown> {
  const account = `${crypto.createHash('sha256').update(clientId).digest('hex').slice(0, 24).toUpperCase()}@techacct.adobe.com`;
  return {
    id: `${createdAt}_${crypto.randomUUID()}_local`,
    org: orgId,
    type: 'access_token',
    client_id: clientId,
    user_id: account,
    as: 'ims-na1',
    aa_id: account,
    ctp: 3,
    moi: crypto.randomBytes(4).toString('hex'),
    expires_in: String(ttlMs),
    scope: scope ?? '',
    created_at: String(createdAt),
  };
}

/** A JWT-shaped token carrying `claims`, with an unguessable third part. */
export function jwtShaped(claims: Record<string, unknown>): string {
  const head = { alg: 'RS256', x5u: 'ims_na1-key-at-1.cer', kid: 'ims_na1-key-at-1', itt: 'at' };
  return `${b64url(head)}.${b64url(claims)}.${crypto.randomBytes(64).toString('base64url')}`;
}

/** The claims of a JWT-shaped token, or undefined when it is not one. */
export function claimsOf(token: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
