import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeWildcardResource } from './acknowledge-wildcard';
import { DEFAULT_REVISION_DEPLOYER_LOG_RETENTION } from './defaults';
import { RolloutPolicies } from './rollout-service-role';
import { RevisionDeploymentFunction } from '../handlers/revision-deployment-function';

/**
 * CodeDeploy actions the deployer calls that may take no resource ARN: the archived Service
 * Authorization Reference lists no resource type for StopDeployment (awsdocs/iam-user-guide,
 * doc_source/list_awscodedeploy.md; https://github.com/awsdocs/aws-codedeploy-user-guide/issues/18
 * reports the same) and predates the deployment-target reads, which published policies grant on `*`.
 * Scoping them to the deployment group would deny them: a timed-out deployment would keep running,
 * and a failure would lose its instance diagnostics.
 */
const UNSCOPED_DEPLOYMENT_ACTIONS = ['codedeploy:StopDeployment', 'codedeploy:ListDeploymentTargets', 'codedeploy:BatchGetDeploymentTargets'];

/** Construct id of the provider shared by every `RevisionDeployment` in a stack. */
const REVISION_DEPLOYER_ID = 'RevisionDeployer';

/**
 * The custom resource provider of every `RevisionDeployment` in a stack: one function, its role,
 * its log group and its policies. Each deployment adds its exact permissions to the shared
 * policies, so N deployments cost N custom resources and no new provider.
 *
 * The function answers CloudFormation itself (no provider framework: no state machine and no
 * extra functions) and, when a deployment outlives one invocation, invokes itself again to keep
 * watching, which is why its role may invoke it.
 */
export class RevisionDeployer extends Construct {
  /** The provider of `scope`'s stack, created on first use. */
  public static of(scope: IConstruct): RevisionDeployer {
    const stack = Stack.of(scope);
    return (stack.node.tryFindChild(REVISION_DEPLOYER_ID) as RevisionDeployer | undefined) ?? new RevisionDeployer(stack, REVISION_DEPLOYER_ID);
  }

  public readonly function: RevisionDeploymentFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  /** Logging, invoking itself, stopping deployments and reading their targets: every deployment waits for it. */
  public readonly basePolicy: iam.ManagedPolicy;
  /** Each deployment's CodeDeploy and Amazon S3 permissions, on exact ARNs. */
  public readonly policies: RolloutPolicies;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Deploys CodeDeploy revisions for the RevisionDeployments of this stack',
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: DEFAULT_REVISION_DEPLOYER_LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.function = new RevisionDeploymentFunction(this, 'Function', {
      description: 'Deploys a CodeDeploy revision during cdk deploy and reports CodeDeploy\'s verdict to CloudFormation',
      role: this.role,
      logGroup: this.logGroup,
      memorySize: 256,
      // One invocation watches for as long as Lambda allows; a longer deployment continues in the next.
      timeout: Duration.minutes(15),
    });
    // No statement may reference the function from the role's own default policy: the function
    // depends on that policy, so the ARN would make a cycle. The deployments depend on this one.
    this.basePolicy = new iam.ManagedPolicy(this, 'BasePolicy', {
      description: 'Lets the revision deployer write its logs, continue a long deployment in a new invocation, stop deployments and read their targets',
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
        new iam.PolicyStatement({ actions: UNSCOPED_DEPLOYMENT_ACTIONS, resources: ['*'] }),
      ],
    });
    Validations.of(this.basePolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${UNSCOPED_DEPLOYMENT_ACTIONS.join(', ')} support no resource-level permission; the deployer calls them only for the deployments it started`,
    });
    this.policies = new RolloutPolicies(this, 'DeploymentPolicies', this.role);
    acknowledgeWildcardResource(this.basePolicy, this.logGroup.logGroupArn,
      'A log group ARN ends in :* to cover its log streams; this is the deployer\'s own log group');
    acknowledgeFunctionFindings(this.function);
    Validations.of(this.logGroup).acknowledge(...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-CloudWatchLogGroupEncrypted`,
      reason: 'CloudWatch Logs encrypts every log group at rest; this one holds deployment ids and CodeDeploy\'s script diagnostics, no secrets',
    })));
  }
}

/** The findings a CloudFormation custom resource handler keeps, each for its reason. */
function acknowledgeFunctionFindings(fn: Construct): void {
  Validations.of(fn).acknowledge(
    ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-LambdaInsideVPC`,
      reason: 'the deployer only calls the CodeDeploy and Lambda APIs and answers a presigned CloudFormation URL; a VPC would need NAT or endpoints',
    })),
    ...['HIPAA.Security', 'NIST.800.53.R5'].map((pack) => ({
      id: `${pack}-LambdaConcurrency`,
      reason: 'invoked only by CloudFormation, once per RevisionDeployment change; reserved concurrency fails in accounts at the default quota',
    })),
    ...['HIPAA.Security', 'NIST.800.53.R5', 'Serverless'].map((pack) => ({
      id: `${pack}-LambdaDLQ`,
      reason: 'the deployer answers CloudFormation on every path; an event it could not handle leaves nothing to redrive, CloudFormation times it out',
    })),
    {
      id: 'Serverless-LambdaTracing',
      reason: 'X-Ray needs xray:PutTraceSegments on * in the deployer role; the deployer logs one line per state change instead',
    },
  );
}
