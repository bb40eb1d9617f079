import { Names, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';

/** What CodeDeploy does on behalf of one rollout, on exact resources. */
export interface RolloutPermissions {
  /** Actions on the rollout's own resources (e.g. the alias CodeDeploy shifts). */
  readonly targets: { readonly actions: string[]; readonly resources: string[] };
  /** Whether CodeDeploy reads alarms during the deployment. */
  readonly describeAlarms: boolean;
  /** Lifecycle hook functions CodeDeploy invokes. */
  readonly hookArns: string[];
  /** Topics CodeDeploy publishes notifications to. */
  readonly topicArns: string[];
}

/**
 * How many rollouts' permissions one customer managed policy holds. A managed policy holds at
 * most 6,144 characters; one rollout needs up to about 400 (an alias, two hooks and a topic, each
 * ARN up to ~110 characters), so 12 leave room; and 100 rollouts need 9 policies, within IAM's
 * default of 10 managed policies per role.
 */
const ROLLOUTS_PER_POLICY = 12;

/**
 * The CodeDeploy service role shared by every rollout of one platform in a stack, with no
 * AWS managed policy: each rollout grants its own exact permissions through `RolloutPolicies`.
 */
export class RolloutServiceRole extends Construct {
  /** The shared role of `platform` in `scope`'s stack, created on first use. */
  public static of(scope: IConstruct, platform: 'Lambda'): RolloutServiceRole {
    const stack = Stack.of(scope);
    const id = `${platform}RolloutsServiceRole`;
    return (stack.node.tryFindChild(id) as RolloutServiceRole | undefined) ?? new RolloutServiceRole(stack, id);
  }

  public readonly role: iam.Role;
  public readonly policies: RolloutPolicies;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com'),
      description: 'CodeDeploy service role shared by the rollouts of this stack',
    });
    this.policies = new RolloutPolicies(this, 'Permissions', this.role);
  }
}

/**
 * The rollouts' permissions on one service role, as customer managed policies: least privilege on
 * exact ARNs, not an AWS managed policy, and not an inline policy (which the HIPAA, NIST and PCI
 * cdk-nag packs reject). Rollouts fill the policies in turn, 12 to a policy.
 */
export class RolloutPolicies extends Construct {
  /** The policies of a service role the user passed in, created under its stack on first use. */
  public static forRole(scope: IConstruct, role: iam.IRole): RolloutPolicies {
    const stack = Stack.of(scope);
    const id = `RolloutPermissions${Names.uniqueId(role)}`;
    return (stack.node.tryFindChild(id) as RolloutPolicies | undefined) ?? new RolloutPolicies(stack, id, role);
  }

  private readonly policies: PolicyStatements[] = [];
  private rolloutsInLastPolicy = 0;

  constructor(scope: Construct, id: string, private readonly role: iam.IRole) {
    super(scope, id);
  }

  /** Grants one rollout's permissions; returns the policy that holds them, for ordering. */
  public grant(permissions: RolloutPermissions): iam.ManagedPolicy {
    if (this.policies.length === 0 || this.rolloutsInLastPolicy === ROLLOUTS_PER_POLICY) {
      const policy = new iam.ManagedPolicy(this, `Policy${this.policies.length + 1}`, { roles: [this.role] });
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'cloudwatch:DescribeAlarms only: CodeDeploy reads its alarms by name, composite alarms need Resource *, and the action reads alarm state only',
      });
      this.policies.push(new PolicyStatements(policy));
      this.rolloutsInLastPolicy = 0;
    }
    this.rolloutsInLastPolicy++;
    const current = this.policies[this.policies.length - 1];
    current.add(permissions);
    return current.policy;
  }
}

/**
 * The statements one rollout needs, each with its exact resources.
 *
 * `cloudwatch:DescribeAlarms` is on `*`: CodeDeploy reads the group's alarms by name, AWS's own
 * CodeDeploy policies grant it on `*`, and composite alarms can only be described with `*`. It
 * reads alarm state and nothing else.
 */
function rolloutStatements(permissions: RolloutPermissions): Array<{ actions: string[]; resources: string[] }> {
  return [
    { actions: permissions.targets.actions, resources: permissions.targets.resources },
    { actions: ['cloudwatch:DescribeAlarms'], resources: permissions.describeAlarms ? ['*'] : [] },
    { actions: ['lambda:InvokeFunction'], resources: permissions.hookArns },
    { actions: ['sns:Publish'], resources: permissions.topicArns },
  ].filter((statement) => statement.resources.length > 0);
}

/**
 * The statements of one managed policy, one per set of actions, each listing its resources once.
 * Grouping keeps the policy small; the statements grow as rollouts add resources.
 */
class PolicyStatements {
  private readonly byActions = new Map<string, { statement: iam.PolicyStatement; resources: Set<string> }>();

  constructor(public readonly policy: iam.ManagedPolicy) {}

  public add(permissions: RolloutPermissions): void {
    for (const { actions, resources } of rolloutStatements(permissions)) {
      const key = actions.join(',');
      let entry = this.byActions.get(key);
      if (!entry) {
        entry = { statement: new iam.PolicyStatement({ actions }), resources: new Set() };
        this.byActions.set(key, entry);
        this.policy.addStatements(entry.statement);
      }
      for (const resource of resources.filter((r) => !entry!.resources.has(r))) {
        entry.resources.add(resource);
        entry.statement.addResources(resource);
      }
    }
  }
}
