import { randomBytes } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../errors/config-error.js';
import { memoryStorage } from '../storage/memory/memory-storage.js';
import { rotateKeys } from './rotate-keys.js';
import { createVault } from './vault.js';

const k1 = randomBytes(32);
const k2 = randomBytes(32);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('createVault', () => {
  it('round-trips JSON values as compact JWE dir/A256GCM with the first kid', async () => {
    const vault = createVault([{ kid: 'k1', key: k1 }]);
    const value = { type: 'oauth2', accessToken: 'at-plaintext-123', nested: [1, 'x'] };
    const jwe = await vault.encrypt(value);
    expect(jwe.split('.')).toHaveLength(5);
    expect(decodeProtectedHeader(jwe)).toEqual({ alg: 'dir', enc: 'A256GCM', kid: 'k1' });
    expect(jwe).not.toContain('at-plaintext-123');
    expect(Buffer.from(jwe.replaceAll('.', ''), 'base64url').toString('latin1')).not.toContain(
      'at-plaintext',
    );
    expect(await vault.decrypt(jwe)).toEqual(value);
    expect(await vault.encrypt(value)).not.toBe(jwe); // fresh IV each time
  });

  it('accepts keys as base64 and base64url text', async () => {
    const a = createVault([{ kid: 'a', key: k1.toString('base64') }]);
    const b = createVault([{ kid: 'a', key: k1.toString('base64url') }]);
    expect(await b.decrypt(await a.encrypt('x'))).toBe('x');
  });

  it('rejects a missing key list, wrong key lengths and duplicate kids at construction', () => {
    const none = thrown(() => createVault([]));
    expect(isConfigError(none)).toBe(true);
    const short = thrown(() => createVault([{ kid: 'short', key: randomBytes(16) }])) as Error;
    expect(isConfigError(short)).toBe(true);
    expect(short.message).toContain('must be 32 bytes, got 16');
    const text = thrown(() => createVault([{ kid: 't', key: 'not base64 at all!' }])) as Error;
    expect(text.message).toContain('base64');
    const dup = thrown(() =>
      createVault([
        { kid: 'same', key: k1 },
        { kid: 'same', key: k2 },
      ]),
    ) as Error;
    expect(dup.message).toContain('duplicate kid "same"');
  });

  it('decrypts old kids after rotation and tells which ciphertexts need rotating', async () => {
    const old = createVault([{ kid: 'k1', key: k1 }]);
    const jwe = await old.encrypt({ secret: 'whsec_old' });
    const rotated = createVault([
      { kid: 'k2', key: k2 },
      { kid: 'k1', key: k1 },
    ]);
    expect(rotated.needsRotation(jwe)).toBe(true);
    expect(await rotated.decrypt(jwe)).toEqual({ secret: 'whsec_old' });
    const fresh = await rotated.encrypt('v');
    expect(rotated.needsRotation(fresh)).toBe(false);
    expect(decodeProtectedHeader(fresh).kid).toBe('k2');
  });

  it('names the missing kid and reports a wrong key without echoing plaintext', async () => {
    const jwe = await createVault([{ kid: 'k1', key: k1 }]).encrypt({ token: 'plaintext-token-9' });
    const missing = (await rejection(createVault([{ kid: 'k2', key: k2 }]).decrypt(jwe))) as Error;
    expect(isConfigError(missing)).toBe(true);
    expect(missing.message).toContain('no encryption key with kid "k1"');
    const wrong = (await rejection(createVault([{ kid: 'k1', key: k2 }]).decrypt(jwe))) as Error;
    expect(isConfigError(wrong)).toBe(true);
    expect(wrong.message).toContain('the key is wrong');
    const parts = jwe.split('.');
    parts[3] = `${parts[3]?.slice(0, -2)}AA`;
    const tampered = (await rejection(
      createVault([{ kid: 'k1', key: k1 }]).decrypt(parts.join('.')),
    )) as Error;
    expect(isConfigError(tampered)).toBe(true);
    for (const error of [missing, wrong, tampered]) {
      expect(`${error.message}${error.stack}${JSON.stringify(error)}`).not.toContain('plaintext-token-9');
    }
    const garbage = (await rejection(createVault([{ kid: 'k1', key: k1 }]).decrypt('nope'))) as Error;
    expect(isConfigError(garbage)).toBe(true);
  });
});

describe('rotateKeys', () => {
  it('re-encrypts integration credentials and webhook secrets under the first key, once', async () => {
    const storage = memoryStorage();
    const old = createVault([{ kid: 'k1', key: k1 }]);
    const a = await storage.integrations.create({
      organizationId: 'org_1',
      provider: 'stripe',
      credentials: await old.encrypt({ type: 'apiKey', apiKey: 'sk_test_1' }),
    });
    await storage.integrations.create({ organizationId: 'org_1', provider: 'quickbooks' });
    const hook = await storage.webhooks.create({
      integrationId: a.id,
      provider: 'stripe',
      secret: await old.encrypt('whsec_1'),
    });
    const vault = createVault([
      { kid: 'k2', key: k2 },
      { kid: 'k1', key: k1 },
    ]);
    expect(await rotateKeys(storage, vault)).toEqual({ reencrypted: 2 });
    const stored = await storage.integrations.get(a.id);
    expect(vault.needsRotation(stored?.credentials as string)).toBe(false);
    expect(await vault.decrypt(stored?.credentials as string)).toEqual({
      type: 'apiKey',
      apiKey: 'sk_test_1',
    });
    const storedHook = await storage.webhooks.get(hook.id);
    expect(await createVault([{ kid: 'k2', key: k2 }]).decrypt(storedHook?.secret as string)).toBe('whsec_1');
    expect(await rotateKeys(storage, vault)).toEqual({ reencrypted: 0 });
  });
});
