/**
 * Adobe-style delivery signatures: two RSA key pairs generated on first start and kept in
 * the database; each delivery body is signed with both (RSA-SHA256, base64) and the
 * public keys are served at the paths advertised in `x-adobe-public-key{1,2}-path`.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { EventsStore } from './store';

export interface SigningKey {
  kid: string;
  privatePem: string;
  publicPem: string;
}

export const PUBLIC_KEY_PREFIX = '/events/_local/keys/';

const signAsync = promisify(sign) as (algorithm: string, data: Buffer, key: KeyObject) => Promise<Buffer>;

export class Signer {
  readonly keys: [SigningKey, SigningKey];
  private readonly privateKeys: [KeyObject, KeyObject];

  constructor(store: EventsStore) {
    const row = store.s.kv.get('signing_keys');
    if (row) {
      this.keys = JSON.parse(row.value) as [SigningKey, SigningKey];
    } else {
      this.keys = [Signer.generate(), Signer.generate()];
      store.s.insertKv.run('signing_keys', JSON.stringify(this.keys));
    }
    // parsed once: parsing a PEM costs more than the signature itself
    this.privateKeys = [createPrivateKey(this.keys[0].privatePem), createPrivateKey(this.keys[1].privatePem)];
  }

  private static generate(): SigningKey {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    return { kid: randomBytes(8).toString('hex'), privatePem: privateKey, publicPem: publicKey };
  }

  /** path (relative to the platform's base URL) where a key's public PEM is served */
  publicKeyPath(i: 0 | 1): string {
    return `${PUBLIC_KEY_PREFIX}pub-key-${this.keys[i].kid}.pem`;
  }

  publicKeyByFile(file: string): string | undefined {
    return this.keys.find((k) => `pub-key-${k.kid}.pem` === file)?.publicPem;
  }

  /**
   * The signature headers of one delivery. RSA signing is the costliest step of a delivery
   * (about 1 ms per signature here), so both run in libuv's thread pool, off the event loop.
   */
  async headers(rawBody: string): Promise<Record<string, string>> {
    const data = Buffer.from(rawBody);
    const [s1, s2] = await Promise.all([
      signAsync('sha256', data, this.privateKeys[0]),
      signAsync('sha256', data, this.privateKeys[1]),
    ]);
    return {
      'x-adobe-digital-signature-1': s1.toString('base64'),
      'x-adobe-digital-signature-2': s2.toString('base64'),
      'x-adobe-public-key1-path': this.publicKeyPath(0),
      'x-adobe-public-key2-path': this.publicKeyPath(1),
    };
  }
}
