import { VersionLatency } from '../../bench/guard-sim/durations';
import { parse } from '../../bench/guard-sim/metric-math';
import { finalShiftMinute, newShare, shareSegments, simulate, simulateGuards, SimulationOptions, Traffic } from '../../bench/guard-sim/simulate';
import { AlarmModel, GuardModel, MissingData, ShiftStep } from '../../bench/guard-sim/template-guard';

const CANARY: ShiftStep[] = [{ atMinute: 0, percent: 10 }, { atMinute: 5, percent: 100 }];

/** A plain alarm on the new version's Errors: at least 1 in a period. */
function errorsAlarm(periodMinutes = 1, treatMissingData: MissingData = 'notBreaching'): AlarmModel {
  return {
    logicalId: 'Errors',
    metrics: new Map([['m', { series: 'new' as const, metricName: 'Errors' as const, statistic: 'Sum' }]]),
    expressions: [],
    returnId: 'm',
    periodMinutes,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    treatMissingData,
  };
}
const guard = (alarm: AlarmModel): GuardModel => ({ alarms: [alarm], schedule: CANARY });
const traffic = (requestsPerSecond: number, newErrorRate: number): Traffic => ({
  requestsPerSecond, oldVersion: { errorRate: 0, throttleRate: 0 }, newVersion: { errorRate: newErrorRate, throttleRate: 0 },
});
const options = (overrides: Partial<SimulationOptions> = {}): SimulationOptions => ({ runs: 20000, seed: 42, datapointDelayMinutes: 1, windows: 'rolling', ...overrides });

test('the new version\'s share of each minute follows the schedule from the start instant', () => {
  // Start at 0.25: minute 0 has 0.75 min at 10%; minute 5 has 0.25 min at 10% and 0.75 min at 100%.
  expect(newShare(CANARY, 0.25, -1)).toBe(0);
  expect(newShare(CANARY, 0.25, 0)).toBeCloseTo(0.075, 12);
  expect(newShare(CANARY, 0.25, 2)).toBeCloseTo(0.1, 12);
  expect(newShare(CANARY, 0.25, 5)).toBeCloseTo(0.025 + 0.75, 12);
  expect(newShare(CANARY, 0.25, 6)).toBe(1);
  expect(finalShiftMinute(CANARY)).toBe(5);
  // The stretches of constant share: minute 5 is 0.25 min at 10%, then 0.75 min at 100%.
  expect(shareSegments(CANARY, 0.25, 5)).toEqual([[5, 5.25, 0.1], [5.25, 6, 1]]);
  expect(shareSegments(CANARY, 0.25, -1)).toEqual([]);
});

test('a count alarm matches the closed form: 1 - (e^-3c - e^-4c) / c with c = 6 r p', () => {
  // With a 1-minute delay the last evaluation before the shift (minute 5) sees minutes 0..3: the new
  // version served 0.1 (4 - s) minutes of traffic, s uniform in [0, 1). At r = 1 req/s and p = 5%,
  // c = 0.3 and P(stop) = 1 - (e^-0.9 - e^-1.2) / 0.3 = 0.64874.
  const c = 6 * 1 * 0.05;
  const expected = 1 - (Math.exp(-3 * c) - Math.exp(-4 * c)) / c;
  const result = simulate(guard(errorsAlarm()), traffic(1, 0.05), options());
  expect(Math.abs(result.stopped - expected)).toBeLessThan(4 * result.standardError);
  expect(result.standardError).toBeCloseTo(Math.sqrt(result.stopped * (1 - result.stopped) / 20000), 12);
  // Visible new-version requests: 60 r 0.1 E[4 - s] = 21.
  expect(Math.abs(result.visibleNewRequests - 21)).toBeLessThan(0.2);
  // Their distribution, run by run: it sums to the runs and averages to the mean.
  const counts = [...result.visibleNewRequestCounts];
  expect(counts.reduce((a, [, runs]) => a + runs, 0)).toBe(20000);
  expect(counts.reduce((a, [n, runs]) => a + n * runs, 0) / 20000).toBeCloseTo(result.visibleNewRequests, 10);
});

test('the datapoint delay hides the last minutes of the canary', () => {
  const delayed = simulate(guard(errorsAlarm()), traffic(1, 0.05), options({ datapointDelayMinutes: 2 }));
  const immediate = simulate(guard(errorsAlarm()), traffic(1, 0.05), options({ datapointDelayMinutes: 0 }));
  expect(delayed.visibleNewRequests).toBeLessThan(immediate.visibleNewRequests);
  expect(delayed.stopped).toBeLessThan(immediate.stopped);
});

test('a release that always fails is stopped, one that never fails is not', () => {
  expect(simulate(guard(errorsAlarm()), traffic(10, 1), options({ runs: 500 })).stopped).toBe(1);
  expect(simulate(guard(errorsAlarm()), traffic(10, 0), options({ runs: 500 })).stopped).toBe(0);
});

test('a minute without requests has no datapoint: TreatMissingData decides', () => {
  const quiet = traffic(0, 0);
  expect(simulate(guard(errorsAlarm(1, 'notBreaching')), quiet, options({ runs: 100 })).stopped).toBe(0);
  expect(simulate(guard(errorsAlarm(1, 'missing')), quiet, options({ runs: 100 })).stopped).toBe(0);
  expect(simulate(guard(errorsAlarm(1, 'breaching')), quiet, options({ runs: 100 })).stopped).toBe(1);
});

test('a 5-minute window slides every minute; aligned to the clock it never completes inside a 5-minute canary', () => {
  expect(simulate(guard(errorsAlarm(5)), traffic(10, 1), options({ runs: 500 })).stopped).toBe(1);
  expect(simulate(guard(errorsAlarm(5)), traffic(10, 1), options({ runs: 500, windows: 'aligned' })).stopped).toBe(0);
});

test('M of N: two breaching datapoints of two need two bad minutes', () => {
  const twoOfTwo = { ...errorsAlarm(), evaluationPeriods: 2, datapointsToAlarm: 2 };
  const one = simulate(guard(errorsAlarm()), traffic(1, 0.05), options({ runs: 5000 }));
  const two = simulate(guard(twoOfTwo), traffic(1, 0.05), options({ runs: 5000 }));
  expect(two.stopped).toBeLessThan(one.stopped);
});

test('the same seed gives the same result', () => {
  const a = simulate(guard(errorsAlarm()), traffic(3, 0.01), options({ runs: 300 }));
  const b = simulate(guard(errorsAlarm()), traffic(3, 0.01), options({ runs: 300 }));
  expect(a).toEqual(b);
});

describe('latency: Duration statistics from simulated durations', () => {
  const OLD: VersionLatency = { distribution: { medianMillis: 80, p99Millis: 400 } };
  /** A plain alarm on a Duration statistic of a series, at least `threshold`. */
  const durationAlarm = (statistic: string, threshold: number, series: 'new' | 'alias' = 'new'): AlarmModel => ({
    ...errorsAlarm(),
    logicalId: `Duration-${statistic}`,
    metrics: new Map([['m', { series, metricName: 'Duration' as const, statistic }]]),
    threshold,
  });
  const invocationsAlarm: AlarmModel = { ...errorsAlarm(), metrics: new Map([['m', { series: 'new' as const, metricName: 'Invocations' as const, statistic: 'Sum' }]]) };
  const withLatency = (requestsPerSecond: number, newVersion: VersionLatency = OLD): Traffic => ({
    ...traffic(requestsPerSecond, 0), latency: { oldVersion: OLD, newVersion },
  });

  test('durations have random numbers of their own: a count guard gets the same result with or without them', () => {
    const plain = simulate(guard(errorsAlarm()), traffic(3, 0.02), options({ runs: 2000 }));
    const timed = simulate(guard(errorsAlarm()), { ...traffic(3, 0.02), latency: { oldVersion: OLD, newVersion: OLD } }, options({ runs: 2000 }));
    expect(timed).toEqual(plain);
  });

  test('one Duration sample per invocation: SampleCount >= 1 stops exactly when Invocations >= 1 does, run by run', () => {
    const [byInvocations, bySamples] = simulateGuards([guard(invocationsAlarm), guard(durationAlarm('SampleCount', 1))], withLatency(0.1), options({ runs: 5000 }));
    expect(bySamples.stopped).toBe(byInvocations.stopped);
    expect(byInvocations.stopped).toBeGreaterThan(0.05);
  });

  test('a busy minute\'s median is the distribution\'s: p50 >= 100 ms never holds for a median of 80 ms, always for 120 ms', () => {
    // Judged once a minute holds 300 durations (the canary's first minute may hold a few only).
    const p50 = (series: 'new' | 'alias'): GuardModel => guard({
      ...errorsAlarm(),
      metrics: new Map([
        ['n', { series: 'new' as const, metricName: 'Duration' as const, statistic: 'SampleCount' }],
        ['m', { series, metricName: 'Duration' as const, statistic: 'p50' }],
      ]),
      expressions: [{ id: 'e', node: parse('IF(n >= 300, m, 0)'), source: 'IF(n >= 300, m, 0)' }],
      returnId: 'e',
      threshold: 100,
    });
    expect(simulate(p50('new'), withLatency(100), options({ runs: 200 })).stopped).toBe(0);
    expect(simulate(p50('new'), withLatency(100, { ...OLD, slowdown: 1.5 }), options({ runs: 200 })).stopped).toBe(1);
    // The alias mixes 90% old (80 ms) with 10% new (120 ms): its median stays below 100 ms.
    expect(simulate(p50('alias'), withLatency(100, { ...OLD, slowdown: 1.5 }), options({ runs: 200 })).stopped).toBe(0);
  });

  test('warm-up: a fresh environment\'s first invocation is slower, and a Maximum alarm sees it', () => {
    // 1,000 times slower first: at least 4 s unless the warm duration is under 4 ms (P = 8e-6);
    // without warm-up a duration of 4 s has a probability of 8e-9.
    const warmUp = { initMillis: 300, firstFactor: 1000, decay: 0.5 };
    const [visible, warm] = simulateGuards([guard(invocationsAlarm), guard(durationAlarm('Maximum', 4000))],
      withLatency(1, { ...OLD, warmUp }), options({ runs: 4000 }));
    expect(warm.stopped).toBe(visible.stopped);
    expect(visible.stopped).toBeGreaterThan(0.5);
    expect(simulate(guard(durationAlarm('Maximum', 4000)), withLatency(1), options({ runs: 4000 })).stopped).toBe(0);
  });

  test('what the model cannot answer is refused', () => {
    expect(() => simulate(guard(durationAlarm('p50', 100)), traffic(1, 0), options({ runs: 10 })))
      .toThrow('guard simulator: an alarm reads Duration, and the traffic has no latency');
    const warmOld = { ...OLD, warmUp: { initMillis: 1, firstFactor: 2, decay: 0.5 } };
    expect(() => simulate(guard(durationAlarm('p50', 100)), { ...traffic(1, 0), latency: { oldVersion: warmOld, newVersion: OLD } }, options({ runs: 10 })))
      .toThrow('guard simulator: the old version is warm: warmUp applies to the new version only');
    const allAtOnce: GuardModel = { alarms: [errorsAlarm()], schedule: [{ atMinute: 0, percent: 100 }] };
    expect(() => simulateGuards([guard(errorsAlarm()), allAtOnce], traffic(1, 0), options({ runs: 10 })))
      .toThrow('guard simulator: guards simulated together must share their traffic shift');
  });
});
