/** One step of a definite path: an object key or an array index. */
export type PathStep = string | number;

/** A literal an equality filter compares with (`'Region'`, `"1"`, `3`, `true`, `null`). */
export type FilterLiteral = string | number | boolean | null;

/**
 * A remote JSONPath, classified by what the transformer can do with it:
 * - `definite`: only keys and indexes (`$.BillAddr.Line1`, `$.Line[0].Amount`); read on a fast
 *   path and writable.
 * - `keyed`: an array element selected by equality on its keys, then a definite rest
 *   (`$.CustomField[?(@.Name=='Region')].StringValue`); read on a fast path and writable (the
 *   element is found by its keys, or appended with them).
 * - `query`: anything else (wildcards, `..`, unions, slices, other filters); read with
 *   jsonpath-plus, yields the array of every match, and cannot be written.
 */
export type RemotePath =
  | { kind: 'definite'; steps: PathStep[] }
  | {
      kind: 'keyed';
      array: PathStep[];
      match: ReadonlyArray<readonly [key: string, value: FilterLiteral]>;
      rest: PathStep[];
    }
  | { kind: 'query'; why: string };

/** Keys that would reach an object's prototype; rejected in every path. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const NAME_CHAR = /[\p{L}\p{N}_$-]/u;

class PathSyntaxError extends Error {}

/**
 * Parses a JSONPath. Returns the classified path or a problem text (without the field name)
 * such as `"$.Bill[" is not a valid JSONPath: "[" at position 6 is never closed`.
 */
export function parseRemotePath(path: string): RemotePath | { problem: string } {
  try {
    return parse(path);
  } catch (error) {
    if (error instanceof PathSyntaxError)
      return { problem: `${JSON.stringify(path)} is not a valid JSONPath: ${error.message}` };
    throw error;
  }
}

type Token =
  | { t: 'key'; key: string }
  | { t: 'index'; index: number }
  | { t: 'filter'; body: string }
  | { t: 'other'; what: string };

function parse(path: string): RemotePath {
  if (path[0] !== '$')
    throw new PathSyntaxError(
      `it must start with "$"${/^[\p{L}_]/u.test(path) ? ` (did you mean "$.${path}"?)` : ''}`,
    );
  const tokens: Token[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      if (path[i + 1] === '.') {
        tokens.push({ t: 'other', what: 'recursive descent ".."' });
        i += 2;
        if (path[i] === '[') continue;
        if (path[i] === '*') {
          i++;
          continue;
        }
        i = readName(path, i).end;
        continue;
      }
      if (path[i + 1] === '*') {
        tokens.push({ t: 'other', what: 'wildcard "*"' });
        i += 2;
        continue;
      }
      const { name, end } = readName(path, i + 1);
      tokens.push({ t: 'key', key: name });
      i = end;
    } else if (c === '[') {
      const { token, end } = readBracket(path, i);
      tokens.push(token);
      i = end;
    } else {
      throw new PathSyntaxError(`unexpected ${JSON.stringify(c)} at position ${i}`);
    }
  }
  for (const token of tokens)
    if (token.t === 'key' && FORBIDDEN_KEYS.has(token.key))
      throw new PathSyntaxError(
        `the key "${token.key}" is not allowed (it would reach the object prototype)`,
      );
  return classify(tokens);
}

function readName(path: string, start: number): { name: string; end: number } {
  let end = start;
  while (end < path.length && NAME_CHAR.test(path[end]!)) end++;
  if (end === start)
    throw new PathSyntaxError(
      path[start] === undefined
        ? `it ends with "." (a property name is missing)`
        : `expected a property name at position ${start}, found ${JSON.stringify(path[start])} (use ['...'] for other characters)`,
    );
  return { name: path.slice(start, end), end };
}

function readQuoted(path: string, start: number): { value: string; end: number } {
  const quote = path[start]!;
  let value = '';
  let i = start + 1;
  while (i < path.length) {
    const c = path[i]!;
    if (c === '\\') {
      const next = path[i + 1];
      if (next === undefined) break;
      value += next;
      i += 2;
      continue;
    }
    if (c === quote) return { value, end: i + 1 };
    value += c;
    i++;
  }
  throw new PathSyntaxError(`the string starting at position ${start} is never closed`);
}

/** Finds the `]` closing the bracket at `start`, skipping quoted text and nested brackets. */
function closingBracket(path: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < path.length) {
    const c = path[i]!;
    if (c === "'" || c === '"') {
      i = readQuoted(path, i).end;
      continue;
    }
    if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') {
      depth--;
      if (depth === 0) {
        if (c !== ']') throw new PathSyntaxError(`unbalanced ")" at position ${i}`);
        return i;
      }
    }
    i++;
  }
  throw new PathSyntaxError(`"[" at position ${start} is never closed`);
}

function readBracket(path: string, start: number): { token: Token; end: number } {
  const close = closingBracket(path, start);
  const body = path.slice(start + 1, close).trim();
  const end = close + 1;
  if (body === '') throw new PathSyntaxError(`empty brackets at position ${start}`);
  if (body === '*') return { token: { t: 'other', what: 'wildcard "*"' }, end };
  if (body.startsWith('?')) return { token: { t: 'filter', body: body.slice(1).trim() }, end };
  if (body.startsWith('(')) return { token: { t: 'other', what: 'script expression' }, end };
  if (/^\d+$/.test(body)) return { token: { t: 'index', index: Number(body) }, end };
  if (/^-\d+$/.test(body))
    throw new PathSyntaxError(`negative index [${body}] is not supported (use the slice [${body}:] to read)`);
  if (/^-?\d*:-?\d*(:-?\d*)?$/.test(body)) return { token: { t: 'other', what: `slice [${body}]` }, end };
  if (body[0] === "'" || body[0] === '"') {
    const { value, end: quoteEnd } = readQuoted(body, 0);
    const tail = body.slice(quoteEnd).trim();
    if (tail === '') return { token: { t: 'key', key: value }, end };
    if (tail.startsWith(',')) return { token: { t: 'other', what: `union [${body}]` }, end };
    throw new PathSyntaxError(
      `unexpected ${JSON.stringify(tail)} after the quoted name at position ${start}`,
    );
  }
  if (/^\s*-?\d+\s*(,\s*-?\d+\s*)+$/.test(body))
    return { token: { t: 'other', what: `union [${body}]` }, end };
  throw new PathSyntaxError(`cannot read [${body}] at position ${start}`);
}

function classify(tokens: Token[]): RemotePath {
  const steps: PathStep[] = [];
  let i = 0;
  for (; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.t === 'key') steps.push(token.key);
    else if (token.t === 'index') steps.push(token.index);
    else break;
  }
  if (i === tokens.length) return { kind: 'definite', steps };
  const first = tokens[i]!;
  if (first.t === 'filter') {
    const match = parseEqualityFilter(first.body);
    const rest: PathStep[] = [];
    let definiteRest = true;
    for (const token of tokens.slice(i + 1)) {
      if (token.t === 'key') rest.push(token.key);
      else if (token.t === 'index') rest.push(token.index);
      else definiteRest = false;
    }
    if (match && definiteRest) return { kind: 'keyed', array: steps, match, rest };
    if (!match) return { kind: 'query', why: `filter [?${first.body}] is not a plain equality on keys` };
  }
  const other = tokens.slice(i).find((t) => t.t === 'other' || t.t === 'filter')!;
  return { kind: 'query', why: other.t === 'other' ? other.what : `a second filter` };
}

/**
 * Recognises `(@.Name=='Region')`, `@.Name == "Region" && @['DefinitionId']==='1'`: a
 * conjunction of equalities between an element key and a literal. Anything else is `null`.
 */
export function parseEqualityFilter(body: string): Array<[string, FilterLiteral]> | null {
  let text = body.trim();
  if (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1).trim();
  const clauses: Array<[string, FilterLiteral]> = [];
  const clause =
    /^@(?:\.([\p{L}\p{N}_$-]+)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\])\s*===?\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)\s*/u;
  while (true) {
    const m = clause.exec(text);
    if (!m) return null;
    const key = (m[1] ?? m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1');
    if (FORBIDDEN_KEYS.has(key)) return null;
    clauses.push([key, literal(m[4]!)]);
    text = text.slice(m[0].length);
    if (text === '') return clauses;
    if (!text.startsWith('&&')) return null;
    text = text.slice(2).trim();
  }
}

function literal(text: string): FilterLiteral {
  if (text[0] === "'" || text[0] === '"') return text.slice(1, -1).replace(/\\(.)/g, '$1');
  if (text === 'true') return true;
  if (text === 'false') return false;
  if (text === 'null') return null;
  return Number(text);
}

/** Renders definite steps back as a JSONPath (`['$', 'a', 0]` → `$.a[0]`), for messages. */
export function stepsToPath(steps: readonly PathStep[]): string {
  let out = '$';
  for (const step of steps)
    out +=
      typeof step === 'number'
        ? `[${step}]`
        : /^[\p{L}_$][\p{L}\p{N}_$-]*$/u.test(step)
          ? `.${step}`
          : `[${JSON.stringify(step)}]`;
  return out;
}
