import { Annotations, CustomResource, Duration, Token } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { FileExistsBehavior } from './app-spec';
import { claimDeploymentGroup, rolloutTargetOf } from './deployment-target';
import { BundleType, Revision, RevisionLocation } from './revision';
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_SERVICE_TIMEOUT_SECONDS,
  REVISION_DEPLOYMENT_ATTRIBUTE_DEPLOYMENT_ID,
  REVISION_DEPLOYMENT_RESOURCE_TYPE,
  RevisionDeploymentProperties,
  RevisionLocationProperties,
  ROLLBACK_ALLOWANCE_SECONDS,
} from '../contract/revision-deployment';
import { ServerDeployer } from '../functions/server-deployer';
import { DEFAULT_REVISION_DEPLOYMENT_TIMEOUT, DEFAULT_ROLLBACK_ON_STOP } from '../private/defaults';
import { IAM_POLICY } from '../private/iam-limits';
import { BoundedArn, boundedArn, RolloutStatement } from '../private/rollout-service-role';
import { S3_NAMES } from '../private/s3-limits';
import { constructError, Problems } from '../private/validation';

/** The longest deployment timeout: CloudFormation's wait for a custom resource, less the time to stop, roll back and answer. */
const MAX_TIMEOUT_MINUTES = (MAX_SERVICE_TIMEOUT_SECONDS - ROLLBACK_ALLOWANCE_SECONDS) / 60;

/** How a `RevisionDeployment` deploys its revision. */
export interface RevisionDeploymentOptions {
  /**
   * How long the deployment may run. When it runs longer, the deployment is stopped (and rolled
   * back if the rollout rolls back stopped deployments) and the stack fails. At most 50 minutes:
   * CloudFormation waits an hour at most for a custom resource, and the rest is kept to stop the
   * deployment and wait for its rollback.
   *
   * @default Duration.minutes(30)
   */
  readonly timeout?: Duration;

  /**
   * Keep going when an instance's ApplicationStop scripts fail (e.g. the previous revision's
   * scripts are broken and would block every later deployment).
   *
   * @default false
   */
  readonly ignoreApplicationStopFailures?: boolean;

  /**
   * What the agent does with a file at a destination that the previous deployment did not put
   * there. An AppSpec's own `fileExistsBehavior` applies over this.
   *
   * @default - CodeDeploy's default, FileExistsBehavior.DISALLOW: the deployment fails
   */
  readonly fileExistsBehavior?: FileExistsBehavior;

  /**
   * A description of the deployment, shown in the CodeDeploy console: at most 57 characters, as
   * the deployment's description also carries a marker of the CloudFormation request.
   *
   * @default - none
   */
  readonly description?: string;

  /**
   * Whether a deployment the deployer stops (it outlived `timeout`, or the stack deletes it while it
   * runs) is rolled back to the group's last successful revision (StopDeployment's
   * `autoRollbackEnabled`).
   *
   * @default - for a `ServerRollout`'s group, whether the rollout rolls back stopped deployments (its `rollback.stop`); true for any other group
   */
  readonly rollbackOnStop?: boolean;
}

/** Props of `RevisionDeployment`. */
export interface RevisionDeploymentProps extends RevisionDeploymentOptions {
  /**
   * The deployment group the revision is deployed to: a `ServerRollout`'s `deploymentGroup`, an
   * aws-cdk-lib `ServerDeploymentGroup`, or one imported with
   * `ServerDeploymentGroup.fromServerDeploymentGroupAttributes`. The deployer may read only the
   * group's own deployment config, so import a group with its `deploymentConfig`. One revision
   * deployment per group.
   *
   * A rollout's group keeps the rollout's settings (its `deployer` options and `rollback.stop`,
   * read access for its instance roles, the wait for its resources), given as
   * `rollout.deploymentGroup` or as a handle imported in the same stack with the rollout's
   * `application` and `deploymentGroup.deploymentGroupName` (the same ARN). A handle that names the
   * group otherwise (e.g. by a literal name where the rollout's name is generated) is a group no
   * rollout owns.
   */
  readonly deploymentGroup: codedeploy.IServerDeploymentGroup;

  /** The revision to deploy. */
  readonly revision: Revision;
}

/**
 * Deploys one revision to a server deployment group (a `ServerRollout`'s, or any other, imported
 * ones too) during `cdk deploy` and succeeds or fails the stack with CodeDeploy's own verdict.
 *
 * - Create, or an update that changes the revision or how it is deployed: a CodeDeploy deployment
 *   starts and CloudFormation waits for it. Success exposes the deployment id. A failed or stopped
 *   deployment waits for CodeDeploy's automatic rollback, then fails the stack with the deployment
 *   id, CodeDeploy's error, and the first failed instance's failing lifecycle event, script and
 *   log tail. A deployment that outlives `timeout` is stopped before the stack fails.
 * - An update that changes nothing deployed (only `timeout`) starts no deployment.
 * - A stack rollback deploys the previous revision again.
 * - Delete stops a deployment still in progress and otherwise does nothing: the fleet keeps running
 *   what it last received.
 *
 * Every `RevisionDeployment` of a stack shares one provider (a function, its role, its log group
 * and policies); each adds one custom resource.
 */
export class RevisionDeployment extends Construct {
  /** The id of the CodeDeploy deployment that deployed the revision, e.g. `d-A1B2C3D4E`. */
  public readonly deploymentId: string;
  /** The custom resource. */
  public readonly resource: CustomResource;
  /** Where the revision is. */
  public readonly revisionLocation: RevisionLocation;

  constructor(scope: Construct, id: string, props: RevisionDeploymentProps) {
    super(scope, id);
    const group = props.deploymentGroup;
    const target = rolloutTargetOf(group);
    const timeout = props.timeout ?? DEFAULT_REVISION_DEPLOYMENT_TIMEOUT;
    this.revisionLocation = props.revision.bind(this);
    const problems = Problems.ofConstruct('RevisionDeployment', this);
    const timeoutMinutes = problems.wholeDuration('timeout', timeout, Duration.minutes(1).toMilliseconds(), { min: 1, max: MAX_TIMEOUT_MINUTES, unit: 'minutes' });
    const location = renderLocation(this.revisionLocation, problems);
    if (props.description !== undefined && !Token.isUnresolved(props.description) && props.description.length > MAX_DESCRIPTION_LENGTH) {
      problems.add(`description must have at most ${MAX_DESCRIPTION_LENGTH} characters, got ${props.description.length}`);
    }
    const waits = target?.blueGreenWaitMinutes;
    if (timeoutMinutes !== undefined && waits !== undefined && timeoutMinutes <= waits) {
      // A blue/green deployment succeeds only once its approval and termination waits are over.
      problems.add(`timeout must be longer than the rollout's blue/green approvalTimeout and terminationWait together (${waits} minutes), got ${timeoutMinutes} minutes`);
    }
    // CodeDeploy runs one deployment per group at a time, and each revision replaces the last one.
    const first = claimDeploymentGroup(this, group, this.node.path);
    if (first !== undefined) {
      problems.add(`deploymentGroup ${target ? target.owner.node.path : group.node.path} already gets a revision from ${first}; deploy one revision per deployment group`);
    }
    problems.throwIfAny();
    if (this.revisionLocation.appSpec?.hasTrafficHooks && target && !target.withTrafficControl) {
      Annotations.of(this).addWarningV2('cdk-codedeploy-rollouts:trafficHooksWithoutLoadBalancer',
        'The AppSpec has BeforeBlockTraffic, AfterBlockTraffic, BeforeAllowTraffic or AfterAllowTraffic scripts, but the rollout has no '
        + 'loadBalancers: CodeDeploy runs those hooks only for deployment groups with a load balancer');
    }

    const deployer = ServerDeployer.of(target?.owner ?? this, target?.deployerOptions);
    const objectArn = s3ObjectArn(this.revisionLocation);
    const statements: RolloutStatement[] = [
      {
        // StopDeployment and the target reads are in the deployer's base policy: see ServerDeployer.
        actions: ['codedeploy:CreateDeployment', 'codedeploy:GetDeployment', 'codedeploy:ListDeployments'],
        resources: [boundedArn(group.deploymentGroupArn, IAM_POLICY.maxDeploymentGroupArnLength)],
      },
      { actions: ['codedeploy:GetDeploymentConfig'], resources: [boundedArn(group.deploymentConfig.deploymentConfigArn, IAM_POLICY.maxDeploymentConfigArnLength)] },
      {
        actions: ['codedeploy:RegisterApplicationRevision', 'codedeploy:GetApplicationRevision'],
        resources: [boundedArn(group.application.applicationArn, IAM_POLICY.maxApplicationArnLength)],
      },
      { actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: objectArn ? [objectArn] : [] },
    ];
    const policy = deployer.policies.grant({ statements });
    if (objectArn) {
      target?.grantRevisionRead(objectArn.arn, this.revisionLocation.bucket?.encryptionKey);
    }

    const properties: RevisionDeploymentProperties = {
      ApplicationName: group.application.applicationName,
      DeploymentGroupName: group.deploymentGroupName,
      Revision: location!,
      Description: props.description,
      FileExistsBehavior: props.fileExistsBehavior,
      IgnoreApplicationStopFailures: String(props.ignoreApplicationStopFailures ?? false),
      TimeoutSeconds: String(timeout.toSeconds()),
      RollbackOnStop: String(props.rollbackOnStop ?? target?.rollbackOnStop ?? DEFAULT_ROLLBACK_ON_STOP),
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: deployer.function.functionArn,
      resourceType: REVISION_DEPLOYMENT_RESOURCE_TYPE,
      properties: { ...properties },
      serviceTimeout: timeoutMinutes === undefined ? undefined : Duration.seconds(timeoutMinutes * 60 + ROLLBACK_ALLOWANCE_SECONDS),
    });
    // Everything the deployment relies on exists first: the group (for a rollout: its alarms, the
    // agent's installation, the instance roles' read access), and the deployer's own permissions.
    // (The rollout's children, but not this deployment when it is one of them.)
    const groupResources = target ? target.owner.node.children.filter((child) => child !== this) : [group];
    this.resource.node.addDependency(...groupResources, deployer.basePolicy, policy);
    this.deploymentId = this.resource.getAttString(REVISION_DEPLOYMENT_ATTRIBUTE_DEPLOYMENT_ID);
  }

  /**
   * Lets `grantee` read the revision's object, e.g. the role on-premises servers or tagged EC2
   * instances download revisions with (the rollout's Auto Scaling groups already can).
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const { bucket, key } = this.revisionLocation;
    if (!bucket || key === undefined) {
      throw constructError('RevisionDeployment', this, 'grantRead needs an Amazon S3 revision; a GitHub revision is fetched by CodeDeploy');
    }
    return bucket.grantRead(grantee, key);
  }
}

/** The exact object of an Amazon S3 revision, bounded for policy packing. */
function s3ObjectArn(location: RevisionLocation): BoundedArn | undefined {
  if (!location.bucket || location.key === undefined) {
    return undefined;
  }
  const keyLength = Token.isUnresolved(location.key) ? S3_NAMES.maxObjectKeyLength : location.key.length;
  return { arn: location.bucket.arnForObjects(location.key), maxLength: IAM_POLICY.maxBucketObjectsArnPrefixLength + keyLength };
}

/** The revision as CreateDeployment takes it; undefined (and a problem) when it locates nothing. */
function renderLocation(location: RevisionLocation, problems: Problems): RevisionLocationProperties | undefined {
  if (location.bucket && location.key !== undefined) {
    return {
      revisionType: 'S3',
      s3Location: {
        bucket: location.bucket.bucketName,
        key: location.key,
        bundleType: location.bundleType ?? BundleType.ZIP,
        version: location.version,
        eTag: location.eTag,
      },
    };
  }
  if (location.gitHubRepository && location.gitHubCommitId) {
    return { revisionType: 'GitHub', gitHubLocation: { repository: location.gitHubRepository, commitId: location.gitHubCommitId } };
  }
  problems.add('revision must locate an Amazon S3 object (bucket and key) or a GitHub commit (gitHubRepository and gitHubCommitId), got neither');
  return undefined;
}
