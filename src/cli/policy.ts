import { TRAFFIC_HOOK_PARAMETER_PREFIX } from '../contract/traffic-hook';

/** One statement of the printed policy. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: string[];
  readonly Resource: string | string[];
}

/**
 * What `watch` reads: the stacks (DescribeStacks, GetTemplate, ListStackResources), the deployments
 * (ListDeployments, GetDeployment, GetDeploymentGroup, GetDeploymentConfig, ListDeploymentTargets,
 * BatchGetDeploymentTargets), the alias (GetAlias), the hook's settings (GetParameter), the alarms,
 * their history and metrics (DescribeAlarms, DescribeAlarmHistory, GetMetricData) and the hook's log
 * (FilterLogEvents). Read-only, on `*`: the command watches whichever stacks it is given, and several
 * of these actions take no resource (GetMetricData, ListDeploymentTargets, BatchGetDeploymentTargets;
 * Service Authorization Reference). The IAM suite checks every action against the reference and the
 * command's source (test/iam/cli-policy.test.ts).
 */
export const WATCH_STATEMENT: PolicyStatement = {
  Sid: 'CdkRolloutsWatch',
  Effect: 'Allow',
  Action: [
    'cloudformation:DescribeStacks', 'cloudformation:GetTemplate', 'cloudformation:ListStackResources',
    'cloudwatch:DescribeAlarmHistory', 'cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData',
    'codedeploy:BatchGetDeploymentTargets', 'codedeploy:GetDeployment', 'codedeploy:GetDeploymentConfig', 'codedeploy:GetDeploymentGroup',
    'codedeploy:ListDeploymentTargets', 'codedeploy:ListDeployments',
    'lambda:GetAlias',
    'logs:FilterLogEvents',
    'ssm:GetParameter',
  ],
  Resource: '*',
};

/**
 * `stop`: StopDeployment. The Service Authorization Reference gives it no resource type
 * (wildcard-only), so it can only be granted on `*`; a permissions boundary or an SCP narrows it if needed.
 */
export const STOP_STATEMENT: PolicyStatement = {
  Sid: 'CdkRolloutsStop',
  Effect: 'Allow',
  Action: ['codedeploy:StopDeployment'],
  Resource: '*',
};

/**
 * `promote`: ContinueDeployment for blue/green groups (wildcard-only, as StopDeployment), and the
 * promote parameters of the library's hook, nothing else in SSM.
 */
export const PROMOTE_STATEMENTS: PolicyStatement[] = [
  { Sid: 'CdkRolloutsPromoteBlueGreen', Effect: 'Allow', Action: ['codedeploy:ContinueDeployment'], Resource: '*' },
  {
    Sid: 'CdkRolloutsPromoteBake',
    Effect: 'Allow',
    Action: ['ssm:PutParameter'],
    Resource: `arn:aws:ssm:*:*:parameter${TRAFFIC_HOOK_PARAMETER_PREFIX}/*/promote/*`,
  },
];

/** The policy document `cdk-rollouts policy` prints: watch's reads, and unless read-only, what stop and promote add. */
export function policyDocument(readOnly: boolean): { Version: string; Statement: PolicyStatement[] } {
  return { Version: '2012-10-17', Statement: readOnly ? [WATCH_STATEMENT] : [WATCH_STATEMENT, STOP_STATEMENT, ...PROMOTE_STATEMENTS] };
}
