import { queryParser, queryValidation } from './faults.js';

/** One condition of a WHERE clause. */
export interface Condition {
  readonly field: string;
  readonly op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'IN';
  readonly values: readonly (string | number | boolean)[];
}

export interface ParsedQuery {
  readonly count: boolean;
  readonly entity: string;
  readonly where: readonly Condition[];
  readonly orderBy?: { readonly field: string; readonly desc: boolean };
  readonly startPosition: number;
  readonly maxResults: number;
}

type Token =
  | { kind: 'word'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'op'; value: string }
  | { kind: 'punct'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw queryParser(`unterminated string literal in "${text}"`);
        const d = text[i] as string;
        if (d === '\\' && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      tokens.push({ kind: 'string', value });
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'number', value: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'word', value: m[0] });
      i += m[0].length;
    } else if (c === '<' || c === '>' || c === '!' || c === '=') {
      const two = text.slice(i, i + 2);
      if (two === '<=' || two === '>=' || two === '!=' || two === '<>') {
        tokens.push({ kind: 'op', value: two === '<>' ? '!=' : two });
        i += 2;
      } else if (c === '!') {
        throw queryParser(`unexpected "!" at ${i}`);
      } else {
        tokens.push({ kind: 'op', value: c });
        i++;
      }
    } else if (c === '(' || c === ')' || c === ',' || c === '*') {
      tokens.push({ kind: 'punct', value: c });
      i++;
    } else {
      throw queryParser(`Encountered "${c}" at column ${i + 1}.`);
    }
  }
  return tokens;
}

/**
 * Parses the subset of Intuit's query language the fake serves:
 * `SELECT * | COUNT(*) FROM Entity [WHERE c AND c ...] [ORDERBY f [ASC|DESC]] [STARTPOSITION n] [MAXRESULTS m]`.
 * There is no OR, no parentheses around conditions and no joins, as in QuickBooks.
 */
export function parseQuery(text: string): ParsedQuery {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (word: string): boolean => {
    const t = peek();
    return t?.kind === 'word' && t.value.toUpperCase() === word;
  };
  const expectWord = (word: string): void => {
    if (!isWord(word)) throw queryParser(`Encountered "${describe(peek())}", was expecting ${word}.`);
    pos++;
  };
  const expectPunct = (p: string): void => {
    const t = peek();
    if (t?.kind !== 'punct' || t.value !== p)
      throw queryParser(`Encountered "${describe(t)}", was expecting "${p}".`);
    pos++;
  };
  const literal = (): string | number | boolean => {
    const t = peek();
    pos++;
    if (t?.kind === 'string' || t?.kind === 'number') return t.value;
    if (t?.kind === 'word' && /^(true|false)$/i.test(t.value)) return t.value.toLowerCase() === 'true';
    throw queryParser(`Encountered "${describe(t)}", was expecting a literal.`);
  };
  const positiveInt = (name: string): number => {
    const t = peek();
    pos++;
    if (t?.kind !== 'number' || !Number.isInteger(t.value))
      throw queryParser(`${name} needs an integer, got "${describe(t)}".`);
    return t.value;
  };

  expectWord('SELECT');
  let count = false;
  if (isWord('COUNT')) {
    pos++;
    expectPunct('(');
    expectPunct('*');
    expectPunct(')');
    count = true;
  } else {
    expectPunct('*');
  }
  expectWord('FROM');
  const entityToken = peek();
  if (entityToken?.kind !== 'word') throw queryParser('Missing entity after FROM.');
  pos++;
  const where: Condition[] = [];
  if (isWord('WHERE')) {
    pos++;
    for (;;) {
      const fieldToken = peek();
      if (fieldToken?.kind !== 'word') throw queryParser(`Encountered "${describe(fieldToken)}" in WHERE.`);
      pos++;
      const opToken = peek();
      let op: Condition['op'];
      if (opToken?.kind === 'op') op = opToken.value as Condition['op'];
      else if (opToken?.kind === 'word' && /^(LIKE|IN)$/i.test(opToken.value))
        op = opToken.value.toUpperCase() as 'LIKE' | 'IN';
      else throw queryParser(`Encountered "${describe(opToken)}", was expecting an operator.`);
      pos++;
      const values: (string | number | boolean)[] = [];
      if (op === 'IN') {
        expectPunct('(');
        values.push(literal());
        while (peek()?.kind === 'punct' && peek()?.value === ',') {
          pos++;
          values.push(literal());
        }
        expectPunct(')');
      } else {
        values.push(literal());
      }
      where.push({ field: fieldToken.value, op, values });
      if (isWord('AND')) {
        pos++;
        continue;
      }
      if (isWord('OR')) throw queryParser('OR is not supported.');
      break;
    }
  }
  let orderBy: ParsedQuery['orderBy'];
  if (isWord('ORDERBY') || isWord('ORDER')) {
    if (isWord('ORDER')) {
      pos++;
      expectWord('BY');
    } else pos++;
    const f = peek();
    if (f?.kind !== 'word') throw queryParser('ORDERBY needs a field.');
    pos++;
    let desc = false;
    if (isWord('DESC')) {
      desc = true;
      pos++;
    } else if (isWord('ASC')) pos++;
    orderBy = { field: f.value, desc };
  }
  let startPosition = 1;
  let maxResults = 100;
  for (;;) {
    if (isWord('STARTPOSITION')) {
      pos++;
      startPosition = positiveInt('STARTPOSITION');
    } else if (isWord('MAXRESULTS')) {
      pos++;
      maxResults = positiveInt('MAXRESULTS');
    } else break;
  }
  if (pos < tokens.length) throw queryParser(`Encountered "${describe(peek())}" after the end of the query.`);
  if (maxResults > 1000) throw queryValidation(`MAXRESULTS ${maxResults} exceeds the maximum of 1000.`);
  if (maxResults < 1 || startPosition < 1)
    throw queryValidation('STARTPOSITION and MAXRESULTS must be positive.');
  return {
    count,
    entity: entityToken.value,
    where,
    ...(orderBy === undefined ? {} : { orderBy }),
    startPosition,
    maxResults,
  };
}

function describe(token: Token | undefined): string {
  if (token === undefined) return '<EOF>';
  return token.kind === 'string' ? `'${token.value}'` : String(token.value);
}
