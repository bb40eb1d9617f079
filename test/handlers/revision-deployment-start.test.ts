import {
  CodeDeployClient,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  ListDeploymentsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import {
  capturedLogs,
  createEvent,
  deployment,
  echoed,
  FUNCTION_ARN,
  harness,
  invocationContext,
  NEW_REVISION,
  OLD_REVISION,
  properties,
  serviceError,
  updateEvent,
} from './revision-deployment-fixtures';
import { CONTINUATION_MARKER } from '../../src/handlers/server-deployer/revision-deployment/continuation';
import { carriesMarker, markedDescription, MAX_DESCRIPTION_LENGTH } from '../../src/handlers/server-deployer/revision-deployment/request-marker';
import { MAX_DEPLOYMENTS_READ, MAX_LIST_PAGES } from '../../src/handlers/server-deployer/revision-deployment/start-deployment';

const codedeploy = mockClient(CodeDeployClient);
const lambda = mockClient(LambdaClient);
const logs = capturedLogs();

beforeEach(() => {
  codedeploy.reset();
  lambda.reset();
});

/** CloudFormation's request ids are UUIDs. */
const UUID = '7f3c6a52-1b7e-4d2a-9c1f-5e8b0a4d6c21';
const GROUP_BUSY = 'The Deployment Group \'WebFleet\' already has an active Deployment \'d-OTHER0001\'';

function groupBusy(message = GROUP_BUSY): Error {
  return serviceError('DeploymentLimitExceededException', message);
}

function logged(event: string): Array<Record<string, unknown>> {
  return logs.map((line) => JSON.parse(line)).filter((entry) => entry.event === event);
}

describe('the request marker in the description', () => {
  test('follows the user\'s description, or stands alone', () => {
    expect(markedDescription('web v2', UUID)).toBe(`web v2 [cfn:${UUID}]`);
    expect(markedDescription(undefined, UUID)).toBe(`[cfn:${UUID}]`);
    expect(markedDescription('   ', UUID)).toBe(`[cfn:${UUID}]`);
  });

  test('cuts a long description so that the whole is at most CodeDeploy\'s 100 characters, never the marker', () => {
    const marked = markedDescription(`release notes: ${'x'.repeat(200)}`, UUID);

    expect(MAX_DESCRIPTION_LENGTH).toBe(100);
    expect(marked).toHaveLength(100);
    expect(marked).toBe(`release notes: ${'x'.repeat(42)} [cfn:${UUID}]`);
  });

  test('never splits a character, and drops blanks left at the cut', () => {
    expect(markedDescription(`${'a'.repeat(56)}😀 and more`, UUID)).toBe(`${'a'.repeat(56)} [cfn:${UUID}]`);
    expect(markedDescription(`${'a'.repeat(51)}      and more`, UUID)).toBe(`${'a'.repeat(51)} [cfn:${UUID}]`);
  });

  test('is recognised only at the end of a description, for its own request', () => {
    expect(carriesMarker(`web v2 [cfn:${UUID}]`, UUID)).toBe(true);
    expect(carriesMarker(`[cfn:${UUID}]`, UUID)).toBe(true);
    expect(carriesMarker('web v2 [cfn:request-0]', UUID)).toBe(false);
    expect(carriesMarker(`[cfn:${UUID}] edited`, UUID)).toBe(false);
    expect(carriesMarker(undefined, UUID)).toBe(false);
  });
});

describe('idempotent start', () => {
  test('a second delivery of the request adopts the active deployment that carries its marker and creates none', async () => {
    const { invoke, responses, clock } = harness();
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-SUCCESS01'] });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-SUCCESS01' })
      .resolvesOnce(deployment('d-SUCCESS01', 'InProgress', { description: 'web v2 [cfn:request-1]' }))
      .resolvesOnce(deployment('d-SUCCESS01', 'InProgress', { description: 'web v2 [cfn:request-1]' }))
      .resolves(deployment('d-SUCCESS01', 'Succeeded', { description: 'web v2 [cfn:request-1]' }));

    await invoke(createEvent(properties({ Description: 'web v2' })));

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 0);
    expect(codedeploy).toHaveReceivedCommandTimes(ListDeploymentsCommand, 1);
    // Every status, since the request could have started: the ServiceTimeout (40 minutes) and 30 minutes before the clock's 12:00.
    expect(codedeploy.commandCalls(ListDeploymentsCommand)[0].args[0].input).toEqual({
      applicationName: 'WebApp', deploymentGroupName: 'WebFleet', createTimeRange: { start: new Date('2025-01-01T10:50:00.000Z') },
    });
    expect(logs).toContain(JSON.stringify({ event: 'adopted', deploymentId: 'd-SUCCESS01', status: 'InProgress' }));
    expect(clock.sleeps).toEqual([15_000]);
    expect(responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01', ...echoed('request-1'), Data: { DeploymentId: 'd-SUCCESS01' } }]);
  });

  test('an active deployment without the request\'s marker (someone else\'s, or another request\'s) is not adopted', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-OTHER0001', 'd-OTHER0002'] });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-OTHER0001' }).resolves(deployment('d-OTHER0001', 'InProgress', { description: 'hotfix by alice' }));
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-OTHER0002' }).resolves(deployment('d-OTHER0002', 'Ready', { description: 'web v2 [cfn:request-0]' }));
    // Here CodeDeploy lets it start (the group's own rule is the busy-group tests' business).
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SUCCESS01' });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-SUCCESS01' }).resolves(deployment('d-SUCCESS01', 'Succeeded'));

    await invoke(createEvent(properties({ Description: 'web v2' })));

    expect(codedeploy.commandCalls(GetDeploymentCommand).map((call) => call.args[0].input.deploymentId)).toEqual(['d-OTHER0001', 'd-OTHER0002', 'd-SUCCESS01']);
    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
    expect(logged('adopted')).toEqual([]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01' });
  });

  test('reads every page of the group\'s recent deployments', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-OTHER0001'], nextToken: 'page-2' });
    codedeploy.on(ListDeploymentsCommand, { nextToken: 'page-2' }).resolves({ deployments: ['d-SUCCESS01'] });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-OTHER0001' }).resolves(deployment('d-OTHER0001', 'InProgress'));
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-SUCCESS01' }).resolves(deployment('d-SUCCESS01', 'Succeeded', { description: '[cfn:request-1]' }));

    await invoke(createEvent());

    expect(codedeploy.commandCalls(ListDeploymentsCommand).map((call) => call.args[0].input.nextToken)).toEqual([undefined, 'page-2']);
    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 0);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01' });
  });

  test('two deliveries at once: the one that finds the group busy with the other\'s deployment adopts it at its next attempt', async () => {
    const { invoke, responses, clock } = harness();
    // Its first look came before the other delivery's CreateDeployment.
    codedeploy.on(ListDeploymentsCommand).resolvesOnce({ deployments: [] }).resolves({ deployments: ['d-SUCCESS01'] });
    codedeploy.on(CreateDeploymentCommand).rejects(groupBusy('The Deployment Group \'WebFleet\' already has an active Deployment \'d-SUCCESS01\''));
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-SUCCESS01' })
      .resolvesOnce(deployment('d-SUCCESS01', 'InProgress', { description: '[cfn:request-1]' }))
      .resolves(deployment('d-SUCCESS01', 'Succeeded', { description: '[cfn:request-1]' }));

    await invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
    expect(clock.sleeps).toEqual([15_000]);
    expect(logs).toContain(JSON.stringify({ event: 'adopted', deploymentId: 'd-SUCCESS01', status: 'InProgress' }));
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01' });
  });

  test('the description sent to CreateDeployment is the user\'s, cut to fit, then the marker', async () => {
    const { invoke } = harness();
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SUCCESS01' });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-SUCCESS01', 'Succeeded'));

    await invoke({ ...createEvent(properties({ Description: 'd'.repeat(150) })), RequestId: UUID });

    expect(codedeploy.commandCalls(CreateDeploymentCommand)[0].args[0].input.description).toBe(`${'d'.repeat(57)} [cfn:${UUID}]`);
  });

  test('a failure to look for the request\'s deployment fails at once, before any deployment is created', async () => {
    const { invoke, responses, clock } = harness();
    codedeploy.on(ListDeploymentsCommand).rejects(serviceError('AccessDeniedException', 'User is not authorized to perform: codedeploy:ListDeployments', 403));

    await invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 0);
    expect(clock.sleeps).toEqual([]);
    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'Could not start a CodeDeploy deployment of application WebApp to deployment group WebFleet:'
        + ' AccessDeniedException: User is not authorized to perform: codedeploy:ListDeployments',
      PhysicalResourceId: 'Release-not-deployed',
      ...echoed('request-1'),
    }]);
  });
});

describe('a busy deployment group', () => {
  test('waits for the group to be free, then starts the deployment and follows it', async () => {
    const { invoke, responses, clock } = harness();
    codedeploy.on(ListDeploymentsCommand).resolvesOnce({ deployments: ['d-OTHER0001'] }).resolves({ deployments: [] });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-OTHER0001' }).resolves(deployment('d-OTHER0001', 'InProgress', { description: 'scale-out' }));
    codedeploy.on(CreateDeploymentCommand).rejectsOnce(groupBusy()).resolves({ deploymentId: 'd-SUCCESS01' });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-SUCCESS01' })
      .resolvesOnce(deployment('d-SUCCESS01', 'InProgress')).resolves(deployment('d-SUCCESS01', 'Succeeded'));

    await invoke(createEvent(properties({ Description: 'web v2' })));

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 2);
    const inputs = codedeploy.commandCalls(CreateDeploymentCommand).map((call) => call.args[0].input);
    expect(inputs[1]).toEqual(inputs[0]);
    expect(inputs[1]).toMatchObject({ description: 'web v2 [cfn:request-1]', revision: NEW_REVISION });
    expect(clock.sleeps).toEqual([15_000, 15_000]);
    expect(logs).toContain(JSON.stringify({
      event: 'waiting-to-start',
      applicationName: 'WebApp',
      deploymentGroupName: 'WebFleet',
      heldBy: ['d-OTHER0001'],
      error: `DeploymentLimitExceededException: ${GROUP_BUSY}`,
      waitMs: 15_000,
    }));
    expect(codedeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 0);
    expect(responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01', ...echoed('request-1'), Data: { DeploymentId: 'd-SUCCESS01' } }]);
  });

  test('the wait counts toward the timeout: a deployment that starts late has only what is left', async () => {
    const { invoke, responses, clock } = harness();
    const start = clock.now();
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    codedeploy.on(CreateDeploymentCommand).rejectsOnce(groupBusy()).rejectsOnce(groupBusy()).resolves({ deploymentId: 'd-SLOWDEPL1' });
    let stopped = false;
    codedeploy.on(StopDeploymentCommand).callsFake(async () => {
      stopped = true;
      return {};
    });
    codedeploy.on(GetDeploymentCommand).callsFake(async () => deployment('d-SLOWDEPL1', stopped ? 'Stopped' : 'InProgress'));

    await invoke(createEvent(properties({ TimeoutSeconds: '60', RollbackOnStop: 'false' })));

    // Started at 30 s, stopped at the 60 s deadline.
    expect(codedeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 1);
    expect(clock.sleeps.slice(0, 4)).toEqual([15_000, 15_000, 15_000, 15_000]);
    expect(clock.now() - start).toBeGreaterThanOrEqual(60_000);
    expect(responses[0].Reason).toMatch(/^CodeDeploy deployment d-SLOWDEPL1 ran past the RevisionDeployment's timeout of 1 minute and was stopped/);
  });

  test('busy for longer than the timeout: FAILED, naming the deployment that holds the group, and nothing to stop', async () => {
    const { invoke, responses, clock } = harness();
    const start = clock.now();
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-OTHER0001'] });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-OTHER0001' }).resolves(deployment('d-OTHER0001', 'InProgress', { description: 'manual hotfix' }));
    codedeploy.on(CreateDeploymentCommand).rejects(groupBusy());

    await invoke(createEvent(properties({ TimeoutSeconds: '60' })));

    // Attempts at 0, 15, 30, 45 and 60 s; the holder's description is read once.
    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 5);
    expect(codedeploy).toHaveReceivedCommandTimes(GetDeploymentCommand, 1);
    expect(codedeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 0);
    expect(clock.now() - start).toBe(60_000);
    expect(logged('waiting-to-start')).toHaveLength(4);
    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'Could not start a CodeDeploy deployment of application WebApp to deployment group WebFleet'
        + ' before the RevisionDeployment\'s timeout of 1 minute passed: the group was still busy with deployment d-OTHER0001.'
        + ' No deployment was created, so there is nothing to stop.',
      PhysicalResourceId: 'Release-not-deployed',
      ...echoed('request-1'),
    }]);
  });

  test('on Update, a group busy past the timeout keeps the current physical id', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-OTHER0001', 'd-OTHER0002'] });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-OTHER0001', 'InProgress'));
    codedeploy.on(CreateDeploymentCommand).rejects(groupBusy());

    await invoke(updateEvent('d-PREVIOUS1', properties({ Revision: NEW_REVISION, TimeoutSeconds: '90' }), properties({ Revision: OLD_REVISION })));

    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'Could not start a CodeDeploy deployment of application WebApp to deployment group WebFleet'
        + ' before the RevisionDeployment\'s timeout of 1 minute 30 seconds passed: the group was still busy with deployments d-OTHER0001, d-OTHER0002.'
        + ' No deployment was created, so there is nothing to stop.',
      PhysicalResourceId: 'd-PREVIOUS1',
      ...echoed('request-2'),
    }]);
  });

  test('with no active deployment in the group to name (the account\'s limit), CodeDeploy\'s refusal is quoted', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    codedeploy.on(CreateDeploymentCommand).rejects(groupBusy('The number of allowed deployments was exceeded.'));

    await invoke(createEvent(properties({ TimeoutSeconds: '30' })));

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 3);
    expect(responses[0].Reason).toBe('Could not start a CodeDeploy deployment of application WebApp to deployment group WebFleet'
      + ' before the RevisionDeployment\'s timeout of 30 seconds passed:'
      + ' CodeDeploy still answered DeploymentLimitExceededException: The number of allowed deployments was exceeded.'
      + ' No deployment was created, so there is nothing to stop.');
  });

  describe('across invocations', () => {
    /** The payload of the n-th hand-over. */
    function handOverPayload(n: number): Record<string, any> {
      const input = lambda.commandCalls(InvokeCommand)[n].args[0].input;
      expect(input).toMatchObject({ FunctionName: FUNCTION_ARN, InvocationType: 'Event' });
      return JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8'));
    }

    test('the wait is handed over to a new invocation, and the timeout still counts from the first', async () => {
      const { invoke, responses, clock } = harness();
      const start = clock.now();
      lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
      codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-OTHER0001'] });
      codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-OTHER0001' }).resolves(deployment('d-OTHER0001', 'InProgress'));
      codedeploy.on(CreateDeploymentCommand).rejects(groupBusy());
      const event = createEvent(properties({ TimeoutSeconds: '1500' }));

      await invoke(event);

      // 15 minutes of invocation, 120 s kept back for one more attempt, attempts every 15 s: the wait moves on at 780 s.
      expect(clock.now() - start).toBe(780_000);
      expect(responses).toEqual([]);
      expect(handOverPayload(0)).toEqual({ [CONTINUATION_MARKER]: 1, event, state: { phase: 'waiting-to-start', startedAt: start, invocation: 2 } });
      expect(logs).toContain(JSON.stringify({ event: 'handed-over', phase: 'waiting-to-start', nextInvocation: 2 }));

      await invoke(handOverPayload(0));

      expect(clock.now() - start).toBe(1_500_000);
      // 53 attempts (0 to 780 s) and 49 (780 to 1500 s); each invocation reads the holder once.
      expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 102);
      expect(codedeploy).toHaveReceivedCommandTimes(GetDeploymentCommand, 2);
      expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
      expect(responses).toEqual([{
        Status: 'FAILED',
        Reason: 'Could not start a CodeDeploy deployment of application WebApp to deployment group WebFleet'
          + ' before the RevisionDeployment\'s timeout of 25 minutes passed: the group was still busy with deployment d-OTHER0001.'
          + ' No deployment was created, so there is nothing to stop.',
        PhysicalResourceId: 'Release-not-deployed',
        ...echoed('request-1'),
      }]);
    });

    test('a group that frees up in a later invocation: that invocation starts the deployment and follows it', async () => {
      const { invoke, responses, clock } = harness();
      const start = clock.now();
      lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
      codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
      codedeploy.on(CreateDeploymentCommand).callsFake(async () => {
        if (clock.now() - start < 900_000) throw groupBusy();
        return { deploymentId: 'd-SUCCESS01' };
      });
      codedeploy.on(GetDeploymentCommand).callsFake(async () => deployment('d-SUCCESS01', clock.now() - start >= 960_000 ? 'Succeeded' : 'InProgress'));

      await invoke(createEvent(properties({ TimeoutSeconds: '3000' })));
      await invoke(handOverPayload(0));

      expect(logs).toContain(JSON.stringify({ event: 'deployment-created', deploymentId: 'd-SUCCESS01', revisionType: 'S3' }));
      expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
      expect(responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01', ...echoed('request-1'), Data: { DeploymentId: 'd-SUCCESS01' } }]);
    });

    test('a hand-over that fails while waiting answers FAILED; no deployment exists, so nothing is stopped', async () => {
      const { handler, responses, clock } = harness();
      lambda.on(InvokeCommand).rejects(serviceError('AccessDeniedException', 'not authorized to perform lambda:InvokeFunction', 403));
      codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
      codedeploy.on(CreateDeploymentCommand).rejects(groupBusy());

      await handler(createEvent(), invocationContext(clock, 130_000));

      expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
      expect(codedeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 0);
      expect(responses).toEqual([{
        Status: 'FAILED',
        Reason: 'Could not start a CodeDeploy deployment of application WebApp to deployment group WebFleet:'
          + ' AccessDeniedException: not authorized to perform lambda:InvokeFunction',
        PhysicalResourceId: 'Release-not-deployed',
        ...echoed('request-1'),
      }]);
    });
  });
});

describe('errors other than a busy group', () => {
  test.each([
    ['InvalidRevisionException', 'The bundle type is not valid'],
    ['DeploymentGroupDoesNotExistException', 'No Deployment Group found for name: WebFleet'],
    ['DescriptionTooLongException', 'The description is too long'],
  ])('%s fails at once, as before', async (name, message) => {
    const { invoke, responses, clock } = harness();
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    codedeploy.on(CreateDeploymentCommand).rejects(serviceError(name, message));

    await invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
    expect(clock.sleeps).toEqual([]);
    expect(logged('waiting-to-start')).toEqual([]);
    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: `Could not start a CodeDeploy deployment of application WebApp to deployment group WebFleet: ${name}: ${message}`,
      PhysicalResourceId: 'Release-not-deployed',
      ...echoed('request-1'),
    }]);
  });
});

describe('a request delivered again after its answer', () => {
  /**
   * A group whose history is what the handler made of it: CreateDeployment adds a deployment,
   * ListDeployments lists every one created in the asked range, GetDeployment gives `final`.
   */
  function groupWithHistory(final: (id: string) => string, extra: Record<string, object> = {}): { created: string[] } {
    const created: string[] = [];
    const descriptions = new Map<string, string | undefined>();
    codedeploy.on(CreateDeploymentCommand).callsFake(async (input: { description?: string }) => {
      const deploymentId = `d-CREATED${created.length + 1}`.padEnd(11, '0');
      created.push(deploymentId);
      descriptions.set(deploymentId, input.description);
      return { deploymentId };
    });
    codedeploy.on(ListDeploymentsCommand).callsFake(async () => ({ deployments: [...created] }));
    codedeploy.on(GetDeploymentCommand).callsFake(async ({ deploymentId }: { deploymentId: string }) => extra[deploymentId]
      ?? deployment(deploymentId, final(deploymentId), { description: descriptions.get(deploymentId) }));
    return { created };
  }

  test('a Create that succeeded is answered again with the same deployment, and nothing is deployed twice', async () => {
    const { invoke, responses } = harness();
    const { created } = groupWithHistory(() => 'Succeeded');

    await invoke(createEvent(properties({ Description: 'web v2' })));
    await invoke(createEvent(properties({ Description: 'web v2' })));

    expect(created).toEqual(['d-CREATED10']);
    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
    expect(logs).toContain(JSON.stringify({ event: 'adopted', deploymentId: 'd-CREATED10', status: 'Succeeded' }));
    const answer = { Status: 'SUCCESS', PhysicalResourceId: 'd-CREATED10', ...echoed('request-1'), Data: { DeploymentId: 'd-CREATED10' } };
    expect(responses).toEqual([answer, answer]);
  });

  test('a Create whose deployment failed and rolled back is answered FAILED again, with the same physical id and Reason', async () => {
    const { invoke, responses } = harness();
    const rollback = deployment('d-ROLLBACK1', 'Succeeded', { rollbackInfo: { rollbackTriggeringDeploymentId: 'd-CREATED10' } });
    const { created } = groupWithHistory(() => 'Failed', { 'd-ROLLBACK1': rollback });
    codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-CREATED10' }).callsFake(async () => deployment('d-CREATED10', 'Failed', {
      description: '[cfn:request-1]',
      errorInformation: { code: 'HEALTH_CONSTRAINTS', message: 'The overall deployment failed because too many individual instances failed deployment' },
      rollbackInfo: { rollbackDeploymentId: 'd-ROLLBACK1' },
    }));

    await invoke(createEvent());
    await invoke(createEvent());

    expect(created).toEqual(['d-CREATED10']);
    expect(responses).toHaveLength(2);
    expect(responses[1]).toEqual(responses[0]);
    expect(responses[1]).toEqual({
      Status: 'FAILED',
      PhysicalResourceId: 'd-CREATED10',
      Reason: 'CodeDeploy deployment d-CREATED10 Failed with HEALTH_CONSTRAINTS: The overall deployment failed because too many individual instances'
        + ' failed deployment. Rollback: CodeDeploy rolled back with deployment d-ROLLBACK1, which Succeeded.',
      ...echoed('request-1'),
    });
  });

  test('an Update delivered again keeps its answer too', async () => {
    const { invoke, responses } = harness();
    const { created } = groupWithHistory(() => 'Succeeded');
    const event = updateEvent('d-PREVIOUS1', properties({ Revision: NEW_REVISION }), properties({ Revision: OLD_REVISION }));

    await invoke(event);
    await invoke(event);

    expect(created).toHaveLength(1);
    expect(responses[1]).toEqual(responses[0]);
    expect(responses[1]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'd-PREVIOUS1', Data: { DeploymentId: created[0] } });
  });

  test('another request\'s finished deployment is history, not an answer: the new request deploys', async () => {
    const { invoke, responses } = harness();
    const { created } = groupWithHistory(() => 'Succeeded');

    await invoke(createEvent());
    await invoke({ ...createEvent(), RequestId: 'request-9' });

    expect(created).toEqual(['d-CREATED10', 'd-CREATED20']);
    expect(responses.map((response) => response.PhysicalResourceId)).toEqual(['d-CREATED10', 'd-CREATED20']);
  });

  test(`the look is bounded: at most ${MAX_LIST_PAGES} pages, then the start goes on and says the search was incomplete`, async () => {
    const { invoke, responses } = harness();
    let page = 0;
    codedeploy.on(ListDeploymentsCommand).callsFake(async () => ({ deployments: [], nextToken: `page-${++page}` }));
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SUCCESS01' });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-SUCCESS01', 'Succeeded'));

    await invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(ListDeploymentsCommand, MAX_LIST_PAGES);
    expect(logged('marker-search-incomplete')).toEqual([{ event: 'marker-search-incomplete', listed: 0, truncated: true, unread: 0 }]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01' });
  });

  test(`at most ${MAX_DEPLOYMENTS_READ} deployments are read per invocation`, async () => {
    const { invoke, responses } = harness();
    const ids = Array.from({ length: 60 }, (_, i) => `d-OLD${String(i).padStart(6, '0')}`);
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ids });
    codedeploy.on(GetDeploymentCommand).callsFake(async ({ deploymentId }: { deploymentId: string }) => deployment(deploymentId, 'Succeeded'));
    codedeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-SUCCESS01' });

    await invoke(createEvent());

    // 50 old ones, then the new deployment's own polls.
    expect(codedeploy.commandCalls(GetDeploymentCommand).filter((call) => call.args[0].input.deploymentId?.startsWith('d-OLD'))).toHaveLength(MAX_DEPLOYMENTS_READ);
    expect(logged('marker-search-incomplete')).toEqual([{ event: 'marker-search-incomplete', listed: 60, truncated: false, unread: 10 }]);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01' });
  });
});

describe('a CreateDeployment that gets no answer', () => {
  test('is not repeated blindly: the next look finds the deployment it created, which is adopted', async () => {
    const { invoke, responses } = harness({ callTimeoutMs: 20 });
    const created: string[] = [];
    codedeploy.on(ListDeploymentsCommand).callsFake(async () => ({ deployments: [...created] }));
    // CodeDeploy creates the deployment, and the response never arrives.
    codedeploy.on(CreateDeploymentCommand).callsFake(() => {
      created.push('d-SUCCESS01');
      return new Promise(() => undefined);
    });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-SUCCESS01', 'Succeeded', { description: '[cfn:request-1]' }));

    await invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
    expect(logged('create-unanswered')).toEqual([{
      event: 'create-unanswered',
      applicationName: 'WebApp',
      deploymentGroupName: 'WebFleet',
      error: 'TimeoutError: CreateDeployment got no answer within 20 ms and was abandoned',
      attempt: 1,
    }]);
    expect(logs).toContain(JSON.stringify({ event: 'adopted', deploymentId: 'd-SUCCESS01', status: 'Succeeded' }));
    expect(responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01', ...echoed('request-1'), Data: { DeploymentId: 'd-SUCCESS01' } }]);
  });

  test('three times in a row: FAILED, naming the timeout, with no deployment to answer', async () => {
    const { invoke, responses } = harness({ callTimeoutMs: 20 });
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    codedeploy.on(CreateDeploymentCommand).callsFake(() => new Promise(() => undefined));

    await invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 3);
    expect(responses).toEqual([{
      Status: 'FAILED',
      Reason: 'Could not start a CodeDeploy deployment of application WebApp to deployment group WebFleet:'
        + ' TimeoutError: CreateDeployment got no answer within 20 ms and was abandoned (gave up after 3 attempts)',
      PhysicalResourceId: 'Release-not-deployed',
      ...echoed('request-1'),
    }]);
  });

  test('a throttled CreateDeployment is retried at once (CodeDeploy refused it unprocessed)', async () => {
    const { invoke, responses } = harness();
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    codedeploy.on(CreateDeploymentCommand).rejectsOnce(serviceError('ThrottlingException', 'Rate exceeded')).resolves({ deploymentId: 'd-SUCCESS01' });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-SUCCESS01', 'Succeeded'));

    await invoke(createEvent());

    expect(codedeploy).toHaveReceivedCommandTimes(ListDeploymentsCommand, 1);
    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 2);
    expect(responses[0]).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01' });
  });
});

describe('starting near the end of an invocation', () => {
  test('a look that runs out of the invocation\'s time (throttled) hands the start over before creating anything', async () => {
    const { handler, responses, clock } = harness();
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    codedeploy.on(ListDeploymentsCommand).rejects(serviceError('ThrottlingException', 'Rate exceeded'));

    // 25 s left, 15 s of them kept for the hand-over: the retries of ListDeployments stop early.
    await handler(createEvent(), invocationContext(clock, 25_000));

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 0);
    expect(logged('retry-out-of-time')).toHaveLength(1);
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
    const payload = JSON.parse(Buffer.from(lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array).toString('utf8'));
    expect(payload.state).toMatchObject({ phase: 'waiting-to-start', invocation: 2 });
    expect(responses).toEqual([]);
  });

  test('an unanswered CreateDeployment with little time left hands over: the next invocation finds the deployment and follows it', async () => {
    const { handler, responses, clock } = harness({ callTimeoutMs: 20 });
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const created: string[] = [];
    codedeploy.on(ListDeploymentsCommand).callsFake(async () => ({ deployments: [...created] }));
    codedeploy.on(CreateDeploymentCommand).callsFake(() => {
      created.push('d-SUCCESS01');
      return new Promise(() => undefined);
    });
    codedeploy.on(GetDeploymentCommand).resolves(deployment('d-SUCCESS01', 'Succeeded', { description: '[cfn:request-1]' }));

    await handler(createEvent(), invocationContext(clock, 100_000));
    expect(responses).toEqual([]);
    const payload = JSON.parse(Buffer.from(lambda.commandCalls(InvokeCommand)[0].args[0].input.Payload as Uint8Array).toString('utf8'));
    await handler(payload, invocationContext(clock));

    expect(codedeploy).toHaveReceivedCommandTimes(CreateDeploymentCommand, 1);
    expect(logs).toContain(JSON.stringify({ event: 'adopted', deploymentId: 'd-SUCCESS01', status: 'Succeeded' }));
    expect(responses).toEqual([{ Status: 'SUCCESS', PhysicalResourceId: 'd-SUCCESS01', ...echoed('request-1'), Data: { DeploymentId: 'd-SUCCESS01' } }]);
  });
});
