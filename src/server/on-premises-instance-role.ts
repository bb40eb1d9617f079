import { CfnOutput, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { DEFAULT_ON_PREMISES_MAX_SESSION_DURATION } from '../private/defaults';
import { IAM_ROLE } from '../private/iam-limits';
import { revisionReadPolicy } from '../private/revision-read-policy';
import { Problems, SECOND_MILLIS } from '../private/validation';

/** Placeholders in the published commands, replaced by the operator for each server. */
const INSTANCE_NAME = '<INSTANCE_NAME>';
const CREDENTIALS_FILE = '<CREDENTIALS_FILE>';
const TAG_KEY = '<TAG_KEY>';
const TAG_VALUE = '<TAG_VALUE>';

/** Properties of an `OnPremisesInstanceRole`. */
export interface OnPremisesInstanceRoleProps {
  /**
   * Who may assume the role to get session credentials for the servers (`sts:AssumeRole`): for
   * example an `AccountRootPrincipal` (then any identity of the account whose own policy allows
   * it), or the role of the system that refreshes the servers' credentials. Each server's
   * credentials must be a session named after the server's instance name.
   */
  readonly assumedBy: iam.IPrincipal;

  /**
   * The bucket CodeDeploy revisions are downloaded from. The role may read its objects
   * (`s3:GetObject`, `s3:GetObjectVersion`, and `kms:Decrypt` on its key, if it has one).
   *
   * @default - none: the role gets no S3 read
   */
  readonly revisionBucket?: s3.IBucket;

  /**
   * Name of the role: letters, digits and `+ = , . @ _ -`, 1 to 64 characters.
   *
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string;

  /**
   * The longest session the servers' credentials may last: whole seconds, 1 to 12 hours. A role
   * session obtained with other role credentials (role chaining) lasts at most 1 hour anyway.
   *
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
}

/**
 * The IAM role on-premises servers register with CodeDeploy, the way AWS recommends: each server
 * uses periodically refreshed AWS STS session credentials of this role (an IAM session ARN)
 * rather than the static keys of an IAM user.
 *
 * The role may read revisions from `revisionBucket` and nothing else, through a customer managed
 * policy. The registration steps are published as stack outputs: `<path>RoleArn`,
 * `<path>RegisterCommand`, `<path>TagCommand` and `<path>AgentConfig`, where `<path>` is this
 * construct's id (with the ids of its parents below the stack, if any).
 *
 * @see https://docs.aws.amazon.com/codedeploy/latest/userguide/register-on-premises-instance-iam-session-arn.html
 *
 * @example
 * new OnPremisesInstanceRole(this, 'Servers', {
 *   assumedBy: new iam.AccountRootPrincipal(),
 *   revisionBucket: bucket,
 * });
 */
export class OnPremisesInstanceRole extends Construct {
  /** The role the servers' session credentials belong to. */
  public readonly role: iam.Role;
  /** The customer managed policy that lets the role read revisions, if a bucket was given. */
  public readonly revisionReadPolicy?: iam.ManagedPolicy;
  /**
   * The AWS CLI commands that register a server and tag it, with the placeholders
   * `<INSTANCE_NAME>`, `<TAG_KEY>` and `<TAG_VALUE>` (the tag a deployment group selects servers by).
   */
  public readonly registrationCommands: string[];
  /**
   * The contents of the agent's on-premises configuration file, with the placeholders
   * `<INSTANCE_NAME>` and `<CREDENTIALS_FILE>` (where the servers' session credentials are written).
   */
  public readonly agentConfig: string;

  constructor(scope: Construct, id: string, props: OnPremisesInstanceRoleProps) {
    super(scope, id);
    validate(this, props);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: props.assumedBy,
      roleName: props.roleName,
      maxSessionDuration: props.maxSessionDuration ?? DEFAULT_ON_PREMISES_MAX_SESSION_DURATION,
      description: 'Identity of on-premises servers registered with CodeDeploy through IAM session ARNs',
    });

    if (props.revisionBucket) {
      this.revisionReadPolicy = revisionReadPolicy(this, props.revisionBucket, [this.role]);
    }

    const stack = Stack.of(this);
    // The IAM session ARN a server registers with: its session of this role, named after the server.
    const sessionArn = Fn.join('', [
      'arn:', stack.partition, ':sts::', stack.account, ':assumed-role/', this.role.roleName, `/${INSTANCE_NAME}`,
    ]);
    // aws deploy register-on-premises-instance --instance-name --iam-session-arn, and
    // aws deploy add-tags-to-on-premises-instances --instance-names --tags Key=..,Value=..:
    // https://docs.aws.amazon.com/codedeploy/latest/userguide/register-on-premises-instance-iam-session-arn.html
    // (Step 5 and Step 6); https://docs.aws.amazon.com/cli/latest/reference/deploy/register-on-premises-instance.html
    const registerCommand = Fn.join('', [
      `aws deploy register-on-premises-instance --instance-name ${INSTANCE_NAME} --iam-session-arn `, sessionArn,
    ]);
    const tagCommand = `aws deploy add-tags-to-on-premises-instances --instance-names ${INSTANCE_NAME} --tags Key=${TAG_KEY},Value=${TAG_VALUE}`;
    this.registrationCommands = [registerCommand, tagCommand];

    // The agent reads the keys iam_session_arn, aws_credentials_file and region from
    // /etc/codedeploy-agent/conf/codedeploy.onpremises.yml (Linux) or
    // C:\ProgramData\Amazon\CodeDeploy\conf.onpremises.yml (Windows): Step 3 of the page above, and
    // the agent's own reader, https://github.com/aws/aws-codedeploy-agent/blob/master/lib/instance_agent/plugins/codedeploy/onpremise_config.rb
    this.agentConfig = Fn.join('', [
      '---\niam_session_arn: ', sessionArn, `\naws_credentials_file: ${CREDENTIALS_FILE}\nregion: `, stack.region,
    ]);

    const prefix = outputPrefix(this);
    const outputs: Array<[string, string, string]> = [
      ['RoleArn', this.role.roleArn, 'Role whose session credentials (one session per server, named after it) the on-premises servers use'],
      ['RegisterCommand', registerCommand, 'Registers one on-premises server with CodeDeploy; run it with credentials allowed codedeploy:RegisterOnPremisesInstance'],
      ['TagCommand', tagCommand, 'Tags a registered server so that a deployment group selects it'],
      ['AgentConfig', this.agentConfig,
        'Contents of /etc/codedeploy-agent/conf/codedeploy.onpremises.yml (Linux) or C:\\ProgramData\\Amazon\\CodeDeploy\\conf.onpremises.yml (Windows)'],
    ];
    for (const [name, value, description] of outputs) {
      new CfnOutput(this, name, { value, description }).overrideLogicalId(`${prefix}${name}`);
    }
  }
}

function validate(role: OnPremisesInstanceRole, props: OnPremisesInstanceRoleProps): void {
  const problems = Problems.ofConstruct('OnPremisesInstanceRole', role);
  if (props.roleName !== undefined) {
    problems.text('roleName', props.roleName, IAM_ROLE.roleName);
  }
  if (props.maxSessionDuration !== undefined) {
    problems.wholeDuration('maxSessionDuration', props.maxSessionDuration, SECOND_MILLIS, IAM_ROLE.maxSessionDuration);
  }
  problems.throwIfAny();
}

/** The ids of `construct` and its parents below its stack, letters and digits only: `Servers`, `FleetServers`. */
function outputPrefix(construct: IConstruct): string {
  const scopes = construct.node.scopes;
  return scopes.slice(scopes.indexOf(Stack.of(construct)) + 1)
    .map((c) => c.node.id)
    .join('')
    .replace(/[^A-Za-z0-9]/g, '');
}
