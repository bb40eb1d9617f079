/**
 * The guard simulator's bench: how often each guard rolls back a HEALTHY release and stops a BAD
 * one before all traffic has moved, across traffic levels and baseline error rates, against the
 * statistical limit, and whether the goal of issue #12 is met; the same for latency guards
 * (`guard-sim/latency-report.ts`, issue #26) and for servers (`guard-sim/fleet.ts`).
 *
 * Every guard is a real stack (`guard-sim/guards.ts`), synthesized and read back from its
 * template: the alarms its deployment group names and the traffic shift of its deployment config.
 * The model is described in `guard-sim/simulate.ts`; its main assumptions are printed.
 *
 * Run: npx projen bench:guard   (GUARD_RUNS=<n> Monte-Carlo runs per cell, default 3000; LATENCY_RUNS, default GUARD_RUNS;
 *      LATENCY_SENSITIVITY_RUNS, default 1000)
 * Writes bench/results/guard-sim.txt (this output) and bench/results/guard-sim.svg (the chart).
 */
import { mkdirSync, writeFileSync } from 'fs';
import { cpus, loadavg } from 'os';
import { join } from 'path';
import { ChartPoint, renderChart } from './guard-sim/chart';
import { batchSizes, FleetResult, simulateFleet } from './guard-sim/fleet';
import { NamedFleetGuard, synthesizeFleetGuards } from './guard-sim/fleet-guards';
import { ERROR_RATE, FORMER_DEFAULT, LIBRARY_DEFAULT, NamedGuard, SAM_ANCHOR, synthesizeGuards, WITH_LATENCY } from './guard-sim/guards';
import { latencySection, OLD_DURATIONS, WARM_UP } from './guard-sim/latency-report';
import { jointLimit, limitDetection } from './guard-sim/limit';
import { simulate, SimulationOptions, SimulationResult, Traffic, VersionRates, WindowAlignment } from './guard-sim/simulate';

const RUNS = Math.max(200, Math.floor(Number(process.env.GUARD_RUNS ?? 3000)) || 3000);
const RATES = [0.1, 1, 10, 100, 1000];
const BASELINES = [0, 0.0001, 0.001, 0.01];
/** The model the tables and the goal use; the others are a sensitivity check. */
const PRIMARY = { datapointDelayMinutes: 1, windows: 'rolling' as WindowAlignment };
const SENSITIVITY = [0, 1, 2].flatMap((delay) => (['rolling', 'aligned'] as WindowAlignment[]).map((windows) => ({ datapointDelayMinutes: delay, windows })));
const RESULTS = join(__dirname, 'results');
/** Runs per cell for the goal's 1 request/s cells of the default, where it sits at both edges of the goal. */
const EDGE_RUNS = Math.max(RUNS, Math.floor(Number(process.env.GUARD_EDGE_RUNS ?? 20000)) || 20000);
/** Servers: Monte-Carlo runs per fleet cell, fleet sizes, requests/s per instance, minutes per batch. */
const FLEET_RUNS = Math.max(200, Math.floor(Number(process.env.FLEET_RUNS ?? 1000)) || 1000);
const FLEET_SIZES = [2, 4, 10, 50];
const INSTANCE_RATES = [0.1, 1, 10, 100];
const BATCH_MINUTES = Math.max(1, Math.floor(Number(process.env.FLEET_BATCH_MINUTES ?? 3)) || 3);
/** Latency: Monte-Carlo runs per cell, and per cell of its sensitivity check. */
const LATENCY_RUNS = Math.max(200, Math.floor(Number(process.env.LATENCY_RUNS ?? RUNS)) || RUNS);
const LATENCY_SENSITIVITY_RUNS = Math.max(200, Math.floor(Number(process.env.LATENCY_SENSITIVITY_RUNS ?? 1000)) || 1000);

interface Scenario {
  readonly name: string;
  readonly newVersion: (baseline: number) => VersionRates;
  /** The new version's failure rate (errors and throttles, per request), for the limit. */
  readonly failureRate: (baseline: number) => number;
}
const HEALTHY: Scenario = { name: 'healthy', newVersion: (b) => ({ errorRate: b, throttleRate: 0 }), failureRate: (b) => b };
const ERRORS_5: Scenario = { name: 'errors 5%', newVersion: () => ({ errorRate: 0.05, throttleRate: 0 }), failureRate: () => 0.05 };
const ERRORS_20: Scenario = { name: 'errors 20%', newVersion: () => ({ errorRate: 0.2, throttleRate: 0 }), failureRate: () => 0.2 };
const THROTTLES_5: Scenario = {
  name: 'throttles 5%', newVersion: (b) => ({ errorRate: b, throttleRate: 0.05 }), failureRate: (b) => 0.05 + 0.95 * b,
};

const lines: string[] = [];
const print = (line = ''): void => {
  lines.push(line);
  console.log(line);
};
const pct = (p: number): string => `${(p * 100).toFixed(1)}%`;

/** Results by guard, model, scenario, traffic and baseline; the same seed per cell for every guard (common random numbers). */
const cache = new Map<string, SimulationResult>();
function cell(guard: NamedGuard, model: typeof PRIMARY, scenario: Scenario, rps: number, baseline: number): SimulationResult {
  const key = [guard.name, model.datapointDelayMinutes, model.windows, scenario.name, rps, baseline].join('|');
  let result = cache.get(key);
  if (!result) {
    // Durations (healthy, with the warm-up) for the guards that read Duration; the count guards ignore them.
    const traffic: Traffic = {
      requestsPerSecond: rps,
      oldVersion: { errorRate: baseline, throttleRate: 0 },
      newVersion: scenario.newVersion(baseline),
      latency: { oldVersion: { distribution: OLD_DURATIONS }, newVersion: { distribution: OLD_DURATIONS, warmUp: WARM_UP } },
    };
    const scenarioIndex = [HEALTHY, ERRORS_5, ERRORS_20, THROTTLES_5].indexOf(scenario);
    const seed = 1 + RATES.indexOf(rps) * 97 + BASELINES.indexOf(baseline) * 13 + scenarioIndex * 7919;
    const options: SimulationOptions = { runs: RUNS, seed, ...model };
    result = simulate(guard.guard, traffic, options);
    cache.set(key, result);
  }
  return result;
}

/** Detection with its limit: the best test at the guard's own false-alarm rate (at least 1/runs) in the matching healthy cell. */
function detectionWithLimit(guard: NamedGuard, scenario: Scenario, rps: number, baseline: number): string {
  const detected = cell(guard, PRIMARY, scenario, rps, baseline);
  const alpha = Math.max(cell(guard, PRIMARY, HEALTHY, rps, baseline).stopped, 1 / RUNS);
  const limit = limitDetection(detected.visibleNewRequests, baseline, scenario.failureRate(baseline), alpha);
  return `${pct(detected.stopped)} (${pct(limit)})`;
}

interface GoalResult {
  readonly text: string;
  readonly pass: boolean;
  /** False when no test can meet the criterion (the statistical limit falls short). */
  readonly reachable: boolean;
}

/** The goal of issue #12, criterion by criterion, with the worst cell of each. */
function goal(guard: NamedGuard, model: typeof PRIMARY): GoalResult[] {
  const goalBaselines = [0, 0.0001, 0.001];
  const worst = (scenario: Scenario, rates: number[], pick: 'max' | 'min'): { r: SimulationResult; rps: number; baseline: number } => {
    const cells = rates.flatMap((rps) => goalBaselines.map((baseline) => ({ r: cell(guard, model, scenario, rps, baseline), rps, baseline })));
    return cells.reduce((a, b) => ((pick === 'max' ? b.r.stopped > a.r.stopped : b.r.stopped < a.r.stopped) ? b : a));
  };
  // The criterion holds for every baseline in its range, so it is out of reach when the best test
  // falls short at any one of them (at the goal's own budget of 1% false rollbacks).
  // The limit is the joint one (limit.ts, jointLimit): the most powerful test on the new version's
  // requests and failures visible before the shift (their distribution measured in this cell),
  // which may spend the budget unevenly across request counts; the per-count test is printed beside it.
  const reach = (scenario: Scenario, rps: number, target: number): { text: string; reachable: boolean } => {
    const limits = goalBaselines.map((baseline) => {
      const r = cell(guard, model, scenario, rps, baseline);
      const joint = jointLimit(r.visibleNewRequestCounts, baseline, scenario.failureRate(baseline), 0.01);
      return {
        baseline,
        visible: r.visibleNewRequests,
        limit: joint.randomized,
        deterministic: joint.deterministic,
        countLimit: limitDetection(r.visibleNewRequests, baseline, scenario.failureRate(baseline), 0.01, false),
      };
    });
    const hardest = limits.reduce((a, b) => (b.limit < a.limit ? b : a));
    return {
      reachable: hardest.limit >= target,
      text: `${hardest.limit >= target ? 'reachable' : 'UNREACHABLE'}: at 1% false rollbacks the best test on the new version's requests and failures gets `
        + `${pct(hardest.limit)} (${pct(hardest.deterministic)} without randomizing), a fixed failure count ${pct(hardest.countLimit)}, `
        + `at baseline ${pct(hardest.baseline)} with the ${hardest.visible.toFixed(1)} requests they can see`,
    };
  };
  const f = worst(HEALTHY, [1, 10, 100, 1000], 'max');
  const d5 = worst(ERRORS_5, [10, 100, 1000], 'min');
  const d20 = worst(ERRORS_20, [1], 'min');
  const line = (ok: boolean, what: string, w: { r: SimulationResult; rps: number; baseline: number },
    limit: { text: string; reachable: boolean } = { text: '', reachable: true }): GoalResult => ({
    pass: ok,
    reachable: limit.reachable,
    text: `  ${ok ? 'PASS' : 'FAIL'}  ${what}: worst ${pct(w.r.stopped)} ± ${pct(w.r.standardError)} at ${w.rps} req/s, baseline ${pct(w.baseline)}`
      + `${limit.text ? `; ${limit.text}` : ''}`,
  });
  return [
    line(f.r.stopped <= 0.01, 'healthy rolled back <= 1% at 1-1,000 req/s, baseline 0-0.1%', f),
    line(d5.r.stopped >= 0.99, 'bad (new errors 5%) stopped >= 99% at >= 10 req/s, baseline 0-0.1%', d5, reach(ERRORS_5, d5.rps, 0.99)),
    line(d20.r.stopped >= 0.95, 'bad (new errors 20%) stopped >= 95% at 1 req/s, baseline 0-0.1%', d20, reach(ERRORS_20, d20.rps, 0.95)),
  ];
}

/** The worst share stopped of a scenario over the goal's baselines and the given rates (primary model). */
function goalWorst(guard: NamedGuard, scenario: Scenario, rates: number[], pick: 'max' | 'min'): number {
  const values = rates.flatMap((rps) => [0, 0.0001, 0.001].map((b) => cell(guard, PRIMARY, scenario, rps, b).stopped));
  return pick === 'max' ? Math.max(...values) : Math.min(...values);
}

function describeGuard(guard: NamedGuard): string {
  return guard.guard.alarms.map((a) => `${a.logicalId}: ${a.metrics.size} metric(s)${a.expressions.length ? ` + ${a.expressions.length} expression(s)` : ''}, `
    + `period ${a.periodMinutes} min, ${a.datapointsToAlarm} of ${a.evaluationPeriods}, ${a.comparison} ${a.threshold}, missing data ${a.treatMissingData}`).join('; ');
}

async function main(): Promise<void> {
  const started = Date.now();
  const synthesized = synthesizeGuards();
  // The error guard with the latency check is measured in its healthy cells only (the latency section).
  const guards = synthesized.filter((g) => g.name !== WITH_LATENCY);
  const withLatency = synthesized.find((g) => g.name === WITH_LATENCY)!;
  print(`Guard simulator: Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  print(`${RUNS} Monte-Carlo runs per cell (standard error at most ${pct(0.5 / Math.sqrt(RUNS))}, ${pct(Math.sqrt(0.01 * 0.99 / RUNS))} near 1% or 99%); `
    + 'the same random traffic for every guard in a cell.');
  print(`Deployment: ${guards[0].guard.schedule.map((s) => `${s.percent}% at minute ${s.atMinute}`).join(', ')} (read from the template); `
    + 'it starts at a random instant of a clock minute.');
  print('Model: Poisson requests, 1-minute buckets, no datapoint without a request, alarms evaluated each clock minute, datapoints seen '
    + `${PRIMARY.datapointDelayMinutes} minute after their bucket ends, multi-minute periods ${PRIMARY.windows} (CloudWatch's default sliding window; see the sensitivity check below).`);
  print('"Stopped" = some alarm of the deployment group is in ALARM at an evaluation before the final shift.');
  print('Cells: rolled back (healthy: both versions fail at the baseline) or stopped (bad: the new version fails as the column says);');
  print('(x%) = the statistical limit: the best any test can do with the new-version requests visible before the shift,');
  print('at this guard\'s own false-rollback rate in the same traffic (at least 1/runs).');

  for (const guard of guards) {
    print();
    print(`${guard.name}`);
    print(`  ${describeGuard(guard)}`);
    print('  req/s   rolled back: baseline 0   0.01%    0.1%      1%  | stopped: errors 5% @ 0.1%    errors 5% @ 1%   errors 20% @ 0.1%   throttles 5% @ 0.1%');
    for (const rps of RATES) {
      const healthy = BASELINES.map((b) => pct(cell(guard, PRIMARY, HEALTHY, rps, b).stopped).padStart(7));
      print(`  ${String(rps).padStart(6)}  ${healthy.join(' ')}  | `
        + `${detectionWithLimit(guard, ERRORS_5, rps, 0.001).padStart(24)} ${detectionWithLimit(guard, ERRORS_5, rps, 0.01).padStart(17)} `
        + `${detectionWithLimit(guard, ERRORS_20, rps, 0.001).padStart(19)} ${detectionWithLimit(guard, THROTTLES_5, rps, 0.001).padStart(21)}`);
    }
  }

  print();
  print('Goal (issue #12), primary model:');
  const verdicts = new Map<string, boolean>();
  for (const guard of guards) {
    const results = goal(guard, PRIMARY);
    verdicts.set(guard.name, results.every((r) => r.pass));
    const withinReach = results.every((r) => r.pass || !r.reachable);
    print(`${guard.name}: ${results.every((r) => r.pass) ? 'MEETS the goal'
      : `does NOT meet the goal${withinReach ? ' (it fails only criteria that no test can meet)' : ''}`}`);
    results.forEach((r) => print(r.text));
    if (guard.name === LIBRARY_DEFAULT) {
      print(`  (the 1 req/s cells decide the first and third criteria within their standard errors: measured again with ${EDGE_RUNS} runs below)`);
    }
  }

  print();
  print('Sensitivity: the goal under other datapoint delays, and with clock-aligned periods (CloudWatch\'s opt-in WallClockWindow, which the library does not set)');
  for (const guard of guards.filter((g) => g.name === LIBRARY_DEFAULT || g.name.startsWith('lambdaErrorRate'))) {
    for (const model of SENSITIVITY) {
      const results = goal(guard, model);
      print(`  ${guard.name.padEnd(34)} delay ${model.datapointDelayMinutes} min, ${model.windows.padEnd(7)}: `
        + results.map((r) => r.text.trim().split(':')[0].replace(/ \(.*/, '')).map((t) => t.slice(0, 4)).join(' ')
        + `  (worst: ${results.map((r) => /worst ([\d.]+%)/.exec(r.text)![1]).join(', ')})`);
    }
  }

  const third = goal(guards.find((g) => g.name === LIBRARY_DEFAULT)!, PRIMARY)[2];
  print();
  print(`Third criterion (bad, new errors 20%, stopped >= 95% at 1 req/s): ${third.reachable
    ? 'within the statistical limit of a test reading the datapoints visible before the shift'
    : 'BEYOND the statistical limit: no test reading the datapoints visible before the shift can meet it in this model'}; `
    + `the limit, ${/reachable: (.*)$/i.exec(third.text)?.[1] ?? ''}.`);
  print('(The limit looks once, at the last evaluation, and knows the old version\'s rate; an alarm looks every minute and does not, so it can only do worse.)');

  // At 1 req/s the default trades the first criterion against the third within a few tenths of a
  // point, less than 3,000 runs resolve: those cells again, with more runs and their own seeds.
  const defaultGuard = guards.find((g) => g.name === LIBRARY_DEFAULT)!;
  const edge = (scenario: Scenario, baseline: number): SimulationResult => simulate(defaultGuard.guard, {
    requestsPerSecond: 1, oldVersion: { errorRate: baseline, throttleRate: 0 }, newVersion: scenario.newVersion(baseline),
  }, { runs: EDGE_RUNS, seed: 900001 + BASELINES.indexOf(baseline) * 13 + (scenario === HEALTHY ? 0 : 7919), ...PRIMARY });
  const edgeBaselines = [0, 0.0001, 0.001];
  const edgeHealthy = edgeBaselines.map((b) => ({ b, r: edge(HEALTHY, b) }));
  const edgeBad = edgeBaselines.map((b) => ({ b, r: edge(ERRORS_20, b) }));
  const worstHealthy = edgeHealthy.reduce((a, c) => (c.r.stopped > a.r.stopped ? c : a));
  const worstBad = edgeBad.reduce((a, c) => (c.r.stopped < a.r.stopped ? c : a));
  const show = (xs: Array<{ b: number; r: SimulationResult }>): string => xs
    .map((x) => `baseline ${(x.b * 100).toFixed(2)}%: ${(x.r.stopped * 100).toFixed(2)}% ± ${(x.r.standardError * 100).toFixed(2)}`).join(', ');
  print();
  print(`The default at 1 req/s, ${EDGE_RUNS} runs per cell (GUARD_EDGE_RUNS), by baseline:`);
  print(`  ${worstHealthy.r.stopped <= 0.01 ? 'PASS' : 'FAIL'}  healthy rolled back <= 1%: ${show(edgeHealthy)}`);
  print(`  ${worstBad.r.stopped >= 0.95 ? 'PASS' : 'FAIL'}  bad (new errors 20%) stopped >= 95%: ${show(edgeBad)}`);
  const firstElsewhere = goalWorst(defaultGuard, HEALTHY, [10, 100, 1000], 'max');
  // The verdict: the second criterion as above, the first from 10 req/s up as above and at 1 req/s from these runs, the third from these runs.
  const edgeVerdict = goal(defaultGuard, PRIMARY)[1].pass && firstElsewhere <= 0.01 && worstHealthy.r.stopped <= 0.01 && worstBad.r.stopped >= 0.95;
  verdicts.set(LIBRARY_DEFAULT, edgeVerdict);
  print(`  with the other cells of the goal above, the default ${edgeVerdict ? 'MEETS' : 'does NOT meet'} the goal`);

  fleetSection(synthesizeFleetGuards());

  const errorRate = guards.find((g) => g.name === ERROR_RATE)!;
  const latency = latencySection(print, {
    runs: LATENCY_RUNS,
    sensitivityRuns: LATENCY_SENSITIVITY_RUNS,
    errorGuardCost: () => RATES.flatMap((rps) => BASELINES.map((baseline) => ({
      rps, baseline, alone: cell(errorRate, PRIMARY, HEALTHY, rps, baseline), withLatency: cell(withLatency, PRIMARY, HEALTHY, rps, baseline),
    }))),
  });

  print();
  print(`Default decision: the library default (HealthCheck.lambdaErrorRate()) ${verdicts.get(LIBRARY_DEFAULT) ? 'meets' : 'does not meet'} the goal; `
    + `the former default ${verdicts.get(FORMER_DEFAULT) ? 'meets it' : 'does not meet it'}. `
    + `HealthCheck.lambdaLatencyRegression() ${latency.meetsGoal ? 'meets' : 'does not meet'} the latency goal and `
    + `${latency.costsErrorGuard ? 'adds false rollbacks to the error guard\'s healthy cells: it stays opt-in'
      : 'adds no false rollback to the error guard\'s healthy cells'}${!latency.costsErrorGuard && latency.meetsGoal ? ': it may join the default' : ''}.`);

  // The chart: default vs the error-rate check vs the anchor, and the limit.
  const charted = guards.filter((g) => [LIBRARY_DEFAULT, FORMER_DEFAULT, SAM_ANCHOR].includes(g.name));
  const healthyPanel = 'healthy release rolled back (both versions fail 0.1%)';
  const badPanel = 'bad release stopped in time (new version fails 5%, old 0.1%)';
  const points: ChartPoint[] = charted.flatMap((g) => RATES.flatMap((rps) => [
    { guard: g.name, panel: healthyPanel, requestsPerSecond: rps, probability: cell(g, PRIMARY, HEALTHY, rps, 0.001).stopped },
    { guard: g.name, panel: badPanel, requestsPerSecond: rps, probability: cell(g, PRIMARY, ERRORS_5, rps, 0.001).stopped },
  ]));
  points.push(...RATES.map((rps) => ({
    guard: 'best possible test at 1% false rollbacks',
    panel: badPanel,
    requestsPerSecond: rps,
    probability: limitDetection(cell(errorRate, PRIMARY, ERRORS_5, rps, 0.001).visibleNewRequests, 0.001, 0.05, 0.01),
  })));
  const svg = await renderChart(points, `Guard simulator: 10% canary for 5 minutes, ${RUNS} runs per point (npx projen bench:guard)`, [healthyPanel, badPanel]);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'guard-sim.svg'), svg);
  print();
  print(`total bench time ${Math.round((Date.now() - started) / 1000)} s, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  print('wrote bench/results/guard-sim.txt and bench/results/guard-sim.svg');
  writeFileSync(join(RESULTS, 'guard-sim.txt'), lines.join('\n') + '\n');
}

/**
 * The least of the fleet a target-group signal can stop a bad revision at: the first batch serves
 * no traffic while it is updated, so its errors show during the second batch (exposed: both).
 */
function earliestExposure(g: NamedFleetGuard, n: number): number {
  const batches = batchSizes(g.guard.minimumHealthyHosts, n);
  return Math.min(1, ((batches[0] ?? 0) + (batches[1] ?? 0)) / n);
}

/** Servers: HealthCheck.targetGroup5xx() in a ServerRollout, through the fleet model (guard-sim/fleet.ts). */
function fleetSection(guards: NamedFleetGuard[]): void {
  print();
  print('Servers: HealthCheck.targetGroup5xx() (library defaults) of a ServerRollout with traffic control, per deployment config read from the template;');
  print(`N instances, one batch takes ${BATCH_MINUTES} minutes (FLEET_BATCH_MINUTES), the updating batch is out of service, traffic is spread over the others;`);
  print('the target group\'s RequestCount and HTTPCode_Target_5XX_Count count all instances together (no datapoint for a zero count), delay '
    + `${PRIMARY.datapointDelayMinutes} minute, sliding windows; ${FLEET_RUNS} runs per cell (FLEET_RUNS).`);
  print('"Stopped" = in ALARM at an evaluation before the last batch finishes; [x%] = the share of the fleet on the new revision (or being updated) when it was;');
  print('"earliest" = the least share any target-group signal can stop at (the first batch serves nothing while it is updated). An ALB\'s metrics have no');
  print('per-target dimension (LoadBalancer, TargetGroup, AvailabilityZone only), so the alarm cannot tell the new revision\'s errors from the old one\'s.');
  if (guards[0]) {
    const a = guards[0].guard.alarms[0];
    print(`  ${a.logicalId}: ${a.metrics.size} metric(s) + ${a.expressions.length} expression(s) (${a.expressions.map((e) => e.source).join('; ')}), `
      + `period ${a.periodMinutes} min, ${a.datapointsToAlarm} of ${a.evaluationPeriods}, ${a.comparison} ${a.threshold}, missing data ${a.treatMissingData}`);
  }
  const scenarios: Array<[string, number, number]> = [
    ['healthy 0.1%', 0.001, 0.001], ['healthy 1%', 0.01, 0.01], ['bad 5%', 0.001, 0.05], ['bad 20%', 0.001, 0.2], ['bad 100%', 0.001, 1],
  ];
  const results: Array<{ config: string; n: number; rate: number; scenario: string; r: FleetResult }> = [];
  for (const g of guards) {
    print();
    print(`${g.name} (${g.guard.configName})`);
    print('     N  req/s/inst  minutes earliest | rolled back: healthy 0.1%  healthy 1% | stopped: bad instances fail 5%          20%            100%   (old 0.1%)');
    for (const n of FLEET_SIZES) {
      for (const rate of INSTANCE_RATES) {
        const cells = scenarios.map(([name, p0, p1], k) => {
          const fleet = { instances: n, requestsPerInstancePerSecond: rate, oldErrorRate: p0, newErrorRate: p1, batchMinutes: BATCH_MINUTES };
          const seed = 1 + n * 31 + INSTANCE_RATES.indexOf(rate) * 7 + k * 7919;
          const r = simulateFleet(g.guard, fleet, { runs: FLEET_RUNS, seed, ...PRIMARY });
          results.push({ config: g.name, n, rate, scenario: name, r });
          return r;
        });
        if (!cells[0].deployable) {
          print(`  ${String(n).padStart(4)}  ${String(rate).padStart(10)}        -        - | cannot deploy: the minimum healthy hosts leave no instance to update`);
          continue;
        }
        const earliest = earliestExposure(g, n);
        const bad = (r: FleetResult): string => `${pct(r.stopped)} [${r.stopped > 0 ? pct(r.exposedWhenStopped) : '-'}]`;
        print(`  ${String(n).padStart(4)}  ${String(rate).padStart(10)}  ${String(cells[0].durationMinutes).padStart(7)} ${pct(earliest).padStart(8)} | `
          + `${pct(cells[0].stopped).padStart(25)} ${pct(cells[1].stopped).padStart(11)} | ${bad(cells[2]).padStart(33)} ${bad(cells[3]).padStart(14)} ${bad(cells[4]).padStart(15)}`);
      }
    }
  }
  // Where it is blind, from the cells above.
  const deployable = results.filter((x) => x.r.deployable);
  const where = (xs: typeof results): string => xs.map((x) => `${x.config} N=${x.n} ${x.rate}/s`).join(', ') || 'none';
  const falseRollbacks = deployable.filter((x) => x.scenario === 'healthy 0.1%' && x.r.stopped > 0.01);
  const missed5 = deployable.filter((x) => x.scenario === 'bad 5%' && x.r.stopped < 0.99);
  // Later than the earliest a target-group signal can stop it by more than one batch.
  const oneBatchLater = (x: typeof results[number]): number => {
    const g = guards.find((c) => c.name === x.config)!;
    return earliestExposure(g, x.n) + batchSizes(g.guard.minimumHealthyHosts, x.n)[0] / x.n + 1e-9;
  };
  const late20 = deployable.filter((x) => x.scenario === 'bad 20%' && x.r.stopped > 0 && x.r.exposedWhenStopped > oneBatchLater(x));
  print();
  print('Where targetGroup5xx() is blind (from the cells above):');
  print(`  healthy fleets (0.1% 5XX) rolled back more than 1%: ${falseRollbacks.length} cells: ${where(falseRollbacks)}`);
  print('    (a 5% rate of a quiet minute is a few 5XX: a count in disguise; with a 1% baseline: up to '
    + `${pct(Math.max(...deployable.filter((x) => x.scenario === 'healthy 1%').map((x) => x.r.stopped)))})`);
  print(`  instances failing 5% stopped less than 99% of the time: ${missed5.length} of ${deployable.length / scenarios.length} cells `
    + '(the diluted rate reaches the 5% threshold only when every instance in service has the new revision)');
  const latest = late20.reduce<typeof results[number] | undefined>((a, b) => (!a
    || b.r.exposedWhenStopped - earliestExposure(guards.find((g) => g.name === b.config)!, b.n)
    > a.r.exposedWhenStopped - earliestExposure(guards.find((g) => g.name === a.config)!, a.n) ? b : a), undefined);
  print(`  instances failing 20% stopped more than one batch after the earliest possible moment: ${late20.length} of ${deployable.length / scenarios.length} cells: `
    + `${where(late20)}${latest ? `; at worst ${latest.config} N=${latest.n} ${latest.rate}/s: ${pct(latest.r.exposedWhenStopped)} of the fleet exposed on average, `
      + `${pct(earliestExposure(guards.find((g) => g.name === latest.config)!, latest.n))} the earliest possible` : ''}`);
  print('    (one bad instance among N adds its rate / (N - batch) to the target group\'s: it takes 5% x (N - batch) / 20% bad instances to alarm)');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
