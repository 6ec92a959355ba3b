import { isNotFoundError, isStorageError, isValidationError } from '@syncbridge/core';
import { describe, expect } from 'vitest';
import { type SuiteHarness, seedConfig } from './harness.js';

/** Integrations, sync configs and field mappings: CRUD, uniqueness, cascades, validation. */
export function integrationCases(h: SuiteHarness): void {
  describe('integrations', () => {
    h.case('creates an integration with defaults and reads it back', async () => {
      const created = await h.storage.integrations.create({ organizationId: 'org_1', provider: 'stripe' });
      expect(created).toMatchObject({
        organizationId: 'org_1',
        provider: 'stripe',
        status: 'disconnected',
        syncDirection: 'bidirectional',
        credentials: null,
        config: {},
        errorCount: 0,
      });
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(await h.storage.integrations.get(created.id)).toEqual(created);
      expect(await h.storage.integrations.getByProvider('org_1', 'stripe')).toEqual(created);
      expect(await h.storage.integrations.get('missing')).toBeNull();
      if (h.probe) expect(await h.probe.count('integrations', { id: created.id })).toBe(1);
    });

    h.case('rejects a second integration for the same organization and provider', async () => {
      await h.storage.integrations.create({ organizationId: 'org_1', provider: 'stripe' });
      const error = await h.storage.integrations
        .create({ organizationId: 'org_1', provider: 'stripe' })
        .catch((e) => e);
      expect(isStorageError(error)).toBe(true);
      expect(error.code).toBe('STORAGE_UNIQUE_VIOLATION');
      // Other organizations and other providers are fine.
      await h.storage.integrations.create({ organizationId: 'org_2', provider: 'stripe' });
      await h.storage.integrations.create({ organizationId: 'org_1', provider: 'quickbooks' });
      expect(await h.storage.integrations.list()).toHaveLength(3);
    });

    h.case('updates an integration and keeps what the patch does not name', async () => {
      const created = await h.storage.integrations.create({
        organizationId: 'org_1',
        provider: 'quickbooks',
        config: { realmId: '123' },
      });
      const at = new Date('2026-01-02T03:04:05.000Z');
      const updated = await h.storage.integrations.update(created.id, {
        status: 'error',
        lastError: 'boom',
        lastErrorAt: at,
        errorCount: 3,
      });
      expect(updated).toMatchObject({
        status: 'error',
        lastError: 'boom',
        errorCount: 3,
        config: { realmId: '123' },
      });
      expect(updated.lastErrorAt?.toISOString()).toBe(at.toISOString());
      expect(await h.storage.integrations.get(created.id)).toEqual(updated);
    });

    h.case(
      'throws NotFoundError when updating a missing integration and false when deleting one',
      async () => {
        const error = await h.storage.integrations.update('missing', { status: 'connected' }).catch((e) => e);
        expect(isNotFoundError(error)).toBe(true);
        expect(await h.storage.integrations.delete('missing')).toBe(false);
      },
    );

    h.case('filters integrations by organization, status and due time', async () => {
      const due = new Date('2026-01-01T00:00:00Z');
      const a = await h.storage.integrations.create({ organizationId: 'o1', provider: 'a', nextSyncAt: due });
      await h.storage.integrations.create({ organizationId: 'o1', provider: 'b', status: 'connected' });
      await h.storage.integrations.create({
        organizationId: 'o2',
        provider: 'a',
        nextSyncAt: new Date('2027-01-01T00:00:00Z'),
      });
      expect(
        (await h.storage.integrations.list({ organizationId: 'o1' })).map((i) => i.provider).sort(),
      ).toEqual(['a', 'b']);
      expect(await h.storage.integrations.list({ status: 'connected' })).toHaveLength(1);
      const dueNow = await h.storage.integrations.list({ dueBefore: new Date('2026-06-01T00:00:00Z') });
      expect(dueNow.map((i) => i.id)).toEqual([a.id]);
    });

    h.case('rejects bad input with ValidationError and writes nothing', async () => {
      const cases = [
        {},
        { organizationId: 'org_1' },
        { organizationId: 'org_1', provider: 'x', status: 'bogus' },
        { organizationId: 'org_1', provider: 'x', syncDirection: 'sideways' },
        { organizationId: '', provider: 'x' },
      ];
      for (const input of cases) {
        const error = await h.storage.integrations.create(input as never).catch((e) => e);
        expect(isValidationError(error), JSON.stringify(input)).toBe(true);
      }
      const created = await h.storage.integrations.create({ organizationId: 'org_1', provider: 'x' });
      const error = await h.storage.integrations
        .update(created.id, { status: 'bogus' } as never)
        .catch((e) => e);
      expect(isValidationError(error)).toBe(true);
      expect((await h.storage.integrations.get(created.id))?.status).toBe('disconnected');
      expect(await h.storage.integrations.list()).toHaveLength(1);
      if (h.probe) expect(await h.probe.count('integrations')).toBe(1);
    });

    h.case('returns copies: mutating a result does not change what is stored', async () => {
      const created = await h.storage.integrations.create({
        organizationId: 'o',
        provider: 'p',
        config: { a: 1 },
      });
      (created.config as Record<string, unknown>).a = 2;
      created.status = 'connected';
      expect(await h.storage.integrations.get(created.id)).toMatchObject({
        status: 'disconnected',
        config: { a: 1 },
      });
    });
  });

  describe('sync configs and field mappings', () => {
    h.case('creates sync configs unique per integration and entity pair', async () => {
      const { integration, config } = await seedConfig(h.storage);
      expect(config).toMatchObject({
        direction: 'bidirectional',
        conflictResolution: 'last_write_wins',
        enabled: true,
        syncFilter: null,
      });
      const error = await h.storage.syncConfigs
        .create({ integrationId: integration.id, localEntity: 'customer', remoteEntity: 'Customer' })
        .catch((e) => e);
      expect(error.code).toBe('STORAGE_UNIQUE_VIOLATION');
      await h.storage.syncConfigs.create({
        integrationId: integration.id,
        localEntity: 'customer',
        remoteEntity: 'Vendor',
      });
      expect(await h.storage.syncConfigs.list({ integrationId: integration.id })).toHaveLength(2);
    });

    h.case('accepts merge as the seed alias of merge_fields and rejects unknown strategies', async () => {
      const { integration } = await seedConfig(h.storage);
      const merge = await h.storage.syncConfigs.create({
        integrationId: integration.id,
        localEntity: 'invoice',
        remoteEntity: 'Invoice',
        conflictResolution: 'merge',
        conflictFallback: 'last_write_wins',
        prioritySource: 'remote',
      });
      expect(merge.conflictResolution).toBe('merge');
      const error = await h.storage.syncConfigs
        .update(merge.id, { conflictResolution: 'coin_flip' } as never)
        .catch((e) => e);
      expect(isValidationError(error)).toBe(true);
      const updated = await h.storage.syncConfigs.update(merge.id, {
        enabled: false,
        syncFilter: { active: true },
      });
      expect(updated).toMatchObject({
        enabled: false,
        syncFilter: { active: true },
        conflictResolution: 'merge',
      });
    });

    h.case('rejects a sync config for a missing integration', async () => {
      const error = await h.storage.syncConfigs
        .create({ integrationId: 'missing', localEntity: 'a', remoteEntity: 'b' })
        .catch((e) => e);
      expect(isNotFoundError(error) || isStorageError(error)).toBe(true);
      expect(await h.storage.syncConfigs.list()).toHaveLength(0);
    });

    h.case('replaces field mappings as a whole, in order', async () => {
      const { config } = await seedConfig(h.storage);
      await h.storage.fieldMappings.replace(config.id, [{ localField: 'x', remoteField: '$.X' }]);
      const rows = await h.storage.fieldMappings.replace(config.id, [
        { localField: 'name', remoteField: '$.DisplayName', isRequired: true },
        {
          localField: 'status',
          remoteField: '$.Active',
          transformType: 'lookup',
          transformConfig: { map: { true: 'active', false: 'archived' } },
          direction: 'inbound',
          defaultValue: 'active',
        },
      ]);
      expect(rows.map((r) => [r.position, r.localField])).toEqual([
        [0, 'name'],
        [1, 'status'],
      ]);
      const listed = await h.storage.fieldMappings.list(config.id);
      expect(listed).toEqual(rows);
      expect(listed[1]).toMatchObject({
        transformType: 'lookup',
        direction: 'inbound',
        defaultValue: 'active',
      });
      if (h.probe) expect(await h.probe.count('field_mappings', { sync_config_id: config.id })).toBe(2);
      expect(await h.storage.fieldMappings.list('missing')).toEqual([]);
    });

    h.case('rejects a mapping with an unknown transform type and keeps the old mappings', async () => {
      const { config } = await seedConfig(h.storage);
      await h.storage.fieldMappings.replace(config.id, [{ localField: 'a', remoteField: '$.a' }]);
      const error = await h.storage.fieldMappings
        .replace(config.id, [
          { localField: 'b', remoteField: '$.b' },
          { localField: 'c', remoteField: '$.c', transformType: 'eval' as never },
        ])
        .catch((e) => e);
      expect(isValidationError(error)).toBe(true);
      expect((await h.storage.fieldMappings.list(config.id)).map((m) => m.localField)).toEqual(['a']);
    });
  });
}
