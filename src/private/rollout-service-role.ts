import { CfnCondition, CfnResource, Names, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { acknowledge } from './acknowledge';
import { IAM_POLICY } from './iam-limits';

/** A resource ARN, with the most characters it can have once CloudFormation resolves it. */
export interface BoundedArn {
  readonly arn: string;
  readonly maxLength: number;
}

/** Actions CodeDeploy takes on behalf of a rollout, on exact resources. */
export interface RolloutStatement {
  readonly actions: string[];
  readonly resources: BoundedArn[];
}

/** What CodeDeploy does on behalf of one rollout. */
export interface RolloutPermissions {
  readonly statements: RolloutStatement[];
}

/**
 * `cloudwatch:DescribeAlarms` on `*`: CodeDeploy reads the group's alarms by name, AWS's own
 * CodeDeploy policies grant it on `*`, and composite alarms can only be described with `*`. It
 * reads alarm state and nothing else (acknowledged on each policy below).
 */
export const DESCRIBE_ALARMS: RolloutStatement = { actions: ['cloudwatch:DescribeAlarms'], resources: [{ arn: '*', maxLength: 1 }] };

/** Publishing deployment notifications to the rollout's topics. */
export function publishTo(topics: BoundedArn[]): RolloutStatement {
  return { actions: ['sns:Publish'], resources: topics };
}

/** An ARN bounded for policy packing: its own length once known, else the longest it may resolve to. */
export function boundedArn(arn: string, maxLength: number): BoundedArn {
  return { arn, maxLength: Token.isUnresolved(arn) ? maxLength : arn.length };
}

/** A Lambda function ARN (or a qualifier on it), bounded for policy packing. */
export function functionArn(arn: string, qualifier?: string): BoundedArn {
  const suffix = qualifier === undefined ? '' : `:${qualifier}`;
  return { arn: `${arn}${suffix}`, maxLength: boundedArn(arn, IAM_POLICY.maxFunctionArnLength).maxLength + suffix.length };
}

/** An SNS topic ARN, bounded for policy packing. */
export function topicArn(arn: string): BoundedArn {
  return boundedArn(arn, IAM_POLICY.maxTopicArnLength);
}

/** Why a rollout's service role policies hold statements on `*`. */
const ROLLOUT_WILDCARD_REASON = 'Read-only discovery actions that support no resource-level permissions: cloudwatch:DescribeAlarms '
  + '(composite alarms need *), and for server rollouts ec2, autoscaling and elasticloadbalancing Describe* and tag:GetResources';

/**
 * The CodeDeploy service role shared by every rollout of one platform in a stack, with no
 * AWS managed policy: each rollout grants its own exact permissions through `RolloutPolicies`.
 */
export class RolloutServiceRole extends Construct {
  /** The shared role of `platform` (CodeDeploy compute platform) in `scope`'s stack, created on first use. */
  public static of(scope: IConstruct, platform: 'Lambda' | 'Server'): RolloutServiceRole {
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
    this.policies = new RolloutPolicies(this, 'Permissions', this.role, ROLLOUT_WILDCARD_REASON);
  }
}

/**
 * The rollouts' permissions on one service role, as customer managed policies: least privilege on
 * exact ARNs, not an AWS managed policy, and not an inline policy (which the HIPAA, NIST and PCI
 * cdk-nag packs reject). Rollouts fill a policy until the longest their ARNs could resolve to
 * would pass IAM's 6,144-character limit, then start the next.
 *
 * Permissions of a rollout created under a CloudFormation condition go into policies of their
 * own, created under the same condition: a policy that exists whatever the condition cannot name
 * a resource that may not exist (CloudFormation refuses the template when the condition is false).
 */
export class RolloutPolicies extends Construct {
  /** The policies of a service role the user passed in, created under its stack on first use. */
  public static forRole(scope: IConstruct, role: iam.IRole): RolloutPolicies {
    const stack = Stack.of(scope);
    const id = `RolloutPermissions${Names.uniqueId(role)}`;
    return (stack.node.tryFindChild(id) as RolloutPolicies | undefined) ?? new RolloutPolicies(stack, id, role, ROLLOUT_WILDCARD_REASON);
  }

  /**
   * The policies that let hook functions with `role` report their verdict to the deployment
   * groups of the stack's rollouts, created under its stack on first use. They are attached to the
   * role from outside (the policy names the role), so a function with that role never depends on
   * them: the released function may share its role with its hook without a dependency cycle
   * (function, its role's policy, the deployment group, the group's alarms on the new version).
   */
  public static forHookRole(scope: IConstruct, role: iam.IRole): RolloutPolicies {
    const stack = Stack.of(scope);
    const id = `HookReportPermissions${Names.uniqueId(role)}`;
    return (stack.node.tryFindChild(id) as RolloutPolicies | undefined) ?? new RolloutPolicies(stack, id, role);
  }

  /** The filled policies of each condition (`undefined`: no condition), in the order they were created. */
  private readonly chains = new Map<CfnCondition | undefined, PolicyStatements[]>();

  /**
   * @param wildcardReason why the statements on `*` these policies may hold are needed, for the
   * `AwsSolutions-IAM5[Resource::*]` acknowledgement; none when they hold no statement on `*`
   */
  constructor(scope: Construct, id: string, private readonly role: iam.IRole, private readonly wildcardReason?: string) {
    super(scope, id);
  }

  /**
   * Grants one rollout's permissions; returns the policy that holds them, for ordering.
   *
   * @param condition the CloudFormation condition the rollout is created under, if any: its
   * permissions then go into policies created under that condition only
   */
  public grant(permissions: RolloutPermissions, condition?: CfnCondition): iam.ManagedPolicy {
    const chain = this.chains.get(condition) ?? [];
    this.chains.set(condition, chain);
    let current = chain[chain.length - 1];
    if (!current || current.maxLengthWith(permissions) > IAM_POLICY.managedPolicyMaxCharacters) {
      // The ids of unconditional policies are those of the releases before conditions existed.
      const id = condition ? `${Names.uniqueId(condition)}Policy${chain.length + 1}` : `Policy${chain.length + 1}`;
      const policy = new iam.ManagedPolicy(this, id, { roles: [this.role] });
      if (condition) {
        (policy.node.defaultChild as CfnResource).cfnOptions.condition = condition;
      }
      if (this.wildcardReason) {
        acknowledge(policy, { id: 'AwsSolutions-IAM5[Resource::*]', reason: this.wildcardReason });
      }
      current = new PolicyStatements(policy);
      chain.push(current);
    }
    current.add(permissions);
    return current.policy;
  }
}

/** `{"Version":"2012-10-17","Statement":[]}` */
const DOCUMENT_OVERHEAD = 40;
/** `{"Effect":"Allow","Action":[],"Resource":[]},` */
const STATEMENT_OVERHEAD = 45;
/** Quotes and comma around each action or resource. */
const ITEM_OVERHEAD = 3;
/**
 * The statements of one managed policy, one per set of actions, each listing its resources once,
 * and the most characters the policy can resolve to.
 */
class PolicyStatements {
  private readonly byActions = new Map<string, { statement: iam.PolicyStatement; resources: Set<string> }>();
  private maxLength = DOCUMENT_OVERHEAD;

  constructor(public readonly policy: iam.ManagedPolicy) {}

  /** The most characters the policy could resolve to with `permissions` added. */
  public maxLengthWith(permissions: RolloutPermissions): number {
    return this.maxLength + this.growth(permissions);
  }

  public add(permissions: RolloutPermissions): void {
    this.maxLength += this.growth(permissions);
    for (const { actions, resources } of nonEmpty(permissions)) {
      const key = actions.join(',');
      let entry = this.byActions.get(key);
      if (!entry) {
        entry = { statement: new iam.PolicyStatement({ actions }), resources: new Set() };
        this.byActions.set(key, entry);
        this.policy.addStatements(entry.statement);
      }
      for (const { arn } of resources.filter((r) => !entry!.resources.has(r.arn))) {
        entry.resources.add(arn);
        entry.statement.addResources(arn);
      }
    }
  }

  /** Characters the new statements and resources of `permissions` add, at most. */
  private growth(permissions: RolloutPermissions): number {
    let growth = 0;
    for (const { actions, resources } of nonEmpty(permissions)) {
      const entry = this.byActions.get(actions.join(','));
      if (!entry) {
        growth += STATEMENT_OVERHEAD + actions.reduce((sum, action) => sum + action.length + ITEM_OVERHEAD, 0);
      }
      const added = new Map(resources.filter((r) => !entry?.resources.has(r.arn)).map((r) => [r.arn, r.maxLength]));
      for (const maxLength of added.values()) {
        growth += maxLength + ITEM_OVERHEAD;
      }
    }
    return growth;
  }
}

function nonEmpty(permissions: RolloutPermissions): RolloutStatement[] {
  return permissions.statements.filter((statement) => statement.resources.length > 0);
}
