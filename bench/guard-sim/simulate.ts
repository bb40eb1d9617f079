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
 * - Latency (`Traffic.latency`, needed when an alarm reads `Duration`): each invocation of the new
 *   version (the `Invocations` drawn above) arrives at a random instant of its minute, weighted by
 *   the new version's share, and gets its duration from `durations.ts` (its version's distribution,
 *   the warm-up of the environment that serves it). The old version's durations of a minute are a
 *   Poisson stream's, drawn on their own (the alias's `Duration` sample count and its `Invocations`
 *   are then two draws of the same law, not one). A `Duration` statistic of a window is computed
 *   from its samples as `cloudwatch-statistics.ts` says; a window without a sample has no datapoint.
 *   Durations use random numbers of their own, so the count metrics, and every count-only guard's
 *   result, are the same with or without them.
 */
import { parseStatistic, PercentileEstimator, Statistic, statisticOf, ValueCounts } from './cloudwatch-statistics';
import {
  addPoissonHistogram, BinProbabilities, binOf, binProbabilities, BinSampler, binValue, EnvironmentPool, GRID, LatencyTraffic,
} from './durations';
import { evaluate, Value } from './metric-math';
import { fastUniform, poisson, seededUniform, Uniform } from './random';
import { AlarmModel, GuardModel, LambdaMetricName, MetricModel, Series, ShiftStep } from './template-guard';

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
  /** What the invocations take; needed by guards that read `Duration`. */
  readonly latency?: LatencyTraffic;
}

export type WindowAlignment = 'rolling' | 'aligned';

export interface SimulationOptions {
  readonly runs: number;
  readonly seed: number;
  /** How long after a 1-minute bucket ends its datapoints reach the alarm. */
  readonly datapointDelayMinutes: number;
  readonly windows: WindowAlignment;
  /** How CloudWatch reads a percentile from a period's durations (it does not document it). */
  readonly estimator?: PercentileEstimator;
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

/** The stretches of minute [m, m+1) with a constant share of the new version: [from, to, share]. */
export function shareSegments(schedule: ShiftStep[], start: number, m: number): Array<[number, number, number]> {
  const segments: Array<[number, number, number]> = [];
  for (let i = 0; i < schedule.length; i++) {
    const from = Math.max(m, start + schedule[i].atMinute);
    const to = Math.min(m + 1, i + 1 < schedule.length ? start + schedule[i + 1].atMinute : Infinity);
    if (to > from) {
      segments.push([from, to, schedule[i].percent / 100]);
    }
  }
  return segments;
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
function datapoint(alarm: AlarmModel, counts: Counts, durations: RunDurations | undefined, from: number, to: number): Value {
  const values = new Map<string, Value>();
  for (const [id, metric] of alarm.metrics) {
    if (metric.metricName === 'Duration') {
      values.set(id, durations!.statistic(metric, from, to));
    } else {
      values.set(id, windowSum(counts, metric.series, 'Requests', from, to) > 0
        ? windowSum(counts, metric.series, metric.metricName, from, to) : undefined);
    }
  }
  return alarmValue(alarm, values);
}

/** Parsed statistics, by their CloudWatch name. */
const STATISTICS = new Map<string, Statistic>();
function statisticNamed(name: string): Statistic {
  let statistic = STATISTICS.get(name);
  if (!statistic) {
    statistic = parseStatistic(name);
    STATISTICS.set(name, statistic);
  }
  return statistic;
}

/** A window's durations as ascending bins with their counts. */
class WindowValues implements ValueCounts {
  public length = 0;
  private readonly bins: number[] = [];
  private readonly counts: number[] = [];

  constructor(histograms: Float64Array[], range: Array<[number, number]>) {
    let lo = GRID.bins;
    let hi = -1;
    for (const [l, h] of range) {
      lo = Math.min(lo, l);
      hi = Math.max(hi, h);
    }
    for (let b = lo; b <= hi; b++) {
      let c = 0;
      for (const histogram of histograms) {
        c += histogram[b];
      }
      if (c > 0) {
        this.bins.push(b);
        this.counts.push(c);
      }
    }
    this.length = this.bins.length;
  }

  public value(i: number): number {
    return binValue(this.bins[i]);
  }

  public count(i: number): number {
    return this.counts[i];
  }
}

/**
 * One run's durations, per 1-minute bucket: the new version's, drawn when the run starts (its
 * environments carry over from minute to minute), and the old version's, drawn the first time a
 * window needs them, each bucket from random numbers of its own (so they do not depend on the order
 * windows are read in).
 */
class RunDurations {
  private readonly newHistograms: Float64Array[] = [];
  private readonly newRange: Array<[number, number]> = [];
  private readonly oldHistograms = new Map<number, { histogram: Float64Array; range: [number, number] }>();
  private readonly windows = new Map<string, WindowValues>();
  private readonly statistics = new Map<string, Value>();

  constructor(private readonly context: {
    readonly traffic: Traffic;
    readonly latency: LatencyTraffic;
    readonly oldBins: BinProbabilities;
    readonly newSampler: BinSampler;
    readonly schedule: ShiftStep[];
    readonly start: number;
    readonly counts: Counts;
    readonly first: number;
    /** The last bucket any evaluation before the final shift can see (later ones, busier, are never drawn). */
    readonly last: number;
    /** The simulation's seed and this run's index: every random stream of the run derives from them. */
    readonly seed: number;
    readonly run: number;
    readonly estimator: PercentileEstimator;
    readonly pool: Float64Array[];
  }) {
    const { latency, schedule, start, counts, first, last } = context;
    const random = fastUniform(mixSeed(context.seed, context.run * 1000));
    const sampler = context.newSampler;
    // Without a warm-up every invocation is alike: no environments, no instants to draw.
    const environments = latency.newVersion.warmUp ? new EnvironmentPool(latency.newVersion.warmUp) : undefined;
    let instants = new Float64Array(64);
    for (let m = first; m <= last; m++) {
      const histogram = this.take();
      let lo = GRID.bins;
      let hi = -1;
      const invocations = windowSum(counts, 'new', 'Invocations', m, m + 1);
      if (invocations > 0 && environments) {
        // Arrival instants, in order: uniform over the minute weighted by the new version's share,
        // as the normalized partial sums of invocations + 1 exponential spacings.
        const segments = shareSegments(schedule, start, m);
        let mass = 0;
        for (let j = 0; j < segments.length; j++) {
          mass += (segments[j][1] - segments[j][0]) * segments[j][2];
        }
        if (instants.length < invocations + 1) {
          instants = new Float64Array(2 * invocations + 2);
        }
        let sum = 0;
        for (let k = 0; k <= invocations; k++) {
          sum -= Math.log(1 - random());
          instants[k] = sum;
        }
        let j = 0;
        let before = 0;
        for (let k = 0; k < invocations; k++) {
          let u = instants[k] / sum * mass - before;
          while (j < segments.length - 1 && u >= (segments[j][1] - segments[j][0]) * segments[j][2]) {
            const w = (segments[j][1] - segments[j][0]) * segments[j][2];
            before += w;
            u -= w;
            j++;
          }
          const bin = sampler.bin(random());
          const warm = binValue(bin);
          const millis = environments.serve((segments[j][0] + u / segments[j][2]) * 60, warm);
          const recorded = millis === warm ? bin : binOf(millis);
          histogram[recorded]++;
          lo = recorded < lo ? recorded : lo;
          hi = recorded > hi ? recorded : hi;
        }
      } else {
        for (let k = 0; k < invocations; k++) {
          const bin = sampler.bin(random());
          histogram[bin]++;
          lo = bin < lo ? bin : lo;
          hi = bin > hi ? bin : hi;
        }
      }
      this.newHistograms.push(histogram);
      this.newRange.push([lo, hi]);
    }
  }

  /** A statistic of a series' durations over buckets [from, to). */
  public statistic(metric: MetricModel, from: number, to: number): Value {
    const key = `${metric.series}|${metric.statistic}|${from}|${to}`;
    if (this.statistics.has(key)) {
      return this.statistics.get(key);
    }
    const value = statisticOf(statisticNamed(metric.statistic), this.window(metric.series, from, to), this.context.estimator);
    this.statistics.set(key, value);
    return value;
  }

  /** Returns the histograms to the pool for the next run. */
  public release(): void {
    for (const histogram of [...this.newHistograms, ...[...this.oldHistograms.values()].map((o) => o.histogram)]) {
      histogram.fill(0);
      this.context.pool.push(histogram);
    }
  }

  private take(): Float64Array {
    return this.context.pool.pop() ?? new Float64Array(GRID.bins);
  }

  private window(series: Series, from: number, to: number): WindowValues {
    const key = `${series}|${from}|${to}`;
    let values = this.windows.get(key);
    if (!values) {
      const histograms: Float64Array[] = [];
      const ranges: Array<[number, number]> = [];
      for (let m = Math.max(from, this.context.first); m < Math.min(to, this.context.last + 1); m++) {
        histograms.push(this.newHistograms[m - this.context.first]);
        ranges.push(this.newRange[m - this.context.first]);
        if (series === 'alias') {
          const old = this.old(m);
          histograms.push(old.histogram);
          ranges.push(old.range);
        }
      }
      values = new WindowValues(histograms, ranges);
      this.windows.set(key, values);
    }
    return values;
  }

  /** The old version's durations in bucket m: a Poisson stream of its invocations. */
  private old(m: number): { histogram: Float64Array; range: [number, number] } {
    let old = this.oldHistograms.get(m);
    if (!old) {
      const { traffic, schedule, start, oldBins, seed, run } = this.context;
      const histogram = this.take();
      const mean = traffic.requestsPerSecond * 60 * (1 - newShare(schedule, start, m)) * (1 - traffic.oldVersion.throttleRate);
      const random = fastUniform(mixSeed(seed, run * 1000 + 500 + m));
      const drawn = addPoissonHistogram(random, oldBins, mean, histogram);
      old = { histogram, range: drawn > 0 ? [oldBins.first, oldBins.last] : [GRID.bins, -1] };
      this.oldHistograms.set(m, old);
    }
    return old;
  }
}

/**
 * A seed for a sub-stream of random numbers, from a seed and an index (a multiplicative hash modulo
 * the prime 2^32 - 5; exact in doubles for the bench's seeds, below 3 million, and indexes).
 */
function mixSeed(seed: number, index: number): number {
  return (Math.abs(seed) * 2_654_435_761 + index * 40_503 + 12_345) % 4_294_967_291;
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
function evaluateAlarm(alarm: AlarmModel, counts: Counts, durations: RunDurations | undefined, t: number,
  options: SimulationOptions, previous: boolean): boolean {
  return alarmState(alarm, (from, to) => datapoint(alarm, counts, durations, from, to), t, options, previous);
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
  return simulateGuards([guard], traffic, options)[0];
}

/**
 * Replays `options.runs` deployments and, for each guard, counts those it stops before the final
 * shift: every guard sees the same runs (common random numbers). The guards must share one traffic
 * shift. A single guard gets the same result as `simulate` gives it.
 */
export function simulateGuards(guards: GuardModel[], traffic: Traffic, options: SimulationOptions = DEFAULT_SIMULATION): SimulationResult[] {
  const schedule = guards[0].schedule;
  if (guards.some((g) => JSON.stringify(g.schedule) !== JSON.stringify(schedule))) {
    throw new Error('guard simulator: guards simulated together must share their traffic shift');
  }
  const alarms = guards.flatMap((g) => g.alarms);
  const readsDurations = alarms.some((a) => [...a.metrics.values()].some((m) => m.metricName === 'Duration'));
  if (readsDurations && !traffic.latency) {
    throw new Error('guard simulator: an alarm reads Duration, and the traffic has no latency');
  }
  if (traffic.latency?.oldVersion.warmUp) {
    throw new Error('guard simulator: the old version is warm: warmUp applies to the new version only');
  }
  const oldBins = readsDurations ? binProbabilities(traffic.latency!.oldVersion) : undefined;
  const newSampler = readsDurations ? new BinSampler(binProbabilities(traffic.latency!.newVersion)) : undefined;
  const pool: Float64Array[] = [];
  const random = seededUniform(options.seed);
  const final = finalShiftMinute(schedule);
  const lookBack = Math.max(1, ...alarms.map((a) => a.periodMinutes * (a.evaluationPeriods + 1))) + options.datapointDelayMinutes + 1;
  const stopped = guards.map(() => 0);
  let visible = 0;
  const visibleCounts = new Map<number, number>();
  for (let run = 0; run < options.runs; run++) {
    const start = random();
    // Evaluations at clock minutes 0 .. the last one before the final shift (start + final).
    const lastEvaluation = Math.ceil(start + final) - 1;
    const last = Math.max(lastEvaluation, 0);
    const counts = drawCounts(random, traffic, schedule, start, -lookBack, last);
    const seen = windowSum(counts, 'new', 'Requests', -lookBack, Math.max(-lookBack, lastEvaluation - options.datapointDelayMinutes));
    visible += seen;
    visibleCounts.set(seen, (visibleCounts.get(seen) ?? 0) + 1);
    const durations = readsDurations ? new RunDurations({
      traffic,
      latency: traffic.latency!,
      oldBins: oldBins!,
      newSampler: newSampler!,
      schedule,
      start,
      counts,
      first: -lookBack,
      last: Math.max(-lookBack, lastEvaluation - options.datapointDelayMinutes),
      seed: options.seed,
      run,
      estimator: options.estimator ?? 'nearest-rank',
      pool,
    }) : undefined;
    guards.forEach((guard, g) => {
      const states = guard.alarms.map(() => false);
      let stop = false;
      for (let t = 0; t <= lastEvaluation && !stop; t++) {
        for (let a = 0; a < guard.alarms.length; a++) {
          states[a] = evaluateAlarm(guard.alarms[a], counts, durations, t, options, states[a]);
          stop = stop || states[a];
        }
      }
      if (stop) {
        stopped[g]++;
      }
    });
    durations?.release();
  }
  return stopped.map((count) => {
    const p = count / options.runs;
    return {
      stopped: p,
      standardError: Math.sqrt(p * (1 - p) / options.runs),
      runs: options.runs,
      visibleNewRequests: visible / options.runs,
      visibleNewRequestCounts: visibleCounts,
    };
  });
}
