import { JSONPath } from 'jsonpath-plus';
import { Failure } from './failure.js';
import type { FilterLiteral, PathStep, RemotePath } from './json-path.js';

/** Reads one value; `undefined` means missing. */
export type Getter = (root: unknown) => unknown;
/** Writes one value into `root`, creating the objects and arrays on the way. */
export type Setter = (root: Record<string, unknown>, value: unknown) => void;

function step(current: unknown, key: PathStep): unknown {
  if (typeof current !== 'object' || current === null) return undefined;
  if (typeof key === 'number') return Array.isArray(current) ? current[key] : undefined;
  return (current as Record<string, unknown>)[key];
}

/** Inherited functions (`toString`) are not data. */
function data(value: unknown): unknown {
  return typeof value === 'function' ? undefined : value;
}

/**
 * A getter for definite steps. Short paths get unrolled closures: this is the fast path that
 * keeps the common `$.A.B` mapping close to a hand-written accessor.
 */
export function definiteGetter(steps: readonly PathStep[]): Getter {
  const [a, b, c] = steps;
  switch (steps.length) {
    case 0:
      return (root) => root;
    case 1:
      return typeof a === 'string'
        ? (root) =>
            typeof root === 'object' && root !== null ? data((root as Record<string, unknown>)[a]) : undefined
        : (root) => step(root, a!);
    case 2:
      return (root) => data(step(step(root, a!), b!));
    case 3:
      return (root) => data(step(step(step(root, a!), b!), c!));
    default:
      return (root) => {
        let current = root;
        for (let i = 0; i < steps.length; i++) {
          current = step(current, steps[i]!);
          if (current === undefined) return undefined;
        }
        return data(current);
      };
  }
}

function matches(element: unknown, match: ReadonlyArray<readonly [string, FilterLiteral]>): boolean {
  if (typeof element !== 'object' || element === null) return false;
  for (let i = 0; i < match.length; i++) {
    const [key, value] = match[i]!;
    if ((element as Record<string, unknown>)[key] !== value) return false;
  }
  return true;
}

function describeMatch(match: ReadonlyArray<readonly [string, FilterLiteral]>): string {
  return match.map(([k, v]) => `${k} == ${JSON.stringify(v)}`).join(' and ');
}

/**
 * A getter for `$.Array[?(@.K=='v')].Rest`: the one element whose keys match, then the rest.
 * Several matching elements give a `Failure` (the record fails; no element is picked silently).
 */
export function keyedGetter(path: Extract<RemotePath, { kind: 'keyed' }>): Getter {
  const getArray = definiteGetter(path.array);
  const getRest = definiteGetter(path.rest);
  const { match } = path;
  return (root) => {
    const array = getArray(root);
    if (!Array.isArray(array)) return undefined;
    let found: unknown;
    let count = 0;
    for (let i = 0; i < array.length; i++)
      if (matches(array[i], match)) {
        found = array[i];
        count++;
      }
    if (count > 1)
      return new Failure(
        `${count} array elements match ${describeMatch(match)}; expected one`,
        undefined,
        'ambiguous',
      );
    return count === 0 ? undefined : getRest(found);
  };
}

/** A getter for a general JSONPath: every match, through jsonpath-plus with its safe evaluator. */
export function queryGetter(path: string): Getter {
  return (root) => {
    if (typeof root !== 'object' || root === null) return [];
    return JSONPath({ path, json: root, wrap: true, eval: 'safe' }) as unknown[];
  };
}

function isContainer(value: unknown): value is Record<PathStep, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Returns the child container at `key`, creating an object or array (by the next step's kind). */
function child(parent: Record<PathStep, unknown>, key: PathStep, next: PathStep): Record<PathStep, unknown> {
  const existing = parent[key];
  if (isContainer(existing) && Array.isArray(existing) === (typeof next === 'number')) return existing;
  const created = (typeof next === 'number' ? [] : {}) as Record<PathStep, unknown>;
  put(parent, key, created);
  return created;
}

function put(container: Record<PathStep, unknown>, key: PathStep, value: unknown): void {
  if (Array.isArray(container) && typeof key === 'number') {
    // Fill holes with null so the payload has no sparse arrays (JSON would print null anyway).
    for (let i = container.length; i < key; i++) container[i] = null;
  }
  container[key] = value;
}

/**
 * A setter for object keys only (all local paths, most provider paths): creates the plain
 * objects on the way, replacing anything that is not an object.
 */
function keysSetter(keys: readonly string[]): Setter {
  const [a, b] = keys as [string, string];
  const last = keys[keys.length - 1]!;
  if (keys.length === 1)
    return (root, value) => {
      root[a] = value;
    };
  if (keys.length === 2)
    return (root, value) => {
      let c = root[a] as Record<string, unknown> | undefined;
      if (typeof c !== 'object' || c === null) {
        c = {};
        root[a] = c;
      }
      c[b] = value;
    };
  return (root, value) => {
    let current = root;
    for (let i = 0; i < keys.length - 1; i++) {
      let next = current[keys[i]!] as Record<string, unknown> | undefined;
      if (typeof next !== 'object' || next === null) {
        next = {};
        current[keys[i]!] = next;
      }
      current = next;
    }
    current[last] = value;
  };
}

/** A setter for definite steps; with no steps it cannot write (the root is the payload). */
export function definiteSetter(steps: readonly PathStep[]): Setter {
  if (steps.every((s) => typeof s === 'string')) return keysSetter(steps as string[]);
  const last = steps[steps.length - 1]!;
  return (root, value) => {
    let current = root as Record<PathStep, unknown>;
    for (let i = 0; i < steps.length - 1; i++) current = child(current, steps[i]!, steps[i + 1]!);
    put(current, last, value);
  };
}

/**
 * A setter for `$.Array[?(@.K=='v')].Rest`: finds the element whose keys match (or appends one
 * holding those keys) and writes the rest inside it. For QuickBooks custom fields,
 * `$.CustomField[?(@.DefinitionId=='1' && @.Name=='Region' && @.Type=='StringType')].StringValue`
 * writes `{ DefinitionId: '1', Name: 'Region', Type: 'StringType', StringValue: value }`.
 */
export function keyedSetter(path: Extract<RemotePath, { kind: 'keyed' }>): Setter {
  const setRest = definiteSetter(path.rest);
  const { match } = path;
  return (root, value) => {
    let array: unknown = root;
    for (let i = 0; i < path.array.length; i++)
      array = child(array as Record<PathStep, unknown>, path.array[i]!, path.array[i + 1] ?? 0);
    const elements = array as unknown[];
    let element: Record<string, unknown> | undefined;
    for (let i = 0; i < elements.length; i++)
      if (matches(elements[i], match)) {
        element = elements[i] as Record<string, unknown>;
        break;
      }
    if (element === undefined) {
      element = {};
      for (let i = 0; i < match.length; i++) element[match[i]![0]] = match[i]![1];
      elements.push(element);
    }
    setRest(element, value);
  };
}

/** Splits a dotted local path (`address.line1`) into keys. */
export function splitLocal(path: string): string[] {
  return path.split('.');
}
