import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';

/** What the group's `addAlarm` takes (an `IAlarm`, or in newer aws-cdk-lib releases any alarm reference). */
export type AlarmReference = Parameters<codedeploy.LambdaDeploymentGroup['addAlarm']>[0];

/** What the rollout does when its exposed deployment group is given a hook or an alarm after construction. */
export interface DeploymentGroupAdditions {
  /** Called before the group takes the hook: throws when the rollout cannot run it in that event. */
  checkHook(event: 'preHook' | 'postHook', hook: lambda.IFunction): void;
  /** Runs aws-cdk-lib's part of adding a hook with the group's role taking no grant (the rollout grants its own). */
  withoutRoleGrants(action: () => void): void;
  /** Called once the group holds the hook: grant the service role to invoke it, order it before the alias. */
  hookAdded(hook: lambda.IFunction): void;
  /** Called before the group takes an alarm: throws when the rollout cannot watch it. */
  checkAlarm(): void;
  /** Called once the group holds the alarm: grant what reading it needs, order it before the alias. */
  alarmAdded(alarm: AlarmReference): void;
}

/**
 * The rollout's deployment group: aws-cdk-lib's, whose `addPreHook`, `addPostHook` and `addAlarm`
 * also do the rollout's part. The group holds a view of the service role that takes none of the
 * group's own grants (so that it attaches no AWS managed policy: DeploymentGroupRole), and on its
 * own those methods would silently lose the service role's grant: CodeDeploy could not invoke the
 * hook, and the deployment would fail at it.
 */
export class RolloutDeploymentGroup extends codedeploy.LambdaDeploymentGroup {
  private additions?: DeploymentGroupAdditions;

  /** Connects the rollout; hooks given as props during construction are wired by the rollout itself. */
  public connect(additions: DeploymentGroupAdditions): void {
    this.additions = additions;
  }

  public addPreHook(preHook: lambda.IFunction): void {
    this.additions?.checkHook('preHook', preHook);
    this.withoutRoleGrants(() => super.addPreHook(preHook));
    this.additions?.hookAdded(preHook);
  }

  public addPostHook(postHook: lambda.IFunction): void {
    this.additions?.checkHook('postHook', postHook);
    this.withoutRoleGrants(() => super.addPostHook(postHook));
    this.additions?.hookAdded(postHook);
  }

  private withoutRoleGrants(action: () => void): void {
    if (this.additions) {
      this.additions.withoutRoleGrants(action);
    } else {
      action();
    }
  }

  public addAlarm(alarm: AlarmReference): void {
    this.additions?.checkAlarm();
    super.addAlarm(alarm);
    this.additions?.alarmAdded(alarm);
  }
}
