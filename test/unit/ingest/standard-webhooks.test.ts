/**
 * Our Standard Webhooks check against the `standardwebhooks` package, the reference
 * implementation: whatever the package signs we accept, whatever it rejects we reject.
 */
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { decodeSecret, verifySignature, SignatureError } from '../../../src/ingest/auth/standard-webhooks';

const secretArb = fc
  .uint8Array({ minLength: 8, maxLength: 64 })
  .map((b) => `whsec_${Buffer.from(b).toString('base64')}`);
const idArb = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\s]/.test(s));

function packageAccepts(secret: string, body: string, headers: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(body, headers, { jsonParse: false });
    return true;
  } catch {
    return false;
  }
}
function oursAccepts(secrets: string[], body: string, headers: Record<string, string>): boolean {
  try {
    verifySignature(secrets.map(decodeSecret), headers, body);
    return true;
  } catch (err) {
    if (!(err instanceof SignatureError)) throw err;
    return false;
  }
}

describe('Standard Webhooks verification', () => {
  it('accepts every signature the package makes, over any body', () => {
    fc.assert(
      fc.property(
        secretArb,
        idArb,
        fc.string({ maxLength: 2000 }),
        fc.integer({ min: -290, max: 290 }),
        (secret, id, body, offset) => {
          const at = new Date((Math.floor(Date.now() / 1000) + offset) * 1000);
          const headers = {
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': new Webhook(secret).sign(id, at, body),
          };
          expect(oursAccepts([secret], body, headers)).toBe(true);
          expect(packageAccepts(secret, body, headers)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('agrees with the package on tampered bodies, ids, timestamps, secrets and signature lists', () => {
    fc.assert(
      fc.property(
        secretArb,
        secretArb,
        idArb,
        fc.string({ maxLength: 300 }),
        fc.integer({ min: -700, max: 700 }),
        fc.constantFrom('body', 'id', 'secret', 'none', 'list', 'version', 'garbage'),
        (secret, other, id, body, offset, mutation) => {
          const at = new Date((Math.floor(Date.now() / 1000) + offset) * 1000);
          const sig = new Webhook(secret).sign(id, at, body);
          const headers: Record<string, string> = {
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': sig,
          };
          let sent = body;
          if (mutation === 'body') sent = `${body}x`;
          if (mutation === 'id') headers['webhook-id'] = `${id}x`;
          if (mutation === 'list') headers['webhook-signature'] = `${new Webhook(other).sign(id, at, body)} ${sig}`;
          if (mutation === 'version') headers['webhook-signature'] = sig.replace('v1,', 'v2,');
          if (mutation === 'garbage') headers['webhook-signature'] = 'v1,AAAA';
          const verifyWith = mutation === 'secret' ? other : secret;
          expect(oursAccepts([verifyWith], sent, headers)).toBe(packageAccepts(verifyWith, sent, headers));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('tries every secret (rotation) and rejects missing or malformed headers', () => {
    const a = `whsec_${Buffer.from('a'.repeat(24)).toString('base64')}`;
    const b = `whsec_${Buffer.from('b'.repeat(24)).toString('base64')}`;
    const at = new Date();
    const headers = {
      'webhook-id': 'm1',
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(b).sign('m1', at, '{}'),
    };
    expect(oursAccepts([a, b], '{}', headers)).toBe(true);
    expect(oursAccepts([a], '{}', headers)).toBe(false);
    expect(oursAccepts([a], '{}', { ...headers, 'webhook-timestamp': 'soon' })).toBe(false);
    expect(() => verifySignature([decodeSecret(a)], {}, '{}')).toThrow('missing required headers');
    expect(() => decodeSecret('whsec_')).toThrow("can't be empty");
    expect(() => decodeSecret('whsec_not base64!')).toThrow('not base64');
  });
});
