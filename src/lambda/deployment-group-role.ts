import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Where what is granted to the group's role goes, once the rollout is built. */
export interface GroupRoleGrants {
  /** A statement granted to the role (`addToPrincipalPolicy`, and every `grant*(rollout.deploymentGroup.role)`). */
  addStatement(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult;
  /** `addManagedPolicy` on the role. */
  addManagedPolicy(policy: iam.IManagedPolicy): void;
  /** `attachInlinePolicy` on the role. */
  attachInlinePolicy(policy: iam.Policy): void;
}

/**
 * The role the rollout's deployment group holds (`rollout.deploymentGroup.role`): a view of the
 * service role. While aws-cdk-lib's group is built, and while it adds a hook, the view takes
 * nothing: the group would attach AWS's broad managed policy AWSCodeDeployRoleForLambdaLimited and
 * grant each hook itself, where the rollout grants exact permissions in customer managed policies.
 * Once the rollout is built, what is granted to the view reaches the service role (`forwardTo`),
 * where on an immutable view it would do nothing and say nothing.
 */
export class DeploymentGroupRole {
  /** The view the deployment group is given. */
  public readonly role: iam.IRole;
  private grants?: GroupRoleGrants;
  private paused = false;

  constructor(scope: Construct, id: string, serviceRole: iam.IRole) {
    const view = iam.Role.fromRoleArn(scope, id, serviceRole.roleArn, { mutable: false });
    // The view's own methods do nothing; these are what aws-cdk-lib's grants and the group call on
    // it (`Grant.addToPrincipal` calls `grantPrincipal.addToPrincipalPolicy`, and the view is its
    // own grant principal; `addToPolicy` calls `addToPrincipalPolicy`).
    const ignore = {
      addToPrincipalPolicy: view.addToPrincipalPolicy.bind(view),
      addManagedPolicy: view.addManagedPolicy.bind(view),
      attachInlinePolicy: view.attachInlinePolicy.bind(view),
    };
    const forward = (): GroupRoleGrants | undefined => (this.paused ? undefined : this.grants);
    Object.assign(view, {
      addToPrincipalPolicy: (statement: iam.PolicyStatement) => forward()?.addStatement(statement) ?? ignore.addToPrincipalPolicy(statement),
      addManagedPolicy: (policy: iam.IManagedPolicy) => (forward() ?? ignore).addManagedPolicy(policy),
      attachInlinePolicy: (policy: iam.Policy) => (forward() ?? ignore).attachInlinePolicy(policy),
    });
    this.role = view;
  }

  /** From now on, what is granted to the view goes to `grants`. */
  public forwardTo(grants: GroupRoleGrants): void {
    this.grants = grants;
  }

  /** Runs `action` (aws-cdk-lib's own grants to the view, which the rollout replaces) with the view taking nothing. */
  public withoutGrants(action: () => void): void {
    const paused = this.paused;
    this.paused = true;
    try {
      action();
    } finally {
      this.paused = paused;
    }
  }
}
