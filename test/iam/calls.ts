/**
 * The calls each actor makes, derived from the synthesized templates, on the concrete resource each
 * touches, and the role that makes it:
 *
 * - CodeDeploy, with a deployment group's service role. For Lambda: the actions of the AWS managed
 *   policy AWSCodeDeployRoleForLambdaLimited
 *   (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRoleForLambdaLimited.html)
 *   that a CloudFormation-driven deployment uses: the alias (GetAlias, UpdateAlias), its provisioned
 *   concurrency, the hooks, the alarms, the triggers; not its s3:GetObject, which reads AppSpec files
 *   from S3, while CloudFormation passes the AppSpec inline. For servers: the actions of
 *   AWSCodeDeployRole (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSCodeDeployRole.html)
 *   that the group's targets need (CodeDeploy User Guide, "Integrating CodeDeploy with Amazon EC2 Auto
 *   Scaling" and "Integrating CodeDeploy with Elastic Load Balancing"), and for blue/green what copying
 *   the Auto Scaling group takes (the User Guide's service role additions for launch templates:
 *   ec2:RunInstances, ec2:CreateTags, iam:PassRole).
 * - Each hook function, with its role: PutLifecycleEventHookExecutionStatus on its deployment group.
 * - The library's traffic hook, with its function's role, for each rollout its settings parameter
 *   names: every SDK command of src/handlers/traffic-hook (the suite checks them against the
 *   handler's source) on that rollout's resources, as its settings use them, plus writing its logs
 *   and invoking itself to hand a long bake over.
 * - The deployer, with its function's role: every SDK command of src/handlers (the suite checks the
 *   list below against the handlers' source), plus what CreateDeployment asks of the caller (the
 *   permissions reference's footnote 1: GetDeploymentConfig on the config and GetApplicationRevision or
 *   RegisterApplicationRevision on the application), and writing its own logs.
 * - The CodeDeploy agent, with the instance role of each Auto Scaling group a revision is deployed to:
 *   reading the revision object (and decrypting it with the bucket's own key).
 */
import { AppWorld, Resource, StackWorld } from './template-world';
import { DEPLOYMENT_GROUP_RESOURCE_TYPE } from '../../src/contract/deployment-group';
import { REVISION_DEPLOYMENT_RESOURCE_TYPE } from '../../src/contract/revision-deployment';
import { settingsParameterName, settingsPrefix, TrafficHookSettings } from '../../src/contract/traffic-hook';

/** One request an actor makes. */
export interface Call {
  /** Who makes it and why, for the failure message. */
  readonly actor: string;
  /** The ARN of the role whose credentials sign it. */
  readonly roleArn: string;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, string | string[]>;
}

/** A stand-in for ids CodeDeploy generates (a copied group's uuid, a deployment id, an instance id). */
const GENERATED = { groupId: '0a1b2c3d-4e5f-6789-abcd-ef0123456789', deploymentId: 'd-ABCDEF123', instanceId: 'i-0123456789abcdef0' };

/** Every call of every actor in the app. */
export function appCalls(app: AppWorld): Call[] {
  return app.stacks.flatMap((stack) => Object.entries(stack.resources).flatMap(([logicalId, resource]) => {
    if (resource.Type === 'AWS::CodeDeploy::DeploymentGroup') {
      return deploymentGroupCalls(stack, logicalId, resource.Properties ?? {}, stack.nameOf(logicalId));
    }
    if (resource.Type === DEPLOYMENT_GROUP_RESOURCE_TYPE) {
      const group = resource.Properties!.DeploymentGroup;
      return [
        ...deploymentGroupCalls(stack, logicalId, group, stack.resolve(group.DeploymentGroupName)),
        ...groupManagementCalls(stack, logicalId, resource),
      ];
    }
    if (resource.Type === REVISION_DEPLOYMENT_RESOURCE_TYPE) {
      return revisionDeploymentCalls(stack, logicalId, resource);
    }
    return [];
  }));
}

function deploymentGroupCalls(stack: StackWorld, logicalId: string, group: Record<string, any>, groupName: string): Call[] {
  const roleArn = stack.resolve(group.ServiceRoleArn);
  const applicationName = stack.resolve(group.ApplicationName);
  const actor = `CodeDeploy for ${stack.stackName}/${logicalId}`;
  const call = (action: string, resource: string, context?: Call['context']): Call => ({ actor, roleArn, action, resource, context });
  const calls: Call[] = [];

  const alarms = group.AlarmConfiguration?.Enabled === true || group.AlarmConfiguration?.Enabled === 'true'
    ? (group.AlarmConfiguration.Alarms ?? []).map((alarm: any) => stack.resolve(alarm.Name)) : [];
  calls.push(...alarms.map((name: string) => call('cloudwatch:DescribeAlarms', stack.arn('cloudwatch', `alarm:${name}`))));
  for (const trigger of group.TriggerConfigurations ?? []) {
    calls.push(call('sns:Publish', stack.resolve(trigger.TriggerTargetArn)));
  }

  const aliases = Object.values(stack.resources).filter((resource) => resource.Type === 'AWS::Lambda::Alias'
    && resource.UpdatePolicy?.CodeDeployLambdaAliasUpdate
    && stack.resolve(resource.UpdatePolicy.CodeDeployLambdaAliasUpdate.DeploymentGroupName) === groupName);
  for (const alias of aliases) {
    const functionArn = stack.functionArn(alias.Properties!.FunctionName);
    const update = alias.UpdatePolicy!.CodeDeployLambdaAliasUpdate;
    calls.push(
      call('lambda:GetAlias', functionArn),
      call('lambda:UpdateAlias', functionArn),
      call('lambda:GetProvisionedConcurrencyConfig', `${functionArn}:${stack.resolve(alias.Properties!.Name)}`),
    );
    const trafficHook = trafficHookArn(stack, alias);
    for (const hook of [update.BeforeAllowTrafficHook, update.AfterAllowTrafficHook].filter((h) => h !== undefined)) {
      const hookArn = stack.functionArn(hook);
      calls.push(call('lambda:InvokeFunction', hookArn));
      const hookRole = functionRoleArn(stack, hookArn);
      // The library's traffic hook makes these calls and more: trafficHookCalls.
      if (hookRole && hookArn !== trafficHook) {
        calls.push({
          actor: `hook ${hookArn} of ${stack.stackName}/${logicalId}`,
          roleArn: hookRole,
          action: 'codedeploy:PutLifecycleEventHookExecutionStatus',
          resource: stack.arn('codedeploy', `deploymentgroup:${applicationName}/${groupName}`),
        });
      }
    }
  }
  for (const alias of aliases) {
    calls.push(...trafficHookCalls(stack, logicalId, alias, applicationName, groupName));
  }
  if (aliases.length > 0) {
    return calls;
  }

  // A server group: instances of Auto Scaling groups, of EC2 tag sets, behind load balancers.
  calls.push(call('ec2:DescribeInstances', '*'), call('ec2:DescribeInstanceStatus', '*'));
  if (group.Ec2TagFilters || group.Ec2TagSet) {
    calls.push(call('tag:GetResources', '*'));
  }
  const groupArn = (name: string) => stack.arn('autoscaling', `autoScalingGroup:${GENERATED.groupId}:autoScalingGroupName/${name}`);
  const autoScalingGroups = (stack.resolveAny(group.AutoScalingGroups ?? []) as string[]);
  const blueGreen = group.DeploymentStyle?.DeploymentType === 'BLUE_GREEN';
  if (autoScalingGroups.length > 0) {
    calls.push(call('autoscaling:DescribeAutoScalingGroups', '*'), call('autoscaling:DescribeLifecycleHooks', '*'));
  }
  for (const name of autoScalingGroups) {
    for (const action of ['PutLifecycleHook', 'DeleteLifecycleHook', 'CompleteLifecycleAction', 'RecordLifecycleActionHeartbeat']) {
      calls.push(call(`autoscaling:${action}`, groupArn(name)));
    }
    for (const _process of group.Ec2DeploymentOptions?.AutoScalingGroupProcessesToSuspend ?? []) {
      calls.push(call('autoscaling:SuspendProcesses', groupArn(name)), call('autoscaling:ResumeProcesses', groupArn(name)));
      break;
    }
  }
  const loadBalancers = group.LoadBalancerInfo ?? {};
  for (const targetGroup of loadBalancers.TargetGroupInfoList ?? []) {
    const arn = stack.arn('elasticloadbalancing', `targetgroup/${stack.resolve(targetGroup.Name)}/0123456789abcdef`);
    calls.push(
      call('elasticloadbalancing:DescribeTargetGroups', '*'), call('elasticloadbalancing:DescribeTargetHealth', '*'),
      call('elasticloadbalancing:RegisterTargets', arn), call('elasticloadbalancing:DeregisterTargets', arn),
    );
  }
  for (const classic of loadBalancers.ElbInfoList ?? []) {
    const arn = stack.arn('elasticloadbalancing', `loadbalancer/${stack.resolve(classic.Name)}`);
    calls.push(
      call('elasticloadbalancing:DescribeLoadBalancers', '*'), call('elasticloadbalancing:DescribeInstanceHealth', '*'),
      call('elasticloadbalancing:RegisterInstancesWithLoadBalancer', arn), call('elasticloadbalancing:DeregisterInstancesFromLoadBalancer', arn),
    );
  }
  if (blueGreen) {
    const [original] = autoScalingGroups;
    const copy = `CodeDeploy_${groupName}_${GENERATED.deploymentId}`;
    const instance = stack.arn('ec2', `instance/${GENERATED.instanceId}`);
    const instanceRole = instanceRoleArn(stack, original);
    for (const action of ['DescribePolicies', 'DescribeScheduledActions', 'DescribeNotificationConfigurations', 'DescribeScalingActivities']) {
      calls.push(call(`autoscaling:${action}`, '*'));
    }
    for (const action of ['CreateAutoScalingGroup', 'UpdateAutoScalingGroup', 'CreateOrUpdateTags', 'AttachLoadBalancerTargetGroups',
      'PutScalingPolicy', 'PutScheduledUpdateGroupAction', 'PutNotificationConfiguration', 'EnableMetricsCollection',
      'PutLifecycleHook', 'CompleteLifecycleAction']) {
      calls.push(call(`autoscaling:${action}`, groupArn(copy)));
    }
    calls.push(
      call('autoscaling:DeleteAutoScalingGroup', groupArn(original)),
      call('ec2:RunInstances', instance),
      call('ec2:CreateTags', instance, { 'ec2:CreateAction': 'RunInstances' }),
      call('ec2:TerminateInstances', instance, { 'ec2:ResourceTag/aws:autoscaling:groupName': original }),
    );
    if (instanceRole) {
      calls.push(call('iam:PassRole', instanceRole, { 'iam:PassedToService': 'ec2.amazonaws.com' }));
    }
  }
  return calls;
}

/** The settings parameter of the library's traffic hook for an alias, if the rollout uses it. */
function trafficHookSettings(stack: StackWorld, alias: Resource): { arn: string; settings: TrafficHookSettings } | undefined {
  const name = settingsParameterName(settingsPrefix(stack.stackName),
    stack.resolve(alias.Properties!.FunctionName), stack.resolve(alias.Properties!.Name));
  const parameter = Object.values(stack.resources).find((resource) => resource.Type === 'AWS::SSM::Parameter'
    && stack.resolve(resource.Properties!.Name) === name);
  return parameter ? { arn: stack.arn('ssm', `parameter${name}`), settings: JSON.parse(stack.resolve(parameter.Properties!.Value)) } : undefined;
}

/** The ARN of the library's traffic hook in the alias update, if the rollout uses it. */
function trafficHookArn(stack: StackWorld, alias: Resource): string | undefined {
  const found = trafficHookSettings(stack, alias);
  const update = alias.UpdatePolicy!.CodeDeployLambdaAliasUpdate;
  return found ? stack.functionArn(found.settings.beforeAllowTraffic ? update.BeforeAllowTrafficHook : update.AfterAllowTrafficHook) : undefined;
}

/** The library's traffic hook serving one rollout: what its handler calls, as the rollout's settings use them. */
function trafficHookCalls(stack: StackWorld, logicalId: string, alias: Resource, applicationName: string, groupName: string): Call[] {
  const found = trafficHookSettings(stack, alias);
  if (!found) {
    return [];
  }
  const { arn: parameterArn, settings } = found;
  const hookArn = trafficHookArn(stack, alias)!;
  const roleArn = functionRoleArn(stack, hookArn)!;
  const actor = `the traffic hook serving ${stack.stackName}/${logicalId}`;
  const call = (action: string, resource: string): Call => ({ actor, roleArn, action, resource });
  const groupArn = stack.arn('codedeploy', `deploymentgroup:${applicationName}/${groupName}`);
  const functionArn = stack.functionArn(alias.Properties!.FunctionName);
  const calls = [
    call('codedeploy:GetDeployment', groupArn),
    call('codedeploy:PutLifecycleEventHookExecutionStatus', groupArn),
    call('codedeploy:GetApplicationRevision', stack.arn('codedeploy', `application:${applicationName}`)),
    call('ssm:GetParameter', parameterArn),
  ];
  if (settings.beforeAllowTraffic && settings.afterAllowTraffic) {
    calls.push(call('codedeploy:ListDeploymentTargets', '*'), call('codedeploy:BatchGetDeploymentTargets', '*'));
  }
  if (settings.beforeAllowTraffic) {
    // The version being deployed, by its number.
    calls.push(call('lambda:InvokeFunction', `${functionArn}:${stack.resolve(alias.Properties!.FunctionVersion)}`));
  }
  const after = settings.afterAllowTraffic;
  if (after?.keepVersions) {
    calls.push(
      call('lambda:ListVersionsByFunction', functionArn),
      call('lambda:ListAliases', functionArn),
      call('lambda:DeleteFunction', `${functionArn}:1`),
    );
  }
  for (const alarmName of after?.alarmNames ?? []) {
    calls.push(call('cloudwatch:DescribeAlarms', stack.arn('cloudwatch', `alarm:${alarmName}`)));
  }
  const functionId = logicalIdOfFunction(stack, hookArn);
  const logGroupName = stack.resolve(stack.resource(functionId).Properties!.LoggingConfig.LogGroup);
  const stream = stack.arn('logs', `log-group:${logGroupName}:log-stream:2026/12/01/[$LATEST]0123456789abcdef`);
  // The stream that claims a hook execution (handlers/traffic-hook/execution-claim.ts).
  const claim = stack.arn('logs', `log-group:${logGroupName}:log-stream:hook-executions/c8b2f1e0-1234-4abc-9def-0123456789ab`);
  calls.push(call('lambda:InvokeFunction', hookArn), call('logs:CreateLogStream', stream), call('logs:PutLogEvents', stream), call('logs:CreateLogStream', claim));
  calls.push(...vpcAttachmentCalls(stack, functionId, roleArn));
  return calls;
}

/** The deployer creating, updating and deleting a blue/green deployment group, and deleting its copies. */
function groupManagementCalls(stack: StackWorld, logicalId: string, resource: Resource): Call[] {
  const group = resource.Properties!.DeploymentGroup;
  const groupName = stack.resolve(group.DeploymentGroupName);
  const roleArn = deployerRoleArn(stack, resource);
  const actor = `the deployer managing ${stack.stackName}/${logicalId}`;
  const groupArn = stack.arn('codedeploy', `deploymentgroup:${stack.resolve(group.ApplicationName)}/${groupName}`);
  const copy = stack.arn('autoscaling', `autoScalingGroup:${GENERATED.groupId}:autoScalingGroupName/CodeDeploy_${groupName}_${GENERATED.deploymentId}`);
  return [
    ...['CreateDeploymentGroup', 'GetDeploymentGroup', 'UpdateDeploymentGroup', 'DeleteDeploymentGroup']
      .map((action) => ({ actor, roleArn, action: `codedeploy:${action}`, resource: groupArn })),
    { actor, roleArn, action: 'iam:PassRole', resource: stack.resolve(group.ServiceRoleArn), context: { 'iam:PassedToService': 'codedeploy.amazonaws.com' } },
    { actor, roleArn, action: 'autoscaling:DeleteAutoScalingGroup', resource: copy },
    ...deployerOwnCalls(stack, resource, actor, roleArn),
  ];
}

/** The deployer deploying a revision: the handler's CodeDeploy calls and what CreateDeployment asks of it. */
function revisionDeploymentCalls(stack: StackWorld, logicalId: string, resource: Resource): Call[] {
  const props = resource.Properties!;
  const roleArn = deployerRoleArn(stack, resource);
  const actor = `the deployer deploying ${stack.stackName}/${logicalId}`;
  const applicationName = stack.resolve(props.ApplicationName);
  const groupName = stack.resolve(props.DeploymentGroupName);
  const groupArn = stack.arn('codedeploy', `deploymentgroup:${applicationName}/${groupName}`);
  const applicationArn = stack.arn('codedeploy', `application:${applicationName}`);
  const configName = props.DeploymentConfigName ? stack.resolve(props.DeploymentConfigName) : deploymentConfigOf(stack, applicationName, groupName);
  const call = (action: string, arn: string): Call => ({ actor, roleArn, action, resource: arn });
  const calls = [
    call('codedeploy:CreateDeployment', groupArn),
    call('codedeploy:GetDeploymentConfig', stack.arn('codedeploy', `deploymentconfig:${configName}`)),
    call('codedeploy:RegisterApplicationRevision', applicationArn),
    call('codedeploy:GetApplicationRevision', applicationArn),
    call('codedeploy:GetDeployment', groupArn),
    call('codedeploy:ListDeployments', groupArn),
    call('codedeploy:StopDeployment', '*'),
    call('codedeploy:ListDeploymentTargets', '*'),
    call('codedeploy:BatchGetDeploymentTargets', '*'),
    ...deployerOwnCalls(stack, resource, actor, roleArn),
  ];
  const s3 = stack.resolveAny(props.Revision) as { s3Location?: { bucket: string; key: string } };
  if (s3.s3Location) {
    const object = `arn:aws:s3:::${s3.s3Location.bucket}/${s3.s3Location.key}`;
    calls.push(call('s3:GetObject', object), call('s3:GetObjectVersion', object));
    calls.push(...fleetReads(stack, applicationName, groupName, object, s3.s3Location.bucket));
  }
  return calls;
}

/**
 * The CodeDeploy agent on the instances of the group's Auto Scaling groups downloads the revision
 * with the instance role's credentials (CodeDeploy User Guide, "Step 4: Create an IAM instance
 * profile for your Amazon EC2 instances"), and decrypts it with the bucket's key when the bucket has a
 * key of its own in the app (the AWS managed key aws/s3 needs no grant: its key policy lets the
 * account's principals use it through S3).
 */
function fleetReads(stack: StackWorld, applicationName: string, groupName: string, object: string, bucketName: string): Call[] {
  const group = deploymentGroupOf(stack, applicationName, groupName);
  const keyArn = bucketKeyArn(stack, bucketName);
  return (stack.resolveAny(group.AutoScalingGroups ?? []) as string[]).flatMap((name) => {
    const roleArn = instanceRoleArn(stack, name);
    const actor = `the CodeDeploy agent on ${stack.stackName}/${name}`;
    return roleArn ? [
      { actor, roleArn, action: 's3:GetObject', resource: object },
      { actor, roleArn, action: 's3:GetObjectVersion', resource: object },
      ...(keyArn ? [{ actor, roleArn, action: 'kms:Decrypt', resource: keyArn, context: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } }] : []),
    ] : [];
  });
}

/** The ARN of a bucket's own KMS key, when the bucket and the key are in the stack. */
function bucketKeyArn(stack: StackWorld, bucketName: string): string | undefined {
  const bucket = Object.entries(stack.resources).find(([id, resource]) => resource.Type === 'AWS::S3::Bucket' && stack.nameOf(id) === bucketName)?.[1];
  const key = bucket?.Properties?.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault?.KMSMasterKeyID;
  return key === undefined ? undefined : stack.resolve(key);
}

/** The deployer invoking itself to hand a long wait over, and writing its logs. */
function deployerOwnCalls(stack: StackWorld, resource: Resource, actor: string, roleArn: string): Call[] {
  const functionArn = stack.resolve(resource.Properties!.ServiceToken);
  const functionId = logicalIdOfFunction(stack, functionArn);
  const logGroup = stack.resource(functionId).Properties?.LoggingConfig?.LogGroup;
  const logGroupName = logGroup ? stack.resolve(logGroup) : `/aws/lambda/${stack.nameOf(functionId)}`;
  const stream = stack.arn('logs', `log-group:${logGroupName}:log-stream:2026/12/01/[$LATEST]0123456789abcdef`);
  return [
    { actor, roleArn, action: 'lambda:InvokeFunction', resource: functionArn },
    { actor, roleArn, action: 'logs:CreateLogStream', resource: stream },
    { actor, roleArn, action: 'logs:PutLogEvents', resource: stream },
    ...vpcAttachmentCalls(stack, functionId, roleArn),
  ];
}

/**
 * Lambda attaching a function to its VPC with the function's role (Lambda Developer Guide, "Giving
 * Lambda functions access to resources in an Amazon VPC",
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html): an interface created in each
 * subnet with the security groups, described, re-addressed and deleted.
 */
function vpcAttachmentCalls(stack: StackWorld, functionId: string, roleArn: string): Call[] {
  const vpc = stack.resource(functionId).Properties?.VpcConfig;
  if (!vpc) {
    return [];
  }
  const actor = `Lambda attaching the library function ${stack.stackName}/${functionId} to its VPC`;
  const networkInterface = stack.arn('ec2', 'network-interface/eni-0123456789abcdef0');
  const call = (action: string, resource: string): Call => ({ actor, roleArn, action, resource });
  return [
    call('ec2:CreateNetworkInterface', networkInterface),
    ...(stack.resolveAny(vpc.SubnetIds) as string[]).map((id) => call('ec2:CreateNetworkInterface', stack.arn('ec2', `subnet/${id}`))),
    ...(stack.resolveAny(vpc.SecurityGroupIds) as string[]).map((id) => call('ec2:CreateNetworkInterface', stack.arn('ec2', `security-group/${id}`))),
    call('ec2:DescribeNetworkInterfaces', '*'),
    call('ec2:DescribeSubnets', '*'),
    call('ec2:DeleteNetworkInterface', networkInterface),
    call('ec2:AssignPrivateIpAddresses', networkInterface),
    call('ec2:UnassignPrivateIpAddresses', networkInterface),
  ];
}

function deploymentGroupOf(stack: StackWorld, applicationName: string, groupName: string): Record<string, any> {
  for (const [logicalId, resource] of Object.entries(stack.resources)) {
    const custom = resource.Type === DEPLOYMENT_GROUP_RESOURCE_TYPE;
    const group = resource.Type === 'AWS::CodeDeploy::DeploymentGroup' ? resource.Properties : custom ? resource.Properties!.DeploymentGroup : undefined;
    const name = custom ? stack.resolve(group?.DeploymentGroupName) : stack.nameOf(logicalId);
    if (group && stack.resolve(group.ApplicationName) === applicationName && name === groupName) {
      return group;
    }
  }
  throw new Error(`${stack.stackName}: no deployment group ${applicationName}/${groupName}`);
}

/**
 * Deployment groups the scenarios' account already has, outside any template (a `RevisionDeployment`
 * may deploy to an imported group), with the deployment config each really uses.
 */
const EXISTING_DEPLOYMENT_GROUPS: Record<string, string> = {
  'team-web/web-production': 'CodeDeployDefault.HalfAtATime',
};

function deploymentConfigOf(stack: StackWorld, applicationName: string, groupName: string): string {
  const existing = EXISTING_DEPLOYMENT_GROUPS[`${applicationName}/${groupName}`];
  if (existing) {
    return existing;
  }
  const group = deploymentGroupOf(stack, applicationName, groupName);
  return group.DeploymentConfigName ? stack.resolve(group.DeploymentConfigName) : 'CodeDeployDefault.OneAtATime';
}

function logicalIdOfFunction(stack: StackWorld, functionArn: string): string {
  const id = Object.keys(stack.resources).find((logicalId) => stack.resources[logicalId].Type === 'AWS::Lambda::Function'
    && stack.getAtt(logicalId, 'Arn') === functionArn);
  if (!id) {
    throw new Error(`${stack.stackName}: no function ${functionArn}`);
  }
  return id;
}

function functionRoleArn(stack: StackWorld, functionArn: string): string | undefined {
  const id = Object.keys(stack.resources).find((logicalId) => stack.resources[logicalId].Type === 'AWS::Lambda::Function'
    && stack.getAtt(logicalId, 'Arn') === functionArn);
  return id ? stack.resolve(stack.resources[id].Properties!.Role) : undefined;
}

function deployerRoleArn(stack: StackWorld, resource: Resource): string {
  const role = functionRoleArn(stack, stack.resolve(resource.Properties!.ServiceToken));
  if (!role) {
    throw new Error(`${stack.stackName}: the deployer's function is not in the stack`);
  }
  return role;
}

/** The instance role of an Auto Scaling group, through its launch template's or configuration's instance profile. */
function instanceRoleArn(stack: StackWorld, autoScalingGroupName: string): string | undefined {
  const group = Object.entries(stack.resources).find(([id, resource]) => resource.Type === 'AWS::AutoScaling::AutoScalingGroup'
    && stack.nameOf(id) === autoScalingGroupName)?.[1];
  const templateId = group?.Properties?.LaunchTemplate?.LaunchTemplateId?.Ref;
  const configurationId = group?.Properties?.LaunchConfigurationName?.Ref;
  const profile = templateId
    ? stack.resources[templateId]?.Properties?.LaunchTemplateData?.IamInstanceProfile?.Arn?.['Fn::GetAtt']?.[0]
    : configurationId ? stack.resources[configurationId]?.Properties?.IamInstanceProfile?.Ref : undefined;
  const roleId = profile ? stack.resources[profile]?.Properties?.Roles?.[0]?.Ref : undefined;
  return roleId ? stack.getAtt(roleId, 'Arn') : undefined;
}
