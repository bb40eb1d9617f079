import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { LibraryFunction, LibraryFunctionKind } from './library-function';
import { LibraryFunctionOptions } from './library-function-options';
import { CLAIMS_LOG_GROUP_ENV, SETTINGS_PREFIX_ENV, settingsPrefix } from '../contract/traffic-hook';
import { TrafficHookFunction } from '../handlers/traffic-hook-function';
import { acknowledge } from '../private/acknowledge';
import { acknowledgeWildcardResource } from '../private/acknowledge-wildcard';
import { DEFAULT_TRAFFIC_HOOK_LOG_RETENTION } from '../private/defaults';
import { RolloutPolicies } from '../private/rollout-service-role';

/** Construct id of the hook shared by every rollout of a stack that uses it. */
const TRAFFIC_HOOK_ID = 'TrafficHook';

/**
 * The deployment-target reads that tell the hook which lifecycle event it serves, when one
 * rollout uses it in both. The Service Authorization Reference lists no resource type for either
 * (wildcard-only), so they can only be granted on `*`.
 */
const LIFECYCLE_LOOKUP_ACTIONS = ['codedeploy:ListDeploymentTargets', 'codedeploy:BatchGetDeploymentTargets'];

/** Why the rollouts' policies of the hook may hold `cloudwatch:DescribeAlarms` on `*`. */
const HOOK_WILDCARD_REASON = 'cloudwatch:DescribeAlarms, for bakeTime: it reads alarm state only, and composite alarms can only be described with *';

/** The traffic hook among the library's functions, for the stack of `settingsPrefixOfStack`. */
function trafficHookKind(settingsPrefixOfStack: string): LibraryFunctionKind {
  return {
    title: 'traffic hook',
    optionsOwner: 'LambdaRollout',
    optionsProp: 'trafficHook',
    roleDescription: 'Runs the smoke tests, bake times and version pruning of the Lambda rollouts of this stack',
    functionDescription: 'CodeDeploy hook of the Lambda rollouts of this stack: smoke test, bake time, version pruning',
    basePolicyDescription: 'Lets the traffic hook write its logs, read the settings of this stack\'s rollouts and continue a long bake in a new invocation',
    securityGroupDescription: 'Traffic hook: outbound HTTPS to CodeDeploy, Lambda, Systems Manager and CloudWatch',
    logRetention: DEFAULT_TRAFFIC_HOOK_LOG_RETENTION,
    environment: { [SETTINGS_PREFIX_ENV]: settingsPrefixOfStack },
    reasons: {
      outsideVpc: 'the hook only calls the CodeDeploy, Lambda, SSM, CloudWatch and CloudWatch Logs APIs',
      concurrency: 'invoked only by CodeDeploy, once per lifecycle event of a deployment',
      deadLetterQueue: 'the hook reports a verdict to CodeDeploy on every path; an event it could not handle is failed by CodeDeploy after its hour, nothing to redrive',
      tracing: 'the hook logs one line per step instead',
      logGroupEncryption: 'CloudWatch Logs encrypts every log group at rest; this one holds deployment ids, verdicts and quoted responses of smoke tests',
    },
    createFunction: (scope, id, props) => new TrafficHookFunction(scope, id, props),
  };
}

/**
 * The library's CodeDeploy hook function of a stack, serving the BeforeAllowTraffic and
 * AfterAllowTraffic events of every rollout that uses `smokeTest`, `keepVersions` or `bakeTime`:
 * one function, its role, its log group and its policies (`LibraryFunction`). Each rollout adds its
 * settings parameter and its exact permissions to the shared policies, so N rollouts cost N
 * parameters and no new function.
 */
export class TrafficHook extends LibraryFunction {
  /**
   * The hook of `scope`'s stack, created on first use with `options`. One hook serves the stack, so
   * a later rollout may not ask for other options; one without options takes it as it is.
   *
   * @param scope the rollout that uses the hook
   * @param options the rollout's `trafficHook`
   */
  public static of(scope: IConstruct, options?: LibraryFunctionOptions): TrafficHook {
    return LibraryFunction.sharedIn(scope, TRAFFIC_HOOK_ID, options,
      (stack, given, createdFor) => new TrafficHook(stack, TRAFFIC_HOOK_ID, given, createdFor));
  }

  /** Each rollout's permissions, on exact ARNs. */
  public readonly policies: RolloutPolicies;
  /** Where the rollouts' settings parameters are: `<prefix>/<function name>/<alias name>`. */
  public readonly settingsPrefix: string;
  private lifecycleLookup = false;

  private constructor(scope: Construct, id: string, options: LibraryFunctionOptions, createdFor: string) {
    const prefix = settingsPrefix(Stack.of(scope).stackName);
    super(scope, id, options, createdFor, trafficHookKind(prefix));
    this.settingsPrefix = prefix;
    // Its own log group also holds a stream per hook execution it serves, so that a second delivery
    // does nothing (handlers/traffic-hook/execution-claim.ts; the base policy's log stream grant covers them).
    this.function.addEnvironment(CLAIMS_LOG_GROUP_ENV, this.logGroup.logGroupName);
    const parameters = Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: `${prefix.slice(1)}/*` });
    // One grant for every rollout of the stack: their parameters, under the stack's own prefix.
    this.basePolicy.addStatements(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameters] }));
    acknowledgeWildcardResource(this.basePolicy, parameters,
      'The settings parameters of this stack\'s rollouts, under a prefix named after the stack: one grant for any number of rollouts');
    this.policies = new RolloutPolicies(this, 'RolloutPolicies', this.role, HOOK_WILDCARD_REASON);
  }

  /**
   * Lets the hook read deployment targets, to tell BeforeAllowTraffic from AfterAllowTraffic:
   * needed only once a rollout uses it in both (a smoke test and `keepVersions` or `bakeTime`).
   */
  public enableLifecycleLookup(): void {
    if (this.lifecycleLookup) return;
    this.lifecycleLookup = true;
    this.basePolicy.addStatements(new iam.PolicyStatement({ actions: LIFECYCLE_LOOKUP_ACTIONS, resources: ['*'] }));
    acknowledge(this.basePolicy, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${LIFECYCLE_LOOKUP_ACTIONS.join(', ')} support no resource-level permission; they read which lifecycle event of a deployment is in progress`,
    });
  }
}
