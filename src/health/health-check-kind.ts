import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/**
 * Where a kind's alarms stand in a rollout's `alarms` (and so in its deployment group's alarm
 * list, which is part of the template): alarms the rollout creates first, then the alarms passed
 * in. Kinds with the same place keep the order of `healthChecks`.
 */
export enum AlarmPlace {
  /** The alarms on the new version's own metrics, shared by the Lambda checks of one evaluation. */
  NEW_VERSION = 1,
  /** The alarms that compare the new version with the old one. */
  NEW_AGAINST_OLD = 2,
  /** The alarms on metrics the user chose. */
  USER_METRIC = 3,
  /** The alarms passed in. */
  EXISTING = 4,
}

/** What a rollout gives its health checks to turn them into alarms. */
export interface HealthCheckContext {
  /** The rollout: the alarms a check creates are its children, with ids unique within it. */
  readonly scope: Construct;
  /** The alias of a Lambda rollout, whose new version the Lambda checks watch; none in a server rollout. */
  readonly alias?: lambda.Alias;
  /** The description of an alarm on a metric the user chose: what it stops. */
  readonly alarmDescription: string;
  /** Creates an alarm that stops the rollout's deployments, with the rollout's alarm actions. */
  createAlarm(id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm;
}

/**
 * One kind of health check, as a `HealthCheck` factory validated it: what a rollout needs to
 * check it against the other checks and to turn it into alarms. Each kind is one file in
 * `health/` (docs/ARCHITECTURE.md, "Where a change goes").
 */
export interface HealthCheckKind {
  /** The factory that made it, for messages: `HealthCheck.lambdaErrorRate`. */
  readonly factory: string;
  /** Whether it watches a Lambda alias, which a server rollout does not have. */
  readonly watchesLambdaAlias: boolean;
  /** Where its alarms stand in the rollout's list. */
  readonly place: AlarmPlace;

  /**
   * Checks with the same key share one alarm (one of CodeDeploy's alarm slots), and the first
   * of them binds them all; none: the check has an alarm of its own.
   */
  readonly sharedAlarmKey?: string;

  /**
   * What makes two checks of a rollout the same check given twice (two identical alarms under one
   * id, or one alarm listed twice), which the rollout refuses; none where twice is harmless.
   */
  duplicateKey(scope: Construct): string | undefined;

  /**
   * What is wrong with the checks that share this one's alarm (`sharedAlarmKey`), together: a
   * limit of the one alarm they make. Checked at construction, once per shared alarm.
   *
   * @param sharing every check of the rollout with this one's `sharedAlarmKey`, this one first
   */
  sharedAlarmProblems?(sharing: HealthCheckKind[]): string[];

  /**
   * The alarms of this check in the rollout: created with `context.createAlarm`, or passed in.
   *
   * @param sharing every check of the rollout with this one's `sharedAlarmKey`, this one first
   *   (only this one without a key)
   */
  bind(context: HealthCheckContext, sharing: HealthCheckKind[]): cloudwatch.IAlarm[];
}

/** The Lambda rollout's alias, which every Lambda check needs (a server rollout refuses Lambda checks). */
export function aliasOf(context: HealthCheckContext, kind: HealthCheckKind): lambda.Alias {
  if (!context.alias) {
    throw new Error(`${kind.factory} watches a Lambda alias: only a LambdaRollout can bind it`);
  }
  return context.alias;
}
