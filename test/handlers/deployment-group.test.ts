import { DeleteAutoScalingGroupCommand, AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import {
  CodeDeployClient,
  CreateDeploymentGroupCommand,
  CreateDeploymentGroupInput,
  DeleteDeploymentGroupCommand,
  DeploymentGroupInfo,
  GetDeploymentGroupCommand,
  UpdateDeploymentGroupCommand,
  UpdateDeploymentGroupInput,
} from '@aws-sdk/client-codedeploy';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import * as fixtures from './revision-deployment-fixtures';
import { capturedLogs, harness, SERVICE_TOKEN, serviceError, TestResource } from './revision-deployment-fixtures';
import { DEPLOYMENT_GROUP_RESOURCE_TYPE } from '../../src/contract/deployment-group';

const codedeploy = mockClient(CodeDeployClient);
const autoscaling = mockClient(AutoScalingClient);
const logs = capturedLogs();

beforeEach(() => {
  codedeploy.reset();
  autoscaling.reset();
});

const LOGICAL_ID = 'WebFleetDeploymentGroup';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/Web-CodeDeployServiceRole';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:web-deployments';
const ORIGINAL_ASG = 'Web-FleetAsg-1A2B3C4D5E6F';
const COPY = 'CodeDeploy_WebFleet_d-ABCDE1234';
const OLDER_COPY = 'CodeDeploy_WebFleet_d-ZYXWV9876';

/** A blue/green group as a ServerRollout sends it: AWS::CodeDeploy::DeploymentGroup's shape, every leaf a string. */
function group(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ApplicationName: 'WebApp',
    DeploymentGroupName: 'WebFleet',
    ServiceRoleArn: ROLE_ARN,
    DeploymentConfigName: 'CodeDeployDefault.HalfAtATime',
    AutoScalingGroups: [ORIGINAL_ASG],
    LoadBalancerInfo: { TargetGroupInfoList: [{ Name: 'Web-TargetGroup' }] },
    DeploymentStyle: { DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' },
    BlueGreenDeploymentConfiguration: {
      DeploymentReadyOption: { ActionOnTimeout: 'CONTINUE_DEPLOYMENT', WaitTimeInMinutes: '0' },
      GreenFleetProvisioningOption: { Action: 'COPY_AUTO_SCALING_GROUP' },
      TerminateBlueInstancesOnDeploymentSuccess: { Action: 'TERMINATE', TerminationWaitTimeInMinutes: '5' },
    },
    AlarmConfiguration: { Enabled: 'true', IgnorePollAlarmFailure: 'false', Alarms: [{ Name: 'Web-5xx' }, { Name: 'Web-UnhealthyHosts' }] },
    AutoRollbackConfiguration: { Enabled: 'true', Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
    TriggerConfigurations: [{ TriggerName: 'Web-notifications', TriggerTargetArn: TOPIC_ARN, TriggerEvents: ['DeploymentFailure', 'DeploymentRollback'] }],
    OutdatedInstancesStrategy: 'UPDATE',
    TerminationHookEnabled: 'true',
    ...overrides,
  };
}

/** The same group as the SDK takes it. */
const EXPECTED_CREATE: CreateDeploymentGroupInput = {
  applicationName: 'WebApp',
  deploymentGroupName: 'WebFleet',
  serviceRoleArn: ROLE_ARN,
  deploymentConfigName: 'CodeDeployDefault.HalfAtATime',
  autoScalingGroups: [ORIGINAL_ASG],
  loadBalancerInfo: { targetGroupInfoList: [{ name: 'Web-TargetGroup' }] },
  deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
  blueGreenDeploymentConfiguration: {
    deploymentReadyOption: { actionOnTimeout: 'CONTINUE_DEPLOYMENT', waitTimeInMinutes: 0 },
    greenFleetProvisioningOption: { action: 'COPY_AUTO_SCALING_GROUP' },
    terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 5 },
  },
  alarmConfiguration: { enabled: true, ignorePollAlarmFailure: false, alarms: [{ name: 'Web-5xx' }, { name: 'Web-UnhealthyHosts' }] },
  autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
  triggerConfigurations: [{ triggerName: 'Web-notifications', triggerTargetArn: TOPIC_ARN, triggerEvents: ['DeploymentFailure', 'DeploymentRollback'] }],
  outdatedInstancesStrategy: 'UPDATE',
  terminationHookEnabled: true,
};

/** What the in-place update of the unchanged template sends (everything but the group's name). */
const { deploymentGroupName: _name, ...EXPECTED_FIELDS } = EXPECTED_CREATE;
const EXPECTED_UPDATE: UpdateDeploymentGroupInput = { ...EXPECTED_FIELDS, currentDeploymentGroupName: 'WebFleet' };

function props(deploymentGroup: Record<string, unknown> = group()): Record<string, unknown> {
  return { ServiceToken: SERVICE_TOKEN, DeploymentGroup: deploymentGroup };
}

/** The blue/green deployment group's custom resource; the events come from the shared fixtures. */
const GROUP: TestResource = { logicalId: LOGICAL_ID, type: DEPLOYMENT_GROUP_RESOURCE_TYPE };

function createEvent(properties: Record<string, unknown> = props()): CloudFormationCustomResourceCreateEvent {
  return fixtures.createEvent(properties, GROUP);
}

function updateEvent(properties: Record<string, unknown>, oldProperties: Record<string, unknown> = props(), physicalId = 'WebFleet'): CloudFormationCustomResourceUpdateEvent {
  return fixtures.updateEvent(physicalId, properties, oldProperties, GROUP);
}

function deleteEvent(physicalId = 'WebFleet', properties: Record<string, unknown> = props()): CloudFormationCustomResourceDeleteEvent {
  return fixtures.deleteEvent(physicalId, properties, GROUP);
}

function echoed(requestId: string): Record<string, string> {
  return fixtures.echoed(requestId, GROUP);
}

function liveGroup(autoScalingGroups: string[], extra: Partial<DeploymentGroupInfo> = {}): { deploymentGroupInfo: DeploymentGroupInfo } {
  return {
    deploymentGroupInfo: {
      applicationName: 'WebApp',
      deploymentGroupName: 'WebFleet',
      deploymentGroupId: 'dg-1111-2222',
      autoScalingGroups: autoScalingGroups.map((name) => ({ name, hook: `CodeDeploy-managed-automatic-launch-deployment-hook-WebFleet-${name}` })),
      ...extra,
    },
  };
}

function logged(event: string): Array<Record<string, unknown>> {
  return logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.event === event);
}

describe('Create', () => {
  test('creates the group with the SDK shape of the template and answers its name and id', async () => {
    codedeploy.on(CreateDeploymentGroupCommand).resolves({ deploymentGroupId: 'dg-1111-2222' });
    const h = harness();

    await h.invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentGroupCommand, 1);
    expect(codedeploy.commandCalls(CreateDeploymentGroupCommand)[0].args[0].input).toStrictEqual(EXPECTED_CREATE);
    expect(h.responses).toEqual([{
      Status: 'SUCCESS', PhysicalResourceId: 'WebFleet', ...echoed('request-1'), Data: { DeploymentGroupId: 'dg-1111-2222' },
    }]);
  });

  test('refuses invalid properties, every problem at once, without calling CodeDeploy', async () => {
    const h = harness();

    await h.invoke(createEvent({
      ServiceToken: SERVICE_TOKEN,
      Salt: '1',
      DeploymentGroup: group({
        ServiceRoleArn: undefined,
        DeploymentGroupName: 'x'.repeat(101),
        Ec2TagFilters: [{ Key: 'app', Value: 'web', Type: 'KEY_AND_VALUE' }],
        AutoScalingGroups: ORIGINAL_ASG,
        AlarmConfiguration: { Enabled: 'yes', Alarms: [{ Name: '' }] },
        BlueGreenDeploymentConfiguration: {
          DeploymentReadyOption: { ActionOnTimeout: 'STOP_DEPLOYMENT', WaitTimeInMinutes: '2.5' },
          TerminateBlueInstancesOnDeploymentSuccess: { Action: 'TERMINATE', TerminationWaitTimeInMinutes: '-1' },
        },
        LoadBalancerInfo: { TargetGroupPairInfoList: [] },
      }),
    }));

    expect(codedeploy.calls()).toHaveLength(0);
    expect(h.responses).toEqual([{
      Status: 'FAILED',
      PhysicalResourceId: 'WebFleetDeploymentGroup-not-created',
      ...echoed('request-1'),
      Reason: 'Invalid CodeDeploy deployment group properties: '
        + 'Salt is not supported (supported: DeploymentGroup); '
        + 'DeploymentGroup.ServiceRoleArn must be a non-empty string, got nothing; '
        + 'DeploymentGroup.AutoScalingGroups must be a list, got "Web-FleetAsg-1A2B3C4D5E6F"; '
        + 'DeploymentGroup.LoadBalancerInfo.TargetGroupPairInfoList is not supported (supported: ElbInfoList, TargetGroupInfoList); '
        + 'DeploymentGroup.BlueGreenDeploymentConfiguration.DeploymentReadyOption.WaitTimeInMinutes must be a non-negative integer, got "2.5"; '
        + 'DeploymentGroup.BlueGreenDeploymentConfiguration.TerminateBlueInstancesOnDeploymentSuccess.TerminationWaitTimeInMinutes '
        + 'must be a non-negative integer, got "-1"; '
        + 'DeploymentGroup.AlarmConfiguration.Enabled must be "true" or "false", got "yes"; '
        + 'DeploymentGroup.AlarmConfiguration.Alarms[0].Name must be a non-empty string, got ""; '
        + 'DeploymentGroup.Ec2TagFilters is not supported (supported: ApplicationName, DeploymentGroupName, ServiceRoleArn, DeploymentConfigName, '
        + 'AutoScalingGroups, LoadBalancerInfo, DeploymentStyle, BlueGreenDeploymentConfiguration, AlarmConfiguration, AutoRollbackConfiguration, '
        + 'TriggerConfigurations, OutdatedInstancesStrategy, TerminationHookEnabled); '
        + 'DeploymentGroup.DeploymentGroupName must be at most 100 characters, got 101',
    }]);
  });

  test('refuses properties without a DeploymentGroup', async () => {
    const h = harness();

    await h.invoke(createEvent({ ServiceToken: SERVICE_TOKEN }));

    expect(h.responses[0]).toMatchObject({ Status: 'FAILED', Reason: 'Invalid CodeDeploy deployment group properties: DeploymentGroup is required' });
  });

  test('a refused create answers FAILED with CodeDeploy\'s error and the placeholder id', async () => {
    codedeploy.on(CreateDeploymentGroupCommand).rejects(
      serviceError('InvalidRoleException', 'The service role cannot be assumed by CodeDeploy.'),
    );
    const h = harness();

    await h.invoke(createEvent());

    expect(h.responses).toEqual([{
      Status: 'FAILED',
      PhysicalResourceId: 'WebFleetDeploymentGroup-not-created',
      ...echoed('request-1'),
      Reason: 'Could not create CodeDeploy deployment group WebFleet of application WebApp: '
        + 'InvalidRoleException: The service role cannot be assumed by CodeDeploy',
    }]);
  });

  test('retries a throttled call with backoff; after a 5xx (the group may exist) it looks before creating again', async () => {
    codedeploy.on(CreateDeploymentGroupCommand)
      .rejectsOnce(serviceError('ThrottlingException', 'Rate exceeded'))
      .rejectsOnce(serviceError('InternalFailure', 'oops', 500))
      .resolves({ deploymentGroupId: 'dg-1111-2222' });
    codedeploy.on(GetDeploymentGroupCommand).rejects(serviceError('DeploymentGroupDoesNotExistException', 'No Deployment Group found for name: WebFleet'));
    const h = harness();

    await h.invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentGroupCommand, 3);
    expect(codedeploy).toHaveReceivedCommandTimes(GetDeploymentGroupCommand, 1);
    expect(h.clock.sleeps).toEqual([500]);
    expect(logged('retry').map((entry) => entry.error)).toEqual(['ThrottlingException']);
    expect(logged('create-group-unanswered')).toEqual([{
      event: 'create-group-unanswered', applicationName: 'WebApp', deploymentGroupName: 'WebFleet', error: 'InternalFailure: oops', attempt: 1,
    }]);
    expect(h.responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'WebFleet' });
  });

  test('a create that got no answer but made the group: the group (with this template\'s role) is adopted, not created twice', async () => {
    codedeploy.on(CreateDeploymentGroupCommand).callsFake(() => new Promise(() => undefined));
    codedeploy.on(GetDeploymentGroupCommand).resolves({
      deploymentGroupInfo: { applicationName: 'WebApp', deploymentGroupName: 'WebFleet', deploymentGroupId: 'dg-1111-2222', serviceRoleArn: ROLE_ARN },
    });
    const h = harness({ callTimeoutMs: 20 });

    await h.invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentGroupCommand, 1);
    expect(logged('deployment-group-adopted')).toEqual([{
      event: 'deployment-group-adopted', applicationName: 'WebApp', deploymentGroupName: 'WebFleet', deploymentGroupId: 'dg-1111-2222',
    }]);
    expect(h.responses).toEqual([{
      Status: 'SUCCESS', PhysicalResourceId: 'WebFleet', ...echoed('request-1'), Data: { DeploymentGroupId: 'dg-1111-2222' },
    }]);
  });

  test('a group found under the name with another role is not this template\'s: the create is made, and CodeDeploy\'s refusal answered', async () => {
    codedeploy.on(CreateDeploymentGroupCommand)
      .rejectsOnce(serviceError('InternalFailure', 'oops', 500))
      .rejects(serviceError('DeploymentGroupAlreadyExistsException', 'A deployment group with this name already exists.'));
    codedeploy.on(GetDeploymentGroupCommand).resolves({
      deploymentGroupInfo: { deploymentGroupName: 'WebFleet', serviceRoleArn: 'arn:aws:iam::123456789012:role/SomeoneElses' },
    });
    const h = harness();

    await h.invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentGroupCommand, 2);
    expect(h.responses).toEqual([{
      Status: 'FAILED',
      PhysicalResourceId: 'WebFleetDeploymentGroup-not-created',
      ...echoed('request-1'),
      Reason: 'Could not create CodeDeploy deployment group WebFleet of application WebApp: '
        + 'DeploymentGroupAlreadyExistsException: A deployment group with this name already exists',
    }]);
  });

  test('creates that never get an answer fail the create, naming the timeout, after three looks', async () => {
    codedeploy.on(CreateDeploymentGroupCommand).callsFake(() => new Promise(() => undefined));
    codedeploy.on(GetDeploymentGroupCommand).rejects(serviceError('DeploymentGroupDoesNotExistException', 'No Deployment Group found for name: WebFleet'));
    const h = harness({ callTimeoutMs: 20 });

    await h.invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentGroupCommand, 4);
    expect(codedeploy).toHaveReceivedCommandTimes(GetDeploymentGroupCommand, 3);
    expect(h.responses[0]).toMatchObject({
      Status: 'FAILED',
      Reason: 'Could not create CodeDeploy deployment group WebFleet of application WebApp: '
        + 'TimeoutError: CreateDeploymentGroup got no answer within 20 ms and was abandoned',
    });
  });

  test('a call throttled until the retries run out fails the create with the attempts counted', async () => {
    codedeploy.on(CreateDeploymentGroupCommand).rejects(serviceError('ThrottlingException', 'Rate exceeded'));
    const h = harness();

    await h.invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentGroupCommand, 6);
    expect(h.responses[0]).toMatchObject({
      Status: 'FAILED',
      Reason: 'Could not create CodeDeploy deployment group WebFleet of application WebApp: ThrottlingException: Rate exceeded (gave up after 6 attempts)',
    });
  });
});

describe('Update', () => {
  test('updates the live group in place with everything the template says', async () => {
    codedeploy.on(GetDeploymentGroupCommand).resolves(liveGroup([ORIGINAL_ASG]));
    codedeploy.on(UpdateDeploymentGroupCommand).resolves({});
    const h = harness();

    await h.invoke(updateEvent(props(group({ DeploymentConfigName: 'CodeDeployDefault.OneAtATime' }))));

    expect(codedeploy).toHaveReceivedCommandWith(GetDeploymentGroupCommand, { applicationName: 'WebApp', deploymentGroupName: 'WebFleet' });
    expect(codedeploy).not.toHaveReceivedCommand(CreateDeploymentGroupCommand);
    expect(codedeploy.commandCalls(UpdateDeploymentGroupCommand)[0].args[0].input).toStrictEqual({
      ...EXPECTED_UPDATE, deploymentConfigName: 'CodeDeployDefault.OneAtATime',
    });
    expect(h.responses).toEqual([{
      Status: 'SUCCESS', PhysicalResourceId: 'WebFleet', ...echoed('request-2'), Data: { DeploymentGroupId: 'dg-1111-2222' },
    }]);
    expect(logged('kept-copied-auto-scaling-groups')).toEqual([]);
  });

  test('keeps the Auto Scaling group a blue/green deployment copied instead of the template\'s original', async () => {
    codedeploy.on(GetDeploymentGroupCommand).resolves(liveGroup([COPY]));
    codedeploy.on(UpdateDeploymentGroupCommand).resolves({});
    const h = harness();

    await h.invoke(updateEvent(props(group({ DeploymentConfigName: 'CodeDeployDefault.AllAtOnce' }))));

    expect(codedeploy.commandCalls(UpdateDeploymentGroupCommand)[0].args[0].input).toStrictEqual({
      ...EXPECTED_UPDATE, deploymentConfigName: 'CodeDeployDefault.AllAtOnce', autoScalingGroups: [COPY],
    });
    expect(logged('kept-copied-auto-scaling-groups')).toEqual([{
      event: 'kept-copied-auto-scaling-groups',
      applicationName: 'WebApp',
      deploymentGroupName: 'WebFleet',
      templateAutoScalingGroups: [ORIGINAL_ASG],
      liveAutoScalingGroups: [COPY],
    }]);
    expect(h.responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'WebFleet' });
  });

  test('sends the template\'s Auto Scaling groups when the template itself changed them', async () => {
    codedeploy.on(GetDeploymentGroupCommand).resolves(liveGroup([COPY]));
    codedeploy.on(UpdateDeploymentGroupCommand).resolves({});
    const h = harness();

    await h.invoke(updateEvent(props(group({ AutoScalingGroups: ['Web-NewFleetAsg-9Z8Y7X'] }))));

    expect(codedeploy.commandCalls(UpdateDeploymentGroupCommand)[0].args[0].input.autoScalingGroups).toEqual(['Web-NewFleetAsg-9Z8Y7X']);
    expect(logged('kept-copied-auto-scaling-groups')).toEqual([]);
  });

  test('clears every field the template no longer sets (UpdateDeploymentGroup keeps omitted fields)', async () => {
    codedeploy.on(GetDeploymentGroupCommand).resolves(liveGroup([ORIGINAL_ASG]));
    codedeploy.on(UpdateDeploymentGroupCommand).resolves({});
    const h = harness();
    const {
      DeploymentConfigName: _config, AlarmConfiguration: _alarms, AutoRollbackConfiguration: _rollback, TriggerConfigurations: _triggers,
      OutdatedInstancesStrategy: _outdated, TerminationHookEnabled: _hook, LoadBalancerInfo: _lb, DeploymentStyle: _style, AutoScalingGroups: _asgs,
      ...rest
    } = group();

    await h.invoke(updateEvent(props(rest)));

    expect(codedeploy.commandCalls(UpdateDeploymentGroupCommand)[0].args[0].input).toStrictEqual({
      applicationName: 'WebApp',
      currentDeploymentGroupName: 'WebFleet',
      serviceRoleArn: ROLE_ARN,
      blueGreenDeploymentConfiguration: EXPECTED_CREATE.blueGreenDeploymentConfiguration,
      deploymentConfigName: 'CodeDeployDefault.OneAtATime',
      autoScalingGroups: [],
      triggerConfigurations: [],
      alarmConfiguration: { enabled: false, ignorePollAlarmFailure: false, alarms: [] },
      autoRollbackConfiguration: { enabled: false, events: [] },
      outdatedInstancesStrategy: 'UPDATE',
      deploymentStyle: { deploymentType: 'IN_PLACE', deploymentOption: 'WITHOUT_TRAFFIC_CONTROL' },
      loadBalancerInfo: {},
      terminationHookEnabled: false,
    });
    expect(h.responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'WebFleet' });
  });

  test('a new group name creates the new group; CloudFormation then deletes the old one', async () => {
    codedeploy.on(CreateDeploymentGroupCommand).resolves({ deploymentGroupId: 'dg-3333-4444' });
    const h = harness();

    await h.invoke(updateEvent(props(group({ DeploymentGroupName: 'WebFleetBlueGreen' }))));

    expect(codedeploy).not.toHaveReceivedCommand(GetDeploymentGroupCommand);
    expect(codedeploy).not.toHaveReceivedCommand(UpdateDeploymentGroupCommand);
    expect(codedeploy.commandCalls(CreateDeploymentGroupCommand)[0].args[0].input).toStrictEqual({
      ...EXPECTED_CREATE, deploymentGroupName: 'WebFleetBlueGreen',
    });
    expect(h.responses).toEqual([{
      Status: 'SUCCESS', PhysicalResourceId: 'WebFleetBlueGreen', ...echoed('request-2'), Data: { DeploymentGroupId: 'dg-3333-4444' },
    }]);
  });

  test('a failed replacement keeps the old physical id', async () => {
    codedeploy.on(CreateDeploymentGroupCommand).rejects(serviceError('DeploymentGroupAlreadyExistsException', 'A deployment group with this name already exists.'));
    const h = harness();

    await h.invoke(updateEvent(props(group({ DeploymentGroupName: 'WebFleetBlueGreen' }))));

    expect(h.responses[0]).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'WebFleet',
      Reason: 'Could not create CodeDeploy deployment group WebFleetBlueGreen of application WebApp: '
        + 'DeploymentGroupAlreadyExistsException: A deployment group with this name already exists',
    });
  });

  test('refuses a new application under the same group name (the old group would never be deleted)', async () => {
    const h = harness();

    await h.invoke(updateEvent(props(group({ ApplicationName: 'WebApp2' }))));

    expect(codedeploy.calls()).toHaveLength(0);
    expect(h.responses[0]).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'WebFleet',
      Reason: 'Could not update CodeDeploy deployment group WebFleet of application WebApp2: it belongs to application WebApp, '
        + 'and a deployment group moves to another application only under a new DeploymentGroupName',
    });
  });

  test('a refused update answers FAILED with the old physical id', async () => {
    codedeploy.on(GetDeploymentGroupCommand).resolves(liveGroup([ORIGINAL_ASG]));
    codedeploy.on(UpdateDeploymentGroupCommand).rejects(serviceError('AlarmsLimitExceededException', 'The maximum number of alarms for a deployment group (10) was exceeded.'));
    const h = harness();

    await h.invoke(updateEvent(props(group({ DeploymentConfigName: 'CodeDeployDefault.OneAtATime' }))));

    expect(h.responses).toEqual([{
      Status: 'FAILED',
      PhysicalResourceId: 'WebFleet',
      ...echoed('request-2'),
      Reason: 'Could not update CodeDeploy deployment group WebFleet of application WebApp: '
        + 'AlarmsLimitExceededException: The maximum number of alarms for a deployment group (10) was exceeded',
    }]);
  });

  test('invalid new properties fail the update with the old physical id', async () => {
    const h = harness();

    await h.invoke(updateEvent(props(group({ TerminationHookEnabled: 'TRUE' }))));

    expect(codedeploy.calls()).toHaveLength(0);
    expect(h.responses[0]).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: 'WebFleet',
      Reason: 'Invalid CodeDeploy deployment group properties: DeploymentGroup.TerminationHookEnabled must be "true" or "false", got "TRUE"',
    });
  });
});

describe('Delete', () => {
  test('deletes the group, then each Auto Scaling group its deployments copied (never the original)', async () => {
    codedeploy.on(GetDeploymentGroupCommand).resolves(liveGroup([COPY, ORIGINAL_ASG, OLDER_COPY]));
    codedeploy.on(DeleteDeploymentGroupCommand).resolves({ hooksNotCleanedUp: [] });
    autoscaling.on(DeleteAutoScalingGroupCommand, { AutoScalingGroupName: COPY }).resolves({});
    autoscaling.on(DeleteAutoScalingGroupCommand, { AutoScalingGroupName: OLDER_COPY })
      .rejects(serviceError('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup '${OLDER_COPY}' not found`));
    const h = harness();

    await h.invoke(deleteEvent());

    expect(codedeploy).toHaveReceivedCommandWith(DeleteDeploymentGroupCommand, { applicationName: 'WebApp', deploymentGroupName: 'WebFleet' });
    expect(autoscaling.commandCalls(DeleteAutoScalingGroupCommand).map((call) => call.args[0].input)).toEqual([
      { AutoScalingGroupName: COPY, ForceDelete: true },
      { AutoScalingGroupName: OLDER_COPY, ForceDelete: true },
    ]);
    expect(logged('deleted-copied-auto-scaling-group')).toEqual([
      { event: 'deleted-copied-auto-scaling-group', autoScalingGroupName: COPY, deploymentGroupName: 'WebFleet' },
    ]);
    expect(logged('copied-auto-scaling-group-already-gone')).toEqual([
      { event: 'copied-auto-scaling-group-already-gone', autoScalingGroupName: OLDER_COPY, deploymentGroupName: 'WebFleet' },
    ]);
    expect(h.responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: 'WebFleet', ...echoed('request-3') }]);
  });

  test('a copy that cannot be deleted is logged, and the Delete still succeeds', async () => {
    codedeploy.on(GetDeploymentGroupCommand).resolves(liveGroup([COPY]));
    codedeploy.on(DeleteDeploymentGroupCommand).resolves({});
    autoscaling.on(DeleteAutoScalingGroupCommand).rejects(serviceError('AccessDenied', 'User is not authorized to perform: autoscaling:DeleteAutoScalingGroup', 403));
    const h = harness();

    await h.invoke(deleteEvent());

    expect(autoscaling).toHaveReceivedCommandTimes(DeleteAutoScalingGroupCommand, 1);
    expect(logged('copied-auto-scaling-groups-left')).toEqual([{
      event: 'copied-auto-scaling-groups-left',
      applicationName: 'WebApp',
      deploymentGroupName: 'WebFleet',
      autoScalingGroups: [COPY],
      action: 'delete these Auto Scaling groups by hand: CodeDeploy created them for this stack\'s deployments',
    }]);
    expect(h.responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: 'WebFleet', ...echoed('request-3') }]);
  });

  test.each([
    ['DeploymentGroupDoesNotExistException', 'No Deployment Group found for name: WebFleet'],
    ['ApplicationDoesNotExistException', 'No application found for name: WebApp'],
  ])('a group that no longer exists (%s) is nothing to delete', async (name, message) => {
    codedeploy.on(GetDeploymentGroupCommand).rejects(serviceError(name, message));
    const h = harness();

    await h.invoke(deleteEvent());

    expect(codedeploy).not.toHaveReceivedCommand(DeleteDeploymentGroupCommand);
    expect(autoscaling.calls()).toHaveLength(0);
    expect(h.responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: 'WebFleet', ...echoed('request-3') }]);
  });

  test.each([
    ['the placeholder of a failed create', 'WebFleetDeploymentGroup-not-created'],
    ['a name longer than CodeDeploy allows', 'x'.repeat(101)],
  ])('does nothing for %s', async (_case, physicalId) => {
    const h = harness();

    await h.invoke(deleteEvent(physicalId, props(group({ ServiceRoleArn: 5 }))));

    expect(codedeploy.calls()).toHaveLength(0);
    expect(autoscaling.calls()).toHaveLength(0);
    expect(h.responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: physicalId, ...echoed('request-3') }]);
  });

  test('a DeleteDeploymentGroup refusal fails the Delete and leaves the copies alone', async () => {
    codedeploy.on(GetDeploymentGroupCommand).resolves(liveGroup([COPY]));
    codedeploy.on(DeleteDeploymentGroupCommand).rejects(serviceError('AccessDeniedException', 'not authorized to perform: codedeploy:DeleteDeploymentGroup', 403));
    const h = harness();

    await h.invoke(deleteEvent());

    expect(autoscaling.calls()).toHaveLength(0);
    expect(h.responses).toEqual([{
      Status: 'FAILED',
      PhysicalResourceId: 'WebFleet',
      ...echoed('request-3'),
      Reason: 'Could not delete CodeDeploy deployment group WebFleet of application WebApp: '
        + 'AccessDeniedException: not authorized to perform: codedeploy:DeleteDeploymentGroup',
    }]);
  });
});
