/**
 * An evaluator of the CloudWatch metric-math subset that deployment alarms use, over one
 * timestamp's values: numbers, metric and expression ids, `+ - * / ^`, unary minus, the
 * comparisons `< <= > >= == !=`, `&& || AND OR`, parentheses, and the functions `IF(c, a, b)`,
 * `IF(c, a)`, `FILL(x, value)` and `ABS(x)`.
 *
 * Syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
 * ("Metric math syntax and functions"). Semantics modelled here, per timestamp:
 * - a metric without a datapoint is missing (`undefined`); arithmetic, comparisons and logic on a
 *   missing value are missing; `FILL(x, v)` replaces a missing `x` with `v`;
 * - a comparison or logical operator gives 1 (true) or 0 (false);
 * - `IF(c, a, b)` is `a` where `c` is non-zero, `b` where it is zero, missing where `c` is
 *   missing; `IF(c, a)` is missing where `c` is zero;
 * - a division by zero, or a power that is not a real number, is missing (no datapoint).
 * `^` is right-associative and binds tighter than unary minus (`-2 ^ 2` is -4), as in most
 * calculators; the expressions the library generates never depend on that.
 */

/** A value at one timestamp; `undefined` is a missing datapoint. */
export type Value = number | undefined;

/** A parsed expression. */
export type Node =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'id'; readonly name: string }
  | { readonly kind: 'unary'; readonly op: '-'; readonly operand: Node }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Node; readonly right: Node }
  | { readonly kind: 'call'; readonly name: string; readonly args: Node[] };

interface Token { readonly type: 'number' | 'id' | 'op' | '(' | ')' | ','; readonly text: string }

const OPERATORS = ['&&', '||', '<=', '>=', '==', '!=', '<', '>', '+', '-', '*', '/', '^'];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const number = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ type: 'number', text: number[0] });
      i += number[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (id) {
      const upper = id[0].toUpperCase();
      tokens.push(upper === 'AND' || upper === 'OR' ? { type: 'op', text: upper === 'AND' ? '&&' : '||' } : { type: 'id', text: id[0] });
      i += id[0].length;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c, text: c });
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) {
      throw new Error(`metric math: unexpected '${c}' at ${i} in ${source}`);
    }
    tokens.push({ type: 'op', text: op });
    i += op.length;
  }
  return tokens;
}

/** Binary operators by precedence, loosest first. */
const LEVELS = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/']];

/** Parses `source` into a tree; throws on a syntax error. */
export function parse(source: string): Node {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const expect = (type: Token['type']): Token => {
    const token = tokens[pos++];
    if (!token || token.type !== type) {
      throw new Error(`metric math: expected ${type} at token ${pos - 1} in ${source}`);
    }
    return token;
  };

  const binary = (level: number): Node => {
    if (level === LEVELS.length) {
      return unary();
    }
    let left = binary(level + 1);
    for (let token = peek(); token?.type === 'op' && LEVELS[level].includes(token.text); token = peek()) {
      pos++;
      left = { kind: 'binary', op: token.text, left, right: binary(level + 1) };
    }
    return left;
  };
  const unary = (): Node => {
    const token = peek();
    if (token?.type === 'op' && token.text === '-') {
      pos++;
      return { kind: 'unary', op: '-', operand: unary() };
    }
    return power();
  };
  const power = (): Node => {
    const base = primary();
    const token = peek();
    if (token?.type === 'op' && token.text === '^') {
      pos++;
      return { kind: 'binary', op: '^', left: base, right: unary() };
    }
    return base;
  };
  const primary = (): Node => {
    const token = tokens[pos++];
    if (!token) {
      throw new Error(`metric math: unexpected end of ${source}`);
    }
    if (token.type === 'number') {
      return { kind: 'number', value: Number(token.text) };
    }
    if (token.type === '(') {
      const inner = binary(0);
      expect(')');
      return inner;
    }
    if (token.type === 'id') {
      if (peek()?.type !== '(') {
        return { kind: 'id', name: token.text };
      }
      pos++;
      const args: Node[] = [];
      if (peek()?.type !== ')') {
        args.push(binary(0));
        while (peek()?.type === ',') {
          pos++;
          args.push(binary(0));
        }
      }
      expect(')');
      return { kind: 'call', name: token.text.toUpperCase(), args };
    }
    throw new Error(`metric math: unexpected '${token.text}' in ${source}`);
  };

  const tree = binary(0);
  if (pos !== tokens.length) {
    throw new Error(`metric math: unexpected '${tokens[pos].text}' after the expression in ${source}`);
  }
  return tree;
}

/** Every id an expression reads (metric or expression ids), for dependency order. */
export function referencedIds(node: Node): string[] {
  switch (node.kind) {
    case 'number': return [];
    case 'id': return [node.name];
    case 'unary': return referencedIds(node.operand);
    case 'binary': return [...referencedIds(node.left), ...referencedIds(node.right)];
    case 'call': return node.args.flatMap(referencedIds);
  }
}

const real = (x: number): Value => (Number.isFinite(x) ? x : undefined);

/** Evaluates a parsed expression at one timestamp; `values` gives each id's value (missing: `undefined`). */
export function evaluate(node: Node, values: (id: string) => Value): Value {
  switch (node.kind) {
    case 'number': return node.value;
    case 'id': return values(node.name);
    case 'unary': {
      const v = evaluate(node.operand, values);
      return v === undefined ? undefined : -v;
    }
    case 'binary': {
      const a = evaluate(node.left, values);
      const b = evaluate(node.right, values);
      if (a === undefined || b === undefined) {
        return undefined;
      }
      switch (node.op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return b === 0 ? undefined : a / b;
        case '^': return real(a ** b);
        case '<': return a < b ? 1 : 0;
        case '<=': return a <= b ? 1 : 0;
        case '>': return a > b ? 1 : 0;
        case '>=': return a >= b ? 1 : 0;
        case '==': return a === b ? 1 : 0;
        case '!=': return a !== b ? 1 : 0;
        case '&&': return a !== 0 && b !== 0 ? 1 : 0;
        case '||': return a !== 0 || b !== 0 ? 1 : 0;
      }
      throw new Error(`metric math: unknown operator ${node.op}`);
    }
    case 'call': return call(node, values);
  }
}

function call(node: { readonly name: string; readonly args: Node[] }, values: (id: string) => Value): Value {
  const arity = (n: number[]): void => {
    if (!n.includes(node.args.length)) {
      throw new Error(`metric math: ${node.name} takes ${n.join(' or ')} arguments, got ${node.args.length}`);
    }
  };
  switch (node.name) {
    case 'IF': {
      arity([2, 3]);
      const condition = evaluate(node.args[0], values);
      if (condition === undefined) {
        return undefined;
      }
      if (condition !== 0) {
        return evaluate(node.args[1], values);
      }
      return node.args.length === 3 ? evaluate(node.args[2], values) : undefined;
    }
    case 'FILL': {
      arity([2]);
      const v = evaluate(node.args[0], values);
      return v !== undefined ? v : evaluate(node.args[1], values);
    }
    case 'ABS': {
      arity([1]);
      const v = evaluate(node.args[0], values);
      return v === undefined ? undefined : Math.abs(v);
    }
  }
  throw new Error(`metric math: the guard simulator does not model ${node.name}`);
}
