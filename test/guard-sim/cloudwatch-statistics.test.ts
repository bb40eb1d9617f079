import { parseStatistic, statisticOf, valueCountsOf } from '../../bench/guard-sim/cloudwatch-statistics';

const ONE_TO_TEN = valueCountsOf([7, 3, 10, 1, 5, 2, 9, 4, 8, 6]);
const of = (statistic: string, values: readonly number[] | ReturnType<typeof valueCountsOf>, estimator?: 'nearest-rank' | 'linear'): number | undefined =>
  statisticOf(parseStatistic(statistic), Array.isArray(values) ? valueCountsOf(values) : values as ReturnType<typeof valueCountsOf>, estimator);

describe('statistic names, as CloudWatch writes them', () => {
  test.each([
    ['SampleCount', { kind: 'SampleCount' }],
    ['p99', { kind: 'percentile', percent: 99 }],
    ['p99.9', { kind: 'percentile', percent: 99.9 }],
    ['tm90', { kind: 'TM', upper: { value: 90, percent: true } }],
    ['TM(10%:90%)', { kind: 'TM', lower: { value: 10, percent: true }, upper: { value: 90, percent: true } }],
    ['TC(250:)', { kind: 'TC', lower: { value: 250, percent: false }, upper: undefined }],
    ['ts(:0.5)', { kind: 'TS', lower: undefined, upper: { value: 0.5, percent: false } }],
    ['PR(100:2000)', { kind: 'PR', lower: 100, upper: 2000 }],
    ['IQM', { kind: 'TM', lower: { value: 25, percent: true }, upper: { value: 75, percent: true } }],
  ])('%s', (name, parsed) => {
    expect(parseStatistic(name)).toEqual(parsed);
  });

  test.each(['WM(10%:90%)', 'wm98', 'p0', 'p101', 'PR(10%:)', 'TM(:150%)', 'TM(:)', 'Median'])('%s is refused, not guessed', (name) => {
    expect(() => parseStatistic(name)).toThrow(`guard simulator: statistic ${name} is not modelled`);
  });
});

describe('the plain statistics of 1..10', () => {
  test.each([
    ['SampleCount', 10], ['Sum', 55], ['Average', 5.5], ['Minimum', 1], ['Maximum', 10],
  ])('%s = %d', (name, expected) => {
    expect(of(name, ONE_TO_TEN)).toBe(expected);
  });
});

describe('percentiles: nearest rank (assumed) and linear interpolation (the sensitivity check)', () => {
  test.each([
    // Nearest rank: the value of rank ceil(p n / 100).
    ['p50', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5, 5.5],
    ['p90', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 9, 9.1],
    ['p91', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10, 9.19],
    ['p100', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10, 10],
    ['p1', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 1, 1.09],
    // Two values: the lower one by rank, their midpoint by interpolation.
    ['p50', [20, 10], 10, 15],
    // One value is every percentile.
    ['p99', [42], 42, 42],
    // Ties count once per value.
    ['p50', [5, 5, 5, 7], 5, 5],
    ['p75', [5, 5, 5, 7], 5, 5.5],
  ])('%s of %j: %d (nearest rank), %d (linear)', (name, values, nearest, linear) => {
    expect(of(name, values)).toBe(nearest);
    expect(of(name, values, 'linear')).toBeCloseTo(linear, 12);
  });
});

describe('trimmed statistics', () => {
  test.each([
    // Percentage bounds keep ranks r with a n < r <= b n: of 1..10, TM(10%:90%) keeps 2..9.
    ['TM(10%:90%)', 5.5], ['TC(10%:90%)', 8], ['TS(10%:90%)', 44],
    ['tm90', 5], ['tc90', 9], ['ts90', 45],
    ['IQM', 5], // ranks 3..7 of 10 are kept (2.5 < r <= 7.5): 3, 4, 5, 6, 7
    // Absolute bounds: the lower one exclusive, the upper one inclusive.
    ['TC(3:7)', 4], ['TS(3:7)', 22], ['TM(3:7)', 5.5],
    ['TC(7:)', 3], ['TC(:3)', 3],
    ['PR(:3)', 30], ['PR(3:7)', 40], ['PR(10:)', 0],
  ])('%s of 1..10 = %d', (name, expected) => {
    expect(of(name, ONE_TO_TEN)).toBe(expected);
  });

  test('a rank bound a hair above an integer is that integer (0.1 x 30)', () => {
    const values = Array.from({ length: 30 }, (_, i) => i + 1);
    expect(of('TC(10%:)', values)).toBe(27);
    expect(of('TC(:10%)', values)).toBe(3);
  });

  test('ties at a percentage bound are split by rank', () => {
    // Ranks 2..4 of [1, 5, 5, 5, 9] for TM(20%:80%): three 5s.
    expect(of('TC(20%:80%)', [1, 5, 5, 5, 9])).toBe(3);
    expect(of('TM(20%:80%)', [1, 5, 5, 5, 9])).toBe(5);
  });
});

describe('no values, or none in range', () => {
  test.each(['SampleCount', 'Sum', 'p50', 'TM(10%:90%)', 'TC(3:)', 'PR(:3)'])('%s of a period without values has no datapoint', (name) => {
    expect(of(name, [])).toBeUndefined();
  });

  test('a trimmed mean with nothing in range has no datapoint; a trimmed count or sum is 0', () => {
    expect(of('TM(100:)', ONE_TO_TEN)).toBeUndefined();
    expect(of('TC(100:)', ONE_TO_TEN)).toBe(0);
    expect(of('TS(100:)', ONE_TO_TEN)).toBe(0);
  });
});
