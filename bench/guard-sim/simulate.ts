/**
 * Monte-Carlo replay of a Lambda deployment through CloudWatch's alarm semantics.
 *
 * The model, per run:
 * - Requests arrive as a Poisson process at `requestsPerSecond`; the alias sends each to the new
 *   version with the schedule's share (CodeDeploy's weighted alias routing), so both versions'
 *   arrivals are independent Poisson processes. Each request is throttled with its version's
 *   throttle rate, otherwise invoked, and an invocation fails with the version's error rate.
 *   (Lambda counts a throttled request in `Throttles` and not in `Invocations`:
 *   https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html)
 * - Lambda aggregates into 1-minute buckets on the clock; the deployment starts at a uniformly
 *   random instant of minute 0. A metric of a dimension set has a datapoint for a bucket only
 *   when that dimension set saw a request in it ("no datapoint for a minute without invocations").
 * - CloudWatch evaluates each alarm once a minute, on the clock minute. An evaluation at minute t
 *   sees buckets that ended at least `datapointDelayMinutes` before t. A period of P minutes
 *   sums the last P visible buckets (`rolling`: CloudWatch's default `SlidingWindow`, which
 *   "advances each time the alarm is evaluated", and what aws-cdk-lib synthesizes), or the last
 *   complete block of P clock-aligned minutes (`aligned`: the opt-in `WallClockWindow`), per
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation-window.html
 * - A datapoint is the returned expression at that window; it breaches by the alarm's comparison.
 *   Of the last `evaluationPeriods` datapoints, `datapointsToAlarm` breaching ones put the alarm in
 *   ALARM. A missing datapoint counts as TreatMissingData says: `notBreaching` good, `breaching`
 *   bad, `missing`/`ignore` not counted (with `ignore` keeping the previous state when all are
 *   missing). This is CloudWatch's documented intent, without its look-back for older datapoints
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html).
 * - CodeDeploy stops the deployment when any of its alarms is in ALARM at an evaluation before the
 *   final shift (the state is read at the shift itself).
 */
import { evaluate, Value } from './metric-math';
import { poisson, seededUniform, Uniform } from './random';
import { AlarmModel, GuardModel, LambdaMetricName, Series, ShiftStep } from './template-guard';

/** The failure rates of one version, as fractions: throttled requests, and failed invocations. */
export interface VersionRates {
  readonly errorRate: number;
  readonly throttleRate: number;
}

/** The traffic of one simulated deployment. */
export interface Traffic {
  readonly requestsPerSecond: number;
  readonly oldVersion: VersionRates;
  readonly newVersion: VersionRates;
}

export type WindowAlignment = 'rolling' | 'aligned';

export interface SimulationOptions {
  readonly runs: number;
  readonly seed: number;
  /** How long after a 1-minute bucket ends its datapoints reach the alarm. */
  readonly datapointDelayMinutes: number;
  readonly windows: WindowAlignment;
}

export const DEFAULT_SIMULATION: SimulationOptions = { runs: 2000, seed: 12, datapointDelayMinutes: 1, windows: 'rolling' };

export interface SimulationResult {
  /** Share of runs in which the deployment was stopped before the final shift. */
  readonly stopped: number;
  /** Binomial standard error of `stopped`. */
  readonly standardError: number;
  readonly runs: number;
  /** Mean number of new-version requests whose datapoints any evaluation before the final shift could see. */
  readonly visibleNewRequests: number;
  /** How many runs saw each number of new-version requests by the last evaluation before the final shift. */
  readonly visibleNewRequestCounts: ReadonlyMap<number, number>;
}

const METRICS: LambdaMetricName[] = ['Invocations', 'Errors', 'Throttles'];

/** Per series and metric, prefix sums over the run's buckets (index 0 = the first bucket). */
interface Counts {
  readonly first: number;
  readonly prefix: Record<Series, Record<LambdaMetricName | 'Requests', Float64Array>>;
}

/** Share of minute [m, m+1) that the new version receives, for a deployment starting at `start`. */
export function newShare(schedule: ShiftStep[], start: number, m: number): number {
  let share = 0;
  for (let i = 0; i < schedule.length; i++) {
    const from = start + schedule[i].atMinute;
    const to = i + 1 < schedule.length ? start + schedule[i + 1].atMinute : Infinity;
    const overlap = Math.max(0, Math.min(m + 1, to) - Math.max(m, from));
    share += overlap * schedule[i].percent / 100;
  }
  return share;
}

/** The minute (after the start) at which all traffic has moved. */
export function finalShiftMinute(schedule: ShiftStep[]): number {
  return schedule[schedule.length - 1].atMinute;
}

function drawCounts(random: Uniform, traffic: Traffic, schedule: ShiftStep[], start: number, first: number, last: number): Counts {
  const size = last - first + 1;
  const make = (): Record<LambdaMetricName | 'Requests', Float64Array> => ({
    Invocations: new Float64Array(size + 1),
    Errors: new Float64Array(size + 1),
    Throttles: new Float64Array(size + 1),
    Requests: new Float64Array(size + 1),
  });
  const prefix = { new: make(), alias: make() };
  const perMinute = traffic.requestsPerSecond * 60;
  for (let m = first; m <= last; m++) {
    const i = m - first;
    const share = newShare(schedule, start, m);
    const versions: Array<[number, VersionRates]> = [[perMinute * share, traffic.newVersion], [perMinute * (1 - share), traffic.oldVersion]];
    const counts = versions.map(([mean, rates]) => {
      const throttles = poisson(random, mean * rates.throttleRate);
      const errors = poisson(random, mean * (1 - rates.throttleRate) * rates.errorRate);
      const successes = poisson(random, mean * (1 - rates.throttleRate) * (1 - rates.errorRate));
      return { Throttles: throttles, Errors: errors, Invocations: errors + successes, Requests: throttles + errors + successes };
    });
    for (const name of [...METRICS, 'Requests'] as const) {
      prefix.new[name][i + 1] = prefix.new[name][i] + counts[0][name];
      prefix.alias[name][i + 1] = prefix.alias[name][i] + counts[0][name] + counts[1][name];
    }
  }
  return { first, prefix };
}

/** Sum over buckets [from, to) of a series' metric. */
function windowSum(counts: Counts, series: Series, name: LambdaMetricName | 'Requests', from: number, to: number): number {
  const p = counts.prefix[series][name];
  return p[to - counts.first] - p[from - counts.first];
}

/** The alarm's datapoint for buckets [from, to): the returned expression, or missing. */
function datapoint(alarm: AlarmModel, counts: Counts, from: number, to: number): Value {
  const values = new Map<string, Value>();
  for (const [id, metric] of alarm.metrics) {
    values.set(id, windowSum(counts, metric.series, 'Requests', from, to) > 0
      ? windowSum(counts, metric.series, metric.metricName, from, to) : undefined);
  }
  return alarmValue(alarm, values);
}

/**
 * The alarm's value from its metrics' values (missing: `undefined`), through its expressions.
 * When no metric has a datapoint there is no timestamp for FILL to fill, so no datapoint.
 */
export function alarmValue(alarm: AlarmModel<unknown>, metricValues: ReadonlyMap<string, Value>): Value {
  if ([...alarm.metrics.keys()].every((id) => metricValues.get(id) === undefined)) {
    return undefined;
  }
  const values = new Map(metricValues);
  for (const expression of alarm.expressions) {
    values.set(expression.id, evaluate(expression.node, (id) => values.get(id)));
  }
  return values.get(alarm.returnId);
}

function breaches(alarm: AlarmModel<unknown>, value: number): boolean {
  switch (alarm.comparison) {
    case 'GreaterThanOrEqualToThreshold': return value >= alarm.threshold;
    case 'GreaterThanThreshold': return value > alarm.threshold;
    case 'LessThanThreshold': return value < alarm.threshold;
    case 'LessThanOrEqualToThreshold': return value <= alarm.threshold;
  }
}

/** The alarm's state after an evaluation at clock minute `t`: true for ALARM. */
function evaluateAlarm(alarm: AlarmModel, counts: Counts, t: number, options: SimulationOptions, previous: boolean): boolean {
  return alarmState(alarm, (from, to) => datapoint(alarm, counts, from, to), t, options, previous);
}

/**
 * An alarm's state after an evaluation at clock minute `t` (true for ALARM), given its datapoint
 * for any window of 1-minute buckets [from, to): the evaluation windows, M of N and
 * TreatMissingData, for any kind of metric.
 */
export function alarmState(alarm: AlarmModel<unknown>, datapointOf: (from: number, to: number) => Value, t: number,
  options: Pick<SimulationOptions, 'datapointDelayMinutes' | 'windows'>, previous: boolean): boolean {
  const P = alarm.periodMinutes;
  const visibleEnd = t - options.datapointDelayMinutes;
  const end = options.windows === 'aligned' ? Math.floor(visibleEnd / P) * P : visibleEnd;
  let breaching = 0;
  let present = 0;
  for (let j = 0; j < alarm.evaluationPeriods; j++) {
    const value = datapointOf(end - (j + 1) * P, end - j * P);
    if (value === undefined) {
      if (alarm.treatMissingData === 'breaching') {
        breaching++;
      }
      if (alarm.treatMissingData === 'breaching' || alarm.treatMissingData === 'notBreaching') {
        present++;
      }
    } else {
      present++;
      if (breaches(alarm, value)) {
        breaching++;
      }
    }
  }
  if (present === 0) {
    return alarm.treatMissingData === 'ignore' ? previous : false;
  }
  return breaching >= alarm.datapointsToAlarm;
}

/** Replays `options.runs` deployments and counts those the guard stops before the final shift. */
export function simulate(guard: GuardModel, traffic: Traffic, options: SimulationOptions = DEFAULT_SIMULATION): SimulationResult {
  const random = seededUniform(options.seed);
  const final = finalShiftMinute(guard.schedule);
  const lookBack = Math.max(1, ...guard.alarms.map((a) => a.periodMinutes * (a.evaluationPeriods + 1))) + options.datapointDelayMinutes + 1;
  let stopped = 0;
  let visible = 0;
  const visibleCounts = new Map<number, number>();
  for (let run = 0; run < options.runs; run++) {
    const start = random();
    // Evaluations at clock minutes 0 .. the last one before the final shift (start + final).
    const lastEvaluation = Math.ceil(start + final) - 1;
    const counts = drawCounts(random, traffic, guard.schedule, start, -lookBack, Math.max(lastEvaluation, 0));
    const seen = windowSum(counts, 'new', 'Requests', -lookBack, Math.max(-lookBack, lastEvaluation - options.datapointDelayMinutes));
    visible += seen;
    visibleCounts.set(seen, (visibleCounts.get(seen) ?? 0) + 1);
    const states = guard.alarms.map(() => false);
    let stop = false;
    for (let t = 0; t <= lastEvaluation && !stop; t++) {
      for (let a = 0; a < guard.alarms.length; a++) {
        states[a] = evaluateAlarm(guard.alarms[a], counts, t, options, states[a]);
        stop = stop || states[a];
      }
    }
    if (stop) {
      stopped++;
    }
  }
  const p = stopped / options.runs;
  return {
    stopped: p,
    standardError: Math.sqrt(p * (1 - p) / options.runs),
    runs: options.runs,
    visibleNewRequests: visible / options.runs,
    visibleNewRequestCounts: visibleCounts,
  };
}
