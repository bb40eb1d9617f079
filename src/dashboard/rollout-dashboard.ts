import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { Construct, IConstruct } from 'constructs';
import { dashboardBody, LambdaPanel, ServerPanel } from './dashboard-body';
import { ERROR_RATE_ALARM_ID } from '../health/lambda-error-rate-check';
import { LambdaRollout } from '../lambda/lambda-rollout';
import { DASHBOARD_MAX_WIDGETS, DASHBOARD_NAME, DASHBOARD_TIME_RANGE } from '../private/cloudwatch-limits';
import { DEFAULT_DASHBOARD_TIME_RANGE } from '../private/defaults';
import { constructError, MINUTE_MILLIS, Problems } from '../private/validation';
import { ServerRollout } from '../server/server-rollout';

/** Properties of a `RolloutDashboard`. */
export interface RolloutDashboardProps {
  /**
   * The dashboard's name: letters, digits, - and _, up to 255 characters.
   *
   * @default - a name CloudFormation generates
   */
  readonly dashboardName?: string;

  /**
   * The Lambda rollouts to graph, in this dashboard's stack.
   *
   * @default - every LambdaRollout in the stack (with serverRollouts' default: every rollout), found when the stack synthesizes
   */
  readonly lambdaRollouts?: LambdaRollout[];

  /**
   * The server rollouts to graph, in this dashboard's stack.
   *
   * @default - every ServerRollout in the stack (with lambdaRollouts' default: every rollout), found when the stack synthesizes
   */
  readonly serverRollouts?: ServerRollout[];

  /**
   * How far back the dashboard looks when it opens: whole minutes, up to 14 days.
   *
   * @default Duration.hours(3)
   */
  readonly timeRange?: Duration;
}

/**
 * A CloudWatch dashboard of a stack's rollouts, new against old. Per Lambda rollout: requests,
 * errors and p99 duration of the alias by version (`ExecutedVersion`, with SEARCH expressions, so
 * every new version gets its own line without a dashboard update), the guard's z-score against its
 * threshold (the error-rate alarm's own graph), and the state of every alarm that stops a
 * deployment. Per server rollout: healthy hosts and 5XX responses per target group or Classic Load
 * Balancer, and its alarms.
 *
 * @example
 * new RolloutDashboard(this, 'Dashboard');
 */
export class RolloutDashboard extends Construct {
  /** The dashboard's CloudFormation resource. */
  public readonly dashboard: cloudwatch.CfnDashboard;

  constructor(scope: Construct, id: string, props: RolloutDashboardProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    const timeRange = props.timeRange ?? DEFAULT_DASHBOARD_TIME_RANGE;
    const problems = Problems.ofConstruct('RolloutDashboard', this);
    if (props.dashboardName !== undefined) problems.text('dashboardName', props.dashboardName, DASHBOARD_NAME);
    const minutes = problems.wholeDuration('timeRange', timeRange, MINUTE_MILLIS, DASHBOARD_TIME_RANGE);
    for (const [prop, rollouts] of [['lambdaRollouts', props.lambdaRollouts], ['serverRollouts', props.serverRollouts]] as const) {
      for (const rollout of rollouts ?? []) {
        if (Stack.of(rollout) !== stack) {
          problems.add(`${prop} must be in the dashboard's stack ${stack.node.path}, got ${rollout.node.path} (a dashboard per stack; another stack's names would become exports)`);
        }
      }
    }
    problems.throwIfAny();

    const explicit = props.lambdaRollouts !== undefined || props.serverRollouts !== undefined;
    // Every rollout of the stack, when none is given: found at synthesis, so rollouts added after the dashboard count too.
    const rollouts = () => ({
      lambda: props.lambdaRollouts ?? (explicit ? [] : stack.node.findAll().filter((c): c is LambdaRollout => c instanceof LambdaRollout)),
      server: props.serverRollouts ?? (explicit ? [] : stack.node.findAll().filter((c): c is ServerRollout => c instanceof ServerRollout)),
    });
    const body = () => {
      const { lambda, server } = rollouts();
      return dashboardBody(lambda.map((r) => lambdaPanel(stack, r)), server.map((r) => serverPanel(stack, r)), stack.region, `-PT${minutes ?? 180}M`);
    };
    this.dashboard = new cloudwatch.CfnDashboard(this, 'Resource', {
      dashboardName: props.dashboardName,
      dashboardBody: Lazy.string({ produce: () => stack.toJsonString(body()) }),
    });
    this.node.addValidation({
      validate: () => {
        const { lambda, server } = rollouts();
        if (lambda.length + server.length === 0) {
          return [constructError('RolloutDashboard', this, `found no LambdaRollout or ServerRollout in stack ${stack.node.path}: add rollouts, or give lambdaRollouts or serverRollouts`).message];
        }
        const widgets = body().widgets.length;
        return widgets > DASHBOARD_MAX_WIDGETS
          ? [constructError('RolloutDashboard', this, `the dashboard would hold ${widgets} widgets, more than CloudWatch's ${DASHBOARD_MAX_WIDGETS}: split the rollouts across dashboards`).message]
          : [];
      },
    });
  }
}

function title(stack: Stack, rollout: IConstruct): string {
  return rollout.node.path.slice(stack.node.path.length + 1);
}

function lambdaPanel(stack: Stack, rollout: LambdaRollout): LambdaPanel {
  const guard = rollout.alarms.find((alarm) => alarm instanceof cloudwatch.Alarm && alarm.node.id.startsWith(ERROR_RATE_ALARM_ID));
  return {
    title: title(stack, rollout),
    functionName: rollout.alias.lambda.functionName,
    aliasName: rollout.alias.aliasName,
    ...(guard ? { guardAlarmArn: guard.alarmArn } : {}),
    alarmArns: rollout.alarms.map((alarm) => alarm.alarmArn),
  };
}

function serverPanel(stack: Stack, rollout: ServerRollout): ServerPanel {
  const names = (generation: codedeploy.LoadBalancerGeneration) =>
    rollout.loadBalancers.filter((lb) => lb.generation === generation).map((lb) => lb.name);
  return {
    title: title(stack, rollout),
    targetGroups: names(codedeploy.LoadBalancerGeneration.SECOND),
    classicLoadBalancers: names(codedeploy.LoadBalancerGeneration.FIRST),
    alarmArns: rollout.alarms.map((alarm) => alarm.alarmArn),
  };
}
