import { finalShiftMinute, newShare, simulate, SimulationOptions, Traffic } from '../../bench/guard-sim/simulate';
import { AlarmModel, GuardModel, MissingData, ShiftStep } from '../../bench/guard-sim/template-guard';

const CANARY: ShiftStep[] = [{ atMinute: 0, percent: 10 }, { atMinute: 5, percent: 100 }];

/** A plain alarm on the new version's Errors: at least 1 in a period. */
function errorsAlarm(periodMinutes = 1, treatMissingData: MissingData = 'notBreaching'): AlarmModel {
  return {
    logicalId: 'Errors',
    metrics: new Map([['m', { series: 'new' as const, metricName: 'Errors' as const }]]),
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
