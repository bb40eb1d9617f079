import { AspectPriority, Aspects, CfnCondition, CfnResource, IAspect, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DEFAULT_DEPLOYMENT_GROUP_SIZE } from '../private/defaults';
import { Problems } from '../private/validation';

/**
 * How a stack's Lambda rollouts start their CodeDeploy deployments: in groups, one group after the
 * other, a version's publication apart.
 *
 * CloudFormation updates every changed function of a stack together and, as soon as a function's
 * new version is published, updates its alias, which starts a CodeDeploy deployment. A deployment
 * makes most of its calls to Lambda's control plane in its first seconds and at each traffic
 * shift, and those calls share one account quota of 15 requests a second: 82 deployments starting
 * within seconds go far over it, and CodeDeploy fails a deployment its calls were throttled in
 * (the deployment model, bench/deploy-model/). With a group size of G, the new version of the
 * k-th rollout's function is published only after that of the (k - G)-th (DependsOn between the
 * AWS::Lambda::Version resources): G chains of publications, so deployments start G at a time,
 * spread over the stack update, while every deployment still runs alongside the others. A
 * function that does not change makes the next one in its chain wait for nothing.
 *
 * Versions created only under a condition are chained only with versions under the same
 * condition: "if a resource with a condition isn't created, any resources that depend on that
 * resource aren't created either, regardless of their own conditions" (CloudFormation Template
 * Reference, Condition attribute,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-condition.html),
 * so a version of one condition waiting for a version of another would vanish with it.
 *
 * The chains are drawn when the stack is synthesized (an aspect of the stack), so the group size
 * may be set before or after the rollouts are created. The aspect reads each version's condition
 * when it visits the version, after the aspects of lower priority there (the CDK way to create a
 * subtree under a condition is an aspect that sets it, at the default priority), and draws the
 * chains once it has read them all.
 */
export class DeploymentStagger implements IAspect {
  /** The stagger of `scope`'s stack, created on first use. */
  public static of(scope: IConstruct): DeploymentStagger {
    const stack = Stack.of(scope);
    let stagger = STAGGERS.get(stack);
    if (!stagger) {
      stagger = new DeploymentStagger(stack);
      STAGGERS.set(stack, stagger);
      Aspects.of(stack).add(stagger, { priority: STAGGER_PRIORITY });
    }
    return stagger;
  }

  private groupSize = DEFAULT_DEPLOYMENT_GROUP_SIZE;
  private readonly versions: IConstruct[] = [];
  /** Each queued version, by its CloudFormation resource (what the aspect visits). */
  private readonly byResource = new Map<IConstruct, IConstruct>();
  /** The condition each version is created under, once the aspect has visited it (undefined: always). */
  private readonly conditions = new Map<IConstruct, CfnCondition | undefined>();
  private drawn = false;

  private constructor(private readonly stack: Stack) {}

  /** Queues the version a rollout deploys, in the order the rollouts are created. */
  public add(version: IConstruct): void {
    // Two rollouts of one function (two aliases) deploy the same version: it is queued once. A
    // version in another stack than the rollouts' cannot wait in this stack's chains.
    const resource = version.node.defaultChild;
    if (!this.versions.includes(version) && Stack.of(version) === this.stack && resource && CfnResource.isCfnResource(resource)) {
      this.versions.push(version);
      this.byResource.set(resource, version);
    }
  }

  /** Sets the group size (0: every deployment starts as soon as it can). */
  public setGroupSize(caller: string, groupSize: number): void {
    const problems = new Problems(caller);
    if (Token.isUnresolved(groupSize)) {
      problems.add('groupSize must be a literal number, not a token: it decides which versions wait for which');
    }
    problems.integer('groupSize', groupSize, { min: 0 });
    problems.throwIfAny();
    this.groupSize = groupSize;
  }

  /** Reads the condition of each queued version it visits, and draws the chains once it has read them all. */
  public visit(node: IConstruct): void {
    const version = this.byResource.get(node);
    if (this.drawn || !version || !CfnResource.isCfnResource(node)) return;
    this.conditions.set(version, node.cfnOptions.condition);
    if (this.conditions.size < this.versions.length) return;
    this.drawn = true;
    if (this.groupSize === 0) return;
    const chains = new Map<CfnCondition | undefined, IConstruct[]>();
    for (const queued of this.versions) {
      const condition = this.conditions.get(queued);
      chains.set(condition, [...(chains.get(condition) ?? []), queued]);
    }
    for (const chain of chains.values()) {
      for (let i = this.groupSize; i < chain.length; i++) {
        chain[i].node.addDependency(chain[i - this.groupSize]);
      }
    }
  }
}

const STAGGERS = new WeakMap<Stack, DeploymentStagger>();

/**
 * The stagger's aspect priority: after every aspect that may still change the tree at the default
 * priority or below (one that sets the functions' conditions), before the read-only ones (which
 * then see the chains).
 */
const STAGGER_PRIORITY = AspectPriority.READONLY - 1;
