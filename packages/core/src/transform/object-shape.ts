/**
 * The fixed object skeleton of a mapped record: every key the mapping writes, nested, with
 * `null` leaves. Output records start as a copy of it, so each field write stores into an
 * existing property instead of growing the object key by key; that keeps the per-record cost
 * close to an object literal written by hand.
 */
export interface ObjectShape {
  readonly template: Readonly<Record<string, null>>;
  readonly children: ReadonlyArray<readonly [key: string, shape: ObjectShape]>;
}

interface Draft {
  keys: Map<string, Draft | null>;
}

/** Builds the shape of the given key paths (a path that is a prefix of another becomes an object). */
export function shapeOf(paths: ReadonlyArray<readonly string[]>): ObjectShape {
  const root: Draft = { keys: new Map() };
  for (const path of paths) {
    let node = root;
    path.forEach((key, i) => {
      const last = i === path.length - 1;
      const existing = node.keys.get(key);
      if (last) {
        if (existing === undefined) node.keys.set(key, null);
        return;
      }
      if (existing === undefined || existing === null) {
        const next: Draft = { keys: new Map() };
        node.keys.set(key, next);
        node = next;
      } else node = existing;
    });
  }
  const freeze = (draft: Draft): ObjectShape => {
    const template: Record<string, null> = {};
    const children: Array<[string, ObjectShape]> = [];
    for (const [key, child] of draft.keys) {
      template[key] = null;
      if (child) children.push([key, freeze(child)]);
    }
    return { template: Object.freeze(template), children };
  };
  return freeze(root);
}

/** A new skeleton object of `shape`. */
export function instantiate(shape: ObjectShape): Record<string, unknown> {
  const out: Record<string, unknown> = { ...shape.template };
  const { children } = shape;
  for (let i = 0; i < children.length; i++) {
    const [key, child] = children[i]!;
    out[key] = instantiate(child);
  }
  return out;
}
