/**
 * The value objects and both rollouts, given what a careless user writes: seeded combinations of
 * props, half plausible, half boundary or garbage (fractions, NaN, huge numbers, empty or
 * valueless tag sets, durations in seconds, values only known at deploy time). The oracle for each
 * combination: a clear refusal (every line says which construct or factory, and what about which
 * prop), or a template that passes the validators the test command runs (CloudFormation's, cdk-nag
 * on what the library created), stays within CodeDeploy's and CloudWatch's limits, and carries the
 * values as given. The combinations are drawn with fast-check from a fixed seed and synthesized
 * many to an app, one stack each, so that the whole file takes about a minute.
 */
import { writeFileSync } from 'fs';
import { App, CfnCondition, CfnParameter, Duration, Fn, Stack, Token, aws_cloudwatch as cloudwatch, aws_ec2 as ec2 } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as fc from 'fast-check';
import {
  AgentInstallation, HealthCheck, HealthyHosts, HealthyHostsPerZone, LambdaRollout, LambdaRolloutProps, Notifications, Rollback, ServerRollout,
  ServerRolloutProps, SmokeTest, TrafficShift,
} from '../../src';
import { checkedApp, checkedSynth } from '../support/checked-synth';
import { conditionFindings } from '../support/template-conditions';

/** How many combinations, and the seed that draws them: the same ones on every run. */
const CASES = 320;
const SEED = 2_026_001;
/** Stacks synthesized per app: one validator and cdk-nag pass over many combinations. */
const STACKS_PER_APP = 40;

type Json = any;

// ---- What a combination is: plain data, so that a failure prints it ------------------------------

/** A number as given: a literal, or a CfnParameter's value (known at deploy time only). */
type Num = { literal: number } | { parameter: number };
/** A duration as given. */
interface Dur { readonly amount: Num; readonly unit: 'millis' | 'seconds' | 'minutes' | 'hours' }
type CheckSpec =
  | { kind: 'lambdaErrors' | 'lambdaThrottles'; threshold?: Num; period?: Dur; evaluationPeriods?: Num }
  | { kind: 'lambdaLatency'; threshold: Dur; percentile?: Num; period?: Dur }
  | { kind: 'lambdaErrorRate'; period?: Dur; minZScore?: Num; minFailures?: Num }
  | LatencyRegressionSpec
  | { kind: 'metric'; threshold: Num; evaluationPeriods?: Num }
  | { kind: 'alarm'; name: string }
  | { kind: 'targetGroup5xx'; thresholdPercent?: Num; period?: Dur }
  | { kind: 'unhealthyHosts'; threshold?: Num };
interface LatencyRegressionSpec {
  readonly kind: 'lambdaLatencyRegression';
  readonly period?: Dur;
  readonly percentile?: Num;
  readonly minZScore?: Num;
  readonly minSlowdownPercent?: Num;
  readonly minRequests?: Num;
  readonly evaluationPeriods?: Num;
  readonly datapointsToAlarm?: Num;
}
type RollbackSpec = 'default' | 'never' | 'onFailureAndAlarm' | { failure: boolean; stop: boolean; alarm: boolean };
interface ShiftSpec { readonly factory: 'canary' | 'linear' | 'allAtOnce'; readonly percentage: Num; readonly interval: Dur }
interface HostsSpec {
  readonly factory: 'count' | 'percentage' | 'oneAtATime';
  readonly value: Num;
  readonly zonal?: { readonly perZone?: { readonly kind: 'count' | 'percentage'; readonly value: Num }; readonly monitor?: Dur };
}
type TagSpec = Array<Array<[string, string[]]>>;

interface LambdaCase {
  readonly kind: 'lambda';
  /** Drawn from the careless arbitraries (else from the plausible ones). */
  readonly careless?: boolean;
  readonly aliasName?: string;
  readonly trafficShift?: ShiftSpec;
  readonly healthChecks?: CheckSpec[];
  readonly rollback: RollbackSpec;
  readonly hooks: 'none' | 'pre' | 'post' | 'both' | 'pre sharing the function\'s role';
  readonly provisioned?: Num;
  readonly ignoreAlarms?: boolean;
  readonly ignorePollAlarmsFailure?: boolean;
  readonly deploymentGroupName?: string;
  readonly maxAlarms?: Num;
  readonly keepVersions?: Num;
  readonly bakeTime?: Dur;
  readonly smokeTest?: boolean;
  readonly notifications?: boolean;
  readonly alarmAddedLater?: boolean;
  readonly conditioned?: boolean;
}
interface ServerCase {
  readonly kind: 'server';
  readonly careless?: boolean;
  readonly autoScalingGroup: 'none' | 'given' | 'added later';
  readonly ec2Tags?: TagSpec;
  readonly onPremisesTags?: TagSpec;
  readonly healthyHosts?: HostsSpec;
  readonly healthChecks?: CheckSpec[];
  readonly rollback: RollbackSpec;
  readonly loadBalancer: boolean;
  readonly ignoreAlarms?: boolean;
  readonly ignorePollAlarmsFailure?: boolean;
  readonly terminationHook?: boolean;
  readonly agent: 'default' | 'userData' | 'none';
  readonly maxAlarms?: Num;
  readonly alarmAddedLater?: boolean;
}
type Case = LambdaCase | ServerCase;

// ---- Arbitraries: half plausible, half boundary or garbage ---------------------------------------

const GARBAGE = [Number.NaN, 1.5, -0.5, 1e12, -1, 0, Number.POSITIVE_INFINITY];
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 2 });

/**
 * The arbitraries of a plausible combination (values a user would mean) or of a careless one
 * (boundaries, garbage, and values only known at deploy time, mixed in with plausible ones).
 */
function arbitraries(careless: boolean): { lambdaCase: fc.Arbitrary<LambdaCase>; serverCase: fc.Arbitrary<ServerCase> } {
  function num(min: number, max: number, plausible: fc.Arbitrary<number> = fc.integer({ min, max })): fc.Arbitrary<Num> {
    if (!careless) {
      return plausible.map((literal) => ({ literal }));
    }
    return fc.oneof(
      { weight: 3, arbitrary: plausible.map((literal) => ({ literal })) },
      { weight: 2, arbitrary: fc.constantFrom(min - 1, min, max, max + 1).map((literal) => ({ literal })) },
      { weight: 2, arbitrary: fc.constantFrom(...GARBAGE).map((literal) => ({ literal })) },
      { weight: 1, arbitrary: plausible.map((parameter) => ({ parameter })) },
    );
  }
  function minutes(max: number): fc.Arbitrary<Dur> {
    const plausible = fc.integer({ min: 1, max: Math.min(max, 60) }).map((m) => ({ amount: { literal: m }, unit: 'minutes' as const }));
    return careless ? fc.oneof(
      { weight: 3, arbitrary: plausible },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 600 }).map((sec) => ({ amount: { literal: sec }, unit: 'seconds' as const })) },
      { weight: 1, arbitrary: fc.constantFrom(0, max, max + 1, 1e9, 0.5).map((m) => ({ amount: { literal: m }, unit: 'minutes' as const })) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 5 }).map((m) => ({ amount: { parameter: m }, unit: 'minutes' as const })) },
    ) : plausible;
  }
  const latency: fc.Arbitrary<Dur> = careless ? fc.oneof(
    fc.integer({ min: 1, max: 30_000 }).map((ms) => ({ amount: { literal: ms }, unit: 'millis' as const })),
    fc.constantFrom(20, 15, 16).map((m) => ({ amount: { literal: m }, unit: 'minutes' as const })),
    fc.constantFrom(0.5, 0, 900_000, 900_001).map((ms) => ({ amount: { literal: ms }, unit: 'millis' as const })),
    fc.constant({ amount: { parameter: 500 }, unit: 'millis' as const }),
  ) : fc.integer({ min: 1, max: 30_000 }).map((ms) => ({ amount: { literal: ms }, unit: 'millis' as const }));

  const countCheck = fc.record({
    kind: fc.constantFrom('lambdaErrors' as const, 'lambdaThrottles' as const),
    threshold: optional(num(1, 100)),
    period: optional(minutes(60)),
    evaluationPeriods: optional(num(1, 5)),
  }, { requiredKeys: ['kind'] });
  const lambdaCheck: fc.Arbitrary<CheckSpec> = fc.oneof(
    countCheck,
    fc.record({
      kind: fc.constant('lambdaLatency' as const),
      threshold: latency,
      percentile: optional(num(1, 100, fc.constantFrom(50, 90, 95, 99, 99.9))),
      period: optional(minutes(10)),
    }, { requiredKeys: ['kind', 'threshold'] }),
    fc.record({ kind: fc.constant('lambdaErrorRate' as const), period: optional(minutes(30)), minZScore: optional(num(1, 10)), minFailures: optional(num(1, 5)) },
      { requiredKeys: ['kind'] }),
    fc.record({
      kind: fc.constant('lambdaLatencyRegression' as const),
      period: optional(minutes(10)),
      percentile: optional(num(1, 99, fc.constantFrom(50, 90, 99))),
      minZScore: optional(num(1, 10)),
      minSlowdownPercent: optional(num(0, 1000, fc.constantFrom(10, 20, 50))),
      minRequests: optional(num(1, 100)),
      evaluationPeriods: optional(num(1, 5)),
      datapointsToAlarm: optional(num(1, 5)),
    }, { requiredKeys: ['kind'] }),
    fc.record({ kind: fc.constant('metric' as const), threshold: num(0, 1000), evaluationPeriods: optional(num(1, 5)) }, { requiredKeys: ['kind', 'threshold'] }),
    fc.record({ kind: fc.constant('alarm' as const), name: fc.constantFrom('orders-failing', 'payments-5xx', 'latency-p99') }),
  );
  const serverCheck: fc.Arbitrary<CheckSpec> = fc.oneof(
    fc.record({ kind: fc.constant('metric' as const), threshold: num(0, 1000), evaluationPeriods: optional(num(1, 5)) }, { requiredKeys: ['kind', 'threshold'] }),
    fc.record({ kind: fc.constant('alarm' as const), name: fc.constantFrom('orders-failing', 'payments-5xx', 'latency-p99') }),
    fc.record({ kind: fc.constant('targetGroup5xx' as const), thresholdPercent: optional(num(1, 100)), period: optional(minutes(10)) }, { requiredKeys: ['kind'] }),
    fc.record({ kind: fc.constant('unhealthyHosts' as const), threshold: optional(num(1, 10)) }, { requiredKeys: ['kind'] }),
    // A Lambda check where none belongs.
    ...(careless ? [fc.constant({ kind: 'lambdaErrors' as const })] : []),
  );
  const rollback: fc.Arbitrary<RollbackSpec> = fc.oneof(
    fc.constantFrom('default' as const, 'never' as const, 'onFailureAndAlarm' as const),
    fc.record({ failure: fc.boolean(), stop: fc.boolean(), alarm: fc.boolean() }).filter((r) => careless || r.failure || r.stop || r.alarm),
  );
  const shift: fc.Arbitrary<ShiftSpec> = fc.record({
    factory: fc.constantFrom('canary' as const, 'linear' as const, 'allAtOnce' as const),
    percentage: num(1, 99, fc.constantFrom(1, 5, 10, 20, 25, 33, 50, 99)),
    interval: minutes(2880),
  });
  const name = careless ? fc.oneof(
    { weight: 2, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/) },
    { weight: 1, arbitrary: fc.constantFrom('', '42', 'two words', 'a'.repeat(129), 'ümlaut', 'team/api') },
  ) : fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
  const tagGroup = fc.array(fc.tuple(fc.constantFrom('app', 'env', 'team'), fc.array(fc.constantFrom('web', 'prod', 'blue'), { minLength: 1, maxLength: 3 })),
    { minLength: 1, maxLength: 3 });
  const tags: fc.Arbitrary<TagSpec> = careless ? fc.oneof(
    {
      weight: 2,
      arbitrary: fc.array(fc.array(fc.tuple(fc.constantFrom('app', 'env', 'team', ''), fc.array(fc.constantFrom('web', 'prod', 'blue', ''), { maxLength: 3 })),
        { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
    },
    { weight: 1, arbitrary: fc.constantFrom<TagSpec>([], [[]], [[['env', []]]], [[['', []]]], [[['app', Array.from({ length: 11 }, (_, i) => `v${i}`)]]]) },
  ) : fc.array(tagGroup, { minLength: 1, maxLength: 1 });
  const hosts: fc.Arbitrary<HostsSpec> = fc.record({
    factory: fc.constantFrom('count' as const, 'percentage' as const, 'oneAtATime' as const),
    value: num(0, 99, fc.constantFrom(0, 1, 2, 50, 75, 99)),
    zonal: optional(fc.record({
      perZone: optional(fc.record({ kind: fc.constantFrom('count' as const, 'percentage' as const), value: num(0, 99, fc.constantFrom(0, 1, 2, 50)) })),
      monitor: optional(careless ? fc.oneof(
        fc.integer({ min: 0, max: 3600 }).map((sec) => ({ amount: { literal: sec }, unit: 'seconds' as const })),
        fc.constant({ amount: { literal: 1500 }, unit: 'millis' as const }),
      ) : fc.integer({ min: 0, max: 3600 }).map((sec) => ({ amount: { literal: sec }, unit: 'seconds' as const }))),
    }, { requiredKeys: [] })),
  }, { requiredKeys: ['factory', 'value'] });

  const lambdaCase: fc.Arbitrary<LambdaCase> = fc.record({
    kind: fc.constant('lambda' as const),
    aliasName: optional(name),
    trafficShift: optional(shift),
    healthChecks: optional(fc.array(lambdaCheck, { minLength: careless ? 0 : 1, maxLength: careless ? 12 : 4 })),
    rollback,
    hooks: fc.constantFrom('none' as const, 'pre' as const, 'post' as const, 'both' as const, 'pre sharing the function\'s role' as const),
    provisioned: optional(num(1, 50)),
    ignoreAlarms: optional(fc.boolean()),
    ignorePollAlarmsFailure: optional(fc.boolean()),
    deploymentGroupName: optional(name),
    maxAlarms: optional(num(1, 50, careless ? fc.constantFrom(1, 2, 50) : fc.constant(50))),
    keepVersions: optional(num(1, 10)),
    bakeTime: optional(minutes(50)),
    smokeTest: optional(fc.boolean()),
    notifications: optional(fc.boolean()),
    alarmAddedLater: optional(fc.boolean()),
    conditioned: optional(fc.boolean()),
  }, { requiredKeys: ['kind', 'rollback', 'hooks'] });
  const serverCase: fc.Arbitrary<ServerCase> = fc.record({
    kind: fc.constant('server' as const),
    autoScalingGroup: fc.constantFrom('none' as const, 'given' as const, 'added later' as const),
    ec2Tags: careless ? optional(tags) : tags,
    onPremisesTags: optional(tags),
    healthyHosts: optional(hosts),
    healthChecks: optional(fc.array(serverCheck, { maxLength: 4 })),
    rollback,
    loadBalancer: fc.boolean(),
    ignoreAlarms: optional(fc.boolean()),
    ignorePollAlarmsFailure: optional(fc.boolean()),
    terminationHook: optional(fc.boolean()),
    agent: careless ? fc.constantFrom('default' as const, 'userData' as const, 'none' as const) : fc.constant('none' as const),
    maxAlarms: optional(num(1, 50, careless ? fc.constantFrom(1, 3, 50) : fc.constant(50))),
    alarmAddedLater: optional(fc.boolean()),
  }, { requiredKeys: ['kind', 'autoScalingGroup', 'rollback', 'loadBalancer', 'agent', ...(careless ? [] : ['ec2Tags' as const])] });
  return { lambdaCase, serverCase };
}

const CASE: fc.Arbitrary<Case> = fc.boolean().chain((careless) => {
  const { lambdaCase, serverCase } = arbitraries(careless);
  return fc.oneof({ weight: 3, arbitrary: lambdaCase }, { weight: 2, arbitrary: serverCase }).map((c): Case => ({ ...c, careless }));
});

// ---- Building a combination in a stack ----------------------------------------------------------

class Builder {
  private parameters = 0;
  private alarms = 0;
  constructor(private readonly stack: Stack) {}

  public num(value: Num | undefined): number | undefined {
    if (value === undefined) {
      return undefined;
    }
    return 'literal' in value ? value.literal
      : new CfnParameter(this.stack, `Parameter${++this.parameters}`, { type: 'Number', default: value.parameter }).valueAsNumber;
  }

  public duration(value: Dur | undefined): Duration | undefined {
    if (value === undefined) {
      return undefined;
    }
    const amount = this.num(value.amount)!;
    return { millis: Duration.millis, seconds: Duration.seconds, minutes: Duration.minutes, hours: Duration.hours }[value.unit](amount);
  }

  public check(spec: CheckSpec, targetGroup: () => elbv2.IApplicationTargetGroup): HealthCheck {
    switch (spec.kind) {
      case 'lambdaErrors': return HealthCheck.lambdaErrors({ threshold: this.num(spec.threshold), period: this.duration(spec.period), evaluationPeriods: this.num(spec.evaluationPeriods) });
      case 'lambdaThrottles': return HealthCheck.lambdaThrottles({ threshold: this.num(spec.threshold), period: this.duration(spec.period), evaluationPeriods: this.num(spec.evaluationPeriods) });
      case 'lambdaLatency': return HealthCheck.lambdaLatency({ threshold: this.duration(spec.threshold)!, percentile: this.num(spec.percentile), period: this.duration(spec.period) });
      case 'lambdaErrorRate': return HealthCheck.lambdaErrorRate({ period: this.duration(spec.period), minZScore: this.num(spec.minZScore), minFailures: this.num(spec.minFailures) });
      case 'lambdaLatencyRegression': return HealthCheck.lambdaLatencyRegression({
        period: this.duration(spec.period),
        percentile: this.num(spec.percentile),
        minZScore: this.num(spec.minZScore),
        minSlowdownPercent: this.num(spec.minSlowdownPercent),
        minRequests: this.num(spec.minRequests),
        evaluationPeriods: this.num(spec.evaluationPeriods),
        datapointsToAlarm: this.num(spec.datapointsToAlarm),
      });
      case 'metric': return HealthCheck.metric(new cloudwatch.Metric({ namespace: 'Shop', metricName: 'FailedOrders' }), { threshold: this.num(spec.threshold)!, evaluationPeriods: this.num(spec.evaluationPeriods) });
      case 'alarm': return HealthCheck.alarm(cloudwatch.Alarm.fromAlarmName(this.stack, `Alarm${++this.alarms}-${spec.name}`, spec.name));
      case 'targetGroup5xx': return HealthCheck.targetGroup5xx(targetGroup(), { thresholdPercent: this.num(spec.thresholdPercent), period: this.duration(spec.period) });
      case 'unhealthyHosts': return HealthCheck.unhealthyHosts(targetGroup(), { threshold: this.num(spec.threshold) });
    }
  }

  public rollback(spec: RollbackSpec): Rollback | undefined {
    if (spec === 'default') {
      return undefined;
    }
    return spec === 'never' ? Rollback.never() : spec === 'onFailureAndAlarm' ? Rollback.onFailureAndAlarm() : Rollback.on(spec);
  }

  public shift(spec: ShiftSpec): TrafficShift {
    if (spec.factory === 'allAtOnce') {
      return TrafficShift.allAtOnce();
    }
    return TrafficShift[spec.factory]({ percentage: this.num(spec.percentage)!, interval: this.duration(spec.interval)! });
  }

  public hosts(spec: HostsSpec): HealthyHosts {
    if (spec.factory === 'oneAtATime') {
      return HealthyHosts.oneAtATime();
    }
    const perZone = spec.zonal?.perZone && HealthyHostsPerZone[spec.zonal.perZone.kind](this.num(spec.zonal.perZone.value)!);
    const zonal = spec.zonal && { perZone, monitorDuration: this.duration(spec.zonal.monitor) };
    return HealthyHosts[spec.factory](this.num(spec.value)!, { zonal });
  }
}

function fn(stack: Stack, id: string, role?: Json): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline(`exports.handler = async () => '${id}';`), role,
  });
}

function buildLambda(stack: Stack, spec: LambdaCase): void {
  const b = new Builder(stack);
  const released = fn(stack, 'Fn');
  const hook = (id: string, shared = false) => fn(stack, id, shared ? released.role : undefined);
  const condition = spec.conditioned ? new CfnCondition(stack, 'IsProd', { expression: Fn.conditionEquals(stack.region, 'eu-west-1') }) : undefined;
  if (condition) {
    (released.node.defaultChild as Json).cfnOptions.condition = condition;
    (released.currentVersion.node.defaultChild as Json).cfnOptions.condition = condition;
  }
  const props: LambdaRolloutProps = {
    function: released,
    aliasName: spec.aliasName,
    trafficShift: spec.trafficShift && b.shift(spec.trafficShift),
    healthChecks: spec.healthChecks?.map((check) => b.check(check, () => { throw new Error('no target group for a Lambda rollout'); })),
    rollback: b.rollback(spec.rollback),
    preHook: ['pre', 'both'].includes(spec.hooks) ? hook('PreHook') : spec.hooks === 'pre sharing the function\'s role' ? hook('PreHook', true) : undefined,
    postHook: ['post', 'both'].includes(spec.hooks) ? hook('PostHook') : undefined,
    provisionedConcurrentExecutions: b.num(spec.provisioned),
    ignoreAlarms: spec.ignoreAlarms,
    ignorePollAlarmsFailure: spec.ignorePollAlarmsFailure,
    deploymentGroupName: spec.deploymentGroupName,
    maxAlarms: b.num(spec.maxAlarms),
    keepVersions: b.num(spec.keepVersions),
    bakeTime: b.duration(spec.bakeTime),
    smokeTest: spec.smokeTest ? SmokeTest.invoke() : undefined,
    notifications: spec.notifications ? Notifications.toNewTopic() : undefined,
    condition,
  };
  const rollout = new LambdaRollout(stack, 'Rollout', props);
  if (spec.alarmAddedLater) {
    rollout.deploymentGroup.addAlarm(cloudwatch.Alarm.fromAlarmName(stack, 'LaterAlarm', 'added-later'));
  }
}

function buildServer(stack: Stack, spec: ServerCase): void {
  const b = new Builder(stack);
  let vpc: ec2.IVpc | undefined;
  const network = () => vpc ??= new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const group = () => new autoscaling.AutoScalingGroup(stack, 'Fleet', {
    vpc: network(), instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
  let targetGroup: elbv2.IApplicationTargetGroup | undefined;
  const targets = () => targetGroup ??= elbv2.ApplicationTargetGroup.fromTargetGroupAttributes(stack, 'Targets', {
    targetGroupArn: `arn:${stack.partition}:elasticloadbalancing:${stack.region}:${stack.account}:targetgroup/web/0123456789abcdef`,
    loadBalancerArns: `arn:${stack.partition}:elasticloadbalancing:${stack.region}:${stack.account}:loadbalancer/app/web/0123456789abcdef`,
  });
  const tagSet = (spec2: TagSpec | undefined) => spec2 && new codedeploy.InstanceTagSet(...spec2.map((g) => Object.fromEntries(g)));
  const props: ServerRolloutProps = {
    autoScalingGroups: spec.autoScalingGroup === 'given' ? [group()] : undefined,
    ec2InstanceTags: tagSet(spec.ec2Tags),
    onPremisesInstanceTags: tagSet(spec.onPremisesTags),
    healthyHosts: spec.healthyHosts && b.hosts(spec.healthyHosts),
    healthChecks: spec.healthChecks?.map((check) => b.check(check, targets)),
    rollback: b.rollback(spec.rollback),
    loadBalancers: spec.loadBalancer ? [codedeploy.LoadBalancer.application(targets())] : undefined,
    ignoreAlarms: spec.ignoreAlarms,
    ignorePollAlarmsFailure: spec.ignorePollAlarmsFailure,
    terminationHook: spec.terminationHook,
    agent: spec.agent === 'userData' ? AgentInstallation.userData() : spec.agent === 'none' ? AgentInstallation.none() : undefined,
    maxAlarms: b.num(spec.maxAlarms),
  };
  const rollout = new ServerRollout(stack, 'Rollout', props);
  if (spec.autoScalingGroup === 'added later') {
    rollout.addAutoScalingGroup(group());
  }
  if (spec.alarmAddedLater) {
    rollout.addAlarm(cloudwatch.Alarm.fromAlarmName(stack, 'LaterAlarm', 'added-later'));
  }
}

// ---- The oracle ---------------------------------------------------------------------------------

/** Who may refuse, as the library's messages name themselves: a construct by its class and path, a value object by its factory. */
const SUBJECT = /^((LambdaRollout|ServerRollout) at \S+|TrafficShift\.\w+|HealthyHosts\.\w+|HealthyHostsPerZone\.\w+|HealthCheck\.\w+|Rollback\.on|SmokeTest\.\w+|Notifications\.\w+|AgentInstallation\.\w+): \S/;
/** aws-cdk-lib's own refusals a combination may meet first, each a clear message of its own. */
const AWS_CDK_LIB = [/^An instance tag set can have a maximum of 3 instance tag groups, but \d+ were provided$/];

/** The lines of a refusal that are not clear: no subject of the library's, or no word of what is wrong. */
function unclear(message: string): string[] {
  const lines = message.split('\n').map((line) => line.trim().replace(/^\[[^\]]+\] /, ''))
    .filter((line) => line !== '' && line !== 'Validation failed with the following errors:');
  return lines.filter((line) => !AWS_CDK_LIB.some((pattern) => pattern.test(line))
    && !(SUBJECT.test(line) && /\b(must|needs?|cannot|may not|may contain|got|give|choose|already|refuse|instead|more than)\b/.test(line)));
}

function literalOf(value: Num | undefined): number | undefined {
  return value && 'literal' in value ? value.literal : undefined;
}

/** What the template breaks: CodeDeploy's and CloudWatch's limits, and the values the combination gave. */
function broken(template: Json, spec: Case): string[] {
  const problems: string[] = [];
  const resources = Object.entries<Json>(template.Resources ?? {});
  const ofType = (type: string) => resources.filter(([, r]) => r.Type === type).map(([, r]) => r.Properties ?? {});
  const isNumber = (v: unknown): v is number => typeof v === 'number';
  for (const alarm of ofType('AWS::CloudWatch::Alarm')) {
    const metrics = (alarm.Metrics ?? []).filter((m: Json) => m.MetricStat);
    if (metrics.length > 10) {
      problems.push(`an alarm reads ${metrics.length} metrics, more than CloudWatch's 10`);
    }
    for (const period of [alarm.Period, ...metrics.map((m: Json) => m.MetricStat.Period)].filter(isNumber)) {
      if (period < 60 || period % 60 !== 0) {
        problems.push(`an alarm has a period of ${period} seconds`);
      }
    }
    if (isNumber(alarm.EvaluationPeriods) && !(Number.isInteger(alarm.EvaluationPeriods) && alarm.EvaluationPeriods >= 1)) {
      problems.push(`an alarm has ${alarm.EvaluationPeriods} evaluation periods`);
    }
    if (isNumber(alarm.Threshold) && !Number.isFinite(alarm.Threshold)) {
      problems.push(`an alarm has the threshold ${alarm.Threshold}`);
    }
  }
  for (const config of ofType('AWS::CodeDeploy::DeploymentConfig')) {
    const step = config.TrafficRoutingConfig?.TimeBasedCanary ?? config.TrafficRoutingConfig?.TimeBasedLinear;
    for (const percentage of [step?.CanaryPercentage, step?.LinearPercentage].filter(isNumber)) {
      if (!(Number.isInteger(percentage) && percentage >= 1 && percentage <= 99)) {
        problems.push(`a config shifts ${percentage}%`);
      }
    }
    for (const interval of [step?.CanaryInterval, step?.LinearInterval].filter(isNumber)) {
      if (!(Number.isInteger(interval) && interval >= 1 && interval <= 2880)) {
        problems.push(`a config waits ${interval} minutes`);
      }
    }
    const value = config.MinimumHealthyHosts?.Value;
    if (isNumber(value) && !(Number.isInteger(value) && value >= 0 && value <= 2 ** 31 - 1)) {
      problems.push(`a config keeps ${value} healthy hosts`);
    }
  }
  const groups = [...ofType('AWS::CodeDeploy::DeploymentGroup'), ...ofType('Custom::CodeDeployServerDeploymentGroup').map((p) => p.DeploymentGroup)];
  if (groups.length !== 1) {
    return [...problems, `${groups.length} deployment groups`];
  }
  const group = groups[0];
  const alarms = group.AlarmConfiguration?.Alarms ?? [];
  const maxAlarms = literalOf(spec.maxAlarms) ?? 50;
  if (alarms.length > maxAlarms) {
    problems.push(`${alarms.length} alarms, more than ${maxAlarms}`);
  }
  // The values as given.
  const events = new Set<string>(group.AutoRollbackConfiguration?.Enabled ? group.AutoRollbackConfiguration.Events : []);
  const wanted = spec.rollback === 'never' ? [] : spec.rollback === 'onFailureAndAlarm' ? ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM']
    : spec.rollback === 'default' ? (spec.kind === 'lambda' || alarms.length > 0 ? ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST', 'DEPLOYMENT_STOP_ON_ALARM']
      : ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'])
      : [...(spec.rollback.failure ? ['DEPLOYMENT_FAILURE'] : []), ...(spec.rollback.stop ? ['DEPLOYMENT_STOP_ON_REQUEST'] : []), ...(spec.rollback.alarm ? ['DEPLOYMENT_STOP_ON_ALARM'] : [])];
  if (JSON.stringify([...events].sort()) !== JSON.stringify([...wanted].sort())) {
    problems.push(`rollback events ${[...events].join(', ') || 'none'}, asked ${wanted.join(', ') || 'none'}`);
  }
  if (alarms.length > 0 && (group.AlarmConfiguration.Enabled === true) === (spec.ignoreAlarms === true)) {
    problems.push(`alarms ${group.AlarmConfiguration.Enabled ? 'enabled' : 'ignored'}, asked ignoreAlarms: ${spec.ignoreAlarms}`);
  }
  if (alarms.length > 0 && (group.AlarmConfiguration.IgnorePollAlarmFailure === true) !== (spec.ignorePollAlarmsFailure === true)) {
    problems.push(`IgnorePollAlarmFailure ${group.AlarmConfiguration.IgnorePollAlarmFailure}, asked ${spec.ignorePollAlarmsFailure}`);
  }
  const expectedAlarms = (spec.healthChecks?.length ?? (spec.kind === 'lambda' ? 1 : 0)) + (spec.alarmAddedLater ? 1 : 0);
  if (spec.kind === 'server' && alarms.length !== expectedAlarms) {
    problems.push(`${alarms.length} alarms, asked ${expectedAlarms}`);
  }
  if (spec.kind === 'lambda') {
    problems.push(...lambdaValues(template, group, spec));
  } else {
    problems.push(...serverValues(template, group, spec));
  }
  if (conditionFindings(template).length > 0) {
    problems.push(`a reference to a resource a condition leaves out: ${JSON.stringify(conditionFindings(template)[0])}`);
  }
  return problems;
}

function lambdaValues(template: Json, group: Json, spec: LambdaCase): string[] {
  const problems: string[] = [];
  const alias = Object.values<Json>(template.Resources).find((r) => r.Type === 'AWS::Lambda::Alias' && r.UpdatePolicy);
  if (alias.Properties.Name !== (spec.aliasName ?? 'live')) {
    problems.push(`alias ${alias.Properties.Name}, asked ${spec.aliasName}`);
  }
  if (spec.deploymentGroupName !== undefined && group.DeploymentGroupName !== spec.deploymentGroupName) {
    problems.push(`group name ${group.DeploymentGroupName}, asked ${spec.deploymentGroupName}`);
  }
  const provisioned = alias.Properties.ProvisionedConcurrencyConfig?.ProvisionedConcurrentExecutions;
  const provisionedAsked = literalOf(spec.provisioned);
  if (spec.provisioned !== undefined && (provisionedAsked !== undefined ? provisioned !== provisionedAsked : provisioned?.Ref === undefined)) {
    problems.push(`provisioned concurrency ${JSON.stringify(provisioned)}, asked ${JSON.stringify(spec.provisioned)}`);
  }
  if (spec.conditioned && (alias.Condition !== 'IsProd')) {
    problems.push('the alias is not under the rollout\'s condition');
  }
  // The shift as given: a predefined config of that shape, or the template's config of that shape.
  const shiftSpec = spec.trafficShift;
  const name = group.DeploymentConfigName;
  if (shiftSpec && shiftSpec.factory !== 'allAtOnce') {
    const percentage = literalOf(shiftSpec.percentage);
    const interval = literalOf(shiftSpec.interval.amount);
    const config = typeof name === 'object' ? template.Resources[name.Ref]?.Properties.TrafficRoutingConfig : undefined;
    const step = config?.TimeBasedCanary ?? config?.TimeBasedLinear;
    const shape = step ? [step.CanaryPercentage ?? step.LinearPercentage, step.CanaryInterval ?? step.LinearInterval]
      : String(name).match(/(\d+)Percent(?:Every)?(\d+)Minute/)?.slice(1).map(Number);
    const minutesAsked = interval === undefined ? undefined
      : shiftSpec.interval.unit === 'minutes' ? interval : shiftSpec.interval.unit === 'hours' ? interval * 60 : interval / 60;
    if (percentage !== undefined && minutesAsked !== undefined && JSON.stringify(shape) !== JSON.stringify([percentage, minutesAsked])) {
      problems.push(`shift ${JSON.stringify(shape)}, asked ${percentage}% every ${minutesAsked} minutes`);
    }
  }
  return problems;
}

function serverValues(template: Json, group: Json, spec: ServerCase): string[] {
  const problems: string[] = [];
  const hostsSpec = spec.healthyHosts;
  const value = hostsSpec && literalOf(hostsSpec.value);
  if (hostsSpec && hostsSpec.factory !== 'oneAtATime' && value !== undefined) {
    const name = group.DeploymentConfigName;
    const config = typeof name === 'object' ? template.Resources[name.Ref]?.Properties.MinimumHealthyHosts : undefined;
    const predefined: Record<string, [string, number]> = { 'CodeDeployDefault.AllAtOnce': ['HOST_COUNT', 0], 'CodeDeployDefault.HalfAtATime': ['FLEET_PERCENT', 50] };
    const shape = config ? [config.Type, config.Value] : predefined[name];
    const asked = [hostsSpec.factory === 'count' ? 'HOST_COUNT' : 'FLEET_PERCENT', value];
    const equivalentZero = value === 0 && shape?.[1] === 0;
    if (!equivalentZero && JSON.stringify(shape) !== JSON.stringify(asked)) {
      problems.push(`healthy hosts ${JSON.stringify(shape)}, asked ${JSON.stringify(asked)}`);
    }
  }
  const groups = group.AutoScalingGroups ?? [];
  if (groups.length !== (spec.autoScalingGroup === 'none' ? 0 : 1)) {
    problems.push(`${groups.length} Auto Scaling groups, asked ${spec.autoScalingGroup}`);
  }
  if ((group.TerminationHookEnabled === true) !== (spec.terminationHook === true)) {
    problems.push(`termination hook ${group.TerminationHookEnabled}, asked ${spec.terminationHook}`);
  }
  return problems;
}

// ---- The run ------------------------------------------------------------------------------------

interface Outcome { readonly spec: Case; readonly refused?: string; readonly problems: string[] }

const outcomes: Outcome[] = [];

beforeAll(() => {
  const specs = fc.sample(CASE, { seed: SEED, numRuns: CASES });
  for (let start = 0; start < specs.length; start += STACKS_PER_APP) {
    const app = checkedApp();
    const built: Array<{ spec: Case; stack: Stack }> = [];
    specs.slice(start, start + STACKS_PER_APP).forEach((spec, i) => {
      const id = `Case${start + i}`;
      const stack = new Stack(app, id);
      try {
        (spec.kind === 'lambda' ? buildLambda : buildServer)(stack, spec as never);
        // What can still change is checked at synth: ask now, so that one refusal does not fail the app's other combinations.
        const errors = stack.node.findAll().flatMap((c) => c.node.validate().map((message) => `[${c.node.path}] ${message}`));
        if (errors.length > 0) {
          throw new Error(errors.join('\n'));
        }
        built.push({ spec, stack });
      } catch (e) {
        app.node.tryRemoveChild(id);
        outcomes.push({ spec, refused: (e as Error).message, problems: unclear((e as Error).message).map((line) => `unclear refusal: ${line}`) });
      }
    });
    const result = checkedSynth(app);
    for (const { spec, stack } of built) {
      const path = `${stack.stackName}/`;
      const library = (where: string) => /\/Rollout\/|RolloutsServiceRole|RolloutPermissions|HookReportPermissions|TrafficHook|RevisionDeployer|ServerRolloutsApplication|LambdaRolloutsApplication/.test(where);
      const findings = [
        ...result.templateFindings.filter((f) => f.where.startsWith(path)),
        ...result.nagFindings.filter((f) => f.where.startsWith(path) && library(f.where)),
      ].map((f) => `${f.check} ${f.rule} ${f.where}: ${f.description.split('\n')[0]}`);
      outcomes.push({ spec, problems: [...findings, ...broken(result.template(stack).toJSON(), spec)] });
    }
  }
  if (process.env.CARELESS_INPUT_DUMP) {
    writeFileSync(process.env.CARELESS_INPUT_DUMP, JSON.stringify(outcomes, null, 1));
  }
  // eslint-disable-next-line no-console
  console.log(`careless input: ${outcomes.length} seeded combinations (seed ${SEED}), ${outcomes.filter((o) => o.refused).length} refused, `
    + `${outcomes.filter((o) => !o.refused).length} synthesized, ${outcomes.filter((o) => o.problems.length > 0).length} with a problem`);
}, 600_000);

test('at least 300 combinations, refused and accepted alike', () => {
  expect(outcomes.length).toBeGreaterThanOrEqual(300);
  expect(outcomes.filter((o) => o.refused).length).toBeGreaterThan(50);
  expect(outcomes.filter((o) => !o.refused).length).toBeGreaterThan(50);
});

test('every combination is refused clearly, or synthesizes a template that passes the validators, keeps to the limits and says what was asked', () => {
  const failures = outcomes.filter((o) => o.problems.length > 0).map((o) => `${JSON.stringify(o.spec)}\n  ${o.problems.join('\n  ')}`);
  expect(failures).toEqual([]);
});

test('what the issue found stays refused, naming the prop', () => {
  const stack = new Stack(new App(), 'Stack');
  const token = new CfnParameter(stack, 'Period', { type: 'Number' }).valueAsNumber;
  expect(() => HealthCheck.lambdaErrors({ period: Duration.minutes(token) })).toThrow(/^HealthCheck\.lambdaErrors: period must be known at synth/);
  expect(() => HealthCheck.lambdaErrorRate({ period: Duration.minutes(token) })).toThrow(/^HealthCheck\.lambdaErrorRate: period must be known at synth/);
  expect(() => HealthCheck.lambdaLatency({ threshold: Duration.minutes(20) })).toThrow(/^HealthCheck\.lambdaLatency: threshold must be a whole number of milliseconds from 1 to 900000, got 1200000/);
  expect(() => HealthyHostsPerZone.count(2 ** 40)).toThrow(/^HealthyHostsPerZone\.count: count must be an integer from 0 to 2147483647, got 1099511627776/);
  expect(() => new LambdaRollout(stack, 'Rollout', { function: fn(stack, 'Fn'), maxAlarms: token }))
    .toThrow(/^LambdaRollout at Stack\/Rollout: maxAlarms must be known at synth, got a token/);
  expect(Token.isUnresolved(token)).toBe(true);
});
