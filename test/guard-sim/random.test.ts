import { logGamma, poisson, seededUniform } from '../../bench/guard-sim/random';

test('the uniform generator is seeded and stays in [0, 1)', () => {
  const a = seededUniform(7);
  const b = seededUniform(7);
  const draws = Array.from({ length: 1000 }, () => a());
  expect(draws).toEqual(Array.from({ length: 1000 }, () => b()));
  expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...draws)).toBeLessThan(1);
  expect(draws.reduce((s, x) => s + x, 0) / draws.length).toBeCloseTo(0.5, 1);
});

test('logGamma matches factorials and Γ(1/2) = √π', () => {
  expect(logGamma(5)).toBeCloseTo(Math.log(24), 10);
  expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 9);
  expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10);
  expect(logGamma(1001)).toBeCloseTo(5912.128178939938, 6); // ln(1000!)
});

// Both samplers: Knuth below a mean of 30, PTRS above. Mean and variance both equal the mean;
// with 20,000 draws both are checked within 4 standard errors: sqrt(mean / n) for the mean, and
// sqrt((1 / mean + 2) / n) for the variance over the mean (the Poisson fourth cumulant is the mean).
test.each([0.3, 3, 29, 31, 500, 50000])('Poisson(%d) has its mean and variance', (mean) => {
  const random = seededUniform(Math.round(mean * 1000));
  const n = 20000;
  const draws = Array.from({ length: n }, () => poisson(random, mean));
  const m = draws.reduce((s, x) => s + x, 0) / n;
  const v = draws.reduce((s, x) => s + (x - m) ** 2, 0) / (n - 1);
  expect(Math.abs(m - mean)).toBeLessThan(4 * Math.sqrt(mean / n));
  expect(Math.abs(v / mean - 1)).toBeLessThan(4 * Math.sqrt((1 / mean + 2) / n));
  expect(draws.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
});

test('Poisson(3) gives P(0) = e^-3 (hand-computed 0.0498)', () => {
  const random = seededUniform(3);
  const zeros = Array.from({ length: 40000 }, () => poisson(random, 3)).filter((x) => x === 0).length / 40000;
  expect(Math.abs(zeros - Math.exp(-3))).toBeLessThan(0.005);
});

test('a mean of 0 gives 0', () => {
  expect(poisson(seededUniform(1), 0)).toBe(0);
});
