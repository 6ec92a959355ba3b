import { CompactEncrypt, compactDecrypt, decodeProtectedHeader } from 'jose';
import { ConfigError } from '../errors/config-error.js';
import { ValidationError } from '../errors/validation-error.js';

/**
 * One encryption key of the vault. `key` is 32 random bytes, given as bytes or as base64 /
 * base64url text (`openssl rand -base64 32`). `kid` names the key inside every ciphertext, so
 * old ciphertexts keep decrypting after you add a new key in front.
 *
 * ```ts
 * const key: EncryptionKey = { kid: '2026-01', key: process.env.SYNCBRIDGE_KEY! };
 * ```
 */
export interface EncryptionKey {
  kid: string;
  key: Uint8Array | string;
}

/**
 * Encrypts what SyncBridge keeps at rest (tokens, API keys, webhook secrets, PKCE verifiers) as
 * compact JWE (`alg: dir`, `enc: A256GCM`) under the first configured key.
 *
 * ```ts
 * const vault = createVault([{ kid: 'k2', key: newKey }, { kid: 'k1', key: oldKey }]);
 * const jwe = await vault.encrypt({ apiKey: 'sk_live_…' });
 * const value = await vault.decrypt<{ apiKey: string }>(jwe);
 * vault.needsRotation(jwe); // false: made with k2
 * ```
 */
export interface Vault {
  /** JSON-serialises `value` and encrypts it under the first key; the `kid` header names that key. */
  encrypt(value: unknown): Promise<string>;
  /**
   * Decrypts a ciphertext made with any configured key. Throws `ConfigError` naming the missing
   * `kid` when the key is not configured, and `ConfigError` saying the key is wrong when the
   * ciphertext was tampered with or made with a different key of the same `kid`. Never echoes
   * the ciphertext or plaintext.
   */
  decrypt<T = unknown>(jwe: string): Promise<T>;
  /** True when the ciphertext was not made with the first key (re-encrypt it with `rotateKeys`). */
  needsRotation(jwe: string): boolean;
  /** The `kid` new ciphertexts are made with. */
  readonly currentKid: string;
}

const KEY_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function keyBytes(entry: EncryptionKey, index: number, problems: string[]): Uint8Array | undefined {
  const { key } = entry;
  let bytes: Uint8Array | undefined;
  if (key instanceof Uint8Array) bytes = key;
  else if (typeof key === 'string' && BASE64.test(key.trim())) bytes = Buffer.from(key.trim(), 'base64');
  if (bytes === undefined) {
    problems.push(
      `keys.${index} (kid ${JSON.stringify(entry.kid)}): key must be a Uint8Array or base64 text`,
    );
    return undefined;
  }
  if (bytes.length !== KEY_BYTES) {
    problems.push(
      `keys.${index} (kid ${JSON.stringify(entry.kid)}): key must be ${KEY_BYTES} bytes, got ${bytes.length} (generate one with \`openssl rand -base64 32\`)`,
    );
    return undefined;
  }
  return new Uint8Array(bytes);
}

function kidOf(jwe: string): string | undefined {
  try {
    const kid = decodeProtectedHeader(jwe).kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds a vault from one or more keys; the first encrypts, all decrypt. Throws `ConfigError`
 * at construction when there is no key, a key is not 32 bytes, or two keys share a `kid`.
 *
 * ```ts
 * const vault = createVault([{ kid: '2026-01', key: process.env.SYNCBRIDGE_KEY! }]);
 * ```
 */
export function createVault(keys: readonly EncryptionKey[]): Vault {
  const problems: string[] = [];
  if (!Array.isArray(keys) || keys.length === 0)
    problems.push('keys: at least one encryption key is required');
  const byKid = new Map<string, Uint8Array>();
  (Array.isArray(keys) ? keys : []).forEach((entry, index) => {
    if (typeof entry?.kid !== 'string' || entry.kid.length === 0) {
      problems.push(`keys.${index}: kid must be a non-empty string`);
      return;
    }
    if (byKid.has(entry.kid)) problems.push(`keys.${index}: duplicate kid ${JSON.stringify(entry.kid)}`);
    const bytes = keyBytes(entry, index, problems);
    if (bytes && !byKid.has(entry.kid)) byKid.set(entry.kid, bytes);
  });
  if (problems.length > 0) {
    throw new ConfigError(`createVault: invalid encryption keys. ${problems.join('; ')}`, { problems });
  }
  const currentKid = (keys[0] as EncryptionKey).kid;
  const currentKey = byKid.get(currentKid) as Uint8Array;
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  return Object.freeze({
    currentKid,
    async encrypt(value: unknown): Promise<string> {
      const json = JSON.stringify(value);
      if (json === undefined) {
        throw new ValidationError(
          'vault.encrypt: the value is not JSON-serialisable (undefined or a function).',
        );
      }
      return new CompactEncrypt(encoder.encode(json))
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: currentKid })
        .encrypt(currentKey);
    },
    async decrypt<T = unknown>(jwe: string): Promise<T> {
      const kid = typeof jwe === 'string' ? kidOf(jwe) : undefined;
      if (kid === undefined) {
        throw new ConfigError(
          'vault.decrypt: the value is not a SyncBridge vault ciphertext (compact JWE with a kid header). Was it written by another tool or truncated?',
        );
      }
      const key = byKid.get(kid);
      if (!key) {
        throw new ConfigError(
          `vault.decrypt: no encryption key with kid ${JSON.stringify(kid)} is configured. Add that key to the vault's keys (after the current one) so old ciphertexts keep decrypting.`,
          { code: 'VAULT_KEY_MISSING', problems: [`missing kid ${kid}`] },
        );
      }
      let plaintext: Uint8Array;
      try {
        ({ plaintext } = await compactDecrypt(jwe, key, {
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
        }));
      } catch (error) {
        throw new ConfigError(
          `vault.decrypt: decryption with the key of kid ${JSON.stringify(kid)} failed: the key is wrong (a different key under the same kid) or the ciphertext was modified.`,
          {
            code: 'VAULT_KEY_WRONG',
            cause:
              error instanceof Error
                ? { name: error.name, code: (error as { code?: unknown }).code }
                : undefined,
          },
        );
      }
      return JSON.parse(decoder.decode(plaintext)) as T;
    },
    needsRotation(jwe: string): boolean {
      return kidOf(jwe) !== currentKid;
    },
  });
}
