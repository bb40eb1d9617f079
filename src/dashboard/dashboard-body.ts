/**
 * The body of a rollout dashboard, as CloudWatch documents it ("Dashboard Body Structure and
 * Syntax", https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html):
 * widgets on a grid 24 units wide, each `{ type, x, y, width, height, properties }`. A pure function
 * of what the panels name, so that tests check it against that structure and the docs' picture is
 * drawn from it (build-tools/render-dashboard.ts).
 *
 * A Lambda rollout's new version changes with every deployment, so its graphs use SEARCH
 * expressions over the alias's metrics by `ExecutedVersion` (every version that served the alias
 * gets its own line, without a dashboard update); a SEARCH expression is graphed, never alarmed on
 * ("CloudWatch search expression syntax", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/search-expression-syntax.html).
 */
import { DASHBOARD_GRID_WIDTH } from '../private/cloudwatch-limits';

/** A Lambda rollout's panel. */
export interface LambdaPanel {
  readonly title: string;
  readonly functionName: string;
  readonly aliasName: string;
  /** The error-rate alarm (the guard), when the rollout has one: its graph shows the z-score against the threshold. */
  readonly guardAlarmArn?: string;
  readonly alarmArns: string[];
}

/** A server rollout's panel. */
export interface ServerPanel {
  readonly title: string;
  /** Target groups (Application or Network Load Balancer) by name. */
  readonly targetGroups: string[];
  /** Classic Load Balancers by name. */
  readonly classicLoadBalancers: string[];
  readonly alarmArns: string[];
}

export interface DashboardBody {
  readonly start: string;
  readonly periodOverride: 'inherit';
  readonly widgets: Widget[];
}

export interface Widget {
  readonly type: 'metric' | 'text' | 'alarm';
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

/** One graph line or SEARCH: a metric-math entry of a metric widget's `metrics` array. */
function expression(id: string, text: string, label: string): [Record<string, unknown>] {
  return [{ id, expression: text, label, period: 60 }];
}

/** Lambda's metrics of the alias, one series per `ExecutedVersion`. */
function byVersion(panel: LambdaPanel, metricName: string, statistic: string): string {
  return `SEARCH('{AWS/Lambda,FunctionName,Resource,ExecutedVersion} MetricName="${metricName}" `
    + `FunctionName="${panel.functionName}" Resource="${panel.functionName}:${panel.aliasName}"', '${statistic}', 60)`;
}

/**
 * A load balancer metric of the target groups, ALB and NLB alike. Their metrics carry the target
 * group's full name (`targetgroup/<name>/<id>`), which the rollout does not know, so a quoted
 * phrase of the name matches it (a search term may match part of a dimension value).
 */
function byTargetGroup(namespace: string, metricName: string, statistic: string, name: string): string {
  return `SEARCH('{${namespace},LoadBalancer,TargetGroup} MetricName="${metricName}" "targetgroup/${name}/"', '${statistic}', 60)`;
}

/** The widgets, a block per rollout, top to bottom. */
export function dashboardBody(lambda: LambdaPanel[], server: ServerPanel[], region: string, start: string): DashboardBody {
  type Cell = { readonly width: number; readonly type: Widget['type']; readonly properties: Record<string, unknown> };
  const widgets: Widget[] = [];
  let y = 0;
  const row = (height: number, cells: Cell[]) => {
    let x = 0;
    for (const cell of cells) {
      widgets.push({ type: cell.type, x, y, width: cell.width, height, properties: cell.properties });
      x += cell.width;
    }
    y += height;
  };
  const graph = (title: string, metrics: unknown[], yLabel: string): Cell => ({
    width: 6,
    type: 'metric',
    properties: { title, region, view: 'timeSeries', stacked: false, period: 60, metrics, yAxis: { left: { min: 0, label: yLabel, showUnits: false } } },
  });
  const alarms = (title: string, arns: string[], width: number): Cell => ({
    width, type: 'alarm', properties: { title, alarms: arns, sortBy: 'stateUpdatedTimestamp' },
  });

  for (const panel of lambda) {
    row(1, [{ width: DASHBOARD_GRID_WIDTH, type: 'text', properties: { markdown: `## ${panel.title}\nLambda ${panel.functionName}:${panel.aliasName}, by version` } }]);
    row(6, [
      graph('Requests by version', [expression('requests', byVersion(panel, 'Invocations', 'Sum'), '')], 'requests/min'),
      graph('Errors by version', [expression('errors', byVersion(panel, 'Errors', 'Sum'), '')], 'errors/min'),
      graph('Duration p99 by version', [expression('duration', byVersion(panel, 'Duration', 'p99'), '')], 'ms'),
      panel.guardAlarmArn
        // An alarm's own graph: its metric math (the z-score) against its threshold.
        ? { width: 6, type: 'metric', properties: { title: 'Guard: z-score of new vs old failure rate', region, view: 'timeSeries', annotations: { alarms: [panel.guardAlarmArn] } } }
        : graph('Throttles by version', [expression('throttles', byVersion(panel, 'Throttles', 'Sum'), '')], 'throttles/min'),
    ]);
    if (panel.alarmArns.length > 0) row(2, [alarms('Alarms that stop a deployment', panel.alarmArns, DASHBOARD_GRID_WIDTH)]);
  }
  for (const panel of server) {
    row(1, [{ width: DASHBOARD_GRID_WIDTH, type: 'text', properties: { markdown: `## ${panel.title}\nServers, per target group` } }]);
    const healthy = [
      ...panel.targetGroups.flatMap((name, i) => [
        expression(`alb${i}`, byTargetGroup('AWS/ApplicationELB', 'HealthyHostCount', 'Minimum', name), `${name} `),
        expression(`nlb${i}`, byTargetGroup('AWS/NetworkELB', 'HealthyHostCount', 'Minimum', name), `${name} `),
      ]),
      ...panel.classicLoadBalancers.map((name, i) => expression(`elb${i}`,
        `SEARCH('{AWS/ELB,LoadBalancerName} MetricName="HealthyHostCount" LoadBalancerName="${name}"', 'Minimum', 60)`, `${name} `)),
    ];
    const errors = [
      ...panel.targetGroups.map((name, i) => expression(`alb${i}`, byTargetGroup('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'Sum', name), `${name} `)),
      ...panel.classicLoadBalancers.map((name, i) => expression(`elb${i}`,
        `SEARCH('{AWS/ELB,LoadBalancerName} MetricName="HTTPCode_Backend_5XX" LoadBalancerName="${name}"', 'Sum', 60)`, `${name} `)),
    ];
    const cells: Cell[] = [
      ...(healthy.length > 0 ? [{ ...graph('Healthy hosts', healthy, 'hosts'), width: 8 }] : []),
      ...(errors.length > 0 ? [{ ...graph('5XX responses of the targets', errors, 'responses/min'), width: 8 }] : []),
      ...(panel.alarmArns.length > 0 ? [alarms('Alarms that stop a deployment', panel.alarmArns, 8)] : []),
    ];
    if (cells.length === 0) {
      cells.push({ width: DASHBOARD_GRID_WIDTH, type: 'text', properties: { markdown: 'No load balancer and no alarm: a deployment is judged by its lifecycle scripts alone.' } });
    }
    row(6, cells);
  }
  return { start, periodOverride: 'inherit', widgets };
}
