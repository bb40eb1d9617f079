/**
 * One stack update, replayed: every changed function is updated and published, then its alias
 * starts a CodeDeploy deployment as soon as the aliases it waits for are done (CloudFormation's
 * DependsOn), and each actor makes its calls (calls.ts). Then, per quota, the busiest second and
 * the busiest minute against its limit, and how many calls a token bucket of the quota's rate
 * (holding one second of it) would refuse.
 */
import {
  ASSUMPTIONS, Call, DeploymentRun, functionUpdate, lambdaDeployment, publishVersion, RolloutWork, serverDeployment,
} from './calls';
import { Quota, QUOTAS } from './quotas';
import type { TemplateModel } from './stack';

/** What the template does not say. */
export interface ScenarioOptions {
  /** Versions each function has when AfterAllowTraffic runs, and how many of them pruning deletes. */
  readonly versions?: number;
  readonly versionsToPrune?: number;
  /** Instances of each server fleet (deployed one at a time). */
  readonly instances?: number;
  /** Seconds over which the aliases' starts spread (`ASSUMPTIONS.startSpread`). */
  readonly startSpread?: number;
}

export interface QuotaUse {
  readonly quota: Quota;
  /** Most calls in any one second (rates), or most in progress at once (concurrency). */
  readonly peak: number;
  /** Calls per second over the busiest minute. */
  readonly sustained: number;
  /** Calls a token bucket of the quota's rate, full at one second's worth, would refuse. */
  readonly refused: number;
  /** The longest stretch (seconds) from a refused call to the last one refused after it without a full second between. */
  readonly longestRefusal: number;
}

export interface SimulationResult {
  readonly calls: Call[];
  readonly deployments: DeploymentRun[];
  /** Seconds from the start of the stack update to the last alias or fleet done. */
  readonly seconds: number;
  readonly uses: QuotaUse[];
}

/** The golden ratio's fractional part: i * GOLDEN mod 1 spreads any number of points evenly over [0, 1). */
const GOLDEN = (Math.sqrt(5) - 1) / 2;

export function simulate(model: TemplateModel, options: ScenarioOptions = {}): SimulationResult {
  const calls: Call[] = [];
  const spread = options.startSpread ?? ASSUMPTIONS.startSpread;
  const n = model.rollouts.length;
  // The functions finish updating in no particular order: spread over `spread` seconds by a
  // low-discrepancy sequence (the golden ratio's), unrelated to the order the rollouts were created in.
  const versionOf = new Map(model.rollouts.map((r) => [r.version, r]));
  const updated = new Map([...versionOf.values()].map((r, i) => [r.version, functionUpdate(calls, r.id, n > 1 ? spread * ((i * GOLDEN) % 1) : 0)]));
  const published = new Map<string, number>();
  const publish = (version: string, path: string[] = []): number => {
    const done = published.get(version);
    if (done !== undefined) return done;
    if (path.includes(version)) throw new Error(`deploy model: versions wait for each other in a cycle through ${version}`);
    const rollout = versionOf.get(version)!;
    const start = Math.max(updated.get(version)!, ...rollout.versionAfter.map((dep) => publish(dep, [...path, version])));
    const end = publishVersion(calls, rollout.id, start);
    published.set(version, end);
    return end;
  };
  const runs = new Map<string, DeploymentRun>();
  const byId = new Map(model.rollouts.map((r) => [r.id, r]));
  const run = (id: string, path: string[] = []): DeploymentRun => {
    const done = runs.get(id);
    if (done) return done;
    if (path.includes(id)) throw new Error(`deploy model: aliases wait for each other in a cycle through ${id}`);
    const rollout = byId.get(id)!;
    const start = Math.max(publish(rollout.version), ...rollout.after.map((dep) => run(dep, [...path, id]).completed));
    const work: RolloutWork = {
      ...rollout,
      versions: options.versions ?? 2,
      versionsToPrune: options.versionsToPrune ?? 0,
    };
    const result = lambdaDeployment(calls, work, start);
    runs.set(id, result);
    return result;
  };
  const deployments = model.rollouts.map((r) => run(r.id));
  for (const fleet of model.fleets) {
    deployments.push(serverDeployment(calls, fleet.id, options.instances ?? 10, fleet.alarms, 0));
  }
  calls.sort((a, b) => a.t - b.t);
  const seconds = Math.max(0, ...deployments.map((d) => d.completed));
  return { calls, deployments, seconds, uses: QUOTAS.map((quota) => quotaUse(quota, calls, deployments)) };
}

function quotaUse(quota: Quota, calls: Call[], deployments: DeploymentRun[]): QuotaUse {
  if (quota.kind === 'concurrency') {
    const peak = mostAtOnce(deployments);
    return { quota, peak, sustained: peak, refused: 0, longestRefusal: 0 };
  }
  const times = calls.filter(quota.counts!).map((c) => c.t);
  const refusal = quota.limit === undefined ? { refused: 0, longest: 0 } : refusals(times, quota.limit);
  return {
    quota,
    peak: mostWithin(times, 1),
    sustained: mostWithin(times, 60) / 60,
    refused: refusal.refused,
    longestRefusal: refusal.longest,
  };
}

/** The most of the sorted `times` in any window [t, t + seconds). */
export function mostWithin(times: number[], seconds: number): number {
  let most = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last] - times[first] >= seconds - 1e-9) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** Deployments in progress at once, at most. */
export function mostAtOnce(runs: Array<{ start: number; end: number }>): number {
  const events = runs.flatMap((r) => [[r.start, 1], [r.end, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, delta] of events) {
    now += delta;
    most = Math.max(most, now);
  }
  return most;
}

/**
 * A token bucket of `rate` tokens a second holding at most one second's worth (AWS publishes no
 * burst size for these quotas): how many of the sorted `times` it refuses, and the longest
 * stretch of refusals (refusals less than a second apart belong to one stretch).
 */
export function refusals(times: number[], rate: number): { refused: number; longest: number } {
  let tokens = rate;
  let last = times[0] ?? 0;
  let refused = 0;
  let longest = 0;
  let stretchStart: number | undefined;
  let lastRefusal = -Infinity;
  for (const t of times) {
    tokens = Math.min(rate, tokens + (t - last) * rate);
    last = t;
    if (tokens >= 1) {
      tokens -= 1;
      continue;
    }
    refused++;
    if (stretchStart === undefined || t - lastRefusal >= 1) stretchStart = t;
    lastRefusal = t;
    longest = Math.max(longest, t - stretchStart);
  }
  return { refused, longest };
}
