/**
 * Adobe-style delivery signatures: two RSA key pairs generated on first start and kept in
 * the database; each delivery body is signed with both (RSA-SHA256, base64) and the
 * public keys are served at the paths advertised in `x-adobe-public-key{1,2}-path`.
 */
import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';

export interface SigningKey {
  kid: string;
  privatePem: string;
  publicPem: string;
}

export const PUBLIC_KEY_PREFIX = '/events/_local/keys/';

export class Signer {
  readonly keys: [SigningKey, SigningKey];

  constructor(db: BetterSqlite3.Database) {
    const row = db.prepare("SELECT value FROM ev_kv WHERE key = 'signing_keys'").get() as { value: string } | undefined;
    if (row) {
      this.keys = JSON.parse(row.value) as [SigningKey, SigningKey];
    } else {
      this.keys = [Signer.generate(), Signer.generate()];
      db.prepare("INSERT INTO ev_kv (key, value) VALUES ('signing_keys', ?)").run(JSON.stringify(this.keys));
    }
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

  /** the signature headers of one delivery */
  headers(rawBody: string): Record<string, string> {
    const sign = (k: SigningKey): string => createSign('RSA-SHA256').update(rawBody).sign(k.privatePem, 'base64');
    return {
      'x-adobe-digital-signature-1': sign(this.keys[0]),
      'x-adobe-digital-signature-2': sign(this.keys[1]),
      'x-adobe-public-key1-path': this.publicKeyPath(0),
      'x-adobe-public-key2-path': this.publicKeyPath(1),
    };
  }
}
