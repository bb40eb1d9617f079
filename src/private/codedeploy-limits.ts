/**
 * The limits CodeDeploy enforces that the library checks at synth time, each with its source.
 *
 * CloudFormation's own schema for AWS::CodeDeploy::DeploymentConfig only checks that these values
 * are integers (a percentage of 150 or an interval of 5000 minutes passes it), so a bad value
 * otherwise surfaces as a failed stack deployment.
 */

/**
 * Lambda traffic shifting (TimeBasedCanary, TimeBasedLinear).
 *
 * Source: CodeDeploy User Guide, "Quotas for CodeDeploy", Deployment configurations:
 * "Maximum percentage of traffic that can be shifted in one increment during an AWS Lambda
 * deployment: 99" and "Maximum number of minutes between the first and last traffic shift during
 * an AWS Lambda canary or linear deployment: 2880"
 * (https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html). Intervals are whole
 * minutes (API reference, TimeBasedCanary/TimeBasedLinear: "The number of minutes ...", Integer);
 * a shift must move some traffic and wait at least one minute, so both start at 1.
 */
export const LAMBDA_TRAFFIC_SHIFT = {
  percentage: { min: 1, max: 99 },
  interval: { min: 1, max: 2880, unit: 'minutes' },
  /** First to last traffic shift, in minutes. */
  maxShiftSpanMinutes: 2880,
} as const;

/**
 * Server minimum healthy hosts (MinimumHealthyHosts: HOST_COUNT, FLEET_PERCENT).
 *
 * Source: CodeDeploy User Guide, "Quotas for CodeDeploy": "Minimum healthy hosts ... HOST_COUNT:
 * any positive integer or 0 ... FLEET_PERCENT: any positive integer less than 100, or 0"; and
 * "Working with instance health": a percentage is rounded up to whole instances, and a minimum
 * that is not below the number of instances fails the deployment at once
 * (https://docs.aws.amazon.com/codedeploy/latest/userguide/instances-health.html). A count is an
 * `Integer` in the API reference (MinimumHealthyHosts, value; CodeDeploy's API model, a 32-bit
 * integer), so no count above 2,147,483,647 reaches CodeDeploy.
 */
export const MINIMUM_HEALTHY_HOSTS = {
  count: { min: 0, max: 2_147_483_647 },
  percent: { min: 0, max: 99 },
} as const;

/**
 * Zonal rollouts (ZonalConfig).
 *
 * Source: CodeDeploy API reference, ZonalConfig: monitorDurationInSeconds and
 * firstZoneMonitorDurationInSeconds are whole seconds (Long); aws-cdk-lib documents "Accepted
 * Values: 0, Greater than or equal to 1" for both. No upper bound is documented, so none is checked.
 * MinimumHealthyHostsPerZone takes the same HOST_COUNT / FLEET_PERCENT types (and count range); its percentage is
 * held to the fleet-wide range (below 100), because a zone that must keep every host healthy
 * can never be deployed to.
 */
export const ZONAL_CONFIG = {
  monitorDuration: { min: 0, unit: 'seconds' },
  perZoneCount: MINIMUM_HEALTHY_HOSTS.count,
  perZonePercent: { min: 0, max: 99 },
} as const;

/**
 * Deployment config names.
 *
 * Source: CodeDeploy API reference, CreateDeploymentConfig, deploymentConfigName: "Minimum length
 * of 1. Maximum length of 100"; CloudFormation's resource schema pattern `^[A-Za-z0-9+=,.@_-]*$`;
 * CodeDeploy User Guide, "Quotas for CodeDeploy": the prefix `CodeDeployDefault.` is disallowed for
 * custom deployment configuration names (CloudFormation's schema does not check this one).
 */
export const DEPLOYMENT_CONFIG_NAME = {
  minLength: 1,
  maxLength: 100,
  pattern: /^[A-Za-z0-9+=,.@_-]+$/,
  allowedCharacters: 'letters, digits and + = , . @ _ -',
  reservedPrefix: 'CodeDeployDefault.',
} as const;

/**
 * Deployment groups.
 *
 * Source: CodeDeploy User Guide, "CodeDeploy quotas"
 * (https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html): "Associated alarms per
 * deployment group", default 50 in each supported Region, adjustable (hence `maxAlarms`). The API
 * and CloudFormation references (AlarmConfiguration.Alarms) still say "a maximum of 10 alarms";
 * the quotas page is the one AWS keeps current, and CloudFormation's validator accepts 50.
 * CodeDeploy API reference, CreateDeploymentGroup, deploymentGroupName: "Length Constraints:
 * Minimum length of 1. Maximum length of 100", and CloudFormation's schema pattern `^[A-Za-z0-9+=,.@_-]*$`.
 */
export const DEPLOYMENT_GROUP = {
  name: { minLength: 1, maxLength: 100, pattern: /^[A-Za-z0-9+=,.@_-]+$/, allowedCharacters: 'letters, digits and + = , . @ _ -' },
  /** CodeDeploy's default quota of alarms per deployment group. */
  alarmQuota: 50,
} as const;

/**
 * Custom deployment configurations.
 *
 * Source: CodeDeploy User Guide, "CodeDeploy quotas"
 * (https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html): "Custom deployment
 * configurations per account", 50 in each supported Region, not adjustable. The library creates
 * one config per stack and shape, so an app of many stacks in one account and Region can pass it:
 * `CodeDeployChecks` counts them (rule `CodeDeploy-CustomConfigQuota`).
 */
export const CUSTOM_DEPLOYMENT_CONFIGS = {
  perAccountAndRegion: 50,
} as const;

/**
 * Lambda alias names.
 *
 * Source: Lambda API reference, CreateAlias, Name: "Length Constraints: Minimum length of 1.
 * Maximum length of 128. Pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)" (not only digits, which would
 * read as a version number).
 */
export const LAMBDA_ALIAS_NAME = {
  minLength: 1,
  maxLength: 128,
  pattern: /^[a-zA-Z0-9_-]+$/,
  allowedCharacters: 'letters, digits, - and _',
  allDigits: /^[0-9]+$/,
} as const;

/**
 * Server deployment group targets.
 *
 * Source: CodeDeploy User Guide, "Quotas for CodeDeploy": Auto Scaling groups in a deployment
 * group: 10 (https://docs.aws.amazon.com/codedeploy/latest/userguide/limits.html); "Working with
 * tags": a tag set holds up to 3 tag groups of up to 10 tags each
 * (https://docs.aws.amazon.com/codedeploy/latest/userguide/instances-tagging.html); API reference,
 * LoadBalancerInfo: up to 10 Classic Load Balancers and up to 10 target groups. CloudFormation's
 * schema checks none of these counts.
 */
export const SERVER_TARGETS = {
  maxAutoScalingGroups: 10,
  maxTagGroups: 3,
  maxTagsPerGroup: 10,
  maxClassicLoadBalancers: 10,
  maxTargetGroups: 10,
} as const;

/**
 * AppSpec files of EC2/on-premises deployments (appspec.yml), as the CodeDeploy agent reads them.
 *
 * - `version`: CodeDeploy accepts only 0.0 (User Guide, "AppSpec File structure",
 *   https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure.html);
 *   the agent compares it with the number 0.0, so it is written unquoted
 *   (https://github.com/aws/aws-codedeploy-agent/blob/master/lib/instance_agent/plugins/codedeploy/application_specification/application_specification.rb).
 * - Script timeouts: whole seconds greater than 0, one hour by default; one hour is also the most a
 *   lifecycle event may spend running its scripts, so the timeouts given in one event should add
 *   up to at most 3600 (User Guide, "AppSpec 'hooks' section", structure of the section,
 *   https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#reference-appspec-file-structure-hooks-section-structure;
 *   the agent rejects a timeout of 0 or less:
 *   https://github.com/aws/aws-codedeploy-agent/blob/master/lib/instance_agent/plugins/codedeploy/application_specification/script_info.rb).
 * - `mode`: chmod octal digits, without symbolic forms; the agent takes at most 4 digits, each 0 to 7
 *   (https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-permissions.html;
 *   https://github.com/aws/aws-codedeploy-agent/blob/master/lib/instance_agent/plugins/codedeploy/application_specification/mode_info.rb).
 *   The library asks for 3 or 4, the forms the reference shows.
 * - SELinux `range`: `s<n>[-s<n>][:c<n>[.c<n>][,...]]` with the high sensitivity not below the low
 *   one and categories from 0 to 1023, low to high, none twice; a `context` must name a `type`
 *   (https://github.com/aws/aws-codedeploy-agent/blob/master/lib/instance_agent/plugins/codedeploy/application_specification/range_info.rb,
 *   .../context_info.rb).
 * - User and group names (`runas`, `owner`, `group`): CodeDeploy documents no rule, so the rule of
 *   Linux's own tools applies: shadow-utils' useradd/groupadd accept letters, digits, `.`, `_` and
 *   `-` (not first) and a final `$`, at most 32 characters
 *   (https://github.com/shadow-maint/shadow/blob/master/lib/chkname.c; the useradd(8) manual caps
 *   names at 32 characters).
 */
export const SERVER_APPSPEC = {
  version: '0.0',
  scriptTimeout: { min: 1, max: 3600, unit: 'seconds' },
  /** The most the script timeouts of one lifecycle event may add up to, in seconds. */
  maxSecondsPerLifecycleEvent: 3600,
  mode: /^[0-7]{3,4}$/,
  selinuxRange: /^s(\d+)(?:-s(\d+))?(?::(c\d+(?:\.c\d+)?(?:,c\d+(?:\.c\d+)?)*))?$/,
  maxSelinuxCategory: 1023,
  userName: {
    minLength: 1,
    maxLength: 32,
    pattern: /^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/,
    allowedCharacters: 'letters, digits, . and _, - after the first character, and a final $',
  },
} as const;

/**
 * Blue/green deployments of an EC2 Auto Scaling group.
 *
 * Sources: CodeDeploy API reference, BlueInstanceTerminationOption
 * (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_BlueInstanceTerminationOption.html):
 * terminationWaitTimeInMinutes at most 2880 (2 days); DeploymentReadyOption
 * (https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_DeploymentReadyOption.html):
 * waitTimeInMinutes, minutes to wait before the deployment stops if not continued (no maximum
 * documented). CreateDeploymentGroup refuses a blue/green group that copies the Auto Scaling group
 * with other than exactly one group (InvalidBlueGreenDeploymentConfigurationException).
 */
export const BLUE_GREEN = {
  approvalTimeout: { min: 1, unit: 'minutes' },
  terminationWait: { min: 0, max: 2880, unit: 'minutes' },
} as const;

/**
 * Security groups of a Lambda function in a VPC. Source: Lambda API reference, VpcConfig,
 * SecurityGroupIds: "Array Members: Maximum number of 5 items."
 * (https://docs.aws.amazon.com/lambda/latest/api/API_VpcConfig.html)
 */
export const LAMBDA_VPC = { securityGroups: { min: 1, max: 5 } } as const;

/**
 * The library's traffic hook (`smokeTest`, `keepVersions`, `bakeTime`).
 *
 * - A Lambda hook must report its verdict (PutLifecycleEventHookExecutionStatus) within an hour of
 *   being invoked, or CodeDeploy fails the lifecycle event (User Guide, "AppSpec 'hooks' section"
 *   for AWS Lambda deployments,
 *   https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#appspec-hooks-lambda):
 *   a bake time leaves 10 of those 60 minutes for pruning versions, the hand-overs between
 *   invocations and the report, hence at most 50 whole minutes.
 * - Smoke-test invocations run one after another inside one 15-minute invocation of the hook
 *   (Lambda's longest timeout, https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html).
 * - HTTP status codes are 3-digit integers from 100 to 599 (RFC 9110, section 15).
 */
export const TRAFFIC_HOOK = {
  bakeTime: { min: 1, max: 50, unit: 'minutes' },
  keepVersions: { min: 1 },
  invocations: { min: 1, max: 100 },
  statusCode: { min: 100, max: 599 },
} as const;
