import type { CompiledField } from './compiled-field.js';
import { literalCode, propertyName, variable } from './jit-code.js';
import type { PathStep } from './json-path.js';

export type RemoteNode =
  | { kind: 'object'; keys: Map<string, RemoteNode | number> }
  | { kind: 'array'; items: Array<RemoteNode | number | null> }
  | {
      kind: 'keyed';
      elements: Array<{ id: string; match: ReadonlyArray<readonly [string, unknown]>; node: RemoteNode }>;
    };

/** The payload shape is one the generated code does not build; the interpreter does. */
export class Unsupported extends Error {}

/**
 * The whole outbound payload's shape, with arrays and keyed elements in place and each leaf
 * naming the field that fills it. Throws `Unsupported` for shapes the interpreter handles
 * (an array written both by index and by key, a value where another mapping needs a container).
 */
export function remoteSkeleton(fields: readonly CompiledField[]): RemoteNode {
  const root: RemoteNode = { kind: 'object', keys: new Map() };
  const container = (parent: RemoteNode, step: PathStep, next: 'object' | 'array' | 'keyed'): RemoteNode => {
    const make = (): RemoteNode =>
      next === 'object'
        ? { kind: 'object', keys: new Map() }
        : next === 'array'
          ? { kind: 'array', items: [] }
          : { kind: 'keyed', elements: [] };
    if (parent.kind === 'object' && typeof step === 'string') {
      let child = parent.keys.get(step);
      if (child === undefined) {
        child = make();
        parent.keys.set(step, child);
      }
      if (typeof child === 'number' || child.kind !== next) throw new Unsupported();
      return child;
    }
    if (parent.kind === 'array' && typeof step === 'number') {
      for (let i = parent.items.length; i <= step; i++) parent.items.push(null);
      let child = parent.items[step];
      if (child === null || child === undefined) {
        child = make();
        parent.items[step] = child;
      }
      if (typeof child === 'number' || child.kind !== next) throw new Unsupported();
      return child;
    }
    throw new Unsupported();
  };
  const leaf = (parent: RemoteNode, step: PathStep, field: number): void => {
    if (parent.kind === 'object' && typeof step === 'string') {
      if (parent.keys.has(step)) throw new Unsupported();
      parent.keys.set(step, field);
      return;
    }
    if (parent.kind === 'array' && typeof step === 'number') {
      for (let i = parent.items.length; i <= step; i++) parent.items.push(null);
      if (parent.items[step] !== null) throw new Unsupported();
      parent.items[step] = field;
      return;
    }
    throw new Unsupported();
  };
  const kindOf = (step: PathStep | undefined): 'object' | 'array' =>
    typeof step === 'number' ? 'array' : 'object';
  const walk = (start: RemoteNode, steps: readonly PathStep[], last: 'leaf' | 'keyed'): RemoteNode => {
    let node = start;
    const n = last === 'leaf' ? steps.length - 1 : steps.length;
    for (let s = 0; s < n; s++) {
      const next = s + 1 < n ? kindOf(steps[s + 1]) : last === 'keyed' ? 'keyed' : kindOf(steps[s + 1]);
      node = container(node, steps[s]!, next);
    }
    return node;
  };
  fields.forEach((field, i) => {
    const path = field.remotePath;
    if (path.kind === 'definite') {
      const parent = walk(root, path.steps, 'leaf');
      leaf(parent, path.steps[path.steps.length - 1]!, i);
    } else if (path.kind === 'keyed') {
      const array = walk(root, path.array, 'keyed');
      if (array.kind !== 'keyed') throw new Unsupported();
      const id = JSON.stringify(path.match);
      let position = array.elements.findIndex((e) => e.id === id);
      if (position < 0) {
        position = array.elements.length;
        array.elements.push({ id, match: path.match, node: { kind: 'object', keys: new Map() } });
      }
      const element = array.elements[position]!.node;
      const parent = walk(element, path.rest, 'leaf');
      leaf(parent, path.rest[path.rest.length - 1]!, i);
    } else throw new Unsupported();
  });
  return root;
}

/** The payload as an object literal whose leaves are the fields' variables. */
export function remoteLiteral(node: RemoteNode | number | null): string {
  if (node === null) return 'null';
  if (typeof node === 'number') return variable(node);
  if (node.kind === 'object')
    return `{${[...node.keys].map(([k, child]) => `${propertyName(k)}: ${remoteLiteral(child)}`).join(', ')}}`;
  if (node.kind === 'array') return `[${node.items.map((item) => remoteLiteral(item)).join(', ')}]`;
  return `[${node.elements
    .map(({ match, node: element }) => {
      const keys = match.map(([k, value]) => `${propertyName(k)}: ${literalCode(value)}`);
      const rest = remoteLiteral(element).slice(1, -1);
      return `{${[...keys, ...(rest ? [rest] : [])].join(', ')}}`;
    })
    .join(', ')}]`;
}
