/**
 * What a rollout records about itself in its stack's template, for the `cdk-rollouts` command
 * (src/cli/): one entry in the `Metadata` of its deployment group resource. With the template
 * (GetTemplate) and the stack's resources (ListStackResources), two calls per stack find every
 * rollout, its application, its alias and the library hook's settings and log, with no tag and no
 * further permission. Shared by the constructs that write it and the command that reads it, so it
 * imports nothing.
 *
 * CloudFormation keeps a resource's `Metadata` as written, resolving nothing in it
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-metadata.html):
 * so references to other resources are logical ids, which the command maps to physical ids
 * through ListStackResources, and names known at synth are written as they are.
 */

/** The `Metadata` key of the record on a deployment group resource. */
export const ROLLOUT_RECORD_KEY = 'cdk-codedeploy-rollouts:rollout';

/** Bumped if the record's shape changes, so that the command never misreads another version's record. */
export const ROLLOUT_RECORD_VERSION = 1;

/** A resource of the same stack (by logical id), or a name known at synth. */
export interface RecordedReference {
  readonly logicalId?: string;
  readonly name?: string;
}

/** One rollout's record. */
export interface RolloutRecord {
  readonly version: typeof ROLLOUT_RECORD_VERSION;
  /** `lambda` (a `LambdaRollout`) or `server` (a `ServerRollout`). */
  readonly kind: 'lambda' | 'server';
  /** The rollout's construct path under its stack (`Api`, `Web/Fleet`): its name on the command line. */
  readonly path: string;
  /** The CodeDeploy application of the deployment group (GetDeploymentGroup needs its name). */
  readonly application: RecordedReference;
  /** The deployment group's name, when known at synth (else the resource's physical id is its name). */
  readonly deploymentGroupName?: string;
  /** Lambda: the alias CodeDeploy shifts (its physical id is the alias ARN). */
  readonly alias?: RecordedReference;
  /** Lambda, with the library's hook: the rollout's settings parameter (smoke test, bake, pruning). */
  readonly hookSettings?: RecordedReference;
  /** Lambda, with the library's hook: the hook's log group, for a failed deployment's log lines. */
  readonly hookLogGroup?: RecordedReference;
  /** Server: blue/green (a deployment may wait for `ContinueDeployment`). */
  readonly blueGreen?: boolean;
}

/** Whether a template's metadata entry is a record this version of the command can read. */
export function isRolloutRecord(value: unknown): value is RolloutRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<RolloutRecord>;
  return record.version === ROLLOUT_RECORD_VERSION && (record.kind === 'lambda' || record.kind === 'server')
    && typeof record.path === 'string' && typeof record.application === 'object' && record.application !== null;
}

