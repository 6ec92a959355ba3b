import { ValidationError, type ValidationIssue } from '../errors/validation-error.js';
import { copyJson as copyJsonImport } from './compile-transform.js';
import type { CompiledField } from './compiled-field.js';
import { Failure as FailureImport } from './failure.js';
import { describe } from './format-date.js';
import { generateInbound, generateOutbound } from './jit.js';
import { instantiate as instantiateImport, shapeOf } from './object-shape.js';

/**
 * The outcome of mapping one record: the mapped object, or why this record could not be mapped
 * (a `ValidationError` whose `issues` name each failing local field). The run goes on.
 *
 * ```ts
 * const result = mapping.inbound(providerRecord);
 * if (!result.ok) log.warn(result.error.message); // "inbound mapping failed for 1 field: name: is required, ..."
 * else await store.upsert([result.value]);
 * ```
 */
export type MapResult = { ok: true; value: Record<string, unknown> } | { ok: false; error: ValidationError };

/**
 * A mapping compiled once and reused for every record. Every method is pure and synchronous,
 * never throws for bad data (per-record problems are `{ ok: false }` results), and never shares
 * objects between its input and its output.
 *
 * ```ts
 * const mapping = compileMappings(specs);            // once per sync config
 * for (const record of page) {
 *   const mapped = mapping.inbound(record);          // provider -> host shape
 *   const same = mapped.ok && hashRecord(mapped.value) === link.baseHash;
 * }
 * const patch = mapping.outbound(hostRecord, { fields: ['email'] }); // sparse update
 * ```
 */
export interface CompiledMappings {
  /** Dotted local paths of every active mapping, in mapping order. */
  readonly localFields: readonly string[];
  /** Local paths that `inbound()` produces (inbound and bidirectional mappings), in order. */
  readonly inboundFields: readonly string[];
  /** Local paths that `outbound()` reads (outbound and bidirectional mappings), in order. */
  readonly outboundFields: readonly string[];
  /**
   * Provider record → host-shaped object holding exactly the inbound fields. A missing or `null`
   * provider value becomes the mapping's default, else `null`.
   */
  inbound(remote: unknown): MapResult;
  /**
   * Host-shaped record → provider payload, with nested objects and arrays built from the
   * JSONPaths. `fields` restricts it to mappings whose local path equals, contains or lies
   * under one of the given dotted paths (for sparse updates of changed fields); paths that no
   * outbound mapping covers are ignored. Constants are written only when their local path is
   * selected (or without `fields`). A missing host value is written as `null`.
   */
  outbound(local: Record<string, unknown>, options?: { fields?: readonly string[] }): MapResult;
  /**
   * The projection of a host record onto the mapped local fields, in the shape `inbound()`
   * produces (missing or `null` → default, else `null`; values copied, not transformed), so
   * both sides can be hashed and compared. `direction: 'outbound'` projects onto the fields
   * `outbound()` reads instead, for detecting host changes to outbound-only fields.
   */
  pickLocal(
    local: Record<string, unknown>,
    options?: { direction?: 'inbound' | 'outbound' },
  ): Record<string, unknown>;
}

// Local bindings: the per-record loops below must not pay for live-binding lookups of imports.
const Failure = FailureImport;
const copyJson = copyJsonImport;
const instantiate = instantiateImport;

function mappingFailure(direction: string, issues: ValidationIssue[], cause: unknown): ValidationError {
  const text = issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  return new ValidationError(
    `${direction} mapping failed for ${issues.length} field${issues.length === 1 ? '' : 's'}: ${text}`,
    cause === undefined ? { issues } : { issues, cause },
  );
}

function isSelected(local: string, fields: readonly string[]): boolean {
  for (const f of fields)
    if (f === local || local.startsWith(`${f}.`) || f.startsWith(`${local}.`)) return true;
  return false;
}

/** Builds the per-record functions of a compiled mapping (generated, or interpreted). */
export function createCompiled(
  all: readonly CompiledField[],
  inboundList: readonly CompiledField[],
  outboundList: readonly CompiledField[],
  jit: boolean,
): CompiledMappings {
  const inboundCount = inboundList.length;
  const outboundCount = outboundList.length;
  const inboundShape = shapeOf(inboundList.map((f) => f.localSteps));
  const outboundShape = shapeOf(outboundList.map((f) => f.remoteKeys).filter((keys) => keys.length > 0));
  const inboundJit = jit ? generateInbound(inboundList) : null;
  const outboundJit = jit ? generateOutbound(outboundList) : null;
  const project = (
    local: Record<string, unknown>,
    list: readonly CompiledField[],
  ): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < list.length; i++) {
      const field = list[i]!;
      let value = field.getLocal(local);
      if (value === undefined || value === null) value = field.hasDefault ? field.defaultValue : null;
      field.setLocal(out, typeof value === 'object' && value !== null ? copyJson(value) : value);
    }
    return out;
  };
  return Object.freeze({
    localFields: Object.freeze(all.map((f) => f.local)),
    inboundFields: Object.freeze(inboundList.map((f) => f.local)),
    outboundFields: Object.freeze(outboundList.map((f) => f.local)),

    inbound(remote: unknown): MapResult {
      if (typeof remote !== 'object' || remote === null || Array.isArray(remote)) {
        const error = new ValidationError(
          `inbound mapping failed: the provider record is ${describe(Array.isArray(remote) ? 'an array' : remote)}, not an object`,
          { issues: [{ path: [], message: 'not an object', code: 'invalid_type' }] },
        );
        return { ok: false, error };
      }
      if (inboundJit !== null) {
        const result = inboundJit(remote as Record<string, unknown>);
        return result.ok
          ? result
          : { ok: false, error: mappingFailure('inbound', result.issues, result.cause) };
      }
      let issues: ValidationIssue[] | null = null;
      let cause: unknown;
      const out: Record<string, unknown> = instantiate(inboundShape);
      for (let i = 0; i < inboundCount; i++) {
        const field = inboundList[i]!;
        let value = field.getRemote(remote);
        if (value === undefined || value === null) {
          value = field.runsOnMissing ? field.toLocal!(null, remote) : null;
        } else if (typeof value === 'object' && value instanceof Failure) {
          // A keyed path that matched several elements: reported below, never converted.
        } else if (field.toLocal !== null) {
          value = field.toLocal(value, remote);
        } else if (typeof value === 'object') {
          value = copyJson(value);
        }
        if (value === undefined || value === null) {
          if (field.hasDefault) value = copyJson(field.defaultValue);
          else {
            value = null;
            if (field.required) {
              if (issues === null) issues = [];
              issues.push({
                path: field.localSteps,
                message: `is required, but ${field.remote} is missing and there is no default`,
                code: 'required',
              });
            }
          }
        } else if (value instanceof Failure) {
          if (issues === null) issues = [];
          issues.push({
            path: field.localSteps,
            message: `${field.remote}: ${value.message}`,
            code: value.code,
          });
          cause ??= value.cause;
          continue;
        }
        field.setLocal(out, value);
      }
      return issues === null
        ? { ok: true, value: out }
        : { ok: false, error: mappingFailure('inbound', issues, cause) };
    },

    outbound(local: Record<string, unknown>, options?: { fields?: readonly string[] }): MapResult {
      if (typeof local !== 'object' || local === null || Array.isArray(local)) {
        const error = new ValidationError(
          `outbound mapping failed: the host record is ${describe(local)}, not an object`,
          {
            issues: [{ path: [], message: 'not an object', code: 'invalid_type' }],
          },
        );
        return { ok: false, error };
      }
      const fields = options?.fields;
      if (fields === undefined && outboundJit !== null) {
        const result = outboundJit(local);
        return result.ok
          ? result
          : { ok: false, error: mappingFailure('outbound', result.issues, result.cause) };
      }
      let issues: ValidationIssue[] | null = null;
      let cause: unknown;
      const out: Record<string, unknown> = fields === undefined ? instantiate(outboundShape) : {};
      for (let i = 0; i < outboundCount; i++) {
        const field = outboundList[i]!;
        if (fields !== undefined && !isSelected(field.local, fields)) continue;
        let value = field.getLocal(local);
        if ((value === undefined || value === null) && field.hasDefault) value = field.defaultValue;
        if (value === undefined || value === null) {
          value = field.runsOnMissing ? field.toRemote!(null, local) : null;
        } else if (field.toRemote !== null) {
          value = field.toRemote(value, local);
        } else if (typeof value === 'object') {
          value = copyJson(value);
        }
        if (value === undefined) value = null;
        if (value === null) {
          if (field.required) {
            if (issues === null) issues = [];
            issues.push({
              path: field.localSteps,
              message: `is required for ${field.remote}, but the host record has no value and there is no default`,
              code: 'required',
            });
            continue;
          }
        } else if (value instanceof Failure) {
          if (issues === null) issues = [];
          issues.push({
            path: field.localSteps,
            message: `${field.remote}: ${value.message}`,
            code: value.code,
          });
          cause ??= value.cause;
          continue;
        }
        field.setRemote!(out, value);
      }
      return issues === null
        ? { ok: true, value: out }
        : { ok: false, error: mappingFailure('outbound', issues, cause) };
    },

    pickLocal(local: Record<string, unknown>, options?: { direction?: 'inbound' | 'outbound' }) {
      return project(local, options?.direction === 'outbound' ? outboundList : inboundList);
    },
  } satisfies CompiledMappings);
}
