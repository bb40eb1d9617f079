import {
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  CreateDeploymentCommand,
  DeploymentAlreadyCompletedException,
  DeploymentDoesNotExistException,
  DeploymentGroupDoesNotExistException,
  DeploymentInfo,
  GetDeploymentCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  RevisionLocation,
  StopDeploymentCommand,
  ThrottlingException,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  capturedLogs,
  createEvent,
  deleteEvent,
  deployment,
  echoed,
  FUNCTION_ARN,
  harness,
  invocationContext,
  NEW_REVISION,
  OLD_REVISION,
  properties,
  RESPONSE_URL,
  serviceError,
  updateEvent,
} from './revision-deployment-fixtures';
import { CONTINUATION_MARKER } from '../../src/handlers/server-deployer/revision-deployment/continuation';

const codedeploy = mockClient(CodeDeployClient);
const lambda = mockClient(LambdaClient);
const logs = capturedLogs();

beforeEach(() => {
  codedeploy.reset();
  lambda.reset();
  // The deployment group runs no other deployment (tests of a busy group: revision-deployment-start.test.ts).
  codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
});

/** The request ids of the calls made with a command, in order. */
function deploymentIdsOf(command: typeof GetDeploymentCommand | typeof StopDeploymentCommand): Array<string | undefined> {
  return codedeploy.commandCalls(command).map((call) => call.args[0].input.deploymentId);
}

const FAILED_TARGET = {
  deploymentTargets: [{
    deploymentTargetType: 'InstanceTarget' as const,
    instanceTarget: {
      deploymentId: 'd-FAILED001',
      targetId: 'i-0123456789abcdef0',
      status: 'Failed' as const,
      lifecycleEvents: [
        { lifecycleEventName: 'ApplicationStop', status: 'Succeeded' as const, diagnostics: { errorCode: 'Success' as const, message: 'Succeeded' } },
        {
          lifecycleEventName: 'ValidateService',
          status: 'Failed' as const,
          diagnostics: {
            errorCode: 'ScriptFailed' as const,
            scriptName: 'scripts/validate.sh',
            message: 'Script at scripts/validate.sh exited with code 7.',
            logTail: '[stdout]checking http://localhost:8080/health\n[stderr]curl: (7) Failed to connect to localhost port 8080: Connection refused\n',
          },
        },
        { lifecycleEventName: 'AfterAllowTraffic', status: 'Skipped' as const },
      ],
    },
  }],
};

describe('Create', () => {
  test('starts the deployment and answers SUCCESS with its id once CodeDeploy says Succeeded', async () => {
    const { invoke, responses, clock } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SUCCESS01' });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-SUCCESS01' })
      .resolvesOnce(deployment('d-SUCCESS01', 'Created'))
      .resolvesOnce(deployment('d-SUCCESS01', 'InProgress'))
      .resolves(deployment('d-SUCCESS01', 'Succeeded'));

    await invoke(createEvent(properties({
      DeploymentConfigName: 'CodeDeployDefault.OneAtATime',
      Description: 'web v2',
      FileExistsBehavior: 'OVERWRITE',
      IgnoreApplicationStopFailures: 'true',
    })));

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
    expect(codedeploy.commandCalls(CreateDeploymentCommand)[0].args[0].input).toEqual({
      applicationName: 'WebApp',
      deploymentGroupName: 'WebFleet',
      deploymentConfigName: 'CodeDeployDefault.OneAtATime',
      revision: NEW_REVISION,
      // The user's description, then the marker of the CloudFormation request (revision-deployment-start.test.ts).
      description: 'web v2 [cfn:request-1]',
      fileExistsBehavior: 'OVERWRITE',
      ignoreApplicationStopFailures: true,
    });
    expect(clock.sleeps).toEqual([15_000, 15_000]);
    expect(responses).toEqual([{
      Status: 'SUCCESS',
      PhysicalResourceId: 'd-SUCCESS01',
      ...echoed('request-1'),
      Data: { DeploymentId: 'd-SUCCESS01' },
    }]);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 0);
  });

  test('leaves out the optional CreateDeployment fields the properties do not set; the description is the request\'s marker alone', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SUCCESS01' });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-SUCCESS01', 'Succeeded'));

    await invoke(createEvent(properties({ Revision: { revisionType: 'GitHub', gitHubLocation: { repository: 'acme/web', commitId: 'abc123' } } })));

    expect(codedeploy.commandCalls(CreateDeploymentCommand)[0].args[0].input).toEqual({
      applicationName: 'WebApp',
      deploymentGroupName: 'WebFleet',
      revision: { revisionType: 'GitHub', gitHubLocation: { repository: 'acme/web', commitId: 'abc123' } },
      description: '[cfn:request-1]',
      ignoreApplicationStopFailures: false,
    });
    expect(responses[0].Status).toBe('SUCCESS');
  });

  test('a failed deployment waits for the automatic rollback, then answers FAILED with the error, the failing script and its log tail', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-FAILED001' });
    const failed = deployment('d-FAILED001', 'Failed', {
      errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'Too many instances failed the deployment.' },
      rollbackInfo: { rollbackDeploymentId: 'd-ROLLBACK1' },
    });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-FAILED001' }).resolvesOnce(deployment('d-FAILED001', 'InProgress')).resolves(failed);
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-ROLLBACK1' })
      .resolvesOnce(deployment('d-ROLLBACK1', 'InProgress', { rollbackInfo: { rollbackTriggeringDeploymentId: 'd-FAILED001' } }))
      .resolves(deployment('d-ROLLBACK1', 'Succeeded', { rollbackInfo: { rollbackTriggeringDeploymentId: 'd-FAILED001' } }));
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['i-0123456789abcdef0', 'i-0fedcba9876543210'] });
    codedeploy.on(BatchGetDeploymentTargetsCommand).resolves(FAILED_TARGET);

    await invoke(createEvent());

    expect(deploymentIdsOf(GetDeploymentCommand)).toEqual(['d-FAILED001', 'd-FAILED001', 'd-ROLLBACK1', 'd-ROLLBACK1', 'd-FAILED001']);
    expect(codedeploy).toHaveReceivedCommandWith(ListDeploymentTargetsCommand, { deploymentId: 'd-FAILED001', targetFilters: { TargetStatus: ['Failed'] } });
    expect(codedeploy).toHaveReceivedCommandWith(BatchGetDeploymentTargetsCommand, { deploymentId: 'd-FAILED001', targetIds: ['i-0123456789abcdef0'] });
    expect(codedeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 0);
    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'CodeDeploy deployment d-FAILED001 Failed with HEALTH_CONSTRAINTS: Too many instances failed the deployment.'
        + ' First failed instance: i-0123456789abcdef0, lifecycle event ValidateService, script scripts/validate.sh,'
        + ' ScriptFailed: Script at scripts/validate.sh exited with code 7.'
        + ' Rollback: CodeDeploy rolled back with deployment d-ROLLBACK1, which Succeeded.'
        + '\nLog tail:\n[stdout]checking http://localhost:8080/health\n[stderr]curl: (7) Failed to connect to localhost port 8080: Connection refused',
      PhysicalResourceId: 'd-FAILED001',
      ...echoed('request-1'),
    }]);
  });

  test('a failed rollback is reported as such', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-FAILED001' });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-FAILED001' }).resolves(deployment('d-FAILED001', 'Failed', {
      errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'Too many instances failed the deployment.' },
      rollbackInfo: { rollbackDeploymentId: 'd-ROLLBACK1' },
    }));
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-ROLLBACK1' }).resolves(deployment('d-ROLLBACK1', 'Failed'));
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });

    await invoke(createEvent());

    expect(responses[0].Reason).toBe('CodeDeploy deployment d-FAILED001 Failed with HEALTH_CONSTRAINTS: Too many instances failed the deployment.'
      + ' Rollback: CodeDeploy rolled back with deployment d-ROLLBACK1, which Failed.');
  });

  test('a failed deployment without automatic rollback says so, with CodeDeploy\'s rollback message', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-FAILED001' });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-FAILED001', 'Failed', {
      errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'Too many instances failed the deployment.' },
      rollbackInfo: { rollbackMessage: 'Automatic rollback is not enabled for this deployment group.' },
    }));
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['i-0123456789abcdef0'] });
    codedeploy.on(BatchGetDeploymentTargetsCommand).resolves(FAILED_TARGET);

    await invoke(createEvent());

    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'CodeDeploy deployment d-FAILED001 Failed with HEALTH_CONSTRAINTS: Too many instances failed the deployment.'
        + ' First failed instance: i-0123456789abcdef0, lifecycle event ValidateService, script scripts/validate.sh,'
        + ' ScriptFailed: Script at scripts/validate.sh exited with code 7.'
        + ' Rollback: none started by CodeDeploy (Automatic rollback is not enabled for this deployment group).'
        + '\nLog tail:\n[stdout]checking http://localhost:8080/health\n[stderr]curl: (7) Failed to connect to localhost port 8080: Connection refused',
      PhysicalResourceId: 'd-FAILED001',
      ...echoed('request-1'),
    }]);
  });

  test('a failed deployment with no rollback information and no failed instance still names the deployment and the error', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-FAILED001' });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-FAILED001', 'Failed', {
      errorInformation: { code: 'NO_INSTANCES', message: 'No instances matched the deployment group.' },
    }));
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });

    await invoke(createEvent());

    expect(responses[0].Reason).toBe('CodeDeploy deployment d-FAILED001 Failed with NO_INSTANCES: No instances matched the deployment group.'
      + ' Rollback: none started by CodeDeploy.');
  });

  test('the Reason goes out without diagnostics when CodeDeploy will not give them', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-FAILED001' });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-FAILED001', 'Failed', { errorInformation: { code: 'HEALTH_CONSTRAINTS' } }));
    codedeploy.on(ListDeploymentTargetsCommand).rejects(serviceError('AccessDeniedException', 'not allowed'));

    await invoke(createEvent());

    expect(responses[0].Reason).toBe('CodeDeploy deployment d-FAILED001 Failed with HEALTH_CONSTRAINTS. Rollback: none started by CodeDeploy.');
    expect(logs).toContain(JSON.stringify({ event: 'diagnostics-unavailable', deploymentId: 'd-FAILED001', error: 'AccessDeniedException: not allowed' }));
  });

  test('a deployment stopped by CodeDeploy (an alarm) waits for the rollback and reports the stop', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-STOPPED01' });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-STOPPED01' }).resolves(deployment('d-STOPPED01', 'Stopped', {
      errorInformation: { code: 'ALARM_ACTIVE', message: 'One or more alarms were activated: WebFleet-5xx.' },
      rollbackInfo: { rollbackDeploymentId: 'd-ROLLBACK1' },
    }));
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-ROLLBACK1' }).resolves(deployment('d-ROLLBACK1', 'Succeeded'));
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });

    await invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 0);
    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'CodeDeploy deployment d-STOPPED01 Stopped with ALARM_ACTIVE: One or more alarms were activated: WebFleet-5xx.'
        + ' Rollback: CodeDeploy rolled back with deployment d-ROLLBACK1, which Succeeded.',
      PhysicalResourceId: 'd-STOPPED01',
      ...echoed('request-1'),
    }]);
  });

  test('a failure before any deployment exists answers FAILED at once with a stable id that is not a deployment', async () => {
    const { invoke, responses, clock } = harness();
    codedeploy.on(CreateDeploymentCommand).rejects(new DeploymentGroupDoesNotExistException({
      message: 'No Deployment Group found for name: WebFleet', $metadata: { httpStatusCode: 400 },
    }));

    await invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
    expect(clock.sleeps).toEqual([]);
    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'Could not start a CodeDeploy deployment of application WebApp to deployment group WebFleet:'
        + ' DeploymentGroupDoesNotExistException: No Deployment Group found for name: WebFleet',
      PhysicalResourceId: 'Release-not-deployed',
      ...echoed('request-1'),
    }]);
  });

  test('invalid properties are all reported at once', async () => {
    const { invoke, responses } = harness();

    await invoke(createEvent(properties({ Revision: { revisionType: 'CodeCommit' }, TimeoutSeconds: 'soon', RollbackOnStop: 'yes' })));

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 0);
    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'Invalid RevisionDeployment properties: Revision.revisionType must be \'S3\' or \'GitHub\', got "CodeCommit";'
        + ' TimeoutSeconds must be a whole number of seconds from 1 to 3600, got "soon"; RollbackOnStop must be \'true\' or \'false\', got "yes"',
      PhysicalResourceId: 'Release-not-deployed',
      ...echoed('request-1'),
    }]);
  });
});

describe('retries', () => {
  test('throttled CodeDeploy calls are retried with jittered backoff until they succeed', async () => {
    const { invoke, responses, clock } = harness();
    const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    codedeploy.on(CreateDeploymentCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({ deploymentId: 'd-SUCCESS01' });
    codedeploy.on(GetDeploymentCommand).rejectsOnce(serviceError('InternalFailure', 'Service unavailable', 503))
      .resolves(deployment('d-SUCCESS01', 'Succeeded'));

    await invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 3);
    expect(codedeploy).toHaveReceivedCommandTimes(GetDeploymentCommand, 2);
    // random() is 0.5: the SDK's strategy backs off from 1 s after throttling (half of 1 s, then half
    // of 2 s), and from 50 ms after a 503 (the GetDeployment retry: half of 50 ms).
    expect(clock.sleeps).toEqual([500, 1_000, 25]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01' });
    expect(logs).toContain(JSON.stringify({ event: 'retry', operation: 'CreateDeployment', attempt: 1, error: 'ThrottlingException', delayMs: 500 }));
  });

  test('gives up after 6 attempts and says so', async () => {
    const { invoke, responses, clock } = harness();
    codedeploy.on(CreateDeploymentCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }));

    await invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 6);
    expect(clock.sleeps).toEqual([500, 1_000, 2_000, 4_000, 8_000]);
    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'Could not start a CodeDeploy deployment of application WebApp to deployment group WebFleet:'
        + ' ThrottlingException: Rate exceeded (gave up after 6 attempts)',
      PhysicalResourceId: 'Release-not-deployed',
      ...echoed('request-1'),
    }]);
  });
});

describe('timeout', () => {
  /** A deployment that runs until someone stops it. */
  function runsUntilStopped(deploymentId: string, whenStopped: { deploymentInfo: DeploymentInfo }) {
    let stopped = false;
    codedeploy.on(StopDeploymentCommand).callsFake(async () => {
      stopped = true;
      return { status: 'Pending' };
    });
    codedeploy.on(GetDeploymentCommand, { deploymentId }).callsFake(async () => (stopped ? whenStopped : deployment(deploymentId, 'InProgress')));
  }

  test('stops the deployment with rollback when it runs past TimeoutSeconds, and reports the rollback', async () => {
    const { invoke, responses, clock } = harness();
    const start = clock.now();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SLOWDEPL1' });
    runsUntilStopped('d-SLOWDEPL1', deployment('d-SLOWDEPL1', 'Stopped', { rollbackInfo: { rollbackDeploymentId: 'd-ROLLBACK2' } }));
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-ROLLBACK2' })
      .resolvesOnce(deployment('d-ROLLBACK2', 'InProgress')).resolves(deployment('d-ROLLBACK2', 'Succeeded'));
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });

    await invoke(createEvent(properties({ TimeoutSeconds: '300', RollbackOnStop: 'true' })));

    expect(codedeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 1);
    expect(codedeploy).toHaveReceivedCommandWith(StopDeploymentCommand, { deploymentId: 'd-SLOWDEPL1', autoRollbackEnabled: true });
    expect(clock.now() - start).toBe(315_000);
    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'CodeDeploy deployment d-SLOWDEPL1 ran past the RevisionDeployment\'s timeout of 5 minutes and was stopped with rollback.'
        + ' Final status: Stopped. Rollback: CodeDeploy rolled back with deployment d-ROLLBACK2, which Succeeded.',
      PhysicalResourceId: 'd-SLOWDEPL1',
      ...echoed('request-1'),
    }]);
  });

  test('stops the deployment without rollback when RollbackOnStop is false', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SLOWDEPL1' });
    runsUntilStopped('d-SLOWDEPL1', deployment('d-SLOWDEPL1', 'Stopped', { errorInformation: { code: 'MANUAL_STOP', message: 'Stopped' } }));
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });

    await invoke(createEvent(properties({ TimeoutSeconds: '90', RollbackOnStop: 'false' })));

    expect(codedeploy).toHaveReceivedCommandWith(StopDeploymentCommand, { deploymentId: 'd-SLOWDEPL1', autoRollbackEnabled: false });
    expect(responses[0].Reason).toBe('CodeDeploy deployment d-SLOWDEPL1 ran past the RevisionDeployment\'s timeout of 1 minute 30 seconds and was stopped'
      + ' without rollback (rollbackOnStop is false). Final status: Stopped.'
      + ' Rollback: none (rollbackOnStop is false); instances already updated keep the new revision.');
  });

  test('a stop that never finishes is reported before CloudFormation gives up (ServiceTimeout)', async () => {
    const { invoke, responses, clock } = harness();
    const start = clock.now();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SLOWDEPL1' });
    codedeploy.on(StopDeploymentCommand).resolves({ status: 'Pending' });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-SLOWDEPL1', 'InProgress'));
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });

    // TimeoutSeconds 60 + ROLLBACK_ALLOWANCE_SECONDS 600: CloudFormation waits 660 s; the handler answers 90 s before.
    await invoke(createEvent(properties({ TimeoutSeconds: '60' })));

    expect(clock.now() - start).toBe(570_000);
    expect(responses[0].Reason).toBe('CodeDeploy deployment d-SLOWDEPL1 ran past the RevisionDeployment\'s timeout of 1 minute and was stopped with rollback.'
      + ' Status when CloudFormation had to be answered: InProgress (the stop had not finished).'
      + ' Rollback: not started yet; follow the deployment in the CodeDeploy console.');
  });

  test('a deployment that completes as it is being stopped is not an error', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SLOWDEPL1' });
    codedeploy.on(StopDeploymentCommand).rejects(new DeploymentAlreadyCompletedException({ message: 'done', $metadata: {} }));
    codedeploy.on(GetDeploymentCommand)
      .resolvesOnce(deployment('d-SLOWDEPL1', 'InProgress')).resolvesOnce(deployment('d-SLOWDEPL1', 'InProgress'))
      .resolves(deployment('d-SLOWDEPL1', 'Succeeded'));

    await invoke(createEvent(properties({ TimeoutSeconds: '15' })));

    expect(codedeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 1);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'd-SLOWDEPL1' });
  });
});

describe('continuation across invocations', () => {
  /** The payload of the n-th hand-over. */
  function handOverPayload(n: number): Record<string, any> {
    const input = lambda.commandCalls(InvokeCommand)[n].args[0].input;
    expect(input).toMatchObject({ FunctionName: FUNCTION_ARN, InvocationType: 'Event' });
    return JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8'));
  }

  test('hands the watch to a new invocation before Lambda\'s time runs out; the last invocation answers', async () => {
    const { invoke, responses, clock } = harness();
    const start = clock.now();
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SUCCESS01' });
    codedeploy.on(GetDeploymentCommand).callsFake(async () => deployment('d-SUCCESS01', clock.now() - start >= 1_000_000 ? 'Succeeded' : 'InProgress'));
    const event = createEvent(properties({ TimeoutSeconds: '3000' }));

    await invoke(event);

    // 15 minutes of invocation, 60 s kept back, polls every 15 s: the watch moves on at 840 s.
    expect(clock.now() - start).toBe(840_000);
    expect(responses).toEqual([]);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    const payload = handOverPayload(0);
    expect(payload).toEqual({
      [CONTINUATION_MARKER]: 1,
      event,
      state: { deploymentId: 'd-SUCCESS01', startedAt: start, phase: 'deploying', invocation: 2 },
    });

    await invoke(payload);

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
    expect(responses).toEqual([{
      Status: 'SUCCESS',
      PhysicalResourceId: 'd-SUCCESS01',
      ...echoed('request-1'),
      Data: { DeploymentId: 'd-SUCCESS01' },
    }]);
  });

  test('the timeout counts from the first invocation, and a stop and rollback can span invocations', async () => {
    const { invoke, responses, clock } = harness();
    const start = clock.now();
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SLOWDEPL1' });
    let stoppedAt: number | undefined;
    codedeploy.on(StopDeploymentCommand).callsFake(async () => {
      stoppedAt = clock.now();
      return { status: 'Pending' };
    });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-SLOWDEPL1' }).callsFake(async () => (stoppedAt === undefined
      ? deployment('d-SLOWDEPL1', 'InProgress')
      : deployment('d-SLOWDEPL1', 'Stopped', { rollbackInfo: { rollbackDeploymentId: 'd-ROLLBACK2' } })));
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-ROLLBACK2' })
      .callsFake(async () => deployment('d-ROLLBACK2', clock.now() - start >= 1_900_000 ? 'Succeeded' : 'InProgress'));
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });

    await invoke(createEvent(properties({ TimeoutSeconds: '1500' })));
    expect(handOverPayload(0).state).toEqual({ deploymentId: 'd-SLOWDEPL1', startedAt: start, phase: 'deploying', invocation: 2 });

    await invoke(handOverPayload(0));
    expect(stoppedAt! - start).toBe(1_500_000);
    expect(handOverPayload(1).state).toEqual({
      deploymentId: 'd-SLOWDEPL1', startedAt: start, phase: 'rolling-back', stoppedOnTimeout: true, rollbackDeploymentId: 'd-ROLLBACK2', invocation: 3,
    });
    expect(responses).toEqual([]);

    await invoke(handOverPayload(1));
    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
    expect(codedeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 1);
    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'CodeDeploy deployment d-SLOWDEPL1 ran past the RevisionDeployment\'s timeout of 25 minutes and was stopped with rollback.'
        + ' Final status: Stopped. Rollback: CodeDeploy rolled back with deployment d-ROLLBACK2, which Succeeded.',
      PhysicalResourceId: 'd-SLOWDEPL1',
      ...echoed('request-1'),
    }]);
  });

  test('a verdict that comes with too little time left to answer is answered by the next invocation', async () => {
    const { handler, invoke, responses, clock } = harness();
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-FAILED001' });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-FAILED001', 'Failed', { errorInformation: { code: 'HEALTH_CONSTRAINTS' } }));
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });

    await handler(createEvent(), invocationContext(clock, 40_000));

    expect(responses).toEqual([]);
    expect(codedeploy).toHaveReceivedCommandTimes(ListDeploymentTargetsCommand, 0);
    expect(handOverPayload(0).state).toEqual({ deploymentId: 'd-FAILED001', startedAt: clock.now(), phase: 'deploying', invocation: 2 });

    await invoke(handOverPayload(0));

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'CodeDeploy deployment d-FAILED001 Failed with HEALTH_CONSTRAINTS. Rollback: none started by CodeDeploy.',
      PhysicalResourceId: 'd-FAILED001',
      ...echoed('request-1'),
    }]);
  });

  test('when the hand-over fails, the deployment is stopped and CloudFormation hears why', async () => {
    const { invoke, responses } = harness();
    lambda.on(InvokeCommand).rejects(serviceError('AccessDeniedException', 'not authorized to perform lambda:InvokeFunction', 403));
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SUCCESS01' });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-SUCCESS01', 'InProgress'));
    codedeploy.on(StopDeploymentCommand).resolves({ status: 'Pending' });

    await invoke(createEvent(properties({ TimeoutSeconds: '3000' })));

    expect(codedeploy).toHaveReceivedCommandWith(StopDeploymentCommand, { deploymentId: 'd-SUCCESS01', autoRollbackEnabled: true });
    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'Lost track of CodeDeploy deployment d-SUCCESS01: AccessDeniedException: not authorized to perform lambda:InvokeFunction.'
        + ' Requested a stop (with rollback); check the deployment in the CodeDeploy console.',
      PhysicalResourceId: 'd-SUCCESS01',
      ...echoed('request-1'),
    }]);
  });

  test('a payload that is neither a CloudFormation request nor a continuation is ignored', async () => {
    const { invoke, responses } = harness();

    await invoke({ [CONTINUATION_MARKER]: 99, event: createEvent(), state: {} });
    await invoke({ hello: 'world' });

    expect(codedeploy.calls()).toHaveLength(0);
    expect(responses).toEqual([]);
  });
});

describe('losing track', () => {
  test('a CodeDeploy error while watching stops the deployment and answers FAILED', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SUCCESS01' });
    codedeploy.on(GetDeploymentCommand).rejects(serviceError('AccessDeniedException', 'User is not authorized to perform: codedeploy:GetDeployment'));
    codedeploy.on(StopDeploymentCommand).rejects(serviceError('AccessDeniedException', 'User is not authorized to perform: codedeploy:StopDeployment'));

    await invoke(createEvent());

    expect(responses[0]).toEqual({
      Status: 'FAILED',
      Reason: 'Lost track of CodeDeploy deployment d-SUCCESS01: AccessDeniedException: User is not authorized to perform: codedeploy:GetDeployment.'
        + ' Could not stop it either (AccessDeniedException: User is not authorized to perform: codedeploy:StopDeployment);'
        + ' check the deployment in the CodeDeploy console.',
      PhysicalResourceId: 'd-SUCCESS01',
      ...echoed('request-1'),
    });
  });

  test('losing track during the rollback leaves the rollback alone', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-FAILED001' });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-FAILED001' }).resolves(deployment('d-FAILED001', 'Failed', {
      rollbackInfo: { rollbackDeploymentId: 'd-ROLLBACK1' },
    }));
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-ROLLBACK1' }).rejects(serviceError('AccessDeniedException', 'denied'));

    await invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 0);
    expect(responses[0].Reason).toBe('Lost track of CodeDeploy deployment d-FAILED001: AccessDeniedException: denied.'
      + ' CodeDeploy is rolling it back with deployment d-ROLLBACK1; check both in the CodeDeploy console.');
  });

  test('losing track after a timeout stop does not stop twice', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SLOWDEPL1' });
    codedeploy.on(StopDeploymentCommand).resolves({ status: 'Pending' });
    // In progress at 0 s and at the 1 s deadline (then stopped); unreadable after.
    codedeploy.on(GetDeploymentCommand).resolvesOnce(deployment('d-SLOWDEPL1', 'InProgress')).resolvesOnce(deployment('d-SLOWDEPL1', 'InProgress'))
      .rejects(serviceError('AccessDeniedException', 'denied'));

    await invoke(createEvent(properties({ TimeoutSeconds: '1' })));

    expect(codedeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 1);
    expect(responses[0].Reason).toBe('Lost track of CodeDeploy deployment d-SLOWDEPL1: AccessDeniedException: denied.'
      + ' It had already been stopped after timing out; check the deployment in the CodeDeploy console.');
  });

  test('losing track of a deployment that has completed says so', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SUCCESS01' });
    codedeploy.on(GetDeploymentCommand).rejects(serviceError('InternalFailure', 'oops', 500));
    codedeploy.on(StopDeploymentCommand).rejects(new DeploymentAlreadyCompletedException({ message: 'done', $metadata: {} }));

    await invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(GetDeploymentCommand, 6);
    expect(responses[0].Reason).toBe('Lost track of CodeDeploy deployment d-SUCCESS01: InternalFailure: oops (gave up after 6 attempts).'
      + ' It has completed; check its outcome in the CodeDeploy console.');
  });

  test('an unexpected error still gets an answer', async () => {
    const { invoke, responses } = harness();

    await invoke({ ...createEvent(), ResourceProperties: undefined });

    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'Internal error in the RevisionDeployment handler: TypeError: Cannot read properties of undefined (reading \'ApplicationName\')',
      PhysicalResourceId: 'Release-not-deployed',
      ...echoed('request-1'),
    }]);
  });

  test('failing to answer CloudFormation is logged, never thrown', async () => {
    const { invoke } = harness({ sendResponse: async () => Promise.reject(serviceError('ResponseRejected', 'PUT answered HTTP 403', 403)) });
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SUCCESS01' });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-SUCCESS01', 'Succeeded'));

    await expect(invoke(createEvent())).resolves.toBeUndefined();
    expect(logs).toContain(JSON.stringify({ event: 'answer-failed', error: 'ResponseRejected: PUT answered HTTP 403' }));
  });
});

describe('Update', () => {
  test('with only properties that do not redeploy changed, answers SUCCESS at once with the current deployment', async () => {
    const { invoke, responses } = harness();
    const previous = properties({ TimeoutSeconds: '1800', RollbackOnStop: 'true', ServiceTimeout: '2400', Description: 'web v2' });
    const current = {
      // Same revision, keys in another order.
      Revision: { s3Location: { eTag: 'etag-v2', bundleType: 'zip', key: 'web/v2.zip', bucket: 'releases' }, revisionType: 'S3' },
      Description: 'web v2',
      RollbackOnStop: 'false',
      TimeoutSeconds: '2400',
      ServiceTimeout: '3000',
      IgnoreApplicationStopFailures: 'false',
      DeploymentGroupName: 'WebFleet',
      ApplicationName: 'WebApp',
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:RenamedHandler',
    };

    // Since the resource's first deployment, the group got web v1 again (a stack rollback) and then v2 (d-LATEST01).
    codedeploy.on(ListDeploymentsCommand, { applicationName: 'WebApp', deploymentGroupName: 'WebFleet', includeOnlyStatuses: ['Succeeded'] })
      .resolves({ deployments: ['d-OTHERAPP1', 'd-LATEST01', 'd-PREVIOUS1'] });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-OTHERAPP1' }).resolves(deployment('d-OTHERAPP1', 'Succeeded', { revision: OLD_REVISION as RevisionLocation }));
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-LATEST01' }).resolves(deployment('d-LATEST01', 'Succeeded', { revision: NEW_REVISION as RevisionLocation }));

    await invoke(updateEvent('d-PREVIOUS1', current, previous));

    expect(codedeploy).not.toHaveReceivedCommand(CreateDeploymentCommand);
    expect(codedeploy).toHaveReceivedCommandTimes(GetDeploymentCommand, 2);
    expect(responses).toEqual([{
      Status: 'SUCCESS',
      PhysicalResourceId: 'd-PREVIOUS1',
      ...echoed('request-2'),
      Data: { DeploymentId: 'd-LATEST01' },
    }]);
  });

  test('with nothing to redeploy and no deployment of its revision found, the attribute is the first deployment', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(ListDeploymentsCommand).rejects(serviceError('AccessDeniedException', 'not authorized to perform: codedeploy:ListDeployments'));

    await invoke(updateEvent('d-PREVIOUS1', properties({ TimeoutSeconds: '900' }), properties()));

    expect(codedeploy).not.toHaveReceivedCommand(CreateDeploymentCommand);
    expect(responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: 'd-PREVIOUS1', ...echoed('request-2'), Data: { DeploymentId: 'd-PREVIOUS1' } }]);
    expect(logs).toContain(JSON.stringify({
      event: 'current-deployment-unknown', physicalResourceId: 'd-PREVIOUS1', error: 'AccessDeniedException: not authorized to perform: codedeploy:ListDeployments',
    }));
  });

  test('with a new revision, deploys it and answers with the new deployment as the attribute, the physical id kept', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SUCCESS02' });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-SUCCESS02', 'Succeeded'));

    await invoke(updateEvent('d-PREVIOUS1', properties({ Revision: NEW_REVISION }), properties({ Revision: OLD_REVISION })));

    expect(codedeploy).toHaveReceivedCommandWith(CreateDeploymentCommand, { revision: NEW_REVISION });
    // A new physical id would be a replacement, which a stack rollback undoes by deleting it: nothing would redeploy the old revision.
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'd-PREVIOUS1', Data: { DeploymentId: 'd-SUCCESS02' } });
  });

  test('a stack rollback (previous properties sent as the new ones) redeploys the previous revision', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-STACKRB01' });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-STACKRB01', 'Succeeded'));

    // The update to v2 failed; CloudFormation rolls back: ResourceProperties hold v1 again, OldResourceProperties v2.
    await invoke(updateEvent('d-PREVIOUS1', properties({ Revision: OLD_REVISION }), properties({ Revision: NEW_REVISION })));

    expect(codedeploy.commandCalls(CreateDeploymentCommand)[0].args[0].input).toEqual({
      applicationName: 'WebApp',
      deploymentGroupName: 'WebFleet',
      revision: OLD_REVISION,
      description: '[cfn:request-2]',
      ignoreApplicationStopFailures: false,
    });
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'd-PREVIOUS1', Data: { DeploymentId: 'd-STACKRB01' } });
  });

  test('a failure before any deployment exists keeps the current physical id', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).rejects(serviceError('InvalidRevisionException', 'The bundle type is not valid'));

    await invoke(updateEvent('d-PREVIOUS1', properties({ Revision: NEW_REVISION }), properties({ Revision: OLD_REVISION })));

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'Could not start a CodeDeploy deployment of application WebApp to deployment group WebFleet:'
        + ' InvalidRevisionException: The bundle type is not valid',
      PhysicalResourceId: 'd-PREVIOUS1',
      ...echoed('request-2'),
    }]);
  });

  test('a failed deployment keeps the current physical id, so CloudFormation replaces nothing', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-FAILED001' });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-FAILED001', 'Failed', { errorInformation: { code: 'HEALTH_CONSTRAINTS' } }));
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [] });

    await invoke(updateEvent('d-PREVIOUS1', properties({ Revision: NEW_REVISION }), properties({ Revision: OLD_REVISION })));

    expect(responses[0]).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'd-PREVIOUS1' });
    expect(responses[0].Reason).toMatch(/^CodeDeploy deployment d-FAILED001 Failed with HEALTH_CONSTRAINTS\./);
  });
});

describe('Delete', () => {
  test('stops a deployment still in progress (with rollback as RollbackOnStop says) and answers SUCCESS', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-SUCCESS01', 'InProgress'));
    codedeploy.on(StopDeploymentCommand).resolves({ status: 'Pending' });

    await invoke(deleteEvent('d-SUCCESS01', properties({ RollbackOnStop: 'true' })));

    expect(codedeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 1);
    expect(codedeploy).toHaveReceivedCommandWith(StopDeploymentCommand, { deploymentId: 'd-SUCCESS01', autoRollbackEnabled: true });
    expect(responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01', ...echoed('request-3') }]);
  });

  test.each(['Created', 'Queued', 'Baking', 'Ready'])('stops a deployment that is %s', async (status) => {
    const { invoke } = harness();
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-SUCCESS01', status));
    codedeploy.on(StopDeploymentCommand).resolves({ status: 'Pending' });

    await invoke(deleteEvent('d-SUCCESS01', properties({ RollbackOnStop: 'false' })));

    expect(codedeploy).toHaveReceivedCommandWith(StopDeploymentCommand, { deploymentId: 'd-SUCCESS01', autoRollbackEnabled: false });
  });

  test.each(['Succeeded', 'Failed', 'Stopped'])('leaves a %s deployment alone', async (status) => {
    const { invoke, responses } = harness();
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-SUCCESS01', status));

    await invoke(deleteEvent('d-SUCCESS01'));

    expect(deploymentIdsOf(GetDeploymentCommand)).toEqual(['d-SUCCESS01']);
    expect(codedeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 0);
    expect(responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01', ...echoed('request-3') }]);
  });

  test('of a resource that never deployed calls nothing', async () => {
    const { invoke, responses } = harness();

    await invoke(deleteEvent('Release-not-deployed'));

    expect(codedeploy.calls()).toHaveLength(0);
    expect(responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: 'Release-not-deployed', ...echoed('request-3') }]);
  });

  test('of a deployment that no longer exists succeeds', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(GetDeploymentCommand).rejects(new DeploymentDoesNotExistException({ message: 'Deployment d-SUCCESS01 does not exist', $metadata: {} }));

    await invoke(deleteEvent('d-SUCCESS01'));

    expect(codedeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 0);
    expect(responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01', ...echoed('request-3') }]);
  });

  test('succeeds even when the stop fails, and logs why', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-SUCCESS01', 'InProgress'));
    codedeploy.on(StopDeploymentCommand).rejects(serviceError('AccessDeniedException', 'not allowed'));

    await invoke(deleteEvent('d-SUCCESS01'));

    expect(responses[0]).toMatchObject({ Status: 'SUCCESS' });
    expect(logs).toContain(JSON.stringify({ event: 'delete-stop-failed', deploymentId: 'd-SUCCESS01', error: 'AccessDeniedException: not allowed' }));
  });
});

describe('the response limit', () => {
  test('a huge log tail is cut from its start so the whole response fits in 4096 bytes, keeping the ids and codes', async () => {
    const { invoke, responses, rawResponses } = harness();
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-FAILED001' });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-FAILED001' }).resolves(deployment('d-FAILED001', 'Failed', {
      errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'Too many instances failed the deployment.' },
      rollbackInfo: { rollbackDeploymentId: 'd-ROLLBACK1' },
    }));
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-ROLLBACK1' }).resolves(deployment('d-ROLLBACK1', 'Succeeded'));
    codedeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: ['i-0123456789abcdef0'] });
    const hugeLog = Array.from({ length: 2000 }, (_, i) => `[stdout]step ${i} "ok" ✓`).join('\n') + '\n[stderr]FATAL: port 8080 already in use';
    codedeploy.on(BatchGetDeploymentTargetsCommand).resolves({
      deploymentTargets: [{
        instanceTarget: {
          targetId: 'i-0123456789abcdef0',
          lifecycleEvents: [{
            lifecycleEventName: 'ApplicationStart',
            status: 'Failed',
            diagnostics: { errorCode: 'ScriptFailed', scriptName: 'scripts/start.sh', message: 'Script failed with exit code 1', logTail: hugeLog },
          }],
        },
      }],
    });

    await invoke(createEvent());

    const body = rawResponses[0].body;
    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(body, 'utf8')).toBeGreaterThan(4000);
    const reason = responses[0].Reason as string;
    expect(reason.startsWith('CodeDeploy deployment d-FAILED001 Failed with HEALTH_CONSTRAINTS: Too many instances failed the deployment.'
      + ' First failed instance: i-0123456789abcdef0, lifecycle event ApplicationStart, script scripts/start.sh,'
      + ' ScriptFailed: Script failed with exit code 1.'
      + ' Rollback: CodeDeploy rolled back with deployment d-ROLLBACK1, which Succeeded.'
      + '\nLog tail:\n[...]')).toBe(true);
    expect(reason.endsWith('[stdout]step 1999 "ok" ✓\n[stderr]FATAL: port 8080 already in use')).toBe(true);
    expect(responses[0]).toMatchObject({ Status: 'FAILED', PhysicalResourceId: 'd-FAILED001', ...echoed('request-1') });
  });
});

test('the response URL the answer goes to is the request\'s', async () => {
  const { invoke, rawResponses } = harness();
  await invoke(deleteEvent('Release-not-deployed'));
  expect(rawResponses.map((response) => response.url)).toEqual([RESPONSE_URL]);
});
