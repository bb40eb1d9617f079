import { Lazy, Stack } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { AgentInstallation, AgentOperatingSystem } from './agent-installation';
import { isWellFormed } from './tag-set';
import { acknowledge } from '../private/acknowledge';
import { Problems } from '../private/validation';

/** The Auto Scaling groups and tagged EC2 instances a rollout installs the agent on. */
interface AgentTargets {
  readonly autoScalingGroups: autoscaling.IAutoScalingGroup[];
  readonly ec2InstanceTags?: codedeploy.InstanceTagSet;
}

/**
 * Problems with installing the agent this way on these targets that cannot change later. That
 * `AgentInstallation.userData()` has an Auto Scaling group at all is checked at synth
 * (`agentNeedsGroups`): groups can be added after construction.
 */
export function checkAgentInstallation(problems: Problems, agent: AgentInstallation, targets: AgentTargets): void {
  if (agent._method === 'UserData') {
    const imported = targets.autoScalingGroups.filter((group) => !(group instanceof autoscaling.AutoScalingGroup));
    if (imported.length > 0) {
      problems.add(`agent: AgentInstallation.userData() needs Auto Scaling groups defined in this app, got imported ${imported.map((g) => g.node.path).join(', ')} `
        + '(use AgentInstallation.systemsManager(), or install the agent in their launch template)');
    }
  }
  // A malformed tag set is reported on its own (checkTagSet).
  if (agent._method === 'SystemsManager' && targets.ec2InstanceTags && isWellFormed(targets.ec2InstanceTags) && !singleTagTarget(targets.ec2InstanceTags)) {
    problems.add('agent: AgentInstallation.systemsManager() targets tagged EC2 instances by one tag key and its values, '
      + 'got ec2InstanceTags with other tag groups (use AgentInstallation.none() and install the agent on them yourself)');
  }
}

/** `AgentInstallation.userData()` installs through the user data of the Auto Scaling groups: the rollout needs one by synth. */
export function agentNeedsGroups(agent: AgentInstallation, autoScalingGroups: readonly autoscaling.IAutoScalingGroup[]): string[] {
  return agent._method === 'UserData' && autoScalingGroups.length === 0
    ? ['agent: AgentInstallation.userData() installs through the user data of autoScalingGroups, got none (give autoScalingGroups, or call addAutoScalingGroup)']
    : [];
}

/**
 * Installs the agent on the targets; `checkAgentInstallation` has accepted them. The Auto Scaling
 * groups are the rollout's own list, which `installAgentOnGroup` extends after construction.
 */
export function installAgent(scope: Construct, agent: AgentInstallation, targets: AgentTargets): void {
  for (const group of targets.autoScalingGroups) {
    installAgentOnGroup(scope, agent, group, targets.autoScalingGroups);
  }
  if (agent._method === 'SystemsManager') {
    const tag = targets.ec2InstanceTags && singleTagTarget(targets.ec2InstanceTags);
    if (tag) {
      agentAssociation(scope, 'AgentAssociationEc2Tags', rateExpression(agent._scheduleMinutes!), `tag:${tag.key}`, tag.values);
    }
  }
}

/**
 * Installs the agent on one of the rollout's Auto Scaling groups (`allGroups` holds it and the
 * others, the rollout's list, read when the app is synthesized).
 */
export function installAgentOnGroup(
  scope: Construct, agent: AgentInstallation, group: autoscaling.IAutoScalingGroup, allGroups: readonly autoscaling.IAutoScalingGroup[],
): void {
  if (agent._method === 'UserData') {
    (group as autoscaling.AutoScalingGroup).addUserData(...userDataCommands(scope, agent._operatingSystem!));
  }
  if (agent._method !== 'SystemsManager') {
    return;
  }
  const id = 'AgentAssociationAutoScaling';
  if (!scope.node.tryFindChild(id)) {
    // Every instance an Auto Scaling group launches carries the group's name in this tag.
    agentAssociation(scope, id, rateExpression(agent._scheduleMinutes!), 'tag:aws:autoscaling:groupName',
      Lazy.list({ produce: () => allGroups.map((g) => g.autoScalingGroupName) }));
  }
  if (group instanceof autoscaling.AutoScalingGroup) {
    // AWS's documented minimum for Systems Manager to manage an instance; it follows new SSM features.
    group.role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'));
    acknowledge(group.role, {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      reason: 'Systems Manager installs and updates the CodeDeploy agent; AWS documents this managed policy as the minimum for an instance it manages',
    });
  }
}

/**
 * A State Manager association that installs the `AWSCodeDeployAgent` Distributor package and
 * keeps it current (CodeDeploy User Guide, "Install the CodeDeploy agent using AWS Systems
 * Manager"; Systems Manager User Guide, "Install or update packages": AWS-ConfigureAWSPackage
 * with `action` Install and the package `name`).
 */
function agentAssociation(scope: Construct, id: string, scheduleExpression: string, key: string, values: string[]): ssm.CfnAssociation {
  return new ssm.CfnAssociation(scope, id, {
    name: 'AWS-ConfigureAWSPackage',
    parameters: { action: ['Install'], name: ['AWSCodeDeployAgent'] },
    scheduleExpression,
    targets: [{ key, values }],
  });
}

/** The one tag key of a tag set with one group of one key, which a State Manager target can express. */
function singleTagTarget(tagSet: codedeploy.InstanceTagSet): { key: string; values: string[] } | undefined {
  const groups = tagSet.instanceTagGroups;
  const entries = groups.length === 1 ? Object.entries(groups[0]) : [];
  if (entries.length !== 1) {
    return undefined;
  }
  const [key, values] = entries[0];
  return key !== '' && values.length > 0 && values.every((value) => value !== '') ? { key, values } : undefined;
}

/** `rate(14 days)`: the largest whole unit, singular for one. */
function rateExpression(minutes: number): string {
  const [amount, unit] = minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
  return `rate(${amount} ${unit}${amount === 1 ? '' : 's'})`;
}

/**
 * The CodeDeploy User Guide's install steps for each operating system ("Install the CodeDeploy
 * agent for Amazon Linux or RHEL / Ubuntu Server / Windows Server"), from the Region's bucket.
 * The Linux installer reads its Region from AWS_REGION before asking instance metadata, which
 * keeps it working on instances that require IMDSv2.
 */
function userDataCommands(scope: Construct, operatingSystem: AgentOperatingSystem): string[] {
  const { region, urlSuffix } = Stack.of(scope);
  const bucketUrl = `https://aws-codedeploy-${region}.s3.${region}.${urlSuffix}/latest`;
  switch (operatingSystem) {
    case AgentOperatingSystem.WINDOWS:
      return [
        "New-Item -ItemType Directory -Force -Path 'C:\\temp' | Out-Null",
        `Invoke-WebRequest -Uri '${bucketUrl}/codedeploy-agent.msi' -OutFile 'C:\\temp\\codedeploy-agent.msi'`,
        "Start-Process -FilePath 'C:\\temp\\codedeploy-agent.msi' -ArgumentList '/quiet /l C:\\temp\\host-agent-install-log.txt' -Wait",
      ];
    case AgentOperatingSystem.UBUNTU:
      return linuxInstall('apt-get update && apt-get install -y ruby-full wget', bucketUrl, region);
    default:
      return linuxInstall('dnf install -y ruby wget', bucketUrl, region);
  }
}

function linuxInstall(packages: string, bucketUrl: string, region: string): string[] {
  return [
    packages,
    'cd /tmp',
    `wget ${bucketUrl}/install`,
    'chmod +x ./install',
    `AWS_REGION=${region} ./install auto`,
  ];
}
