import {
  binomialUpperTail, countTestPower, inverseNormalUpper, jointLimit, limitDetection, neymanPearsonPower, normalCdf, slowdownLimit,
} from '../../bench/guard-sim/limit';

test('binomial tails, hand-computed', () => {
  // P(X >= 8), X ~ Bin(10, 1/2) = (45 + 10 + 1) / 1024.
  expect(binomialUpperTail(10, 0.5, 8)).toBeCloseTo(56 / 1024, 12);
  // P(X >= 2), X ~ Bin(21, 0.2) = 1 - 0.8^21 - 21 * 0.2 * 0.8^20.
  expect(binomialUpperTail(21, 0.2, 2)).toBeCloseTo(1 - 0.8 ** 21 - 21 * 0.2 * 0.8 ** 20, 12);
  expect(binomialUpperTail(5, 0.3, 0)).toBe(1);
  expect(binomialUpperTail(5, 0.3, 6)).toBe(0);
  expect(binomialUpperTail(5, 0, 1)).toBe(0);
});

test('the most powerful test at a small budget needs the failures a healthy release rarely has', () => {
  // n = 21, p0 = 0.1%: P0(X >= 1) = 2.08% > 1%, so at alpha = 1% one failure alone is not enough;
  // the power lies between P1(X >= 2) and P1(X >= 1).
  const power = neymanPearsonPower(21, 0.001, 0.2, 0.01);
  expect(power).toBeGreaterThan(binomialUpperTail(21, 0.2, 2));
  expect(power).toBeLessThan(binomialUpperTail(21, 0.2, 1));
  // A budget of 1 rejects always; a budget of 0 with p0 > 0 rejects only the impossible.
  expect(neymanPearsonPower(21, 0.001, 0.2, 1)).toBeCloseTo(1, 12);
  expect(neymanPearsonPower(10, 0.5, 0.6, 0)).toBe(0);
});

test('the randomized most powerful test spends exactly alpha (hand-computed)', () => {
  // n = 21, p0 = 0.1%, alpha = 1.4%: reject on 2 or more (size 0.0205%), and on exactly 1 with
  // probability (0.014 - 0.000205) / 0.020577. Against p1 = 5%: P1(X >= 2) + gamma P1(X = 1).
  const tail0 = binomialUpperTail(21, 0.001, 2);
  const at1 = binomialUpperTail(21, 0.001, 1) - tail0;
  const gamma = (0.014 - tail0) / at1;
  const expected = binomialUpperTail(21, 0.05, 2) + gamma * (binomialUpperTail(21, 0.05, 1) - binomialUpperTail(21, 0.05, 2));
  expect(neymanPearsonPower(21, 0.001, 0.05, 0.014)).toBeCloseTo(expected, 10);
  expect(expected).toBeCloseTo(0.535, 2);
  // It never loses to the best non-randomized test, which rejects on 2 or more.
  expect(countTestPower(21, 0.001, 0.05, 0.014)).toBeCloseTo(binomialUpperTail(21, 0.05, 2), 12);
  expect(neymanPearsonPower(21, 0.001, 0.05, 0.014)).toBeGreaterThan(countTestPower(21, 0.001, 0.05, 0.014));
});

test('with a failure-free baseline the limit is 1 - (1 - alpha) e^(-mean p1) (Poisson thinning)', () => {
  // Reject on any failure (no false alarm), and on none with probability alpha.
  expect(limitDetection(10, 0, 0.2, 0.01)).toBeCloseTo(1 - 0.99 * Math.exp(-2), 6);
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

describe('the joint limit over requests and failures', () => {
  test('with one request count it is the per-count test', () => {
    const joint = jointLimit(new Map([[21, 3000]]), 0.001, 0.2, 0.01);
    expect(joint.randomized).toBeCloseTo(neymanPearsonPower(21, 0.001, 0.2, 0.01), 10);
    // Greedy: reject 2 or more failures (0.02% of healthy releases); 1 failure (2.06%) does not fit.
    expect(joint.deterministic).toBeCloseTo(binomialUpperTail(21, 0.2, 2), 10);
  });

  test('it spends the budget where one failure is strong evidence (hand-computed)', () => {
    // Half the runs see 5 requests, half 40; p0 = 0.1%, p1 = 20%, alpha = 1%. Likelihood ratios
    // 200^x (0.8/0.999)^(n-x): (5, 1) = 82.2 beats (40, 2) = 8.66, (5, 0) = 0.33 and (40, 1) = 0.035.
    // Rejected: every x >= 2, and (5, 1); P0 = 0.5 (1 - 0.999^5) + 0.5 P0(X40 >= 2) = 0.2875%.
    const size = 0.5 * (1 - 0.999 ** 5) + 0.5 * binomialUpperTail(40, 0.001, 2);
    expect(size).toBeCloseTo(0.002875, 6);
    const deterministic = 0.5 * (1 - 0.8 ** 5) + 0.5 * binomialUpperTail(40, 0.2, 2);
    // The randomized test spends the rest on (5, 0): P1 = 0.5 x 0.8^5, P0 = 0.5 x 0.999^5.
    const randomized = deterministic + ((0.01 - size) / (0.5 * 0.999 ** 5)) * 0.5 * 0.8 ** 5;
    const joint = jointLimit(new Map([[5, 1], [40, 1]]), 0.001, 0.2, 0.01);
    expect(joint.deterministic).toBeCloseTo(deterministic, 10);
    expect(joint.randomized).toBeCloseTo(randomized, 10);
    // Better than a test held to 1% at each count: that one cannot reject one failure of 40.
    const perCount = 0.5 * neymanPearsonPower(5, 0.001, 0.2, 0.01) + 0.5 * neymanPearsonPower(40, 0.001, 0.2, 0.01);
    expect(joint.randomized).toBeGreaterThan(perCount);
  });
});

describe('the best test of a slowdown, from lognormal durations', () => {
  test('with one request count it is the one-sided z-test: power = Φ(δ √n / σ - z_α) (hand-computed)', () => {
    // n = 100, σ = 0.69183, δ = ln 1.2 = 0.18232, α = 1%: δ √n / σ = 2.6354, z = 2.3263, Φ(0.3091) = 0.6214.
    expect(slowdownLimit(new Map([[100, 1]]), 0.69183, Math.log(1.2), 0.01)).toBeCloseTo(0.6214, 3);
    // α = 5%, δ = ln 1.5, n = 10: δ √n / σ = 1.8534, z = 1.6449, Φ(0.2085) = 0.5826.
    expect(slowdownLimit(new Map([[10, 1]]), 0.69183, Math.log(1.5), 0.05)).toBeCloseTo(0.5826, 3);
  });

  test('spending the budget where the evidence is: never worse than the same level at every count', () => {
    const counts = new Map([[5, 1], [50, 1], [500, 1]]);
    const even = [5, 50, 500].reduce((a, n) => a + normalCdf(Math.log(1.2) * Math.sqrt(n) / 0.69183 - inverseNormalUpper(0.01)), 0) / 3;
    expect(slowdownLimit(counts, 0.69183, Math.log(1.2), 0.01)).toBeGreaterThanOrEqual(even);
  });

  test('runs without a request can only be stopped at random', () => {
    // Half the runs see nothing: at α = 1% the best test spends it all on the other half.
    const limit = slowdownLimit(new Map([[0, 1], [100, 1]]), 0.69183, Math.log(1.2), 0.01);
    expect(limit).toBeCloseTo(0.5 * normalCdf(Math.log(1.2) * 10 / 0.69183 - inverseNormalUpper(0.02)), 3);
    expect(slowdownLimit(new Map([[0, 1]]), 0.69183, Math.log(2), 0.01)).toBeCloseTo(0.01, 6);
  });
});
