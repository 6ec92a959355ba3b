import {
  type Checkpoint,
  type CheckpointStore,
  ConflictError,
  checkpointWriteSchema,
  missingRow,
  parseWith,
} from '@syncbridge/core';
import { CHECKPOINT, fromRow } from './columns.js';
import type { StoreContext } from './store-context.js';

const toCheckpoint = (row: Record<string, unknown>) => fromRow<Checkpoint>(CHECKPOINT, row);

/**
 * Checkpoints on Postgres with the version check inside the write: the first version is an
 * `INSERT … ON CONFLICT DO NOTHING`, later ones an `UPDATE … WHERE version = expected`. Of two
 * concurrent writers with the same expected version exactly one gets a row back.
 */
export function postgresCheckpoints(ctx: StoreContext): CheckpointStore {
  const { checkpoints: t, syncConfigs } = ctx.tables;
  const operation = 'checkpoints.put';
  return {
    async get(syncConfigId, key) {
      const { rows } = await ctx.run(
        { operation: 'checkpoints.get' },
        `SELECT * FROM ${t} WHERE sync_config_id = $1 AND key = $2`,
        [syncConfigId, key],
      );
      return rows[0] ? toCheckpoint(rows[0]) : null;
    },
    async put(write) {
      const data = parseWith(checkpointWriteSchema, write, operation);
      const value = data.value === undefined ? null : JSON.stringify(data.value);
      const { rows } =
        data.expectedVersion === null
          ? await ctx.run(
              { operation, parents: { 'sync config': data.syncConfigId } },
              `INSERT INTO ${t} (sync_config_id, key, value, version) VALUES ($1, $2, $3::text::jsonb, 1)
               ON CONFLICT (sync_config_id, key) DO NOTHING RETURNING *`,
              [data.syncConfigId, data.key, value],
            )
          : await ctx.run(
              { operation },
              `UPDATE ${t} SET value = $3::text::jsonb, version = version + 1, updated_at = statement_timestamp()
               WHERE sync_config_id = $1 AND key = $2 AND version = $4::bigint RETURNING *`,
              [data.syncConfigId, data.key, value, data.expectedVersion],
            );
      if (rows[0]) return toCheckpoint(rows[0]);
      // Nothing written: say why (an unknown config, or another writer got there first).
      const { rows: state } = await ctx.run<{ config: boolean; version: string | number | null }>(
        { operation },
        `SELECT EXISTS (SELECT 1 FROM ${syncConfigs} WHERE id = $1) AS config,
                (SELECT version FROM ${t} WHERE sync_config_id = $1 AND key = $2) AS version`,
        [data.syncConfigId, data.key],
      );
      if (!state[0]?.config) throw missingRow(operation, 'sync config', data.syncConfigId);
      const current = state[0].version === null ? 'none' : Number(state[0].version);
      throw new ConflictError(
        `${operation} failed: checkpoint "${data.key}" of sync config "${data.syncConfigId}" is at version ${current}, not ${data.expectedVersion ?? 'none'}. Another run advanced it; re-read before writing.`,
        { code: 'STALE_VERSION' },
      );
    },
    async delete(syncConfigId, key) {
      const { rowCount } = await ctx.run(
        { operation: 'checkpoints.delete' },
        key === undefined
          ? `DELETE FROM ${t} WHERE sync_config_id = $1`
          : `DELETE FROM ${t} WHERE sync_config_id = $1 AND key = $2`,
        key === undefined ? [syncConfigId] : [syncConfigId, key],
      );
      return rowCount;
    },
  };
}
