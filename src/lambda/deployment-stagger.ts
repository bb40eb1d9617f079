import { Aspects, IAspect, Stack, Token } from 'aws-cdk-lib';
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
 * The chains are drawn when the stack is synthesized (an aspect of the stack), so the group size
 * may be set before or after the rollouts are created.
 */
export class DeploymentStagger implements IAspect {
  /** The stagger of `scope`'s stack, created on first use. */
  public static of(scope: IConstruct): DeploymentStagger {
    const stack = Stack.of(scope);
    let stagger = STAGGERS.get(stack);
    if (!stagger) {
      stagger = new DeploymentStagger(stack);
      STAGGERS.set(stack, stagger);
      Aspects.of(stack).add(stagger);
    }
    return stagger;
  }

  private groupSize = DEFAULT_DEPLOYMENT_GROUP_SIZE;
  private readonly versions: IConstruct[] = [];

  private constructor(private readonly stack: Stack) {}

  /** Queues the version a rollout deploys, in the order the rollouts are created. */
  public add(version: IConstruct): void {
    // Two rollouts of one function (two aliases) deploy the same version: it is queued once. A
    // version in another stack than the rollouts' cannot wait in this stack's chains.
    if (!this.versions.includes(version) && Stack.of(version) === this.stack) {
      this.versions.push(version);
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

  /** Draws the chains, once, when the aspect visits the stack. */
  public visit(node: IConstruct): void {
    if (node !== this.stack || this.groupSize === 0) return;
    for (let i = this.groupSize; i < this.versions.length; i++) {
      this.versions[i].node.addDependency(this.versions[i - this.groupSize]);
    }
  }
}

const STAGGERS = new WeakMap<Stack, DeploymentStagger>();
