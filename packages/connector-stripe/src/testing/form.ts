/** A decoded Stripe parameter tree: strings at the leaves, nested objects and arrays above them. */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormParams = { [key: string]: FormValue };

/** Splits `items[0][price]` into `['items', '0', 'price']`, `expand[]` into `['expand', '']`. */
function splitKey(key: string): string[] {
  const open = key.indexOf('[');
  if (open < 0) return [key];
  const parts = [key.slice(0, open)];
  const re = /\[([^\]]*)\]/g;
  for (let m = re.exec(key.slice(open)); m !== null; m = re.exec(key.slice(open))) parts.push(m[1] ?? '');
  return parts;
}

type Tree = { [key: string]: Tree | string } | string;

/** Turns objects whose keys are all array slots (`0`, `1`, … or pushes) into arrays, keeping metadata as maps. */
function finish(node: Tree, parentKey: string): FormValue {
  if (typeof node === 'string') return node;
  const keys = Object.keys(node);
  const isArray =
    parentKey !== 'metadata' && keys.length > 0 && keys.every((k) => /^\d+$/.test(k) || k.startsWith('\0'));
  if (isArray) {
    return keys
      .sort((a, b) => slot(a) - slot(b))
      .map((k) => finish((node as Record<string, Tree>)[k] as Tree, k));
  }
  const out: Record<string, FormValue> = {};
  for (const k of keys) out[k] = finish((node as Record<string, Tree>)[k] as Tree, k);
  return out;
}

function slot(key: string): number {
  return key.startsWith('\0') ? Number(key.slice(1)) : Number(key);
}

/**
 * Decodes Stripe's form encoding (`application/x-www-form-urlencoded` bodies and query strings)
 * into a tree: `metadata[k]=v`, `address[line1]=…`, `expand[]=a` and `expand[0]=a`,
 * `items[0][price]=…`. Throws on a key used both as a value and as an object.
 */
export function parseStripeForm(encoded: string): FormParams {
  const root: Record<string, Tree> = {};
  let pushes = 0;
  for (const [key, value] of new URLSearchParams(encoded)) {
    const parts = splitKey(key);
    let node: Record<string, Tree> = root;
    for (let i = 0; i < parts.length; i++) {
      let part = parts[i] as string;
      if (part === '') part = `\0${pushes++}`;
      const last = i === parts.length - 1;
      if (last) {
        node[part] = value;
      } else {
        const next = node[part];
        if (typeof next === 'string') throw new FormConflictError(parts.slice(0, i + 1).join('.'));
        if (next === undefined) node[part] = {};
        node = node[part] as Record<string, Tree>;
      }
    }
  }
  return finish(root, '') as FormParams;
}

/** A parameter was sent both as a scalar and as a hash (`metadata=x&metadata[a]=b`). */
export class FormConflictError extends Error {
  constructor(readonly param: string) {
    super(`Invalid hash: ${param}`);
  }
}
