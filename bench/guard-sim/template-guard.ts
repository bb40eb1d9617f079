/**
 * Reads what guards a Lambda deployment from a synthesized CloudFormation template: the alarms a
 * deployment group names in its `AlarmConfiguration`, each as metrics, metric-math expressions and
 * CloudWatch's evaluation settings, and the traffic-shift schedule of the group's deployment
 * config. Only what the template says is used, never the inputs of the construct that wrote it.
 */
import { parseStatistic } from './cloudwatch-statistics';
import { Node, parse, referencedIds } from './metric-math';

/** Whose traffic a metric counts: the new version (alias + `ExecutedVersion`), or all of the alias's. */
export type Series = 'new' | 'alias';

/** The Lambda count metrics the simulator produces (their statistic is `Sum`). */
export type LambdaMetricName = 'Invocations' | 'Errors' | 'Throttles';

export interface MetricModel {
  readonly series: Series;
  readonly metricName: LambdaMetricName | 'Duration';
  /** CloudWatch's statistic: `Sum` for the counts; for `Duration` any statistic `cloudwatch-statistics.ts` models. */
  readonly statistic: string;
}

export type Comparison = 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold' | 'LessThanOrEqualToThreshold';
export type MissingData = 'breaching' | 'notBreaching' | 'ignore' | 'missing';

/** One alarm as CloudWatch evaluates it; `M` is what the simulator needs of each metric. */
export interface AlarmModel<M = MetricModel> {
  readonly logicalId: string;
  /** Metric ids to metrics (a single-metric alarm has one, named `m`). */
  readonly metrics: ReadonlyMap<string, M>;
  /** Expressions in an order where each reads only metrics and earlier expressions. */
  readonly expressions: ReadonlyArray<{ readonly id: string; readonly node: Node; readonly source: string }>;
  /** The id whose value the alarm compares with its threshold. */
  readonly returnId: string;
  readonly periodMinutes: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly threshold: number;
  readonly comparison: Comparison;
  readonly treatMissingData: MissingData;
}

/** A step of the traffic shift: from `atMinute` after the deployment starts, the new version gets `percent`. */
export interface ShiftStep {
  readonly atMinute: number;
  readonly percent: number;
}

/** What guards one deployment group. */
export interface GuardModel {
  readonly alarms: AlarmModel[];
  /** The traffic shift, ending with the step to 100%. */
  readonly schedule: ShiftStep[];
}

type Json = any;

/** The guard of the only (or the named) Lambda deployment group of a template. */
export function guardOf(template: Json, deploymentGroupLogicalId?: string): GuardModel {
  const resources: Record<string, Json> = template.Resources ?? {};
  const groups = Object.entries(resources).filter(([id, r]) => r.Type === 'AWS::CodeDeploy::DeploymentGroup'
    && (deploymentGroupLogicalId === undefined || id === deploymentGroupLogicalId));
  if (groups.length !== 1) {
    throw new Error(`guard simulator: expected one deployment group, found ${groups.length}`);
  }
  const group = groups[0][1].Properties;
  const alarmNames: Json[] = group.AlarmConfiguration?.Enabled ? group.AlarmConfiguration.Alarms ?? [] : [];
  const alarms = alarmNames.map((entry) => {
    const ref = entry.Name?.Ref;
    if (typeof ref !== 'string' || resources[ref]?.Type !== 'AWS::CloudWatch::Alarm') {
      throw new Error(`guard simulator: alarm ${JSON.stringify(entry.Name)} is not an alarm of this template`);
    }
    return alarmModel(ref, resources[ref].Properties);
  });
  return { alarms, schedule: scheduleOf(group.DeploymentConfigName, resources) };
}

/**
 * Reads one metric of an alarm (a `MetricStat.Metric`, or the alarm's own properties) with its
 * statistic (`Sum`, `p99`, `TC(250:)`…), or refuses it.
 */
export type MetricReader<M> = (alarm: string, metric: Json, statistic: string) => M;

/** One `AWS::CloudWatch::Alarm`'s properties as the simulator evaluates them (Lambda metrics unless `readMetric` says otherwise). */
export function alarmModel<M = MetricModel>(logicalId: string, props: Json,
  readMetric: MetricReader<M> = metricModel as unknown as MetricReader<M>): AlarmModel<M> {
  const metrics = new Map<string, M>();
  const expressions: Array<{ id: string; node: Node; source: string }> = [];
  let returnId: string;
  let period: number;
  if (props.Metrics) {
    const periods = new Set<number>();
    const returned: string[] = [];
    for (const query of props.Metrics as Json[]) {
      if (query.ReturnData !== false) {
        returned.push(query.Id);
      }
      if (query.MetricStat) {
        periods.add(query.MetricStat.Period);
        metrics.set(query.Id, readMetric(`${logicalId}.${query.Id}`, query.MetricStat.Metric, query.MetricStat.Stat));
      } else {
        expressions.push({ id: query.Id, node: parse(query.Expression), source: query.Expression });
      }
    }
    if (returned.length !== 1 || periods.size !== 1) {
      throw new Error(`guard simulator: ${logicalId}: expected one returned query and one period, got ${returned.length} and ${periods.size}`);
    }
    returnId = returned[0];
    period = [...periods][0];
  } else {
    metrics.set('m', readMetric(logicalId, props, props.Statistic ?? props.ExtendedStatistic));
    returnId = 'm';
    period = props.Period;
  }
  if (period % 60 !== 0) {
    throw new Error(`guard simulator: ${logicalId}: period ${period} s is not whole minutes`);
  }
  const evaluationPeriods = props.EvaluationPeriods;
  return {
    logicalId,
    metrics,
    expressions: dependencyOrder(logicalId, expressions, metrics),
    returnId,
    periodMinutes: period / 60,
    evaluationPeriods,
    datapointsToAlarm: props.DatapointsToAlarm ?? evaluationPeriods,
    threshold: props.Threshold,
    comparison: props.ComparisonOperator,
    // CloudWatch's default: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudwatch-alarm.html (TreatMissingData)
    treatMissingData: props.TreatMissingData ?? 'missing',
  };
}

/**
 * Which traffic a Lambda metric counts, from its dimensions: `ExecutedVersion` (with the alias's
 * `Resource`) is the version being deployed; `Resource` = `<function>:<alias>` alone, or
 * `FunctionName` alone, is every request of the alias (the simulator sends all traffic through it).
 * The counts are read as `Sum`; `Duration` with any statistic the simulator computes.
 */
function metricModel(alarm: string, metric: Json, statistic: string): MetricModel {
  if (metric.Namespace !== 'AWS/Lambda' || !['Invocations', 'Errors', 'Throttles', 'Duration'].includes(metric.MetricName)) {
    throw new Error(`guard simulator: ${alarm}: metric ${metric.Namespace}/${metric.MetricName} is not modelled`);
  }
  if (metric.MetricName === 'Duration') {
    parseStatistic(statistic);
  } else if (statistic !== 'Sum') {
    throw new Error(`guard simulator: ${alarm}: statistic ${statistic} of ${metric.MetricName} is not modelled (Sum only for counts)`);
  }
  const names = new Set<string>((metric.Dimensions ?? []).map((d: Json) => d.Name));
  if (!names.has('FunctionName')) {
    throw new Error(`guard simulator: ${alarm}: a Lambda metric without FunctionName is not modelled`);
  }
  if (names.has('ExecutedVersion')) {
    if (!names.has('Resource')) {
      throw new Error(`guard simulator: ${alarm}: ExecutedVersion without the alias's Resource is not modelled`);
    }
    return { series: 'new', metricName: metric.MetricName, statistic };
  }
  if (names.has('Resource')) {
    const resource = (metric.Dimensions as Json[]).find((d) => d.Name === 'Resource').Value;
    const parts: Json[] = resource?.['Fn::Join']?.[1] ?? [];
    const last = parts[parts.length - 1];
    if (typeof last !== 'string' || !/^:[A-Za-z0-9_-]*[A-Za-z_-][A-Za-z0-9_-]*$/.test(last)) {
      throw new Error(`guard simulator: ${alarm}: Resource ${JSON.stringify(resource)} is not an alias`);
    }
  }
  return { series: 'alias', metricName: metric.MetricName, statistic };
}

function dependencyOrder(alarm: string, expressions: Array<{ id: string; node: Node; source: string }>,
  metrics: ReadonlyMap<string, unknown>): Array<{ id: string; node: Node; source: string }> {
  const ordered: Array<{ id: string; node: Node; source: string }> = [];
  const known = new Set(metrics.keys());
  let pending = [...expressions];
  while (pending.length > 0) {
    const ready = pending.filter((e) => referencedIds(e.node).every((id) => known.has(id)));
    if (ready.length === 0) {
      throw new Error(`guard simulator: ${alarm}: expressions ${pending.map((e) => e.id).join(', ')} read unknown ids or a cycle`);
    }
    for (const e of ready) {
      ordered.push(e);
      known.add(e.id);
    }
    pending = pending.filter((e) => !ready.includes(e));
  }
  return ordered;
}

/**
 * The traffic shift of a Lambda deployment config: a predefined `CodeDeployDefault.Lambda*` name
 * (https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html) or a
 * `Ref` to an `AWS::CodeDeploy::DeploymentConfig` of the template.
 */
export function scheduleOf(configName: Json, resources: Record<string, Json> = {}): ShiftStep[] {
  if (typeof configName === 'string') {
    const canary = /^CodeDeployDefault\.LambdaCanary(\d+)Percent(\d+)Minutes$/.exec(configName);
    if (canary) {
      return canarySteps(Number(canary[1]), Number(canary[2]));
    }
    const linear = /^CodeDeployDefault\.LambdaLinear(\d+)PercentEvery(\d+)Minutes?$/.exec(configName);
    if (linear) {
      return linearSteps(Number(linear[1]), Number(linear[2]));
    }
    if (configName === 'CodeDeployDefault.LambdaAllAtOnce') {
      return [{ atMinute: 0, percent: 100 }];
    }
  }
  const config = typeof configName === 'object' ? resources[configName?.Ref]?.Properties : undefined;
  const routing = config?.TrafficRoutingConfig;
  if (routing?.Type === 'TimeBasedCanary') {
    return canarySteps(routing.TimeBasedCanary.CanaryPercentage, routing.TimeBasedCanary.CanaryInterval);
  }
  if (routing?.Type === 'TimeBasedLinear') {
    return linearSteps(routing.TimeBasedLinear.LinearPercentage, routing.TimeBasedLinear.LinearInterval);
  }
  if (routing?.Type === 'AllAtOnce') {
    return [{ atMinute: 0, percent: 100 }];
  }
  throw new Error(`guard simulator: deployment config ${JSON.stringify(configName)} is not a Lambda traffic shift`);
}

function canarySteps(percent: number, interval: number): ShiftStep[] {
  return [{ atMinute: 0, percent }, { atMinute: interval, percent: 100 }];
}

function linearSteps(percent: number, interval: number): ShiftStep[] {
  const steps: ShiftStep[] = [];
  for (let k = 0; k * percent < 100; k++) {
    steps.push({ atMinute: k * interval, percent: Math.min(100, (k + 1) * percent) });
  }
  return steps;
}
