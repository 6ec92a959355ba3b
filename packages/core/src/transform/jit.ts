import type { ValidationIssue } from '../errors/validation-error.js';
import { copyJson } from './compile-transform.js';
import type { CompiledField } from './compiled-field.js';
import { Failure } from './failure.js';
import { index, key, literalCode, propertyName, variable } from './jit-code.js';
import { type RemoteNode, remoteLiteral, remoteSkeleton, Unsupported } from './jit-payload.js';
import type { PathStep, RemotePath } from './json-path.js';

/**
 * Specialised per-mapping functions, generated once at compile time, so that mapping a record
 * costs about what a hand-written accessor costs (each property access gets its own inline
 * cache instead of one shared, megamorphic one).
 *
 * What is and is not evaluated: the generated source contains only property names and the
 * literals of key filters (`[?(@.Name=='Region')]`), written with `JSON.stringify` (always a
 * valid string literal) or as finite numbers, booleans and null, and integer array indexes, all
 * from paths the parser already validated. Every other configuration value (defaults, lookup
 * tables, transforms) stays data, reached through the array handed to the generated factory;
 * compute names are never turned into code. Where code generation is unavailable
 * (`--disallow-code-generation-from-strings`, a CSP) or turned off with `jit: false`, the
 * closure-based interpreter produces the same results.
 */
export type RecordMapper = (record: Record<string, unknown>) => JitResult;
export type JitResult =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; issues: ValidationIssue[]; cause: unknown };

let available: boolean | undefined;
/** Whether this process allows `new Function` (probed once). */
export function jitAvailable(): boolean {
  if (available === undefined) {
    try {
      available = new Function('return 1')() === 1;
    } catch {
      available = false;
    }
  }
  return available;
}

/**
 * First keys that two or more multi-step paths start with, read once per record into `p0`,
 * `p1`, ... (`$.CustomerRef.value` and `$.CustomerRef.name` share one read of `CustomerRef`).
 */
function sharedPrefixes(
  paths: ReadonlyArray<readonly PathStep[]>,
  root: string,
): { code: string; map: Map<string, string> } {
  const counts = new Map<string, number>();
  for (const steps of paths)
    if (steps.length > 1 && typeof steps[0] === 'string')
      counts.set(steps[0], (counts.get(steps[0]) ?? 0) + 1);
  const map = new Map<string, string>();
  const lines: string[] = [];
  for (const [first, count] of counts)
    if (count > 1) {
      const name = `p${map.size}`;
      map.set(first, `v = ${name};`);
      lines.push(`const ${name} = ${root}${key(first)};`);
    }
  return { code: lines.join('\n'), map };
}

/** Statements that read `steps` from the object `root` into `v` (using a shared first read if any). */
function readCode(steps: readonly PathStep[], root: string, prefixes?: Map<string, string>): string {
  if (steps.length === 0) return `v = ${root};`;
  const lines: string[] = [];
  const shared = typeof steps[0] === 'string' ? prefixes?.get(steps[0]) : undefined;
  steps.forEach((step, i) => {
    if (i === 0)
      lines.push(shared ?? (typeof step === 'number' ? 'v = undefined;' : `v = ${root}${key(step)};`));
    else if (typeof step === 'number') lines.push(`v = Array.isArray(v) ? v${index(step)} : undefined;`);
    else lines.push(`v = typeof v === "object" && v !== null ? v${key(step)} : undefined;`);
  });
  lines.push('if (typeof v === "function") v = undefined;');
  return lines.join('\n');
}

/**
 * Reads `$.Array[?(@.K=='v')].Rest` inline: scans the array comparing keys with the filter's
 * literals; several matches defer to the field's getter, which returns the
 * `Failure` naming them.
 */
function keyedReadCode(
  path: Extract<RemotePath, { kind: 'keyed' }>,
  i: number,
  prefixes: Map<string, string>,
): string {
  const tests = path.match.map(([k, value]) => `e${key(k)} === ${literalCode(value)}`);
  return [
    readCode(path.array, 'r', prefixes),
    'found = undefined; count = 0;',
    'if (Array.isArray(v)) for (let j = 0; j < v.length; j++) {',
    '  e = v[j];',
    `  if (typeof e === "object" && e !== null && ${tests.join(' && ')}) { found = e; count++; }`,
    '}',
    `if (count > 1) v = F[${i}].getRemote(r);`,
    'else if (count === 0) v = undefined;',
    'else {',
    path.rest.length === 0 ? 'v = found;' : readCode(path.rest, 'found'),
    '}',
  ].join('\n');
}

type Tree = Map<string, Tree | number>;

/** An object literal of the local paths with each leaf holding its field's variable (`v3`). */
function localLiteral(fields: readonly CompiledField[]): string {
  const root: Tree = new Map();
  fields.forEach((field, i) => {
    let node = root;
    field.localSteps.forEach((step, s) => {
      if (s === field.localSteps.length - 1) node.set(step, i);
      else {
        let next = node.get(step);
        if (!(next instanceof Map)) {
          next = new Map();
          node.set(step, next);
        }
        node = next;
      }
    });
  });
  const render = (tree: Tree): string =>
    `{${[...tree].map(([k, child]) => `${propertyName(k)}: ${typeof child === 'number' ? variable(child) : render(child)}`).join(', ')}}`;
  return render(root);
}

/** `let v0 = null, v1 = null, ...;`: each field's value, assembled into one literal at the end. */
function declareFields(count: number): string {
  return count === 0
    ? ''
    : `let ${Array.from({ length: count }, (_, i) => `${variable(i)} = null`).join(', ')};`;
}

const CONVERT_IN = (i: number, hasConverter: boolean) =>
  hasConverter ? `v = F[${i}].toLocal(v, r);` : 'if (typeof v === "object") v = copy(v);';

/** Generates the inbound mapper, or `null` when code generation is unavailable. */
export function generateInbound(fields: readonly CompiledField[]): RecordMapper | null {
  if (!jitAvailable()) return null;
  const prefixes = sharedPrefixes(
    fields.map((f) =>
      f.remotePath.kind === 'definite'
        ? f.remotePath.steps
        : f.remotePath.kind === 'keyed'
          ? [...f.remotePath.array, 0]
          : [],
    ),
    'r',
  );
  const body: string[] = [
    'let v; let e; let found; let count; let issues = null; let cause;',
    declareFields(fields.length),
    prefixes.code,
  ];
  fields.forEach((field, i) => {
    const path = field.remotePath;
    const target = variable(i);
    body.push(
      path.kind === 'definite'
        ? readCode(path.steps, 'r', prefixes.map)
        : path.kind === 'keyed'
          ? keyedReadCode(path, i, prefixes.map)
          : `v = F[${i}].getRemote(r);`,
    );
    const onMissing = field.hasDefault
      ? `  ${target} = copy(F[${i}].defaultValue);`
      : field.required
        ? `  issues = H.requiredIn(issues, F[${i}]);`
        : '';
    if (field.toLocal === null && !field.runsOnMissing && path.kind !== 'keyed') {
      // The common case, a direct value: use it (objects copied) or fall back to the default.
      body.push(
        `if (v !== undefined && v !== null) ${target} = typeof v === "object" ? copy(v) : v;`,
        onMissing ? `else {\n${onMissing}\n}` : '',
      );
      return;
    }
    const mayFail = field.toLocal !== null || path.kind === 'keyed';
    body.push(
      'if (v === undefined || v === null) {',
      field.runsOnMissing ? `  v = F[${i}].toLocal(null, r);` : '  v = null;',
      path.kind === 'keyed' ? '} else if (v instanceof Failure) {' : '',
      '} else {',
      CONVERT_IN(i, field.toLocal !== null),
      '}',
      'if (v === undefined || v === null) {',
      onMissing,
      mayFail ? '} else if (v instanceof Failure) {' : '',
      mayFail ? `  issues = H.failed(issues, F[${i}], v); if (cause === undefined) cause = v.cause;` : '',
      '} else {',
      `  ${target} = v;`,
      '}',
    );
  });
  body.push(
    `return issues === null ? { ok: true, value: ${localLiteral(fields)} } : { ok: false, issues, cause };`,
  );
  return build(body, fields);
}

/** Generates the full (not sparse) outbound mapper, or `null` when it cannot or may not. */
export function generateOutbound(fields: readonly CompiledField[]): RecordMapper | null {
  if (!jitAvailable()) return null;
  let skeleton: RemoteNode;
  try {
    skeleton = remoteSkeleton(fields);
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
  const prefixes = sharedPrefixes(
    fields.map((f) => f.localSteps),
    'r',
  );
  const body: string[] = [
    'let v; let issues = null; let cause;',
    declareFields(fields.length),
    prefixes.code,
  ];
  fields.forEach((field, i) => {
    const target = variable(i);
    body.push(readCode(field.localSteps, 'r', prefixes.map));
    if (field.hasDefault) body.push(`if (v === undefined || v === null) v = F[${i}].defaultValue;`);
    const onMissing = field.required ? `  issues = H.requiredOut(issues, F[${i}]);` : '';
    if (field.toRemote === null && !field.runsOnMissing) {
      body.push(
        `if (v !== undefined && v !== null) ${target} = typeof v === "object" ? copy(v) : v;`,
        onMissing ? `else {\n${onMissing}\n}` : '',
      );
      return;
    }
    body.push(
      'if (v === undefined || v === null) {',
      field.runsOnMissing ? `  v = F[${i}].toRemote(null, r);` : '  v = null;',
      '} else {',
      field.toRemote !== null ? `v = F[${i}].toRemote(v, r);` : 'if (typeof v === "object") v = copy(v);',
      '}',
      'if (v === undefined || v === null) {',
      onMissing,
      field.toRemote !== null ? '} else if (v instanceof Failure) {' : '',
      field.toRemote !== null
        ? `  issues = H.failed(issues, F[${i}], v); if (cause === undefined) cause = v.cause;`
        : '',
      '} else {',
      `  ${target} = v;`,
      '}',
    );
  });
  body.push(
    `return issues === null ? { ok: true, value: ${remoteLiteral(skeleton)} } : { ok: false, issues, cause };`,
  );
  return build(body, fields);
}

const helpers = {
  requiredIn(issues: ValidationIssue[] | null, field: CompiledField): ValidationIssue[] {
    const list = issues ?? [];
    list.push({
      path: field.localSteps,
      message: `is required, but ${field.remote} is missing and there is no default`,
      code: 'required',
    });
    return list;
  },
  requiredOut(issues: ValidationIssue[] | null, field: CompiledField): ValidationIssue[] {
    const list = issues ?? [];
    list.push({
      path: field.localSteps,
      message: `is required for ${field.remote}, but the host record has no value and there is no default`,
      code: 'required',
    });
    return list;
  },
  failed(issues: ValidationIssue[] | null, field: CompiledField, failure: Failure): ValidationIssue[] {
    const list = issues ?? [];
    list.push({ path: field.localSteps, message: `${field.remote}: ${failure.message}`, code: failure.code });
    return list;
  },
};

function build(body: string[], fields: readonly CompiledField[]): RecordMapper {
  const source = `"use strict";\nreturn function mapRecord(r) {\n${body.filter(Boolean).join('\n')}\n};`;
  const factory = new Function('F', 'H', 'Failure', 'copy', source) as (...args: unknown[]) => RecordMapper;
  return factory(fields, helpers, Failure, copyJson);
}
