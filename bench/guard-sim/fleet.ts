/**
 * The guard simulator for servers: an in-place deployment of an Application Load Balancer's fleet,
 * judged by the alarms a `ServerRollout` synthesizes on its target group.
 *
 * The model, per run:
 * - N instances behind one target group, all on the old revision. CodeDeploy updates them in
 *   batches, each batch taking `batchMinutes` (stop, install, start, validate); the batch size comes
 *   from the deployment config's minimum healthy hosts, read from the template. The deployment
 *   starts at a uniformly random instant of minute 0 and finishes when the last batch does.
 * - With traffic control (the rollout names the load balancer) an instance is deregistered while it
 *   is updated, so the load balancer spreads the fleet's traffic, N x the per-instance rate, over the
 *   instances in service. Requests are Poisson; an instance answers 5XX with its revision's rate.
 *   A bad revision is bad on every instance that has it: "one bad instance among N" is the first
 *   batch, and more follow until an alarm stops the deployment.
 * - The target group's metrics count every instance together: `RequestCount` and
 *   `HTTPCode_Target_5XX_Count` per 1-minute bucket, with no datapoint for a bucket in which the
 *   count is zero ("If there are no requests flowing through the load balancer or no data for a
 *   metric, the metric is not reported":
 *   https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html).
 *   One bad instance's errors are diluted by the others' successes.
 * - CloudWatch's side is the Lambda simulator's (`alarmState`): datapoint delay, sliding windows,
 *   M of N, TreatMissingData, the metric math. The deployment is stopped when an alarm is in ALARM
 *   at an evaluation before the last batch finishes.
 */
import { poisson, seededUniform } from './random';
import { alarmState, alarmValue, SimulationOptions } from './simulate';
import { AlarmModel, alarmModel } from './template-guard';

type Json = any;

/** The target-group metrics the fleet model produces. */
export type FleetMetricName = 'RequestCount' | 'HTTPCode_Target_5XX_Count';

export interface FleetMetric {
  readonly metricName: FleetMetricName;
}

/** CodeDeploy's minimum healthy hosts of a server deployment config. */
export interface MinimumHealthyHosts {
  /** `MOST_CONCURRENCY` is what CodeDeploy reports for `CodeDeployDefault.OneAtATime`. */
  readonly type: 'HOST_COUNT' | 'FLEET_PERCENT' | 'MOST_CONCURRENCY';
  readonly value: number;
}

/** What guards one server deployment group. */
export interface FleetGuard {
  readonly alarms: Array<AlarmModel<FleetMetric>>;
  readonly minimumHealthyHosts: MinimumHealthyHosts;
  /** The deployment config as the template names it, for the report. */
  readonly configName: string;
}

/** The guard of the only server deployment group of a template: its alarms and its deployment config. */
export function fleetGuardOf(template: Json): FleetGuard {
  const resources: Record<string, Json> = template.Resources ?? {};
  const groups = Object.values(resources).filter((r) => r.Type === 'AWS::CodeDeploy::DeploymentGroup');
  if (groups.length !== 1) {
    throw new Error(`fleet simulator: expected one deployment group, found ${groups.length}`);
  }
  const group = groups[0].Properties;
  if (group.DeploymentStyle?.DeploymentOption !== 'WITH_TRAFFIC_CONTROL') {
    throw new Error('fleet simulator: only in-place deployments with traffic control are modelled');
  }
  const alarmNames: Json[] = group.AlarmConfiguration?.Enabled ? group.AlarmConfiguration.Alarms ?? [] : [];
  const alarms = alarmNames.map((entry) => {
    const ref = entry.Name?.Ref;
    if (typeof ref !== 'string' || resources[ref]?.Type !== 'AWS::CloudWatch::Alarm') {
      throw new Error(`fleet simulator: alarm ${JSON.stringify(entry.Name)} is not an alarm of this template`);
    }
    return alarmModel(ref, resources[ref].Properties, targetGroupMetric);
  });
  const name = group.DeploymentConfigName;
  return { alarms, ...minimumHealthyHostsOf(name, resources) };
}

/** A target-group count metric of `AWS/ApplicationELB` (as `Sum`), or a refusal. */
function targetGroupMetric(alarm: string, metric: Json, statistic: string): FleetMetric {
  if (statistic !== 'Sum') {
    throw new Error(`fleet simulator: ${alarm}: statistic ${statistic} is not modelled (Sum only)`);
  }
  const names = new Set<string>((metric.Dimensions ?? []).map((d: Json) => d.Name));
  if (metric.Namespace !== 'AWS/ApplicationELB' || !['RequestCount', 'HTTPCode_Target_5XX_Count'].includes(metric.MetricName)
    || !names.has('TargetGroup') || names.has('AvailabilityZone')) {
    throw new Error(`fleet simulator: ${alarm}: metric ${metric.Namespace}/${metric.MetricName} over ${[...names].join(', ')} is not modelled`);
  }
  return { metricName: metric.MetricName };
}

/**
 * Minimum healthy hosts of a server deployment config: the predefined ones
 * (https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html) or a
 * `Ref` to an `AWS::CodeDeploy::DeploymentConfig` of the template.
 */
export function minimumHealthyHostsOf(configName: Json, resources: Record<string, Json> = {}): {
  minimumHealthyHosts: MinimumHealthyHosts;
  configName: string;
} {
  const predefined: Record<string, MinimumHealthyHosts> = {
    'CodeDeployDefault.OneAtATime': { type: 'MOST_CONCURRENCY', value: 1 },
    'CodeDeployDefault.HalfAtATime': { type: 'FLEET_PERCENT', value: 50 },
    'CodeDeployDefault.AllAtOnce': { type: 'HOST_COUNT', value: 0 },
  };
  if (typeof configName === 'string' && predefined[configName]) {
    return { minimumHealthyHosts: predefined[configName], configName };
  }
  const ref = typeof configName === 'object' ? configName?.Ref : undefined;
  const hosts = ref ? resources[ref]?.Properties?.MinimumHealthyHosts : undefined;
  if (hosts && ['HOST_COUNT', 'FLEET_PERCENT'].includes(hosts.Type)) {
    return { minimumHealthyHosts: { type: hosts.Type, value: hosts.Value }, configName: `${hosts.Type} ${hosts.Value}` };
  }
  throw new Error(`fleet simulator: deployment config ${JSON.stringify(configName)} is not a server minimum-healthy-hosts config`);
}

/**
 * The batches CodeDeploy deploys N instances in: one at a time for `OneAtATime`; otherwise as
 * many as the minimum allows, N minus the minimum, a percentage being rounded up to whole instances
 * ("FLEET_PERCENT of 40 [of nine] ... deploy to up to five instances at a time":
 * https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_MinimumHealthyHosts.html).
 * Empty when the minimum leaves no instance to take offline (CodeDeploy cannot deploy).
 */
export function batchSizes(hosts: MinimumHealthyHosts, instances: number): number[] {
  const minimum = hosts.type === 'MOST_CONCURRENCY' ? instances - 1
    : hosts.type === 'HOST_COUNT' ? hosts.value : Math.ceil(instances * hosts.value / 100 - 1e-9);
  const size = instances - minimum;
  if (size <= 0) {
    return [];
  }
  const batches: number[] = [];
  for (let left = instances; left > 0; left -= size) {
    batches.push(Math.min(size, left));
  }
  return batches;
}

/** One fleet and its traffic. */
export interface Fleet {
  readonly instances: number;
  /** Requests a second per instance (the fleet's total is N times this). */
  readonly requestsPerInstancePerSecond: number;
  /** The old revision's 5XX rate, per request. */
  readonly oldErrorRate: number;
  /** The new revision's 5XX rate on every instance that has it. */
  readonly newErrorRate: number;
  /** How long one batch takes, in minutes. */
  readonly batchMinutes: number;
}

/** At `minutesIn` minutes after the start: instances on the new revision and in service, on the old and in service. */
export function fleetState(batches: number[], batchMinutes: number, minutesIn: number): { updated: number; old: number } {
  const instances = batches.reduce((a, b) => a + b, 0);
  if (minutesIn < 0) {
    return { updated: 0, old: instances };
  }
  const current = Math.floor(minutesIn / batchMinutes);
  if (current >= batches.length) {
    return { updated: instances, old: 0 };
  }
  const updated = batches.slice(0, current).reduce((a, b) => a + b, 0);
  return { updated, old: instances - updated - batches[current] };
}

/**
 * The target group's 5XX rate at `minutesIn`: the in-service instances' rates, weighted by the
 * traffic each gets (an equal share); undefined when no instance is in service (the load balancer
 * answers itself, with no target response to count).
 */
export function targetGroupErrorRate(fleet: Fleet, batches: number[], minutesIn: number): number | undefined {
  const { updated, old } = fleetState(batches, fleet.batchMinutes, minutesIn);
  return updated + old === 0 ? undefined : (updated * fleet.newErrorRate + old * fleet.oldErrorRate) / (updated + old);
}

export interface FleetResult {
  /** Share of runs stopped before the last batch finished (0 when the config cannot deploy this fleet). */
  readonly stopped: number;
  readonly standardError: number;
  /** Mean share of the fleet updated or being updated when a stopped run was stopped. */
  readonly exposedWhenStopped: number;
  /** Minutes the deployment takes without a stop. */
  readonly durationMinutes: number;
  /** False when the deployment config cannot deploy this fleet (no instance may go offline). */
  readonly deployable: boolean;
}

/** Replays `options.runs` deployments of the fleet and counts those the guard stops before they finish. */
export function simulateFleet(guard: FleetGuard, fleet: Fleet, options: SimulationOptions): FleetResult {
  const batches = batchSizes(guard.minimumHealthyHosts, fleet.instances);
  const duration = batches.length * fleet.batchMinutes;
  if (batches.length === 0) {
    return { stopped: 0, standardError: 0, exposedWhenStopped: 0, durationMinutes: 0, deployable: false };
  }
  const random = seededUniform(options.seed);
  const lookBack = Math.max(1, ...guard.alarms.map((a) => a.periodMinutes * (a.evaluationPeriods + 1))) + options.datapointDelayMinutes + 1;
  const perMinute = fleet.instances * fleet.requestsPerInstancePerSecond * 60;
  let stopped = 0;
  let exposed = 0;
  for (let run = 0; run < options.runs; run++) {
    const start = random();
    const lastEvaluation = Math.ceil(start + duration) - 1;
    const first = -lookBack;
    const size = lastEvaluation - first + 1;
    const requests = new Float64Array(size + 1);
    const errors = new Float64Array(size + 1);
    for (let m = first; m <= lastEvaluation; m++) {
      // The minute split at batch boundaries (at most every batchMinutes >= 1): the error mean per piece.
      let errorMean = 0;
      let requestMean = 0;
      const cuts = [m, m + 1];
      for (let b = 0; b <= batches.length; b++) {
        const at = start + b * fleet.batchMinutes;
        if (at > m && at < m + 1) {
          cuts.splice(cuts.length - 1, 0, at);
        }
      }
      for (let c = 0; c + 1 < cuts.length; c++) {
        const rate = targetGroupErrorRate(fleet, batches, (cuts[c] + cuts[c + 1]) / 2 - start);
        if (rate !== undefined) {
          requestMean += perMinute * (cuts[c + 1] - cuts[c]);
          errorMean += perMinute * (cuts[c + 1] - cuts[c]) * rate;
        }
      }
      const e = poisson(random, errorMean);
      const ok = poisson(random, requestMean - errorMean);
      const i = m - first;
      requests[i + 1] = requests[i] + e + ok;
      errors[i + 1] = errors[i] + e;
    }
    const sum = (series: Float64Array, from: number, to: number): number => series[to - first] - series[from - first];
    const datapointOf = (alarm: AlarmModel<FleetMetric>) => (from: number, to: number) => {
      const values = new Map<string, number | undefined>();
      for (const [id, metric] of alarm.metrics) {
        const total = sum(metric.metricName === 'RequestCount' ? requests : errors, from, to);
        values.set(id, total > 0 ? total : undefined);
      }
      return alarmValue(alarm, values);
    };
    const states = guard.alarms.map(() => false);
    for (let t = 0; t <= lastEvaluation; t++) {
      let stop = false;
      for (let a = 0; a < guard.alarms.length; a++) {
        states[a] = alarmState(guard.alarms[a], datapointOf(guard.alarms[a]), t, options, states[a]);
        stop = stop || states[a];
      }
      if (stop) {
        stopped++;
        // Exposed: every instance no longer on the old revision in service (updated, or being updated).
        exposed += (fleet.instances - fleetState(batches, fleet.batchMinutes, t - start).old) / fleet.instances;
        break;
      }
    }
  }
  const p = stopped / options.runs;
  return {
    stopped: p,
    standardError: Math.sqrt(p * (1 - p) / options.runs),
    exposedWhenStopped: stopped > 0 ? exposed / stopped : 0,
    durationMinutes: duration,
    deployable: true,
  };
}
