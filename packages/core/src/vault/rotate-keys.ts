import type { StorageAdapter } from '../storage/storage-adapter.js';
import type { Vault } from './vault.js';

/**
 * Re-encrypts every stored secret that was not made with the vault's first key:
 * `integrations.credentials` and `webhooks.secret`. Each integration is re-encrypted under the
 * same lock a token refresh takes (`oauth-refresh:<id>`), so a concurrent refresh is never
 * overwritten. Expired `oauth_states` are deleted; pending ones cannot be listed through the
 * storage contract and live at most `stateTtlMs` (10 min by default), so keep the old key
 * configured that long after rotating. Returns how many values were re-encrypted; running it
 * again finds nothing to do.
 *
 * ```ts
 * const vault = createVault([{ kid: 'k2', key: newKey }, { kid: 'k1', key: oldKey }]);
 * const { reencrypted } = await rotateKeys(storage, vault);
 * ```
 */
export async function rotateKeys(storage: StorageAdapter, vault: Vault): Promise<{ reencrypted: number }> {
  let reencrypted = 0;
  for (const listed of await storage.integrations.list()) {
    if (listed.credentials === null || !vault.needsRotation(listed.credentials)) continue;
    reencrypted += await storage.withLock(`oauth-refresh:${listed.id}`, async () => {
      const current = await storage.integrations.get(listed.id);
      if (current?.credentials == null || !vault.needsRotation(current.credentials)) return 0;
      const credentials = await vault.encrypt(await vault.decrypt(current.credentials));
      await storage.integrations.update(current.id, { credentials });
      return 1;
    });
  }
  for (const webhook of await storage.webhooks.list()) {
    if (webhook.secret === null || !vault.needsRotation(webhook.secret)) continue;
    const secret = await vault.encrypt(await vault.decrypt(webhook.secret));
    await storage.webhooks.update(webhook.id, { secret });
    reencrypted += 1;
  }
  await storage.oauthStates.deleteExpired(new Date());
  return { reencrypted };
}
