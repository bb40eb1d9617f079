import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { deploymentAlarm } from './deployment-alarm';
import { HealthCheck } from '../health/health-check';
import { HealthCheckContext, HealthCheckKind } from '../health/health-check-kind';
import { Problems } from '../private/validation';

/** What a rollout gives its health checks. */
interface RolloutAlarmsOptions {
  /** The alias of a Lambda rollout, whose new version the Lambda checks watch. */
  readonly alias?: lambda.Alias;
  /** The description of each alarm on a metric the user chose (`HealthCheck.metric`): what it stops. */
  readonly description: string;
  /** Actions on the ALARM state of every alarm the rollout creates. */
  readonly alarmActions?: cloudwatch.IAlarmAction[];
}

/**
 * Every alarm that stops a rollout's deployments, each health check bound by its kind: the alarms
 * the rollout creates first (with the rollout's alarm actions), then the ones passed in with
 * `HealthCheck.alarm`, in the order of each kind's `place`.
 */
export function rolloutAlarms(scope: Construct, healthChecks: HealthCheck[], options: RolloutAlarmsOptions): cloudwatch.IAlarm[] {
  const context: HealthCheckContext = {
    scope,
    alias: options.alias,
    alarmDescription: options.description,
    createAlarm: (id, props) => {
      // CodeDeploy polls the alarms and needs no action; governed accounts may require one (Control Tower CT.CLOUDWATCH.PR.1).
      const alarm = deploymentAlarm(scope, id, props);
      alarm.addAlarmAction(...(options.alarmActions ?? []));
      return alarm;
    },
  };
  const kinds = healthChecks.map((check) => check._kind);
  const boundKeys = new Set<string>();
  // Array.prototype.sort is stable: checks of one place keep the order of healthChecks.
  return [...kinds].sort((a, b) => a.place - b.place).flatMap((kind) => {
    const key = kind.sharedAlarmKey;
    if (key === undefined) {
      return kind.bind(context, [kind]);
    }
    if (boundKeys.has(key)) {
      return [];
    }
    boundKeys.add(key);
    return kind.bind(context, kinds.filter((other) => other.sharedAlarmKey === key));
  });
}

/** How many alarms `healthChecks` take in the deployment group: checks with a shared alarm count once. */
export function countAlarms(healthChecks: HealthCheck[]): number {
  return new Set(healthChecks.map((check, i) => check._kind.sharedAlarmKey ?? i)).size;
}

/**
 * Refuses a check given twice where that would make two identical alarms under one id or list one
 * alarm twice, checks that share an alarm beyond its limits, and Lambda checks in a rollout without a Lambda alias.
 */
export function checkHealthChecks(problems: Problems, scope: Construct, healthChecks: HealthCheck[], options: { hasLambdaAlias: boolean }): void {
  const kinds = healthChecks.map((check) => check._kind);
  const seen = new Map<string, number>();
  kinds.forEach((kind, i) => {
    const key = kind.duplicateKey(scope);
    if (key === undefined) {
      return;
    }
    const first = seen.get(key);
    if (first !== undefined) {
      problems.add(`healthChecks ${first + 1} and ${i + 1} are the same ${kind.factory}: give each check once`);
    } else {
      seen.set(key, i);
    }
  });
  const checkedKeys = new Set<string>();
  for (const kind of kinds) {
    const key = kind.sharedAlarmKey;
    if (key !== undefined && !checkedKeys.has(key)) {
      checkedKeys.add(key);
      (kind.sharedAlarmProblems?.(kinds.filter((other) => other.sharedAlarmKey === key)) ?? []).forEach((problem) => problems.add(problem));
    }
  }
  const lambdaChecks = kinds.filter((kind) => kind.watchesLambdaAlias);
  if (!options.hasLambdaAlias && lambdaChecks.length > 0) {
    problems.add(`healthChecks may not hold Lambda checks, which watch a Lambda alias, got ${unique(lambdaChecks).join(', ')}`);
  }
}

function unique(kinds: HealthCheckKind[]): string[] {
  return [...new Set(kinds.map((kind) => kind.factory))];
}
