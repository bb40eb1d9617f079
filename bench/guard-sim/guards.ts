/**
 * The guards the bench compares, each synthesized as a real stack and read back from its template:
 * the library's default, each Lambda check on its own, and the SAM-style anchor.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { guardOf, GuardModel } from './template-guard';
import { HealthCheck, LambdaRollout } from '../../src';

export interface NamedGuard {
  readonly name: string;
  readonly guard: GuardModel;
}

/** Builds the rollout of one guard around `fn`. */
export type Build = (stack: Stack, fn: lambda.Function) => void;

/** SAM's reference alarms, as the issue names them: Errors > 0 in a minute, on the alias and on the new version. */
export const SAM_ANCHOR = 'SAM-style: Errors > 0 on alias and on version';
export const LIBRARY_DEFAULT = 'library default';
export const ERROR_RATE = 'lambdaErrorRate()';
/** The default until the simulator measured it: one alarm on any error or throttle of the new version. */
export const FORMER_DEFAULT = 'lambdaErrors() + lambdaThrottles() (former default)';
/** The error guard with the latency check added: the default if the latency check joined it (reads Duration). */
export const WITH_LATENCY = 'lambdaErrorRate() + lambdaLatencyRegression()';

const GUARDS: Array<[string, Build]> = [
  [LIBRARY_DEFAULT, (stack, fn) => new LambdaRollout(stack, 'Rollout', { function: fn })],
  [FORMER_DEFAULT, (stack, fn) => new LambdaRollout(stack, 'Rollout', {
    function: fn, healthChecks: [HealthCheck.lambdaErrors(), HealthCheck.lambdaThrottles()],
  })],
  ['lambdaErrors()', (stack, fn) => new LambdaRollout(stack, 'Rollout', { function: fn, healthChecks: [HealthCheck.lambdaErrors()] })],
  ['lambdaThrottles()', (stack, fn) => new LambdaRollout(stack, 'Rollout', { function: fn, healthChecks: [HealthCheck.lambdaThrottles()] })],
  [ERROR_RATE, (stack, fn) => new LambdaRollout(stack, 'Rollout', { function: fn, healthChecks: [HealthCheck.lambdaErrorRate()] })],
  [WITH_LATENCY, (stack, fn) => new LambdaRollout(stack, 'Rollout', {
    function: fn, healthChecks: [HealthCheck.lambdaErrorRate(), HealthCheck.lambdaLatencyRegression()],
  })],
  ...[1, 2].map((minutes): [string, Build] => [`lambdaErrorRate({ period: ${minutes} min })`, (stack, fn) => new LambdaRollout(stack, 'Rollout', {
    function: fn, healthChecks: [HealthCheck.lambdaErrorRate({ period: Duration.minutes(minutes) })],
  })]),
  [SAM_ANCHOR, (stack, fn) => {
    const alias = 'live';
    const errors = (id: string, dimensionsMap: Record<string, string>): cloudwatch.Alarm => new cloudwatch.Alarm(stack, id, {
      metric: new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Errors', dimensionsMap, statistic: 'Sum', period: Duration.minutes(1) }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
    const resource = `${fn.functionName}:${alias}`;
    new LambdaRollout(stack, 'Rollout', {
      function: fn,
      aliasName: alias,
      healthChecks: [
        HealthCheck.alarm(errors('AliasErrorMetricGreaterThanZeroAlarm', { FunctionName: fn.functionName, Resource: resource })),
        HealthCheck.alarm(errors('LatestVersionErrorMetricGreaterThanZeroAlarm', {
          FunctionName: fn.functionName, Resource: resource, ExecutedVersion: fn.currentVersion.version,
        })),
      ],
    });
  }],
];

/** Synthesizes every guard (one stack each, validation off: this is a measurement) and reads its template. */
export function synthesizeGuards(): NamedGuard[] {
  return synthesizeEach('Guard', GUARDS);
}

/**
 * Synthesizes one stack per build, named `<prefix><index>`, each with a function (inline code, the
 * same in all) for the build to guard, and reads every guard back from its template.
 */
export function synthesizeEach(prefix: string, builds: Array<[string, Build]>): NamedGuard[] {
  const app = new App();
  const stacks = builds.map(([name, build], i) => {
    const stack = new Stack(app, `${prefix}${i}`);
    const fn = new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => "ok";'),
    });
    build(stack, fn);
    return { name, stack };
  });
  const assembly = app.synth();
  return stacks.map(({ name, stack }) => ({ name, guard: guardOf(assembly.getStackByName(stack.stackName).template) }));
}
