import { binomialUpperTail, criticalCount, inverseNormalUpper, limitDetection, normalCdf } from '../../bench/guard-sim/limit';

test('binomial tails, hand-computed', () => {
  // P(X >= 8), X ~ Bin(10, 1/2) = (45 + 10 + 1) / 1024.
  expect(binomialUpperTail(10, 0.5, 8)).toBeCloseTo(56 / 1024, 12);
  // P(X >= 2), X ~ Bin(21, 0.2) = 1 - 0.8^21 - 21 * 0.2 * 0.8^20.
  expect(binomialUpperTail(21, 0.2, 2)).toBeCloseTo(1 - 0.8 ** 21 - 21 * 0.2 * 0.8 ** 20, 12);
  expect(binomialUpperTail(5, 0.3, 0)).toBe(1);
  expect(binomialUpperTail(5, 0.3, 6)).toBe(0);
  expect(binomialUpperTail(5, 0, 1)).toBe(0);
});

test('the critical count is the smallest k whose tail fits alpha', () => {
  // n = 21, p0 = 0.1%: P(X >= 1) = 1 - 0.999^21 = 2.08% > 1%, P(X >= 2) = 0.0205% <= 1%.
  expect(criticalCount(21, 0.001, 0.01)).toBe(2);
  // With a 5% budget one failure is enough.
  expect(criticalCount(21, 0.001, 0.05)).toBe(1);
  // A failure-free baseline: any failure is evidence.
  expect(criticalCount(21, 0, 0)).toBe(1);
  // n = 10, p0 = 1/2, alpha = 5.5%: P(X >= 8) = 5.47% fits, P(X >= 7) = 17.2% does not.
  expect(criticalCount(10, 0.5, 0.055)).toBe(8);
});

test('with a failure-free baseline the limit is 1 - e^(-mean p1) (Poisson thinning)', () => {
  expect(limitDetection(10, 0, 0.2, 0.01)).toBeCloseTo(1 - Math.exp(-2), 6);
  expect(limitDetection(0, 0, 0.2, 0.01)).toBe(0);
});

test('the limit grows with evidence and with the false-alarm budget', () => {
  const at = (mean: number, alpha: number): number => limitDetection(mean, 0.001, 0.05, alpha);
  expect(at(20, 0.01)).toBeLessThan(at(200, 0.01));
  expect(at(200, 0.001)).toBeLessThan(at(200, 0.01));
  // Past 3,000 requests the normal approximation takes over; it agrees with the exact sum.
  expect(limitDetection(3001, 0.01, 0.012, 0.01)).toBeCloseTo(limitDetection(2999, 0.01, 0.012, 0.01), 1);
});

test('normal distribution helpers', () => {
  expect(normalCdf(0)).toBeCloseTo(0.5, 7);
  expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
  expect(inverseNormalUpper(0.025)).toBeCloseTo(1.96, 2);
});
