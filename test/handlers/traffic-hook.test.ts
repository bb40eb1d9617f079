import { DescribeAlarmsCommand, StateValue } from '@aws-sdk/client-cloudwatch';
import { CreateLogStreamCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  BatchGetDeploymentTargetsCommand, DeploymentStatus, GetApplicationRevisionCommand, GetDeploymentCommand, GetDeploymentCommandOutput,
  ListDeploymentTargetsCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { DeleteFunctionCommand, InvokeCommand, InvokeCommandOutput, ListAliasesCommand, ListVersionsByFunctionCommand } from '@aws-sdk/client-lambda';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import 'aws-sdk-client-mock-jest';
import { serviceError } from './revision-deployment-fixtures';
import { APPSPEC_JSON, APPSPEC_YAML, CLAIMS_LOG_GROUP, EVENT, HOOK_ARN, hookHarness, loggedEvents, settings, SMOKE } from './traffic-hook-fixtures';
import { TrafficHookSettings } from '../../src/contract/traffic-hook';
import { CallTimeoutError } from '../../src/handlers/shared/call-timeout';
import { PRUNE_DELETE_INTERVAL_MS } from '../../src/handlers/shared/timing';
import { appSpecTarget } from '../../src/handlers/traffic-hook/app-spec-target';
import { BAKE_CONTINUATION_MARKER } from '../../src/handlers/traffic-hook/bake';
import { claimStreamName } from '../../src/handlers/traffic-hook/execution-claim';

let log: jest.SpyInstance;
beforeEach(() => {
  log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(() => {
  jest.restoreAllMocks();
});

type Harness = ReturnType<typeof hookHarness>;

/** A deployment in progress whose AppSpec CloudFormation passed inline, and the rollout's settings. */
function given(h: Harness, hookSettings: TrafficHookSettings, appSpec: string = APPSPEC_JSON): void {
  h.mocks.codedeploy.on(GetDeploymentCommand).resolves({
    deploymentInfo: {
      deploymentId: EVENT.DeploymentId,
      status: 'InProgress',
      applicationName: 'App',
      deploymentGroupName: 'Group',
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec } },
    },
  });
  h.mocks.ssm.on(GetParameterCommand, { Name: '/cdk-codedeploy-rollouts/traffic-hook/Stack/api-fn/live' })
    .resolves({ Parameter: { Value: JSON.stringify(hookSettings) } });
  h.mocks.codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).resolves({});
}

function reported(h: Harness): string[] {
  return h.mocks.codedeploy.commandCalls(PutLifecycleEventHookExecutionStatusCommand).map((call) => {
    expect(call.args[0].input).toMatchObject({
      deploymentId: EVENT.DeploymentId, lifecycleEventHookExecutionId: EVENT.LifecycleEventHookExecutionId,
    });
    return call.args[0].input.status!;
  });
}

function verdictReason(): string {
  return String(loggedEvents(log).find((line) => line.event === 'verdict')?.reason);
}

function answer(body: unknown, functionError?: string): InvokeCommandOutput {
  return { StatusCode: 200, FunctionError: functionError, Payload: Buffer.from(JSON.stringify(body)) as unknown as InvokeCommandOutput['Payload'], $metadata: {} };
}

describe('the deployment target', () => {
  test('comes from JSON and YAML AppSpec content alike', () => {
    const target = { functionName: 'api-fn', alias: 'live', currentVersion: '6', targetVersion: '7' };
    expect(appSpecTarget(APPSPEC_JSON)).toEqual(target);
    expect(appSpecTarget(APPSPEC_YAML)).toEqual(target);
  });

  test('YAML is read as YAML: a comment after a quoted value, flow style, an ARN with a qualifier', () => {
    const target = { functionName: 'api-fn', alias: 'live', currentVersion: '6', targetVersion: '7' };
    expect(appSpecTarget([
      'version: 0.0',
      'Resources:',
      '  - ApiFn:',
      '      Type: AWS::Lambda::Function',
      '      Properties:',
      '        Name: "api-fn" # the function',
      "        Alias: 'live' # the alias CodeDeploy shifts",
      "        CurrentVersion: '6' # before",
      '        TargetVersion: "7"   # after',
    ].join('\n'))).toEqual(target);
    expect(appSpecTarget('{version: 0.0, Resources: [{Fn: {Type: AWS::Lambda::Function, Properties: '
      + '{Name: "arn:aws:lambda:us-east-1:123456789012:function:api-fn:live", Alias: live, CurrentVersion: 6, TargetVersion: 7}}}]}')).toEqual(target);
  });

  test('the keys of the Hooks section are not the resource\'s', () => {
    expect(() => appSpecTarget('version: 0.0\nHooks:\n  - Name: x\n    Alias: y\n    CurrentVersion: 1\n    TargetVersion: 2\n'))
      .toThrow(/^the deployment's AppSpec names no Name, Alias, CurrentVersion, TargetVersion of a Lambda function$/);
  });

  test('an AppSpec that is neither JSON nor YAML is an error that says so', () => {
    expect(() => appSpecTarget('Resources: [')).toThrow(/^the deployment's AppSpec is neither JSON nor YAML: Flow sequence in block collection must be sufficiently indented and end with a \] at line 1, column 13:$/);
  });

  test('an AppSpec without a target version is an error that names what is missing', () => {
    expect(() => appSpecTarget('version: 0.0\nResources:\n  - Fn:\n      Properties:\n        Name: f\n        Alias: live\n'))
      .toThrow(/^the deployment's AppSpec names no CurrentVersion, TargetVersion of a Lambda function$/);
  });

  test('a registered revision is read with GetApplicationRevision (YAML)', async () => {
    const h = hookHarness();
    given(h, settings(SMOKE));
    h.mocks.codedeploy.on(GetDeploymentCommand).resolves({
      deploymentInfo: { deploymentId: EVENT.DeploymentId, status: 'InProgress', applicationName: 'App', revision: { revisionType: 'S3' } },
    });
    h.mocks.codedeploy.on(GetApplicationRevisionCommand).resolves({ revision: { revisionType: 'String', string: { content: APPSPEC_YAML } } });
    h.mocks.invoker.on(InvokeCommand).resolves(answer({ ok: true }));

    await h.invoke(EVENT);

    expect(h.mocks.codedeploy).toHaveReceivedCommandWith(GetApplicationRevisionCommand, { applicationName: 'App', revision: { revisionType: 'S3' } });
    expect(h.mocks.invoker).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: 'api-fn', Qualifier: '7' });
    expect(reported(h)).toEqual(['Succeeded']);
  });
});

describe('smoke test (BeforeAllowTraffic)', () => {
  test('invokes the NEW version by its number, never the alias, with the payloads in turn, and reports Succeeded', async () => {
    const h = hookHarness();
    given(h, settings(SMOKE));
    h.mocks.invoker.on(InvokeCommand).resolves(answer({ statusCode: 200 }));

    await h.invoke(EVENT);

    const calls = h.mocks.invoker.commandCalls(InvokeCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => [input.FunctionName, input.Qualifier, input.InvocationType, Buffer.from(input.Payload as Uint8Array).toString()]))
      .toEqual([
        ['api-fn', '7', 'RequestResponse', '{"ping":true}'],
        ['api-fn', '7', 'RequestResponse', '{"ping":false}'],
        ['api-fn', '7', 'RequestResponse', '{"ping":true}'],
      ]);
    expect(reported(h)).toEqual(['Succeeded']);
    // One lifecycle event in the settings: no need to ask CodeDeploy which one runs.
    expect(h.mocks.codedeploy).not.toHaveReceivedCommand(ListDeploymentTargetsCommand);
  });

  test('a function error fails the deployment at once', async () => {
    const h = hookHarness();
    given(h, settings(SMOKE));
    h.mocks.invoker.on(InvokeCommand).resolves(answer({ errorType: 'TypeError', errorMessage: 'x is undefined' }, 'Unhandled'));

    await h.invoke(EVENT);

    expect(h.mocks.invoker).toHaveReceivedCommandTimes(InvokeCommand, 1);
    expect(reported(h)).toEqual(['Failed']);
    expect(verdictReason()).toBe('invocation 1 of 3 of api-fn:7 returned a function error (Unhandled): {"errorType":"TypeError","errorMessage":"x is undefined"}');
  });

  test('the function\'s own timeout fails the deployment as a timeout', async () => {
    const h = hookHarness();
    given(h, settings(SMOKE));
    h.mocks.invoker.on(InvokeCommand).resolves(answer({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 3.00 seconds' }, 'Unhandled'));

    await h.invoke(EVENT);

    expect(reported(h)).toEqual(['Failed']);
    expect(verdictReason()).toMatch(/^invocation 1 of 3 of api-fn:7 timed out \(the function's own timeout\): /);
  });

  test('an invocation that does not answer in time fails the deployment, and is not retried', async () => {
    const h = hookHarness();
    given(h, settings(SMOKE));
    h.mocks.invoker.on(InvokeCommand).rejects(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));

    await h.invoke(EVENT);

    expect(h.mocks.invoker).toHaveReceivedCommandTimes(InvokeCommand, 1);
    expect(reported(h)).toEqual(['Failed']);
    expect(verdictReason()).toBe('invocation 1 of 3 of api-fn:7 timed out: no answer within 840 s (AbortError: Request aborted)');
  });

  test('an attempt the hook abandoned at its deadline fails as a timeout, and is not retried', async () => {
    const h = hookHarness();
    given(h, settings(SMOKE));
    h.mocks.invoker.on(InvokeCommand).rejects(new CallTimeoutError('Invoke', 840_000));

    await h.invoke(EVENT);

    expect(h.mocks.invoker).toHaveReceivedCommandTimes(InvokeCommand, 1);
    expect(verdictReason()).toBe('invocation 1 of 3 of api-fn:7 timed out: no answer within 840 s (TimeoutError: Invoke got no answer within 840000 ms and was abandoned)');
  });

  test('a response that does not match fails the deployment and says where', async () => {
    const h = hookHarness();
    given(h, settings({ beforeAllowTraffic: { smokeTest: { payloads: ['{}'], invocations: 2, expectedResponse: { match: 'subset', value: { statusCode: 200, body: { ok: true } } } } } }));
    h.mocks.invoker.on(InvokeCommand)
      .resolvesOnce(answer({ statusCode: 200, body: { ok: true }, extra: 1 }))
      .resolvesOnce(answer({ statusCode: 200, body: { ok: false } }));

    await h.invoke(EVENT);

    expect(reported(h)).toEqual(['Failed']);
    expect(verdictReason()).toBe('invocation 2 of 2 of api-fn:7 answered a response that does not match the expected one, at $.body.ok: expected true, got false');
  });

  test('equals compares the whole response', async () => {
    const h = hookHarness();
    given(h, settings({ beforeAllowTraffic: { smokeTest: { payloads: ['{}'], invocations: 1, expectedResponse: { match: 'equals', value: { ok: true } } } } }));
    h.mocks.invoker.on(InvokeCommand).resolves(answer({ ok: true, debug: 'x' }));

    await h.invoke(EVENT);

    expect(verdictReason()).toBe('invocation 1 of 1 of api-fn:7 answered a response that does not match the expected one, at $.debug: expected nothing, got "x"');
  });

  test('a throttled invocation is retried', async () => {
    const h = hookHarness();
    given(h, settings({ beforeAllowTraffic: { smokeTest: { payloads: ['{}'], invocations: 1 } } }));
    h.mocks.invoker.on(InvokeCommand)
      .rejectsOnce(serviceError('TooManyRequestsException', 'Rate exceeded', 429))
      .resolvesOnce(answer(null));

    await h.invoke(EVENT);

    expect(h.mocks.invoker).toHaveReceivedCommandTimes(InvokeCommand, 2);
    expect(reported(h)).toEqual(['Succeeded']);
  });

  test('stops before its time runs out and reports Failed, with a minute left to report', async () => {
    const h = hookHarness();
    given(h, settings(SMOKE));
    h.mocks.invoker.on(InvokeCommand).resolves(answer({}));

    await h.invoke(EVENT, 30_000);

    expect(h.mocks.invoker).not.toHaveReceivedCommand(InvokeCommand);
    expect(verdictReason()).toBe('the smoke test ran out of time before invocation 1 of 3 of api-fn:7: the hook keeps 60 s to report');
    expect(reported(h)).toEqual(['Failed']);
  });
});

describe('errors of its own', () => {
  test('are reported as Failed at once, never thrown', async () => {
    const h = hookHarness();
    given(h, settings(SMOKE));
    h.mocks.ssm.on(GetParameterCommand).rejects(serviceError('AccessDeniedException', 'not authorized to perform: ssm:GetParameter'));

    await expect(h.invoke(EVENT)).resolves.toBeUndefined();

    expect(reported(h)).toEqual(['Failed']);
    expect(verdictReason()).toBe('the traffic hook failed: AccessDeniedException: not authorized to perform: ssm:GetParameter');
  });

  test('a missing settings parameter is named (SSM\'s error says only UnknownError)', async () => {
    const h = hookHarness();
    given(h, settings(SMOKE));
    h.mocks.ssm.on(GetParameterCommand).rejects(serviceError('ParameterNotFound', 'UnknownError'));

    await h.invoke(EVENT);

    expect(reported(h)).toEqual(['Failed']);
    expect(verdictReason()).toBe('the traffic hook failed: Error: the settings parameter /cdk-codedeploy-rollouts/traffic-hook/Stack/api-fn/live '
      + 'does not exist (ParameterNotFound): the hook finds a rollout\'s settings by the function and alias the deployment\'s AppSpec names '
      + '(api-fn:live), and no rollout of this stack writes them');
  });

  test('settings of another version are refused', async () => {
    const h = hookHarness();
    given(h, { version: 2 } as unknown as TrafficHookSettings);

    await h.invoke(EVENT);

    expect(verdictReason()).toBe('the traffic hook failed: Error: parameter /cdk-codedeploy-rollouts/traffic-hook/Stack/api-fn/live holds no settings of version 1');
  });

  test('a deployment that is over gets no report', async () => {
    const h = hookHarness();
    given(h, settings(SMOKE));
    h.mocks.codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { deploymentId: EVENT.DeploymentId, status: 'Stopped' } });

    await h.invoke(EVENT);

    expect(reported(h)).toEqual([]);
    expect(loggedEvents(log)).toContainEqual({ event: 'no-report', deploymentId: EVENT.DeploymentId, reason: 'deployment d-HOOK00001 is Stopped' });
  });

  test('a report CodeDeploy no longer takes is logged, not thrown', async () => {
    const h = hookHarness();
    given(h, settings(SMOKE));
    h.mocks.invoker.on(InvokeCommand).resolves(answer({}));
    h.mocks.codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).rejects(serviceError('LifecycleEventAlreadyCompletedException', 'done'));

    await expect(h.invoke(EVENT)).resolves.toBeUndefined();

    expect(loggedEvents(log).map((line) => line.event)).toContain('already-over');
  });

  test('a payload that is not a lifecycle event is ignored', async () => {
    const h = hookHarness();
    await h.invoke({ hello: 'world' });
    expect(h.mocks.codedeploy).not.toHaveReceivedAnyCommand();
  });
});

describe('which lifecycle event is running', () => {
  const both = settings({ ...SMOKE, afterAllowTraffic: { keepVersions: 3 } });

  function targetIn(h: Harness, running: string): void {
    h.mocks.codedeploy.on(ListDeploymentTargetsCommand, { deploymentId: EVENT.DeploymentId }).resolves({ targetIds: ['api-fn:live'] });
    h.mocks.codedeploy.on(BatchGetDeploymentTargetsCommand).resolves({
      deploymentTargets: [{
        deploymentTargetType: 'LambdaTarget',
        lambdaTarget: {
          targetId: 'api-fn:live',
          lifecycleEvents: ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'].map((name) => ({
            lifecycleEventName: name,
            status: name === running ? 'InProgress' : name === 'BeforeAllowTraffic' && running !== name ? 'Succeeded' : 'Pending',
          })),
        },
      }],
    });
  }

  test('BeforeAllowTraffic in progress: the smoke test runs, nothing is pruned', async () => {
    const h = hookHarness();
    given(h, both);
    targetIn(h, 'BeforeAllowTraffic');
    h.mocks.invoker.on(InvokeCommand).resolves(answer({}));

    await h.invoke(EVENT);

    expect(h.mocks.invoker).toHaveReceivedCommandTimes(InvokeCommand, 3);
    expect(h.mocks.lambda).not.toHaveReceivedAnyCommand();
    expect(reported(h)).toEqual(['Succeeded']);
  });

  test('AfterAllowTraffic in progress: versions are pruned, the new version is not invoked', async () => {
    const h = hookHarness();
    given(h, both);
    targetIn(h, 'AfterAllowTraffic');
    h.mocks.lambda.on(ListVersionsByFunctionCommand).resolves({ Versions: [{ Version: '$LATEST' }, { Version: '7' }] });
    h.mocks.lambda.on(ListAliasesCommand).resolves({ Aliases: [{ Name: 'live', FunctionVersion: '7' }] });

    await h.invoke(EVENT);

    expect(h.mocks.invoker).not.toHaveReceivedCommand(InvokeCommand);
    expect(h.mocks.lambda).toHaveReceivedCommand(ListVersionsByFunctionCommand);
    expect(reported(h)).toEqual(['Succeeded']);
  });

  test('neither in progress: Failed, naming the deployment', async () => {
    const h = hookHarness();
    given(h, both);
    targetIn(h, 'AllowTraffic');

    await h.invoke(EVENT);

    expect(verdictReason()).toBe('the traffic hook failed: Error: deployment d-HOOK00001 has no BeforeAllowTraffic or AfterAllowTraffic event in progress');
  });
});

describe('pruning (AfterAllowTraffic)', () => {
  function versions(h: Harness, count: number, aliases: Array<{ Name: string; FunctionVersion: string; weighted?: string }>): void {
    const all = [{ Version: '$LATEST' }, ...Array.from({ length: count }, (_, i) => ({ Version: String(i + 1) }))];
    // Two pages, as Lambda pages them.
    h.mocks.lambda.on(ListVersionsByFunctionCommand, { FunctionName: 'api-fn', Marker: undefined })
      .resolves({ Versions: all.slice(0, 5), NextMarker: 'page-2' });
    h.mocks.lambda.on(ListVersionsByFunctionCommand, { FunctionName: 'api-fn', Marker: 'page-2' }).resolves({ Versions: all.slice(5) });
    h.mocks.lambda.on(ListAliasesCommand).resolves({
      Aliases: aliases.map((alias) => ({
        Name: alias.Name,
        FunctionVersion: alias.FunctionVersion,
        RoutingConfig: alias.weighted ? { AdditionalVersionWeights: { [alias.weighted]: 0.1 } } : undefined,
      })),
    });
    h.mocks.lambda.on(DeleteFunctionCommand).resolves({});
  }

  const deleted = (h: Harness) => h.mocks.lambda.commandCalls(DeleteFunctionCommand).map((call) => {
    expect(call.args[0].input.FunctionName).toBe('api-fn');
    return call.args[0].input.Qualifier;
  });

  test('keeps the newest N, every aliased version (weighted ones too), the target and the version before it, deletes the rest oldest first', async () => {
    const h = hookHarness();
    given(h, settings({ afterAllowTraffic: { keepVersions: 3 } }));
    versions(h, 10, [{ Name: 'live', FunctionVersion: '10' }, { Name: 'beta', FunctionVersion: '3', weighted: '5' }]);

    await h.invoke(EVENT);

    // Kept: 10, 9, 8 (newest), 3 and 5 (beta and its weighted version), 7 and 6 (the AppSpec's target and current version).
    expect(deleted(h)).toEqual(['1', '2', '4']);
    expect(reported(h)).toEqual(['Succeeded']);
  });

  test('never deletes the deployment\'s target, even beyond the newest N', async () => {
    const h = hookHarness();
    given(h, settings({ afterAllowTraffic: { keepVersions: 1 } }));
    versions(h, 9, [{ Name: 'live', FunctionVersion: '9' }]);

    await h.invoke(EVENT);

    expect(deleted(h)).toEqual(['1', '2', '3', '4', '5', '8']);
  });

  test('keepVersions 1 keeps the version a stack rollback returns to: the AppSpec\'s CurrentVersion', async () => {
    const h = hookHarness();
    // A shift from 6 to 7 (the AppSpec's), the newest version: keeping 1 would have deleted 6.
    given(h, settings({ afterAllowTraffic: { keepVersions: 1 } }));
    versions(h, 7, [{ Name: 'live', FunctionVersion: '7' }]);

    await h.invoke(EVENT);

    expect(deleted(h)).toEqual(['1', '2', '3', '4', '5']);
    expect(verdictReason()).toBe('kept the newest 1 version(s); deleted 5');
  });

  test('a rollback deployment (the AppSpec moves the alias back) keeps the version it leaves too', async () => {
    const h = hookHarness();
    // CloudFormation rolling the alias back from 7 to 6: CurrentVersion 7, TargetVersion 6.
    const rollback = APPSPEC_JSON.replace('"CurrentVersion":"6","TargetVersion":"7"', '"CurrentVersion":"7","TargetVersion":"6"');
    given(h, settings({ afterAllowTraffic: { keepVersions: 1 } }), rollback);
    versions(h, 7, [{ Name: 'live', FunctionVersion: '6' }]);

    await h.invoke(EVENT);

    expect(deleted(h)).toEqual(['1', '2', '3', '4', '5']);
  });

  test('deletes at most 10 versions per run, the oldest, one a second', async () => {
    const h = hookHarness();
    given(h, settings({ afterAllowTraffic: { keepVersions: 2 } }));
    versions(h, 80, [{ Name: 'live', FunctionVersion: '80' }]);
    const start = h.clock.now();

    await h.invoke(EVENT);

    // 1 to 78 are old, but 7 and 6 are the AppSpec's target and current version: the 10 oldest
    // others go, 9 pauses of a second apart.
    expect(deleted(h)).toEqual(['1', '2', '3', '4', '5', '8', '9', '10', '11', '12']);
    expect(h.clock.now() - start).toBe(9 * PRUNE_DELETE_INTERVAL_MS);
    expect(verdictReason()).toBe('kept the newest 2 version(s); deleted 10; 66 left for later runs');
  });

  test('a version already gone or taken by an alias meanwhile is passed over, and pruning goes on, a second after each call', async () => {
    const h = hookHarness();
    given(h, settings({ afterAllowTraffic: { keepVersions: 5 } }));
    versions(h, 9, [{ Name: 'live', FunctionVersion: '9' }]);
    h.mocks.lambda.on(DeleteFunctionCommand, { Qualifier: '1' }).rejects(serviceError('ResourceNotFoundException', 'Function not found: api-fn:1', 404));
    h.mocks.lambda.on(DeleteFunctionCommand, { Qualifier: '2' })
      .rejects(serviceError('ResourceConflictException', 'Unable to delete version because the following aliases reference it: [beta]', 409));
    const start = h.clock.now();

    await h.invoke(EVENT);

    expect(deleted(h)).toEqual(['1', '2', '3', '4']);
    expect(h.clock.now() - start).toBe(3 * PRUNE_DELETE_INTERVAL_MS);
    expect(verdictReason()).toBe('kept the newest 5 version(s); deleted 2');
    expect(loggedEvents(log).filter((line) => line.event === 'prune-already-gone' || line.event === 'prune-kept').map((line) => [line.event, line.version]))
      .toEqual([['prune-already-gone', '1'], ['prune-kept', '2']]);
  });

  test('a version it cannot delete stops the pruning but never fails a healthy release', async () => {
    const h = hookHarness();
    given(h, settings({ afterAllowTraffic: { keepVersions: 5 } }));
    versions(h, 8, [{ Name: 'live', FunctionVersion: '8' }]);
    h.mocks.lambda.on(DeleteFunctionCommand, { Qualifier: '2' }).rejects(serviceError('AccessDeniedException', 'not allowed', 403));

    await h.invoke(EVENT);

    expect(deleted(h)).toEqual(['1', '2']);
    expect(reported(h)).toEqual(['Succeeded']);
    expect(verdictReason()).toBe('kept the newest 5 version(s); deleted 1, then stopped: deleting version 2 of api-fn failed: AccessDeniedException: not allowed; 2 left for later runs');
  });
});

describe('bake time (AfterAllowTraffic)', () => {
  const baking = settings({ afterAllowTraffic: { bakeSeconds: 600, alarmNames: ['api-errors'] } });

  function alarm(h: Harness, ...states: StateValue[]): void {
    let chain = h.mocks.cloudwatch.on(DescribeAlarmsCommand, { AlarmNames: ['api-errors'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100 });
    for (const state of states) {
      chain = chain.resolvesOnce({ MetricAlarms: [{ AlarmName: 'api-errors', StateValue: state }] });
    }
    chain.resolves({ MetricAlarms: [{ AlarmName: 'api-errors', StateValue: states[states.length - 1] }] });
  }

  test('keeps the deployment open for the bake time, reading the alarms every minute, then Succeeded', async () => {
    const h = hookHarness();
    given(h, baking);
    alarm(h, 'OK');
    const start = h.clock.now();

    await h.invoke(EVENT);

    expect(h.clock.now() - start).toBe(600_000);
    expect(h.mocks.cloudwatch).toHaveReceivedCommandTimes(DescribeAlarmsCommand, 11);
    expect(reported(h)).toEqual(['Succeeded']);
  });

  test('an alarm that goes off during the bake fails the deployment', async () => {
    const h = hookHarness();
    given(h, baking);
    alarm(h, 'OK', 'OK', 'OK', 'ALARM');

    await h.invoke(EVENT);

    expect(reported(h)).toEqual(['Failed']);
    expect(verdictReason()).toBe('alarm api-errors went off 3 minute(s) into the 10-minute bake time');
  });

  test('an alarm CloudWatch does not know fails the bake, naming it (DescribeAlarms leaves unknown names out)', async () => {
    const h = hookHarness();
    given(h, settings({ afterAllowTraffic: { bakeSeconds: 600, alarmNames: ['api-errors', 'api-latency'] } }));
    h.mocks.cloudwatch.on(DescribeAlarmsCommand, { AlarmNames: ['api-errors', 'api-latency'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100 })
      .resolvesOnce({ MetricAlarms: [{ AlarmName: 'api-errors', StateValue: 'OK' }, { AlarmName: 'api-latency', StateValue: 'OK' }] })
      .resolves({ MetricAlarms: [{ AlarmName: 'api-errors', StateValue: 'OK' }] });

    await h.invoke(EVENT);

    expect(reported(h)).toEqual(['Failed']);
    expect(verdictReason()).toBe('alarm api-latency does not exist in CloudWatch 1 minute(s) into the 10-minute bake time (deleted or renamed outside the stack?): '
      + 'a bake cannot pass on an alarm it cannot read, as CodeDeploy stops a deployment whose alarms it cannot read');
    expect(loggedEvents(log)).toContainEqual({ event: 'alarm-missing', deploymentId: EVENT.DeploymentId, alarmNames: ['api-latency'] });
  });

  test('a bake whose alarms are all unknown fails at once and never prunes', async () => {
    const h = hookHarness();
    given(h, settings({ afterAllowTraffic: { bakeSeconds: 180, alarmNames: ['api-errors'], keepVersions: 1 } }));
    h.mocks.cloudwatch.on(DescribeAlarmsCommand).resolves({ MetricAlarms: [], CompositeAlarms: [] });

    await h.invoke(EVENT);

    expect(verdictReason()).toBe('alarm api-errors does not exist in CloudWatch 0 minute(s) into the 3-minute bake time (deleted or renamed outside the stack?): '
      + 'a bake cannot pass on an alarm it cannot read, as CodeDeploy stops a deployment whose alarms it cannot read');
    expect(h.mocks.lambda).not.toHaveReceivedAnyCommand();
  });

  test('a bake longer than one invocation hands over to the next, which finishes it', async () => {
    const h = hookHarness();
    given(h, settings({ afterAllowTraffic: { bakeSeconds: 1200, alarmNames: ['api-errors'] } }));
    alarm(h, 'OK');
    h.mocks.lambda.on(InvokeCommand).resolves({ StatusCode: 202 });

    await h.invoke(EVENT);

    expect(reported(h)).toEqual([]);
    const handOver = h.mocks.lambda.commandCalls(InvokeCommand)[0].args[0].input;
    expect(handOver).toMatchObject({ FunctionName: HOOK_ARN, InvocationType: 'Event' });
    const continuation = JSON.parse(Buffer.from(handOver.Payload as Uint8Array).toString());
    expect(continuation).toEqual({ [BAKE_CONTINUATION_MARKER]: 1, event: EVENT, state: { bakeStartedAt: expect.any(Number), invocation: 2 } });
    // The first invocation kept its margin: it stopped with at least 2 minutes left of its 15.
    expect(h.clock.now() - continuation.state.bakeStartedAt).toBeLessThanOrEqual(13 * 60_000);

    await h.invoke(continuation);

    expect(h.clock.now() - continuation.state.bakeStartedAt).toBe(1_200_000);
    expect(reported(h)).toEqual(['Succeeded']);
    // The continuation knows its lifecycle event: it never asks CodeDeploy.
    expect(h.mocks.codedeploy).not.toHaveReceivedCommand(ListDeploymentTargetsCommand);
  });

  test('a deployment CodeDeploy stopped during the bake ends it without a report', async () => {
    const h = hookHarness();
    given(h, baking);
    alarm(h, 'OK');
    const info = (status: DeploymentStatus): GetDeploymentCommandOutput => ({
      deploymentInfo: { deploymentId: EVENT.DeploymentId, status, revision: { revisionType: 'AppSpecContent', appSpecContent: { content: APPSPEC_JSON } } },
      $metadata: {},
    });
    h.mocks.codedeploy.on(GetDeploymentCommand)
      .resolvesOnce(info('InProgress')).resolvesOnce(info('InProgress')).resolvesOnce(info('InProgress')).resolves(info('Stopped'));

    await h.invoke(EVENT);

    expect(reported(h)).toEqual([]);
  });

  describe('cdk-rollouts promote: the deployment\'s id in the promote parameter', () => {
    const PROMOTE = '/cdk-codedeploy-rollouts/traffic-hook/Stack/promote/api-fn/live';

    test('ends the bake at the next check as passed, saying after how long', async () => {
      const h = hookHarness();
      given(h, baking);
      alarm(h, 'OK');
      h.mocks.ssm.on(GetParameterCommand, { Name: PROMOTE })
        .rejectsOnce(serviceError('ParameterNotFound', '', 400))
        .rejectsOnce(serviceError('ParameterNotFound', '', 400))
        .resolves({ Parameter: { Name: PROMOTE, Value: EVENT.DeploymentId } });
      const start = h.clock.now();

      await h.invoke(EVENT);

      expect(h.clock.now() - start).toBe(120_000);
      expect(reported(h)).toEqual(['Succeeded']);
      expect(verdictReason()).toBe('baked 2 of 10 minute(s) without an alarm, then cdk-rollouts promote ended the bake');
      expect(loggedEvents(log)).toContainEqual({ event: 'promoted', deploymentId: EVENT.DeploymentId, parameter: PROMOTE, afterMinutes: 2, invocation: 1 });
    });

    test('a promote of another deployment is not this one\'s: the bake runs its time', async () => {
      const h = hookHarness();
      given(h, baking);
      alarm(h, 'OK');
      h.mocks.ssm.on(GetParameterCommand, { Name: PROMOTE }).resolves({ Parameter: { Name: PROMOTE, Value: 'd-EARLIER01' } });
      const start = h.clock.now();

      await h.invoke(EVENT);

      expect(h.clock.now() - start).toBe(600_000);
      expect(verdictReason()).toBe('baked 10 minute(s) without an alarm');
    });

    test('an alarm in ALARM fails the deployment, promoted or not', async () => {
      const h = hookHarness();
      given(h, baking);
      alarm(h, 'ALARM');
      h.mocks.ssm.on(GetParameterCommand, { Name: PROMOTE }).resolves({ Parameter: { Name: PROMOTE, Value: EVENT.DeploymentId } });

      await h.invoke(EVENT);

      expect(reported(h)).toEqual(['Failed']);
    });

    test('a promote parameter the hook may not read is logged, and the bake runs its time', async () => {
      const h = hookHarness();
      given(h, baking);
      alarm(h, 'OK');
      h.mocks.ssm.on(GetParameterCommand, { Name: PROMOTE }).rejects(serviceError('AccessDeniedException', 'not allowed', 400));
      const start = h.clock.now();

      await h.invoke(EVENT);

      expect(h.clock.now() - start).toBe(600_000);
      expect(reported(h)).toEqual(['Succeeded']);
      expect(loggedEvents(log)).toContainEqual({
        event: 'promote-unreadable', deploymentId: EVENT.DeploymentId, parameter: PROMOTE, error: 'AccessDeniedException: not allowed',
      });
    });
  });

  test('bake first, then pruning', async () => {
    const h = hookHarness();
    given(h, settings({ afterAllowTraffic: { bakeSeconds: 60, alarmNames: ['api-errors'], keepVersions: 1 } }));
    alarm(h, 'ALARM');

    await h.invoke(EVENT);

    expect(h.mocks.lambda).not.toHaveReceivedAnyCommand();
    expect(reported(h)).toEqual(['Failed']);
  });
});

describe('duplicate deliveries', () => {
  test('the first delivery claims the execution with a log stream named after it, in the hook\'s log group', async () => {
    const h = hookHarness();
    given(h, settings(SMOKE));
    h.mocks.invoker.on(InvokeCommand).resolves(answer({}));

    await h.invoke(EVENT);

    expect(h.mocks.logs.commandCalls(CreateLogStreamCommand).map((call) => call.args[0].input))
      .toEqual([{ logGroupName: CLAIMS_LOG_GROUP, logStreamName: 'hook-executions/hook-execution-1' }]);
    expect(reported(h)).toEqual(['Succeeded']);
  });

  test('a second delivery of an answered execution does nothing: no smoke test, no second verdict', async () => {
    const h = hookHarness();
    given(h, settings(SMOKE));
    h.mocks.logs.on(CreateLogStreamCommand).rejects(serviceError('ResourceAlreadyExistsException', 'The specified log stream already exists', 400));

    await h.invoke(EVENT);

    expect(h.mocks.codedeploy).not.toHaveReceivedAnyCommand();
    expect(h.mocks.ssm).not.toHaveReceivedAnyCommand();
    expect(h.mocks.invoker).not.toHaveReceivedAnyCommand();
    expect(loggedEvents(log)).toContainEqual({
      event: 'duplicate-delivery', deploymentId: EVENT.DeploymentId, invocation: 1, logStreamName: 'hook-executions/hook-execution-1',
    });
  });

  test('a second delivery of a bake\'s hand-over does nothing: one chain goes on', async () => {
    const h = hookHarness();
    given(h, settings({ afterAllowTraffic: { bakeSeconds: 1200, alarmNames: ['api-errors'] } }));
    h.mocks.logs.on(CreateLogStreamCommand, { logStreamName: 'hook-executions/hook-execution-1/bake-3' })
      .rejects(serviceError('ResourceAlreadyExistsException', 'The specified log stream already exists', 400));

    await h.invoke({ [BAKE_CONTINUATION_MARKER]: 1, event: EVENT, state: { bakeStartedAt: h.clock.now(), invocation: 3 } });

    expect(h.mocks.codedeploy).not.toHaveReceivedAnyCommand();
    expect(h.mocks.cloudwatch).not.toHaveReceivedAnyCommand();
  });

  test('a claim whose first attempt got no answer and whose retry finds the stream is this invocation\'s', async () => {
    const h = hookHarness();
    given(h, settings(SMOKE));
    h.mocks.invoker.on(InvokeCommand).resolves(answer({}));
    h.mocks.logs.on(CreateLogStreamCommand)
      .rejectsOnce(new CallTimeoutError('CreateLogStream', 10_000))
      .rejectsOnce(serviceError('ResourceAlreadyExistsException', 'The specified log stream already exists', 400));

    await h.invoke(EVENT);

    expect(loggedEvents(log)).toContainEqual({
      event: 'claim-assumed', deploymentId: EVENT.DeploymentId, logStreamName: 'hook-executions/hook-execution-1', reason: 'an earlier attempt got no answer',
    });
    expect(reported(h)).toEqual(['Succeeded']);
  });

  test('a claim that cannot be made does not stop the hook: serving twice is better than never', async () => {
    const h = hookHarness();
    given(h, settings(SMOKE));
    h.mocks.invoker.on(InvokeCommand).resolves(answer({}));
    h.mocks.logs.on(CreateLogStreamCommand).rejects(serviceError('AccessDeniedException', 'not authorized to perform: logs:CreateLogStream', 400));

    await h.invoke(EVENT);

    expect(loggedEvents(log)).toContainEqual({
      event: 'claim-failed',
      deploymentId: EVENT.DeploymentId,
      logStreamName: 'hook-executions/hook-execution-1',
      error: 'AccessDeniedException: not authorized to perform: logs:CreateLogStream',
    });
    expect(reported(h)).toEqual(['Succeeded']);
  });

  test('execution ids are made into valid log stream names', () => {
    expect(claimStreamName({ DeploymentId: 'd-1', LifecycleEventHookExecutionId: 'a:b*c' }, 2)).toBe('hook-executions/a_b_c/bake-2');
  });
});
