import {
  addPoissonHistogram, binOf, binProbabilities, BinSampler, binValue, durationCdf, durationQuantile, EnvironmentPool, GRID, sigmaOf, VersionLatency,
} from '../../bench/guard-sim/durations';
import { fastUniform } from '../../bench/guard-sim/random';

/** The old version: median 80 ms, p99 400 ms. */
const OLD: VersionLatency = { distribution: { medianMillis: 80, p99Millis: 400 } };

describe('the duration grid: 1% steps from 0.1 ms to 15 minutes', () => {
  test('a bin stands for its geometric centre, within half a step of every duration in it', () => {
    expect(GRID.bins).toBe(1610);
    for (const millis of [0.1, 1, 80, 80.4, 400, 12_345.6, 899_999]) {
      expect(Math.abs(binValue(binOf(millis)) / millis - 1)).toBeLessThanOrEqual(0.005);
    }
    for (const bin of [0, 1, 700, GRID.bins - 1]) {
      expect(binOf(binValue(bin))).toBe(bin);
    }
  });

  test('what lies beyond the grid goes to its end bins', () => {
    expect(binOf(0.01)).toBe(0);
    expect(binOf(10_000_000)).toBe(GRID.bins - 1);
  });
});

describe('a version\'s warm durations', () => {
  test('the lognormal of median 80 ms and p99 400 ms: sigma = ln 5 / 2.3263 = 0.6918', () => {
    expect(sigmaOf(OLD.distribution)).toBeCloseTo(0.69183, 5);
    expect(durationQuantile(OLD, 0.5)).toBeCloseTo(80, 6);
    expect(durationQuantile(OLD, 0.99)).toBeCloseTo(400, 2);
    // p90: 80 e^(1.28155 x 0.69183) = 194.15 ms.
    expect(durationQuantile(OLD, 0.9)).toBeCloseTo(194.15, 1);
  });

  test('a slowdown multiplies every quantile; a tail regression moves the high ones', () => {
    expect(durationQuantile({ ...OLD, slowdown: 1.5 }, 0.5)).toBeCloseTo(120, 6);
    expect(durationQuantile({ ...OLD, slowdown: 1.5 }, 0.99)).toBeCloseTo(600, 2);
    const tail: VersionLatency = { ...OLD, tail: { share: 0.1, factor: 3 } };
    // The CDF is the mixture's: 0.9 F(x) + 0.1 F(x / 3).
    expect(durationCdf(tail, 200)).toBeCloseTo(0.9 * durationCdf(OLD, 200) + 0.1 * durationCdf(OLD, 200 / 3), 12);
    expect(durationQuantile(tail, 0.5) / 80).toBeLessThan(1.1);
    expect(durationQuantile(tail, 0.99) / 400).toBeGreaterThan(1.5);
  });

  test('the bin probabilities sum to 1 and put the median where it is', () => {
    const bins = binProbabilities(OLD);
    let sum = 0;
    let below80 = 0;
    for (let i = bins.first; i <= bins.last; i++) {
      sum += bins.probabilities[i];
      below80 += binValue(i) < 80 ? bins.probabilities[i] : 0;
    }
    expect(sum).toBeCloseTo(1, 12);
    expect(below80).toBeCloseTo(0.5, 2);
  });

  test('a Poisson histogram has the mean count and the distribution\'s shape', () => {
    const histogram = new Float64Array(GRID.bins);
    const total = addPoissonHistogram(fastUniform(5), binProbabilities(OLD), 200_000, histogram);
    // Poisson(200,000): within 4 standard errors (4 x 447).
    expect(Math.abs(total - 200_000)).toBeLessThan(1800);
    let seen = 0;
    let median = 0;
    for (let i = 0; i < GRID.bins && seen < total / 2; i++) {
      seen += histogram[i];
      median = binValue(i);
    }
    expect(Math.abs(median / 80 - 1)).toBeLessThan(0.015);
    expect(addPoissonHistogram(fastUniform(5), binProbabilities(OLD), 0, histogram)).toBe(0);
  });

  test('the alias sampler draws bins with their probabilities', () => {
    const bins = binProbabilities({ ...OLD, slowdown: 2 });
    const sampler = new BinSampler(bins);
    const random = fastUniform(9);
    const draws = Array.from({ length: 100_000 }, () => binValue(sampler.bin(random()))).sort((a, b) => a - b);
    // Median 160 ms and p90 388 ms, within the sampling error of 100,000 draws and half a grid step.
    expect(Math.abs(draws[50_000] / 160 - 1)).toBeLessThan(0.015);
    expect(Math.abs(draws[90_000] / (2 * 194.15) - 1)).toBeLessThan(0.02);
  });
});

describe('the new version\'s execution environments', () => {
  const warmUp = { initMillis: 300, firstFactor: 3, decay: 0.5 };

  test('without a warm-up every duration is the warm one', () => {
    const pool = new EnvironmentPool(undefined);
    expect([pool.serve(0, 100), pool.serve(0.05, 100), pool.serve(10, 70)]).toEqual([100, 100, 70]);
    // Two overlapping requests need two environments; the third finds one idle.
    expect(pool.environments).toBe(2);
  });

  test('an environment\'s invocations take 1 + (firstFactor - 1) decay^(j - 1) times as long', () => {
    const pool = new EnvironmentPool(warmUp);
    // One request every 10 s: one environment, invocations 1, 2, 3, 4 at 3x, 2x, 1.5x, 1.25x.
    expect([0, 10, 20, 30].map((at) => pool.serve(at, 100))).toEqual([300, 200, 150, 125]);
    expect(pool.environments).toBe(1);
  });

  test('a request finding every environment busy (or starting) gets a new one, which serves after its Init', () => {
    const pool = new EnvironmentPool(warmUp);
    // t = 0: environment A, busy until 0.3 s (Init) + 0.3 s (3 x 100 ms) = 0.6 s.
    expect(pool.serve(0, 100)).toBe(300);
    // t = 0.5: A is busy: environment B, busy until 0.5 + 0.3 + 0.3 = 1.1 s.
    expect(pool.serve(0.5, 100)).toBe(300);
    expect(pool.environments).toBe(2);
    // t = 0.7: A is idle again (second invocation: 2x), until 0.9 s.
    expect(pool.serve(0.7, 100)).toBe(200);
    // t = 2: both idle; A became idle first (0.9 s, B at 1.1 s): A serves its third invocation (1.5x).
    expect(pool.serve(2, 100)).toBe(150);
    // t = 2.1: A busy until 2.15 s, so B serves its second (2x).
    expect(pool.serve(2.1, 100)).toBe(200);
    expect(pool.environments).toBe(2);
  });

  test('a burst creates as many environments as requests overlap, and each warms up', () => {
    const pool = new EnvironmentPool(warmUp);
    // 50 requests within 0.25 s, before any environment has finished its Init: 50 environments.
    const first = Array.from({ length: 50 }, (_, k) => pool.serve(k * 0.005, 100));
    expect(pool.environments).toBe(50);
    expect(first.every((d) => d === 300)).toBe(true);
    // Long after, one request a second: each goes to the environment idle longest, so the next 50
    // are the second invocations of 50 environments.
    const second = Array.from({ length: 50 }, (_, k) => pool.serve(10 + k, 100));
    expect(second.every((d) => d === 200)).toBe(true);
  });
});
