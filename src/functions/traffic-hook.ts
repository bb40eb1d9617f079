import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeRegionalRuntime } from './function-runtime';
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

/**
 * The library's CodeDeploy hook function of a stack: one function, its role, its log group and
 * its policies, serving the BeforeAllowTraffic and AfterAllowTraffic events of every rollout that
 * uses `smokeTest`, `keepVersions` or `bakeTime`. Each rollout adds its settings parameter and its
 * exact permissions to the shared policies, so N rollouts cost N parameters and no new function.
 */
export class TrafficHook extends Construct {
  /** The hook of `scope`'s stack, created on first use. */
  public static of(scope: IConstruct): TrafficHook {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(TRAFFIC_HOOK_ID) as TrafficHook | undefined) ?? new TrafficHook(stack, TRAFFIC_HOOK_ID);
  }

  public readonly function: TrafficHookFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  /** Logging, reading the stack's settings parameters and invoking itself (a bake longer than one invocation): every rollout waits for it. */
  public readonly basePolicy: iam.ManagedPolicy;
  /** Each rollout's permissions, on exact ARNs. */
  public readonly policies: RolloutPolicies;
  /** Where the rollouts' settings parameters are: `<prefix>/<function name>/<alias name>`. */
  public readonly settingsPrefix: string;
  private lifecycleLookup = false;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    const stack = Stack.of(this);
    this.settingsPrefix = settingsPrefix(stack.stackName);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the smoke tests, bake times and version pruning of the Lambda rollouts of this stack',
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: DEFAULT_TRAFFIC_HOOK_LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.function = new TrafficHookFunction(this, 'Function', {
      description: 'CodeDeploy hook of the Lambda rollouts of this stack: smoke test, bake time, version pruning',
      role: this.role,
      logGroup: this.logGroup,
      memorySize: 256,
      // A smoke test or a bake runs within one invocation as long as Lambda allows; a longer bake continues in the next.
      timeout: Duration.minutes(15),
      // Its own log group also holds a stream per lifecycle event it serves, so that a second delivery does nothing.
      environment: { [SETTINGS_PREFIX_ENV]: this.settingsPrefix, [CLAIMS_LOG_GROUP_ENV]: this.logGroup.logGroupName },
    });
    const parameters = stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: `${this.settingsPrefix.slice(1)}/*` });
    // As for the server deployer: a statement naming the function may not sit in the role's
    // default policy, which the function depends on; the rollouts depend on this one instead.
    this.basePolicy = new iam.ManagedPolicy(this, 'BasePolicy', {
      description: 'Lets the traffic hook write its logs, read the settings of this stack\'s rollouts and continue a long bake in a new invocation',
      roles: [this.role],
      statements: [
        // Its log streams: Lambda's, and the hook's claims of the events it serves (handlers/traffic-hook/execution-claim.ts).
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
        // One grant for every rollout of the stack: their parameters, under the stack's own prefix.
        new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameters] }),
      ],
    });
    acknowledgeWildcardResource(this.basePolicy, parameters,
      'The settings parameters of this stack\'s rollouts, under a prefix named after the stack: one grant for any number of rollouts');
    acknowledgeWildcardResource(this.basePolicy, this.logGroup.logGroupArn,
      'A log group ARN ends in :* to cover its log streams; this is the traffic hook\'s own log group');
    this.policies = new RolloutPolicies(this, 'RolloutPolicies', this.role, HOOK_WILDCARD_REASON);
    acknowledgeFunctionFindings(this.function);
    acknowledgeRegionalRuntime(this.function);
    acknowledge(this.logGroup, ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-CloudWatchLogGroupEncrypted`,
      reason: 'CloudWatch Logs encrypts every log group at rest; this one holds deployment ids, verdicts and quoted responses of smoke tests',
    })));
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

/** The findings the hook function keeps, each for its reason. */
function acknowledgeFunctionFindings(fn: Construct): void {
  acknowledge(fn,
    ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-LambdaInsideVPC`,
      reason: 'the hook only calls the CodeDeploy, Lambda, SSM and CloudWatch APIs; a VPC would need NAT or endpoints',
    })),
    ...['HIPAA.Security', 'NIST.800.53.R5'].map((pack) => ({
      id: `${pack}-LambdaConcurrency`,
      reason: 'invoked only by CodeDeploy, once per lifecycle event of a deployment; reserved concurrency fails in accounts at the default quota',
    })),
    ...['HIPAA.Security', 'NIST.800.53.R5', 'Serverless'].map((pack) => ({
      id: `${pack}-LambdaDLQ`,
      reason: 'the hook reports a verdict to CodeDeploy on every path; an event it could not handle is failed by CodeDeploy after its hour, nothing to redrive',
    })),
    {
      id: 'Serverless-LambdaTracing',
      reason: 'X-Ray needs xray:PutTraceSegments on * in the hook role; the hook logs one line per step instead',
    },
  );
}
