import type { CompiledTransform, Converter, TransformUse } from './compile-transform.js';
import { copyJson } from './copy-json.js';
import { Failure } from './failure.js';
import { describe } from './format-date.js';
import type { TransformSpec } from './mapping-spec.js';

const identity: Converter = (value) => copyJson(value);

/**
 * What a compute function is told besides the value.
 *
 * ```ts
 * const tax: ComputeFunction = { inbound: (v, ctx) => Number(v) * (ctx.options as { rate: number }).rate };
 * ```
 */
export interface ComputeContext {
  /** The whole source record: the provider record inbound, the host record outbound. */
  readonly record: unknown;
  readonly direction: 'inbound' | 'outbound';
  /** The mapping's `local` and `remote` paths. */
  readonly local: string;
  readonly remote: string;
  /** The mapping's `transform.options`, as configured. */
  readonly options: unknown;
}

/**
 * A named conversion registered in code. `inbound` turns the provider value into the host value,
 * `outbound` the reverse; a mapping used in a direction whose function is missing is a
 * `ConfigError` at compile time. The function receives the source value (`null` when missing)
 * and the whole source record, so it can combine fields. Returning `undefined` or `null` means
 * missing (the default applies); throwing fails that record only, with the error as `cause`.
 *
 * ```ts
 * const computes: Record<string, ComputeFunction> = {
 *   cents: { inbound: (v) => Number(v) / 100, outbound: (v) => Math.round(Number(v) * 100) },
 *   fullName: { inbound: (_v, ctx) => `${(ctx.record as any).GivenName} ${(ctx.record as any).FamilyName}` },
 * };
 * compileMappings(specs, { computes });
 * ```
 */
export interface ComputeFunction {
  inbound?: (value: unknown, ctx: ComputeContext) => unknown;
  outbound?: (value: unknown, ctx: ComputeContext) => unknown;
  /** Checks `transform.options` at compile time; return problems (empty when fine). */
  checkOptions?: (options: unknown) => readonly string[];
}

/** Resolves a compute transform by name from the registry (never evaluating the name). */
export function compileCompute(
  spec: Extract<TransformSpec, { type: 'compute' }>,
  use: TransformUse,
  problems: string[],
): CompiledTransform {
  const none: CompiledTransform = { runsOnMissing: false, inbound: identity, outbound: identity };
  const name = spec.name;
  const registered = Object.keys(use.computes);
  if (typeof name !== 'string' || !Object.hasOwn(use.computes, name)) {
    problems.push(
      `transform.name: compute ${describe(name)} is not registered (registered: ${registered.length ? registered.join(', ') : 'none'}); pass it in compileMappings(specs, { computes })`,
    );
    return none;
  }
  const fn = use.computes[name]!;
  for (const side of ['inbound', 'outbound'] as const)
    if (use[side] && typeof fn[side] !== 'function')
      problems.push(
        `transform.name: compute "${name}" has no ${side} function but the mapping is used ${side}; add one or set direction: '${side === 'inbound' ? 'outbound' : 'inbound'}'`,
      );
  if (fn.checkOptions) {
    try {
      for (const p of fn.checkOptions(spec.options)) problems.push(`transform.options: ${p}`);
    } catch (error) {
      problems.push(
        `transform.options: compute "${name}" rejected its options: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  const make = (direction: 'inbound' | 'outbound'): Converter => {
    const f = fn[direction];
    if (!f) return identity;
    return (value, record) => {
      try {
        return f(value ?? null, {
          record,
          direction,
          local: use.local,
          remote: use.remote,
          options: spec.options,
        });
      } catch (error) {
        return new Failure(
          `compute "${name}" threw: ${error instanceof Error ? error.message : String(error)}`,
          error,
        );
      }
    };
  };
  return { runsOnMissing: true, inbound: make('inbound'), outbound: make('outbound') };
}
