/**
 * The guard simulator's latency section (issue #26): how often each latency guard rolls back a
 * healthy release (with and without the warm-up of the new version's environments) and stops a
 * slower one, at 0.1 to 1,000 requests/s, against the statistical limit; whether
 * `HealthCheck.lambdaLatencyRegression()` meets the goal; the sensitivity of its defaults to what
 * the model assumes; and what adding it to the default guard would cost the error guard.
 */
import { PercentileEstimator } from './cloudwatch-statistics';
import { LatencyTraffic, sigmaOf, VersionLatency, WarmUp } from './durations';
import { NamedGuard } from './guards';
import { LATENCY_REGRESSION, synthesizeLatencyGuards } from './latency-guards';
import { slowdownLimit } from './limit';
import { simulateGuards, SimulationOptions, SimulationResult, Traffic, WindowAlignment } from './simulate';

/** The issue's old version: lognormal, median 80 ms, p99 400 ms. */
export const OLD_DURATIONS = { medianMillis: 80, p99Millis: 400 };
/** A fresh environment's first invocation 3x as long, then 2x, 1.5x, 1.25x…; Init 300 ms (Node.js, Python). */
export const WARM_UP: WarmUp = { initMillis: 300, firstFactor: 3, decay: 0.5 };
/** 10x, then 8.2x, 6.8x…, about 20 invocations to come within 10% (a JIT-compiled runtime); Init 1 s. */
export const HEAVY_WARM_UP: WarmUp = { initMillis: 1000, firstFactor: 10, decay: 0.8 };

export const LATENCY_RATES = [0.1, 1, 3, 10, 30, 100, 1000];

interface LatencyScenario {
  readonly name: string;
  readonly newVersion: (old: VersionLatency) => VersionLatency;
  /** ln(slowdown) of a uniform slowdown, for the limit. */
  readonly logSlowdown?: number;
}

const HEALTHY: LatencyScenario = { name: 'healthy', newVersion: (old) => old };
const WARM: LatencyScenario = { name: 'warm-up', newVersion: (old) => ({ ...old, warmUp: WARM_UP }) };
const HEAVY: LatencyScenario = { name: 'heavy warm-up', newVersion: (old) => ({ ...old, warmUp: HEAVY_WARM_UP }) };
const slower = (factor: number): LatencyScenario => ({
  name: `x${factor}`, newVersion: (old) => ({ ...old, warmUp: WARM_UP, slowdown: factor }), logSlowdown: Math.log(factor),
});
const X12 = slower(1.2);
const X15 = slower(1.5);
const X2 = slower(2);
const TAIL: LatencyScenario = { name: 'tail 10% x3', newVersion: (old) => ({ ...old, warmUp: WARM_UP, tail: { share: 0.1, factor: 3 } }) };
const SCENARIOS = [HEALTHY, WARM, HEAVY, X12, X15, X2, TAIL];

/** What the model assumes, for the sensitivity check. */
interface LatencyModel {
  readonly name: string;
  readonly old: VersionLatency;
  readonly estimator: PercentileEstimator;
  readonly datapointDelayMinutes: number;
  readonly windows: WindowAlignment;
}

const PRIMARY: LatencyModel = {
  name: 'primary', old: { distribution: OLD_DURATIONS }, estimator: 'nearest-rank', datapointDelayMinutes: 1, windows: 'rolling',
};
const SENSITIVITY: LatencyModel[] = [
  { ...PRIMARY, name: 'percentiles interpolated (linear)', estimator: 'linear' },
  { ...PRIMARY, name: 'datapoints after 0 minutes', datapointDelayMinutes: 0 },
  { ...PRIMARY, name: 'datapoints after 2 minutes', datapointDelayMinutes: 2 },
  { ...PRIMARY, name: 'wider durations (median 80 ms, p99 1.6 s)', old: { distribution: { medianMillis: 80, p99Millis: 1600 } } },
  {
    ...PRIMARY,
    name: 'two modes (70% around 20 ms, 30% around 200 ms)',
    old: { distribution: { medianMillis: 20, p99Millis: 40 }, tail: { share: 0.3, factor: 10 } },
  },
];

const pct = (p: number): string => `${(p * 100).toFixed(1)}%`;

/** Prints the latency section; returns whether the check meets the goal and whether it may join the default guard. */
export function latencySection(print: (line?: string) => void, options: {
  readonly runs: number;
  readonly sensitivityRuns: number;
  /** The error guard's healthy cells, alone and with the latency check: [name, rate, baseline, alone, with]. */
  readonly errorGuardCost: () => Array<{ rps: number; baseline: number; alone: SimulationResult; withLatency: SimulationResult }>;
}): { meetsGoal: boolean; costsErrorGuard: boolean } {
  const started = Date.now();
  const guards = synthesizeLatencyGuards(OLD_DURATIONS);
  const cache = new Map<string, SimulationResult[]>();
  const cells = (model: LatencyModel, scenario: LatencyScenario, rps: number, subset: NamedGuard[], runs: number): SimulationResult[] => {
    const key = [model.name, scenario.name, rps, subset.map((g) => g.name).join('+'), runs].join('|');
    let results = cache.get(key);
    if (!results) {
      const latency: LatencyTraffic = { oldVersion: model.old, newVersion: scenario.newVersion(model.old) };
      const traffic: Traffic = {
        requestsPerSecond: rps, oldVersion: { errorRate: 0, throttleRate: 0 }, newVersion: { errorRate: 0, throttleRate: 0 }, latency,
      };
      const seed = 31 + LATENCY_RATES.indexOf(rps) * 97 + SCENARIOS.indexOf(scenario) * 7919;
      const simulation: SimulationOptions = {
        runs, seed, datapointDelayMinutes: model.datapointDelayMinutes, windows: model.windows, estimator: model.estimator,
      };
      results = simulateGuards(subset.map((g) => g.guard), traffic, simulation);
      cache.set(key, results);
    }
    return results;
  };
  const cell = (guard: NamedGuard, scenario: LatencyScenario, rps: number): SimulationResult =>
    cells(PRIMARY, scenario, rps, guards, options.runs)[guards.indexOf(guard)];
  const sigma = sigmaOf(OLD_DURATIONS);
  const stoppedWithLimit = (guard: NamedGuard, scenario: LatencyScenario, rps: number): string => {
    const r = cell(guard, scenario, rps);
    if (scenario.logSlowdown === undefined) {
      return pct(r.stopped);
    }
    const alpha = Math.max(cell(guard, WARM, rps).stopped, 1 / options.runs);
    return `${pct(r.stopped)} (${pct(slowdownLimit(r.visibleNewRequestCounts, sigma, scenario.logSlowdown, alpha))})`;
  };

  print();
  print('Latency (issue #26): each guard on the same runs, 10% canary for 5 minutes, '
    + `${options.runs} runs per cell; the old version's durations lognormal, median ${OLD_DURATIONS.medianMillis} ms, p99 ${OLD_DURATIONS.p99Millis} ms.`);
  print(`Warm-up of the new version's fresh environments (Duration excludes Init): invocation j takes 1 + ${WARM_UP.firstFactor - 1} x ${WARM_UP.decay}^(j-1) `
    + `times as long (3x, 2x, 1.5x…), Init ${WARM_UP.initMillis} ms; heavy: 1 + ${HEAVY_WARM_UP.firstFactor - 1} x ${HEAVY_WARM_UP.decay}^(j-1) `
    + `(10x, 8.2x, 6.8x…, about 20 invocations), Init ${HEAVY_WARM_UP.initMillis} ms. A request goes to the environment idle longest, or a new one.`);
  print('Bad releases: every invocation 1.2, 1.5 or 2 times as long, or 10% of them 3 times (the tail), each with the warm-up.');
  print('Percentiles by nearest rank (CloudWatch does not document its estimator; interpolation in the sensitivity check); durations on a 1% grid.');
  print('(x%) = the best test on the new version\'s durations visible before the shift that knows the old version\'s distribution, without warm-up,');
  print('at this guard\'s own false-rollback rate with the warm-up in the same traffic (at least 1/runs).');
  for (const guard of guards) {
    print();
    print(guard.name);
    for (const a of guard.guard.alarms) {
      print(`  ${a.logicalId}: ${[...a.metrics.values()].map((m) => `${m.series} ${m.metricName} ${m.statistic}`).join(', ')}`
        + `${a.expressions.length ? ` + ${a.expressions.length} expression(s)` : ''}, period ${a.periodMinutes} min, `
        + `${a.datapointsToAlarm} of ${a.evaluationPeriods}, ${a.comparison} ${Number(a.threshold.toFixed(4))}, missing data ${a.treatMissingData}`);
    }
    print('  req/s  rolled back: healthy  warm-up  heavy warm-up | stopped: x1.2              x1.5               x2       tail 10% x3');
    for (const rps of LATENCY_RATES) {
      print(`  ${String(rps).padStart(5)}  ${pct(cell(guard, HEALTHY, rps).stopped).padStart(20)} ${pct(cell(guard, WARM, rps).stopped).padStart(8)} `
        + `${pct(cell(guard, HEAVY, rps).stopped).padStart(14)} | ${stoppedWithLimit(guard, X12, rps).padStart(16)} ${stoppedWithLimit(guard, X15, rps).padStart(17)} `
        + `${stoppedWithLimit(guard, X2, rps).padStart(16)} ${pct(cell(guard, TAIL, rps).stopped).padStart(17)}`);
    }
  }

  // The goal, per guard: healthy (with and without warm-up) <= 1% at every rate, x1.5 >= 95% from 10 req/s.
  interface Worst { readonly scenario: LatencyScenario; readonly rps: number; readonly r: SimulationResult }
  type GoalResult = { falseRollbacks: Worst; detection: Worst; heavy: Worst; pass: boolean };
  const goal = (of: (scenario: LatencyScenario, rps: number) => SimulationResult): GoalResult => {
    const worst = (scenarios: LatencyScenario[], rates: number[], pick: 'max' | 'min'): Worst =>
      scenarios.flatMap((scenario) => rates.map((rps) => ({ scenario, rps, r: of(scenario, rps) })))
        .reduce((a, b) => ((pick === 'max' ? b.r.stopped > a.r.stopped : b.r.stopped < a.r.stopped) ? b : a));
    const falseRollbacks = worst([HEALTHY, WARM], LATENCY_RATES, 'max');
    const detection = worst([X15], LATENCY_RATES.filter((r) => r >= 10), 'min');
    return {
      falseRollbacks,
      detection,
      heavy: worst([HEAVY], LATENCY_RATES, 'max'),
      pass: falseRollbacks.r.stopped <= 0.01 && detection.r.stopped >= 0.95,
    };
  };
  const at = (w: Worst): string => `${pct(w.r.stopped)} ± ${pct(w.r.standardError)} at ${w.rps} req/s (${w.scenario.name})`;
  print();
  print('Goal (issue #26), primary model:');
  let meetsGoal = false;
  for (const guard of guards) {
    const result = goal((scenario, rps) => cell(guard, scenario, rps));
    if (guard.name === LATENCY_REGRESSION) {
      meetsGoal = result.pass;
    }
    const limit = slowdownLimit(result.detection.r.visibleNewRequestCounts, sigma, Math.log(1.5), 0.01);
    print(`${guard.name}: ${result.pass ? 'MEETS the goal' : 'does NOT meet the goal'}`);
    print(`  ${result.falseRollbacks.r.stopped <= 0.01 ? 'PASS' : 'FAIL'}  healthy rolled back <= 1% at 0.1-1,000 req/s, with and without warm-up: `
      + `worst ${at(result.falseRollbacks)}`);
    print(`  ${result.detection.r.stopped >= 0.95 ? 'PASS' : 'FAIL'}  bad (every request 1.5x as long) stopped >= 95% at >= 10 req/s: `
      + `worst ${at(result.detection)}; the best test at 1% false rollbacks gets ${pct(limit)} there`);
    print(`  (not in the goal) heavy warm-up rolled back: worst ${at(result.heavy)}`);
  }

  const check = guards.find((g) => g.name === LATENCY_REGRESSION)!;
  print();
  print(`Sensitivity of ${LATENCY_REGRESSION}: the goal under other assumptions, ${options.sensitivityRuns} runs per cell `
    + '(healthy, warm-up, heavy warm-up and x1.5 only); worst false rollbacks, worst detection, worst heavy warm-up');
  for (const model of SENSITIVITY) {
    const result = goal((scenario, rps) => cells(model, scenario, rps, [check], options.sensitivityRuns)[0]);
    const short = (w: Worst): string => `${pct(w.r.stopped)} at ${w.rps} req/s`;
    print(`  ${model.name.padEnd(50)} ${result.falseRollbacks.r.stopped <= 0.01 ? 'PASS' : 'FAIL'} ${result.detection.r.stopped >= 0.95 ? 'PASS' : 'FAIL'}  `
      + `(${short(result.falseRollbacks)}, ${short(result.detection)}, ${short(result.heavy)})`);
  }

  print();
  print(`The error guard with ${LATENCY_REGRESSION} added (the default if it joined it): healthy releases rolled back, `
    + 'both versions failing at the baseline, durations healthy with the warm-up, the same runs as the error table:');
  print('  req/s   baseline   lambdaErrorRate()   + lambdaLatencyRegression()   added');
  let costsErrorGuard = false;
  for (const { rps, baseline, alone, withLatency } of options.errorGuardCost()) {
    costsErrorGuard = costsErrorGuard || withLatency.stopped > alone.stopped;
    print(`  ${String(rps).padStart(5)}  ${`${(baseline * 100).toFixed(2)}%`.padStart(9)}  ${pct(alone.stopped).padStart(18)}  ${pct(withLatency.stopped).padStart(28)}  `
      + `${(((withLatency.stopped - alone.stopped) * 100).toFixed(2) + ' pt').padStart(7)}`);
  }
  print(`  (detection can only rise with a second alarm; ${costsErrorGuard
    ? 'the latency alarm adds false rollbacks to the error guard\'s cells'
    : 'the latency alarm adds no false rollback to the error guard\'s cells'})`);
  print(`latency section: ${Math.round((Date.now() - started) / 1000)} s`);
  return { meetsGoal, costsErrorGuard };
}
