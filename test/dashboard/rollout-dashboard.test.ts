import { App, Duration, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2, aws_lambda as lambda } from 'aws-cdk-lib';
import { InstanceTagSet, LoadBalancer } from 'aws-cdk-lib/aws-codedeploy';
import { HealthCheck, LambdaRollout, RolloutDashboard, RolloutDashboardProps, ServerRollout } from '../../src';
import { AppWorld } from '../iam/template-world';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { dashboardBodyProblems } from '../support/dashboard-structure';

function fn(stack: Stack, id: string): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
}

/** An Auto Scaling group behind an Application Load Balancer's target group. */
function albFleet(stack: Stack): { web: autoscaling.AutoScalingGroup; targets: elbv2.ApplicationTargetGroup } {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const web = new autoscaling.AutoScalingGroup(stack, 'Fleet', { vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023() });
  const targets = new elbv2.ApplicationTargetGroup(stack, 'WebTargets', { vpc, port: 80, targets: [web], targetGroupName: 'web-targets' });
  new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc }).addListener('Http', { port: 80, defaultTargetGroups: [targets] });
  return { web, targets };
}

let result: CheckedSynth;
let stack: Stack;
let world: AppWorld;

beforeAll(() => {
  const app = checkedApp();
  stack = new Stack(app, 'Shop', { env: { account: '111111111111', region: 'eu-west-1' } });
  new LambdaRollout(stack, 'Api', { function: fn(stack, 'ApiFn') });
  new LambdaRollout(stack, 'Worker', { function: fn(stack, 'WorkerFn'), healthChecks: [HealthCheck.lambdaErrors()] });
  const { web, targets } = albFleet(stack);
  new ServerRollout(stack, 'Web', { autoScalingGroups: [web], loadBalancers: [LoadBalancer.application(targets)], healthChecks: [HealthCheck.targetGroup5xx(targets)] });
  new ServerRollout(stack, 'Batch', { ec2InstanceTags: new InstanceTagSet({ app: ['batch'] }) });
  new RolloutDashboard(stack, 'Dashboard', { dashboardName: 'shop-rollouts' });
  result = checkedSynth(app);
  world = new AppWorld([{ stackName: 'Shop', template: result.template(stack).toJSON(), account: '111111111111', region: 'eu-west-1' }]);
});

/** The body as CloudFormation would pass it to CloudWatch: every name and ARN resolved. */
interface BodyWidget { type: string; x: number; y: number; width: number; height: number; properties: Record<string, any> }

function body(): { widgets: BodyWidget[]; start: string } {
  const [[logicalId, dashboard]] = Object.entries(result.template(stack).findResources('AWS::CloudWatch::Dashboard'));
  expect(logicalId).toMatch(/^Dashboard/);
  return JSON.parse(world.stacks[0].resolve(dashboard.Properties.DashboardBody));
}

test('the dashboard passes the five cdk-nag packs and CloudFormation\'s validator (the examples that use it pass them whole)', () => {
  expect(result.nagFindings.filter((finding) => finding.where.startsWith('Shop/Dashboard'))).toEqual([]);
  expect(result.templateFindings).toEqual([]);
  result.template(stack).resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  result.template(stack).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'shop-rollouts' });
});

test('the body has CloudWatch\'s documented structure', () => {
  expect(dashboardBodyProblems(body())).toEqual([]);
});

test('per Lambda rollout: requests, errors and p99 duration by version with SEARCH, the guard\'s alarm graph, the alarms\' states', () => {
  const { widgets, start } = body();
  expect(start).toBe('-PT180M');
  const api = world.stacks[0].nameOf(Object.keys(result.template(stack).findResources('AWS::Lambda::Function')).find((id) => id.startsWith('ApiFn'))!);
  const search = (metric: string, stat: string) => `SEARCH('{AWS/Lambda,FunctionName,Resource,ExecutedVersion} MetricName="${metric}" `
    + `FunctionName="${api}" Resource="${api}:live"', '${stat}', 60)`;
  const [header, requests, errors, duration, guard, alarms] = widgets;
  expect(header).toEqual({ type: 'text', x: 0, y: 0, width: 24, height: 1, properties: { markdown: `## Api\nLambda ${api}:live, by version` } });
  expect([requests, errors, duration].map((w) => [w.x, w.y, w.width, w.height, w.properties.title, w.properties.metrics])).toEqual([
    [0, 1, 6, 6, 'Requests by version', [[{ id: 'requests', expression: search('Invocations', 'Sum'), label: '', period: 60 }]]],
    [6, 1, 6, 6, 'Errors by version', [[{ id: 'errors', expression: search('Errors', 'Sum'), label: '', period: 60 }]]],
    [12, 1, 6, 6, 'Duration p99 by version', [[{ id: 'duration', expression: search('Duration', 'p99'), label: '', period: 60 }]]],
  ]);
  const guardArn = world.stacks[0].getAtt(logicalOf('Api', 'NewVersionErrorRateAlarm'), 'Arn');
  expect(guard).toEqual({
    type: 'metric',
    x: 18,
    y: 1,
    width: 6,
    height: 6,
    properties: { title: 'Guard: z-score of new vs old failure rate', region: 'eu-west-1', view: 'timeSeries', annotations: { alarms: [guardArn] } },
  });
  expect(alarms).toEqual({ type: 'alarm', x: 0, y: 7, width: 24, height: 2, properties: { title: 'Alarms that stop a deployment', alarms: [guardArn], sortBy: 'stateUpdatedTimestamp' } });
  // A rollout without the guard graphs throttles in its place.
  expect(widgets[10].properties.title).toBe('Throttles by version');
});

test('per server rollout: healthy hosts and 5XX per target group, and its alarms; none without load balancer or alarm', () => {
  const { widgets } = body();
  const web = widgets.findIndex((w) => w.type === 'text' && String(w.properties.markdown).startsWith('## Web'));
  const [healthy, errors, alarms] = widgets.slice(web + 1, web + 4);
  expect(healthy.properties.metrics).toEqual([
    [{ id: 'alb0', expression: 'SEARCH(\'{AWS/ApplicationELB,LoadBalancer,TargetGroup} MetricName="HealthyHostCount" "targetgroup/web-targets/"\', \'Minimum\', 60)', label: 'web-targets ', period: 60 }],
    [{ id: 'nlb0', expression: 'SEARCH(\'{AWS/NetworkELB,LoadBalancer,TargetGroup} MetricName="HealthyHostCount" "targetgroup/web-targets/"\', \'Minimum\', 60)', label: 'web-targets ', period: 60 }],
  ]);
  expect(errors.properties.metrics).toEqual([
    [{ id: 'alb0', expression: 'SEARCH(\'{AWS/ApplicationELB,LoadBalancer,TargetGroup} MetricName="HTTPCode_Target_5XX_Count" "targetgroup/web-targets/"\', \'Sum\', 60)', label: 'web-targets ', period: 60 }],
  ]);
  expect(alarms.properties.alarms).toEqual([world.stacks[0].getAtt(logicalOf('Web', 'MetricAlarm'), 'Arn')]);
  expect([healthy, errors, alarms].map((w) => [w.x, w.width])).toEqual([[0, 8], [8, 8], [16, 8]]);
  const batch = widgets.findIndex((w) => w.type === 'text' && String(w.properties.markdown).startsWith('## Batch'));
  expect(widgets[batch + 1]).toEqual(expect.objectContaining({ type: 'text', width: 24, properties: { markdown: 'No load balancer and no alarm: a deployment is judged by its lifecycle scripts alone.' } }));
  // Two Lambda rollouts of 6 widgets, the fleet's 4 and the tagged servers' 2.
  expect(widgets).toHaveLength(6 + 6 + 4 + 2);
});

function logicalOf(rollout: string, alarmPrefix: string): string {
  const ids = Object.keys(result.template(stack).findResources('AWS::CloudWatch::Alarm')).filter((id) => id.startsWith(`${rollout}${alarmPrefix}`));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('which rollouts', () => {
  test('given ones only, in the given order', () => {
    const app = new App();
    const own = new Stack(app, 'Own');
    const api = new LambdaRollout(own, 'Api', { function: fn(own, 'ApiFn') });
    new LambdaRollout(own, 'Other', { function: fn(own, 'OtherFn') });
    new RolloutDashboard(own, 'Dashboard', { lambdaRollouts: [api] });
    const template = app.synth().getStackByName('Own').template;
    const dashboard = Object.values(template.Resources as Record<string, any>).find((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    const text = JSON.stringify(dashboard.Properties.DashboardBody);
    expect(text).toContain('## Api');
    expect(text).not.toContain('## Other');
  });

  test('a stack without a rollout fails synthesis, saying what to do', () => {
    const app = new App();
    const empty = new Stack(app, 'Empty');
    new RolloutDashboard(empty, 'Dashboard');
    expect(() => app.synth()).toThrow(/RolloutDashboard at Empty\/Dashboard: found no LambdaRollout or ServerRollout in stack Empty: add rollouts, or give lambdaRollouts or serverRollouts/);
  });
});

describe('validation: every problem at once', () => {
  test.each<[string, (other: Stack) => RolloutDashboardProps, string[]]>([
    ['a name CloudWatch refuses', () => ({ dashboardName: 'shop rollouts!' }),
      ['RolloutDashboard at Own/Dashboard: dashboardName may contain only letters, digits, - and _, got \'shop rollouts!\'']],
    ['a time range in seconds', () => ({ timeRange: Duration.seconds(90) }),
      ['RolloutDashboard at Own/Dashboard: timeRange must be a whole number of minutes from 1 to 20160, got 1.5 minutes']],
    ['a time range over two weeks', () => ({ timeRange: Duration.days(15) }),
      ['RolloutDashboard at Own/Dashboard: timeRange must be a whole number of minutes from 1 to 20160, got 21600 minutes']],
    ['a rollout of another stack', (other) => ({ lambdaRollouts: [new LambdaRollout(other, 'Api', { function: fn(other, 'Fn') })] }),
      ['RolloutDashboard at Own/Dashboard: lambdaRollouts must be in the dashboard\'s stack Own, got Other/Api (a dashboard per stack; another stack\'s names would become exports)']],
  ])('%s', (_name, props, messages) => {
    const app = new App();
    const own = new Stack(app, 'Own');
    const other = new Stack(app, 'Other');
    expect(() => new RolloutDashboard(own, 'Dashboard', props(other))).toThrow(messages.join('\n'));
  });
});
