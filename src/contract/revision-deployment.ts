/**
 * What the `RevisionDeployment` construct sends its custom resource handler, and what the handler
 * returns. Shared by both sides (the handler is bundled from src/handlers/), so it imports nothing.
 *
 * CloudFormation passes every leaf value of a custom resource's properties to the handler as a
 * string, so numbers and booleans travel as strings here too.
 */

/** The custom resource type shown in the CloudFormation console and in `cdk deploy` output. */
export const REVISION_DEPLOYMENT_RESOURCE_TYPE = 'Custom::CodeDeployRevisionDeployment';

/** Where CodeDeploy gets the revision from: the `RevisionLocation` of CreateDeployment. */
export interface RevisionLocationProperties {
  readonly revisionType: 'S3' | 'GitHub';
  readonly s3Location?: {
    readonly bucket: string;
    readonly key: string;
    /** `zip`, `tar` or `tgz`. */
    readonly bundleType: string;
    readonly version?: string;
    readonly eTag?: string;
  };
  readonly gitHubLocation?: {
    /** `owner/repository`. */
    readonly repository: string;
    readonly commitId: string;
  };
}

/** The custom resource's properties (besides `ServiceToken` and `ServiceTimeout`). */
export interface RevisionDeploymentProperties {
  readonly ApplicationName: string;
  readonly DeploymentGroupName: string;
  /** Overrides the deployment group's config for this deployment; absent: the group's own. */
  readonly DeploymentConfigName?: string;
  readonly Revision: RevisionLocationProperties;
  readonly Description?: string;
  /** `DISALLOW`, `OVERWRITE` or `RETAIN`; absent: CodeDeploy's default (DISALLOW). */
  readonly FileExistsBehavior?: string;
  /** `'true'` or `'false'`. */
  readonly IgnoreApplicationStopFailures: string;
  /** Seconds the deployment may run before the handler stops it and fails the resource. */
  readonly TimeoutSeconds: string;
  /**
   * `'true'` or `'false'`: whether a deployment the handler stops (on timeout, or on delete while
   * in progress) is rolled back (StopDeployment's `autoRollbackEnabled`).
   */
  readonly RollbackOnStop: string;
}

/**
 * Properties whose change does not change what is deployed: an update that changes only these
 * starts no deployment.
 */
export const PROPERTIES_THAT_DO_NOT_REDEPLOY: ReadonlyArray<string> = ['ServiceToken', 'ServiceTimeout', 'TimeoutSeconds', 'RollbackOnStop'];

/** The attributes the handler returns (`Fn::GetAtt`); the physical id is the deployment id too. */
export const REVISION_DEPLOYMENT_ATTRIBUTE_DEPLOYMENT_ID = 'DeploymentId';

/**
 * Time the handler keeps after the deployment's timeout to stop it, wait for CodeDeploy's
 * rollback and answer CloudFormation. The custom resource's `ServiceTimeout` is the deployment
 * timeout plus this.
 */
export const ROLLBACK_ALLOWANCE_SECONDS = 600;

/**
 * CloudFormation waits at most one hour for a custom resource (`ServiceTimeout`, 1 to 3600
 * seconds), which bounds the deployment timeout.
 */
export const MAX_SERVICE_TIMEOUT_SECONDS = 3600;

/**
 * The longest `description` a `RevisionDeployment` may be given. CodeDeploy takes at most 100
 * characters (CodeDeploy user guide, quotas: "Maximum number of characters in a deployment
 * description", https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html), and the
 * handler appends a space and a marker of the CloudFormation request (`[cfn:<request id>]`, 42
 * characters with CloudFormation's 36-character request ids) to start each request's deployment once.
 */
export const MAX_DESCRIPTION_LENGTH = 100 - 43;
