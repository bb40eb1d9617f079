import { CfnCondition } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { HookReportPrincipal, roleOf } from './hook-report-grant';

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

/** Properties of the rollout's deployment group. */
export interface RolloutDeploymentGroupProps extends codedeploy.LambdaDeploymentGroupProps {
  /** The CloudFormation condition the rollout is created under, for the hooks' report permissions. */
  readonly condition?: CfnCondition;
}

/**
 * The rollout's deployment group: aws-cdk-lib's, whose `addPreHook`, `addPostHook` and `addAlarm`
 * also do the rollout's part. The group holds a view of the service role that takes none of the
 * group's own grants (so that it attaches no AWS managed policy: DeploymentGroupRole), and on its
 * own those methods would silently lose the service role's grant: CodeDeploy could not invoke the
 * hook, and the deployment would fail at it.
 *
 * A hook's permission to report its verdict goes into a customer managed policy attached to the
 * hook's role from outside (`HookReportPrincipal`), never into the role's default policy, which a
 * released function with the same role would depend on.
 */
export class RolloutDeploymentGroup extends codedeploy.LambdaDeploymentGroup {
  /** The policies that hold the hooks' report permissions: the alias update waits for them. */
  public readonly reportPolicies = new Set<iam.ManagedPolicy>();
  private readonly condition?: CfnCondition;
  private additions?: DeploymentGroupAdditions;

  constructor(scope: Construct, id: string, props: RolloutDeploymentGroupProps) {
    // The hooks are added once this class is set up: their grants need its condition and policies.
    super(scope, id, { ...props, preHook: undefined, postHook: undefined });
    this.condition = props.condition;
    if (props.preHook) {
      this.addPreHook(props.preHook);
    }
    if (props.postHook) {
      this.addPostHook(props.postHook);
    }
  }

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

  /**
   * Grants a hook's role the report permission in the stack's hook report policies of that role;
   * a grantee without a role (a user, an imported function) is granted as aws-cdk-lib grants it.
   */
  public grantPutLifecycleEventHookExecutionStatus(grantee: iam.IGrantable): iam.Grant {
    const role = roleOf(grantee);
    if (!role) {
      return super.grantPutLifecycleEventHookExecutionStatus(grantee);
    }
    return super.grantPutLifecycleEventHookExecutionStatus(
      new HookReportPrincipal(this, role, this.condition, (policy) => this.reportPolicies.add(policy)));
  }

  public addAlarm(alarm: AlarmReference): void {
    this.additions?.checkAlarm();
    super.addAlarm(alarm);
    this.additions?.alarmAdded(alarm);
  }
}
