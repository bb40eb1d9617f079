import { evaluate, parse, referencedIds, Value } from '../../bench/guard-sim/metric-math';

const at = (source: string, values: Record<string, Value> = {}): Value => evaluate(parse(source), (id) => values[id]);

describe('arithmetic, hand-computed', () => {
  test.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 / 4 - 1', 1.5],
    ['2 ^ 3 ^ 2', 512], // right-associative: 2 ^ 9
    ['-2 ^ 2', -4], // the power binds tighter than unary minus
    ['2 ^ -1', 0.5],
    ['16 ^ 0.5', 4],
    ['1.5e2 + .5', 150.5],
    ['ABS(3 - 10)', 7],
    ['8 - 3 - 2', 3], // left-associative
  ])('%s = %d', (source, expected) => {
    expect(at(source)).toBe(expected);
  });
});

describe('comparisons and logic give 1 or 0', () => {
  test.each([
    ['3 >= 3', 1], ['3 > 3', 0], ['2 < 3', 1], ['2 <= 1', 0], ['2 == 2', 1], ['2 != 2', 0],
    ['1 && 0', 0], ['1 || 0', 1], ['1 AND 2', 1], ['0 or 0', 0],
    ['1 + 1 >= 2 && 3 > 2 || 0', 1], // comparison binds tighter than &&, && tighter than ||
    ['0 || 1 && 0', 0],
  ])('%s = %d', (source, expected) => {
    expect(at(source)).toBe(expected);
  });
});

describe('missing datapoints', () => {
  test('arithmetic, comparisons and logic on a missing value are missing', () => {
    for (const source of ['a + 1', 'a * 0', 'a >= 1', 'a && 1', '-a', 'ABS(a)']) {
      expect(at(source, { a: undefined })).toBeUndefined();
    }
  });

  test('FILL replaces a missing value only', () => {
    expect(at('FILL(a, 0) + b', { b: 4 })).toBe(4);
    expect(at('FILL(a, 0) + b', { a: 3, b: 4 })).toBe(7);
  });

  test('a division by zero or a power without a real value is missing', () => {
    expect(at('1 / 0')).toBeUndefined();
    expect(at('(0 - 8) ^ 0.5')).toBeUndefined();
  });
});

describe('IF', () => {
  test('picks a branch per value, evaluating only that branch', () => {
    expect(at('IF(a > 1, 10, 20)', { a: 2 })).toBe(10);
    expect(at('IF(a > 1, 10, 20)', { a: 1 })).toBe(20);
    // The untaken branch divides by zero; the result is still defined.
    expect(at('IF(n > 0, f / n, 0)', { f: 1, n: 0 })).toBe(0);
  });

  test('two arguments: missing where the condition is false; a missing condition gives a missing value', () => {
    expect(at('IF(a, 5)', { a: 0 })).toBeUndefined();
    expect(at('IF(a, 5)', { a: 3 })).toBe(5);
    expect(at('IF(a, 1, 2)', { a: undefined })).toBeUndefined();
  });

  test('the rollouts\' count expression: any check at its threshold', () => {
    const source = 'IF(FILL(errors,0) >= 1 || FILL(throttles,0) >= 1, 1, 0)';
    expect(at(source, { errors: 0 })).toBe(0);
    expect(at(source, { throttles: 2 })).toBe(1);
  });
});

describe('errors', () => {
  test.each([
    ['1 +', 'metric math: unexpected end of 1 +'],
    ['(1 + 2', 'metric math: expected ) at token 4 in (1 + 2'],
    ['1 2', "metric math: unexpected '2' after the expression in 1 2"],
    ['1 $ 2', "metric math: unexpected '$' at 2 in 1 $ 2"],
  ])('%s', (source, message) => {
    expect(() => parse(source)).toThrow(message);
  });

  test('functions the simulator does not model, and wrong arities, are refused', () => {
    expect(() => at('SQRT(4)')).toThrow('metric math: the guard simulator does not model SQRT');
    expect(() => at('FILL(a)')).toThrow('metric math: FILL takes 2 arguments, got 1');
  });
});

test('referencedIds lists every id an expression reads', () => {
  expect(referencedIds(parse('IF(FILL(a,0) > b, c ^ 2, 0)')).sort()).toEqual(['a', 'b', 'c']);
});
