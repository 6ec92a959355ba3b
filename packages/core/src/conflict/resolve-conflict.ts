import { createHash } from 'node:crypto';
import type { ConflictStrategy, PrioritySource } from '../domain/sync-config.js';
import { ConfigError } from '../errors/config-error.js';
import { ValidationError } from '../errors/validation-error.js';
import { canon, copy, type FieldConflict, isPlainObject, threeWayMerge } from './three-way-merge.js';

/**
 * Both sides of one link changed since the last sync. All three records are in the same local
 * shape (what `CompiledMappings.inbound()` and `pickLocal()` produce).
 *
 * ```ts
 * const input: ConflictInput = {
 *   base: link.base, local: mapping.pickLocal(hostRecord), remote: mappedRemote,
 *   localUpdatedAt: hostRecord.updatedAt, remoteUpdatedAt: new Date(remote.MetaData.LastUpdatedTime),
 *   strategy: config.conflictResolution, priority: config.prioritySource, fallback: config.conflictFallback,
 * };
 * ```
 */
export interface ConflictInput {
  /** The mapped record both sides agreed on at the last sync; `null` on the first sync of a pre-existing pair. */
  base: Record<string, unknown> | null;
  local: Record<string, unknown>;
  remote: Record<string, unknown>;
  localUpdatedAt?: Date | null;
  remoteUpdatedAt?: Date | null;
  /** `merge` is accepted as the seed schema's spelling of `merge_fields`. */
  strategy: ConflictStrategy;
  /** The winning side for `source_priority`; for `last_write_wins` (and as a fallback), the tie-break. */
  priority?: PrioritySource | null;
  /** For `merge_fields`: how a field changed on both sides differently is settled. Default `last_write_wins`. */
  fallback?: ConflictStrategy | null;
}

/**
 * The decision. `resolved`: write `record` to the host when `applyToLocal`, push it to the
 * provider when `applyToRemote` (each is true exactly when `record` differs canonically from that
 * side). `manual_review`: hold the link, keep the three versions for a person to decide.
 * `conflictingFields` are dotted leaf paths changed on both sides to different values (or, with
 * no base, every differing path), sorted; `threeWay` says whether a base was used.
 *
 * ```ts
 * const res = resolveConflict(input);
 * if (res.outcome === 'manual_review') await holdForReview(res);
 * else {
 *   if (res.applyToLocal) await store.upsert([res.record]);
 *   if (res.applyToRemote) await push(mapping.outbound(res.record));
 * }
 * ```
 */
export type ConflictResolution =
  | {
      outcome: 'resolved';
      record: Record<string, unknown>;
      applyToLocal: boolean;
      applyToRemote: boolean;
      winner: 'local' | 'remote' | 'merged';
      conflictingFields: string[];
      threeWay: boolean;
      reason: string;
    }
  | {
      outcome: 'manual_review';
      base: Record<string, unknown> | null;
      local: Record<string, unknown>;
      remote: Record<string, unknown>;
      conflictingFields: string[];
      threeWay: boolean;
      reason: string;
    };

/**
 * The conflict settings of a sync config, as `resolveConflict` reads them.
 *
 * ```ts
 * const policy: ConflictPolicy = { strategy: 'merge_fields', fallback: 'last_write_wins', priority: 'remote' };
 * ```
 */
export interface ConflictPolicy {
  strategy: ConflictStrategy;
  priority?: PrioritySource | null;
  fallback?: ConflictStrategy | null;
}

const STRATEGIES: readonly ConflictStrategy[] = [
  'last_write_wins',
  'source_priority',
  'manual_review',
  'merge_fields',
  'merge',
];

/**
 * Checks a conflict policy once, at configuration time, and throws one `ConfigError` listing
 * every problem: an unknown strategy, `source_priority` (as strategy or fallback) without a
 * `priority`, or a `merge_fields` fallback (a fallback settles one field; it cannot merge).
 *
 * ```ts
 * checkConflictPolicy({ strategy: 'merge_fields', fallback: 'source_priority', priority: 'remote' }); // ok
 * checkConflictPolicy({ strategy: 'source_priority' }); // throws ConfigError
 * ```
 */
export function checkConflictPolicy(policy: ConflictPolicy): void {
  const problems: string[] = [];
  const { strategy, priority, fallback } = policy;
  if (!STRATEGIES.includes(strategy))
    problems.push(`strategy: must be one of ${STRATEGIES.join(', ')} (got ${JSON.stringify(strategy)})`);
  if (fallback !== undefined && fallback !== null) {
    if (!STRATEGIES.includes(fallback))
      problems.push(
        `fallback: must be one of last_write_wins, source_priority, manual_review (got ${JSON.stringify(fallback)})`,
      );
    else if (fallback === 'merge_fields' || fallback === 'merge')
      problems.push(
        'fallback: cannot be merge_fields; use last_write_wins, source_priority or manual_review',
      );
  }
  if (priority !== undefined && priority !== null && priority !== 'local' && priority !== 'remote')
    problems.push(`priority: must be 'local' or 'remote' (got ${JSON.stringify(priority)})`);
  const usesPriority =
    strategy === 'source_priority' ||
    ((strategy === 'merge_fields' || strategy === 'merge') && fallback === 'source_priority');
  if (usesPriority && (priority === undefined || priority === null))
    problems.push("priority: is required for source_priority; set priority: 'local' or 'remote'");
  if (problems.length)
    throw new ConfigError(`Invalid conflict policy: ${problems.join('; ')}.`, { problems });
}

/** SHA-256 of a value's canonical text (an absent value has its own text, distinct from null). */
function hashOf(value: unknown): string {
  return createHash('sha256').update(canon(value)).digest('hex');
}

function validTime(date: Date | null | undefined): number | null {
  return date instanceof Date && !Number.isNaN(date.getTime()) ? date.getTime() : null;
}

type Side = 'local' | 'remote';

/**
 * Who wins a last-write-wins decision: the later timestamp; when the timestamps are equal or
 * either is missing, the `priority` side; with no priority, the side whose value has the greater
 * SHA-256 hash of its canonical JSON (arbitrary but deterministic: every process, on every
 * retry, picks the same side, whichever side it looks from).
 */
function lastWriteWinner(
  input: ConflictInput,
  localValue: unknown,
  remoteValue: unknown,
): { side: Side; why: string } {
  const lt = validTime(input.localUpdatedAt);
  const rt = validTime(input.remoteUpdatedAt);
  if (lt !== null && rt !== null && lt !== rt)
    return lt > rt
      ? {
          side: 'local',
          why: `local was updated later (${new Date(lt).toISOString()} > ${new Date(rt).toISOString()})`,
        }
      : {
          side: 'remote',
          why: `remote was updated later (${new Date(rt).toISOString()} > ${new Date(lt).toISOString()})`,
        };
  const tie = lt === null || rt === null ? 'a timestamp is missing' : 'the timestamps are equal';
  if (input.priority === 'local' || input.priority === 'remote')
    return { side: input.priority, why: `${tie}; the priority side (${input.priority}) wins` };
  const lh = hashOf(localValue);
  const rh = hashOf(remoteValue);
  return { side: lh >= rh ? 'local' : 'remote', why: `${tie}; tie broken by the greater canonical hash` };
}

function requireRecord(value: unknown, name: string, nullable: boolean): void {
  if (nullable && value === null) return;
  if (!isPlainObject(value))
    throw new ValidationError(
      `resolveConflict: ${name} must be a plain object in the local shape${nullable ? ' or null' : ''}.`,
      { issues: [{ path: [name], message: 'not a plain object', code: 'invalid_type' }] },
    );
}

/**
 * Settles a conflict between the host's and the provider's version of one record. Pure and
 * deterministic: the same input always gives the same resolution, and resolving records that
 * already agree (`local` equals `remote`) is a no-op (`applyToLocal` and `applyToRemote` false)
 * under every strategy.
 *
 * - `last_write_wins`: the whole record of the later side (tie-break: `priority`, else the
 *   greater canonical hash).
 * - `source_priority`: the whole record of the `priority` side.
 * - `manual_review`: `outcome: 'manual_review'` with the three versions.
 * - `merge_fields` (`merge`): three-way per leaf against `base`: a field changed on one side takes
 *   that side; changed on both to the same value is no conflict; changed on both to different
 *   values is settled per field by `fallback` (default `last_write_wins`; `manual_review` sends
 *   the whole record to review). Nested objects merge per leaf; arrays are atomic (one value).
 *   Without a base, every differing field is a conflict (`threeWay: false`).
 *
 * Record-level strategies discard the losing side's changes, also to fields only it changed;
 * use `merge_fields` with a fallback to keep one-sided changes.
 *
 * ```ts
 * const res = resolveConflict({
 *   base: { name: 'Acme', email: 'a@x.test' },
 *   local: { name: 'Acme Ltd', email: 'a@x.test' },
 *   remote: { name: 'Acme', email: 'b@x.test' },
 *   strategy: 'merge_fields',
 * });
 * // { outcome: 'resolved', record: { name: 'Acme Ltd', email: 'b@x.test' }, winner: 'merged',
 * //   applyToLocal: true, applyToRemote: true, conflictingFields: [], threeWay: true, ... }
 * ```
 */
export function resolveConflict(input: ConflictInput): ConflictResolution {
  checkConflictPolicy(input);
  requireRecord(input.base, 'base', true);
  requireRecord(input.local, 'local', false);
  requireRecord(input.remote, 'remote', false);
  const strategy = input.strategy === 'merge' ? 'merge_fields' : input.strategy;
  const threeWay = input.base !== null;
  const localCanon = canon(input.local);
  const remoteCanon = canon(input.remote);

  const resolved = (record: Record<string, unknown>, conflicts: readonly FieldConflict[], reason: string) => {
    const recordCanon = canon(record);
    const applyToLocal = recordCanon !== localCanon;
    const applyToRemote = recordCanon !== remoteCanon;
    return {
      outcome: 'resolved' as const,
      record,
      applyToLocal,
      applyToRemote,
      winner: !applyToLocal ? ('local' as const) : !applyToRemote ? ('remote' as const) : ('merged' as const),
      conflictingFields: conflicts.map((c) => c.path),
      threeWay,
      reason,
    };
  };

  if (localCanon === remoteCanon)
    return resolved(copy(input.local), [], 'local and remote already agree; nothing to apply');

  if (strategy === 'merge_fields') {
    const fallback =
      input.fallback === undefined || input.fallback === null ? 'last_write_wins' : input.fallback;
    const why = new Map<string, string>();
    const merged = threeWayMerge(input.base, input.local, input.remote, (conflict) => {
      if (fallback === 'manual_review') return 'review';
      if (fallback === 'source_priority') return input.priority as Side;
      const winner = lastWriteWinner(input, conflict.local, conflict.remote);
      why.set(conflict.path, `${conflict.path}: ${winner.side} (${winner.why})`);
      return winner.side;
    });
    const fields = merged.conflicts.map((c) => c.path);
    const basis = threeWay
      ? 'three-way against the base'
      : 'two-way (no base: every differing field conflicts)';
    if (merged.needsReview)
      return {
        outcome: 'manual_review',
        base: copy(input.base),
        local: copy(input.local),
        remote: copy(input.remote),
        conflictingFields: fields,
        threeWay,
        reason: `merge_fields (${basis}): ${fields.length} field${fields.length === 1 ? '' : 's'} changed on both sides (${fields.join(', ')}); fallback manual_review`,
      };
    const settled =
      fields.length === 0
        ? 'no field changed on both sides'
        : fallback === 'source_priority'
          ? `${fields.join(', ')} changed on both sides; fallback source_priority: ${input.priority} wins`
          : `changed on both sides, settled by last_write_wins: ${fields.map((f) => why.get(f)).join('; ')}`;
    return resolved(merged.record, merged.conflicts, `merge_fields (${basis}): ${settled}`);
  }

  // Record-level strategies: report which fields truly conflict, then take a whole side.
  const analysis = threeWayMerge(input.base, input.local, input.remote, () => 'local');
  const fields = analysis.conflicts.map((c) => c.path);
  if (strategy === 'manual_review')
    return {
      outcome: 'manual_review',
      base: copy(input.base),
      local: copy(input.local),
      remote: copy(input.remote),
      conflictingFields: fields,
      threeWay,
      reason: `manual_review: local and remote differ${fields.length ? ` (conflicting: ${fields.join(', ')})` : ''}; waiting for a person`,
    };
  const winner =
    strategy === 'source_priority'
      ? { side: input.priority as Side, why: `source_priority: ${input.priority} wins` }
      : (() => {
          const w = lastWriteWinner(input, input.local, input.remote);
          return { side: w.side, why: `last_write_wins: ${w.why}` };
        })();
  return resolved(copy(winner.side === 'local' ? input.local : input.remote), analysis.conflicts, winner.why);
}
