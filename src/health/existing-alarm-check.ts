import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { AlarmPlace, HealthCheckKind } from './health-check-kind';

/** `HealthCheck.alarm`: an alarm that already exists, used as it is (no alarm actions added). */
export class ExistingAlarmCheck implements HealthCheckKind {
  public readonly watchesLambdaAlias = false;
  public readonly place = AlarmPlace.EXISTING;

  constructor(public readonly factory: string, private readonly alarm: cloudwatch.IAlarm) {}

  /** CodeDeploy would list the same alarm twice. Tokens are resolved: the same alarm in any synth. */
  public duplicateKey(scope: Construct): string {
    return `alarm:${JSON.stringify(Stack.of(scope).resolve(this.alarm.alarmArn))}`;
  }

  public bind(): cloudwatch.IAlarm[] {
    return [this.alarm];
  }
}
