import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { LibraryFunction, LibraryFunctionKind } from './library-function';
import { LibraryFunctionOptions } from './library-function-options';
import { ServerDeployerFunction } from '../handlers/server-deployer-function';
import { acknowledge } from '../private/acknowledge';
import { DEFAULT_SERVER_DEPLOYER_LOG_RETENTION } from '../private/defaults';
import { RolloutPolicies } from '../private/rollout-service-role';

/**
 * CodeDeploy actions the deployer calls that may take no resource ARN: the archived Service
 * Authorization Reference lists no resource type for StopDeployment (awsdocs/iam-user-guide,
 * doc_source/list_awscodedeploy.md; https://github.com/awsdocs/aws-codedeploy-user-guide/issues/18
 * reports the same) and predates the deployment-target reads, which published policies grant on `*`.
 * Scoping them to the deployment group would deny them: a timed-out deployment would keep running,
 * and a failure would lose its instance diagnostics.
 */
const UNSCOPED_DEPLOYMENT_ACTIONS = ['codedeploy:StopDeployment', 'codedeploy:ListDeploymentTargets', 'codedeploy:BatchGetDeploymentTargets'];

/**
 * Construct id of the provider shared by every `RevisionDeployment` and blue/green group in a stack.
 * It keeps the name the class had before it served blue/green groups too: the function's logical id
 * follows it, and a custom resource's ServiceToken cannot change ("Updates aren't supported",
 * AWS::CloudFormation::CustomResource in the CloudFormation Template Reference; the update fails
 * with "Modifying service token is not allowed", aws-cloudformation/cloudformation-coverage-roadmap#802),
 * so a new id would fail the next update of every stack that already has one.
 */
const SERVER_DEPLOYER_ID = 'RevisionDeployer';

/** The server deployer among the library's functions. */
const SERVER_DEPLOYER: LibraryFunctionKind = {
  title: 'server deployer',
  optionsOwner: 'ServerRollout',
  optionsProp: 'deployer',
  roleDescription: 'Server deployer of this stack: deploys the revisions of its RevisionDeployments and manages its blue/green deployment groups',
  functionDescription: 'Server deployer of this stack: deploys the revisions of its RevisionDeployments during cdk deploy, '
    + 'creates, updates and deletes its blue/green deployment groups, and reports each outcome to CloudFormation',
  basePolicyDescription: 'Lets the server deployer write its logs, continue a long deployment in a new invocation, stop deployments and read their targets',
  securityGroupDescription: 'Server deployer: outbound HTTPS to CodeDeploy, Lambda and Amazon S3',
  logRetention: DEFAULT_SERVER_DEPLOYER_LOG_RETENTION,
  reasons: {
    outsideVpc: 'the deployer only calls the CodeDeploy and Lambda APIs and answers a presigned CloudFormation URL',
    concurrency: 'invoked only by CloudFormation, once per change of a RevisionDeployment or blue/green deployment group',
    deadLetterQueue: 'the deployer answers CloudFormation on every path; an event it could not handle leaves nothing to redrive, CloudFormation times it out',
    tracing: 'the deployer logs one line per state change instead',
    logGroupEncryption: 'CloudWatch Logs encrypts every log group at rest; this one holds deployment ids and CodeDeploy\'s script diagnostics, no secrets',
  },
  createFunction: (scope, id, props) => new ServerDeployerFunction(scope, id, props),
};

/**
 * The server deployer of a stack: the custom resource provider of its `RevisionDeployment`s and
 * of its blue/green deployment groups, which CloudFormation cannot create. One function, its
 * role, its log group and its policies (`LibraryFunction`); each deployment and each group adds its
 * exact permissions to the shared policies, so N of them cost N custom resources and no new provider.
 *
 * The function answers CloudFormation itself (no provider framework: no state machine and no
 * extra functions) and, when a deployment outlives one invocation, invokes itself again to keep
 * watching, which is why its role may invoke it.
 */
export class ServerDeployer extends LibraryFunction {
  /**
   * The provider of `scope`'s stack, created on first use with `options`. One deployer serves the
   * stack, so a later rollout may not ask for other options; one without options takes it as it is.
   *
   * @param scope the rollout (or a construct of it) that needs the deployer
   * @param options the rollout's `deployer`
   */
  public static of(scope: IConstruct, options?: LibraryFunctionOptions): ServerDeployer {
    return LibraryFunction.sharedIn(scope, SERVER_DEPLOYER_ID, options,
      (stack, given, createdFor) => new ServerDeployer(stack, SERVER_DEPLOYER_ID, given, createdFor));
  }

  /** Each deployment's and each blue/green group's CodeDeploy, Amazon S3 and IAM permissions, on exact ARNs. */
  public readonly policies: RolloutPolicies;

  private constructor(scope: Construct, id: string, options: LibraryFunctionOptions, createdFor: string) {
    super(scope, id, options, createdFor, SERVER_DEPLOYER);
    this.basePolicy.addStatements(new iam.PolicyStatement({ actions: UNSCOPED_DEPLOYMENT_ACTIONS, resources: ['*'] }));
    acknowledge(this.basePolicy, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `${UNSCOPED_DEPLOYMENT_ACTIONS.join(', ')} support no resource-level permission; the deployer calls them only for the deployments it started`,
    });
    this.policies = new RolloutPolicies(this, 'DeploymentPolicies', this.role);
  }
}
