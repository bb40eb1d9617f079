import { CfnCondition } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { IAM_POLICY } from '../private/iam-limits';
import { boundedArn, RolloutPolicies } from '../private/rollout-service-role';

/**
 * The role behind a grantee, when it is one (a hook function's role): the principal aws-cdk-lib's
 * grants would add a statement to that role's default policy.
 */
export function roleOf(grantee: iam.IGrantable): iam.IRole | undefined {
  const principal = grantee.grantPrincipal as Partial<iam.IRole>;
  return typeof principal.roleArn === 'string' && typeof principal.roleName === 'string' && principal.node !== undefined
    ? principal as iam.IRole
    : undefined;
}

/**
 * A principal that stands for `role` in a grant but puts the granted statements into the stack's
 * hook report policies of that role (`RolloutPolicies.forHookRole`), created under `condition` when
 * the rollout has one, instead of into the role's own default policy. A function that has the role
 * depends on that default policy; a hook's report permission names the deployment group, and the
 * group waits for the alarms on the released function's new version: in the role's default policy
 * the grant closes a dependency cycle whenever the released function shares its role with a hook.
 */
export class HookReportPrincipal implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly policyFragment: iam.PrincipalPolicyFragment;
  public readonly principalAccount?: string;

  /**
   * @param granted called with each policy that received a statement, so that what needs the
   * permission (the alias update) can wait for it
   */
  constructor(
    private readonly scope: IConstruct,
    private readonly role: iam.IRole,
    private readonly condition: CfnCondition | undefined,
    private readonly granted: (policy: iam.ManagedPolicy) => void,
  ) {
    this.assumeRoleAction = role.assumeRoleAction;
    this.policyFragment = role.policyFragment;
    this.principalAccount = role.principalAccount;
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    const policy = RolloutPolicies.forHookRole(this.scope, this.role).grant({
      statements: [{
        actions: statement.actions,
        resources: statement.resources.map((arn) => boundedArn(arn, IAM_POLICY.maxDeploymentGroupArnLength)),
      }],
    }, this.condition);
    this.granted(policy);
    return { statementAdded: true, policyDependable: policy };
  }
}
