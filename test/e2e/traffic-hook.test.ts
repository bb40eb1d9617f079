import { loadApi, MODELS_SOURCE, validate } from './support/api-model';
import type { LambdaLifecycleEvent, Status } from './support/codedeploy-world';
import { Emulator } from './support/emulator';
import { BundledHandler, capturingConsole, LambdaInvoker, loadBundle, replaceEnvironment, ScaledClock, TRAFFIC_HOOK_BUNDLE } from './support/lambda-runtime';
import type { FunctionBehaviour } from './support/services/lambda-world';
import {
  CLAIMS_LOG_GROUP_ENV, MAX_PRUNED_VERSIONS_PER_RUN, SETTINGS_PREFIX_ENV, settingsParameterName, TrafficHookSettings,
} from '../../src/contract/traffic-hook';
import { PRUNE_DELETE_INTERVAL_MS } from '../../src/handlers/shared/timing';

/**
 * The traffic hook end to end, as CodeDeploy and Lambda drive it: the bundled asset
 * (assets/handlers/traffic-hook.lambda, built by `npx projen pre-compile`) loaded as Lambda loads
 * it, the real SDK v3 clients pointed at the loopback emulator (support/emulator.ts), which plays
 * CodeDeploy's Lambda deployments and their hook executions, Lambda (the function under test, its
 * versions and aliases, the hook's own hand-over), SSM, CloudWatch alarms and CloudWatch Logs, and
 * validates every request and answer against AWS's API models. Time runs `SCALE` times faster for
 * the bundle's own timers, so a 15-minute invocation lasts 18 real seconds at most.
 *
 * What it shows that the handler tests against a mocked SDK cannot: the order of events across
 * deliveries and invocations (a second delivery, a hand-over, a stalled call whose answer is lost)
 * and the requests as AWS would receive them.
 */

/**
 * Half the server deployer suite's speed: an attempt of a call gets 10 s of the hook's time, 200 real
 * milliseconds here, which a loaded machine exceeds less often (the assertions allow for it anyway).
 */
const SCALE = 50;
const HOOK_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:Stack-TrafficHookFunction';
const SETTINGS_PREFIX = '/cdk-codedeploy-rollouts/traffic-hook/Stack';
const CLAIMS_LOG_GROUP = '/cdk-codedeploy-rollouts/Stack-TrafficHook';
/** At most this many invocations per delivery (hand-overs included): a loop that does not end fails. */
const MAX_INVOCATIONS = 8;

const clock = new ScaledClock(SCALE);
const emulator = new Emulator(clock);
const captured = capturingConsole();
let handler: BundledHandler;
const lambda = new LambdaInvoker({
  clock,
  invocations: () => emulator.invocations,
  functionName: 'Stack-TrafficHookFunction',
  functionArn: HOOK_ARN,
  handler: () => handler,
  maxInvocations: MAX_INVOCATIONS,
});
const deliver = (event: unknown, firstRemainingMs?: number): Promise<number> => lambda.deliver(event, firstRemainingMs);
let restoreEnvironment: () => void = () => undefined;
let scenarios = 0;
let passed = 0;
let rollouts = 0;

beforeAll(async () => {
  await emulator.start();
  emulator.logs.addLogGroup(CLAIMS_LOG_GROUP);
  const environment = {
    ...emulator.environment(),
    [SETTINGS_PREFIX_ENV]: SETTINGS_PREFIX,
    [CLAIMS_LOG_GROUP_ENV]: CLAIMS_LOG_GROUP,
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  };
  restoreEnvironment = replaceEnvironment(environment);
  handler = loadBundle(clock, captured, TRAFFIC_HOOK_BUNDLE);
});

afterAll(async () => {
  await emulator.stop();
  restoreEnvironment();
  const { requests, violations } = emulator.totals();
  // The count line the docs quote.
  process.stdout.write(`traffic hook end to end: ${passed} of ${scenarios} scenarios passed, ${violations} request-shape violations`
    + ` over ${requests} requests (models: ${MODELS_SOURCE})\n`);
});

/** The end of every scenario: a request that broke AWS's model (or an answer of the emulator that did) fails it. */
function endScenario(deliberate = false): void {
  if (process.env.E2E_PRINT_LOGS) process.stdout.write(`${captured.lines.join('\n')}\n`);
  const violations = emulator.takeViolations(deliberate);
  emulator.resetScenario();
  captured.lines.length = 0;
  expect(violations).toEqual([]);
}

afterEach(() => endScenario());

function scenario(name: string, body: () => Promise<void>): void {
  scenarios++;
  test(name, async () => {
    await body();
    passed++;
  }, 30_000);
}

interface RolloutOptions {
  readonly settings: Omit<TrafficHookSettings, 'version'>;
  /** Published versions 1..n; the deployment shifts from `current` to `target`. Default 7, 6 to 7. */
  readonly versions?: number;
  readonly current?: number;
  readonly target?: number;
  /** Other aliases of the function (the rollout's alias points at `target` once traffic has moved). */
  readonly aliases?: Record<string, string | { version: string; weights: Record<string, number> }>;
  /** How the function under test answers. Default `{ statusCode: 200 }`. */
  readonly behaviour?: FunctionBehaviour;
  /** GetDeployment's statuses, one per call (the last kept). Default InProgress. */
  readonly statuses?: Status[];
  readonly appSpec?: 'json' | 'yaml' | 'registered-yaml';
  /** Alarms that exist, with their states per read. */
  readonly alarms?: Record<string, Array<'OK' | 'ALARM'>>;
}

interface Rollout {
  readonly functionName: string;
  readonly deploymentId: string;
  readonly parameterName: string;
  /** CodeDeploy reaching a lifecycle event: the payload it sends the hook. */
  event(lifecycleEvent: LambdaLifecycleEvent): { DeploymentId: string; LifecycleEventHookExecutionId: string };
}

/** A rollout of its own per scenario: a function, its settings parameter, its alarms, and a Lambda deployment in progress. */
function newRollout(options: RolloutOptions): Rollout {
  const functionName = `api-fn-${++rollouts}`;
  const current = String(options.current ?? 6);
  const target = String(options.target ?? 7);
  emulator.lambda.addFunction(functionName, options.versions ?? 7, { live: target, ...options.aliases }, options.behaviour);
  const parameterName = settingsParameterName(SETTINGS_PREFIX, functionName, 'live');
  emulator.ssm.put(parameterName, JSON.stringify({ version: 1, ...options.settings }));
  for (const [name, states] of Object.entries(options.alarms ?? {})) emulator.cloudwatch.addAlarm(name, states);
  const format = options.appSpec ?? 'json';
  const appSpec = format === 'json' ? appSpecJson(functionName, current, target) : appSpecYaml(functionName, current, target);
  const deploymentId = emulator.world.addDeployment('Stack-LambdaApplication', `${functionName}-group`, {
    statuses: options.statuses ?? ['InProgress'],
    lambda: { appSpec, functionName, alias: 'live', currentVersion: current, targetVersion: target, registered: format === 'registered-yaml' },
  });
  return {
    functionName,
    deploymentId,
    parameterName,
    event: (lifecycleEvent) => ({
      DeploymentId: deploymentId,
      LifecycleEventHookExecutionId: emulator.world.startLifecycleEvent(deploymentId, lifecycleEvent),
    }),
  };
}

/** The AppSpec CloudFormation passes for an alias update (JSON). */
function appSpecJson(functionName: string, current: string, target: string): string {
  return JSON.stringify({
    version: 0.0,
    Resources: [{ ApiAlias: { Type: 'AWS::Lambda::Function', Properties: { Name: functionName, Alias: 'live', CurrentVersion: current, TargetVersion: target } } }],
    Hooks: [{ BeforeAllowTraffic: 'Stack-TrafficHookFunction' }, { AfterAllowTraffic: 'Stack-TrafficHookFunction' }],
  });
}

/** A hand-written YAML AppSpec: quoted values with comments after them, an ARN for the name. */
function appSpecYaml(functionName: string, current: string, target: string): string {
  return [
    'version: 0.0 # Lambda',
    'Resources:',
    '  - ApiAlias: # the alias',
    '      Type: AWS::Lambda::Function',
    '      Properties:',
    `        Name: "arn:aws:lambda:us-east-1:123456789012:function:${functionName}" # the function`,
    "        Alias: 'live' # shifted",
    `        CurrentVersion: "${current}" # before`,
    `        TargetVersion: '${target}'   # after`,
    'Hooks:',
    '  - BeforeAllowTraffic: "Stack-TrafficHookFunction"',
  ].join('\n');
}

function logged(event: string): Array<Record<string, unknown>> {
  return captured.lines.flatMap((line) => {
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      return entry.event === event ? [entry] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Every report the hook made to an execution: `Succeeded`, `Failed`, and `refused:<status>` for one
 * CodeDeploy refused. A refused repeat is left out for each report attempt abandoned for time (a
 * loaded machine can exceed an attempt's 200 real milliseconds; the retry then finds the verdict
 * taken, as it would in AWS).
 */
function reportsOf(executionId: string): string[] {
  let explained = timeouts('PutLifecycleEventHookExecutionStatus');
  return (emulator.world.hookExecutions.get(executionId)?.reports ?? [])
    .flatMap((report) => (report.accepted ? [report.status] : explained-- > 0 ? [] : [`refused:${report.status}`]));
}

/** Attempts of an operation the hook abandoned for time (logged as a TimeoutError retry). */
function timeouts(operation: string): number {
  return logged('retry').filter((entry) => entry.operation === operation && entry.error === 'TimeoutError').length;
}

/** Requests of an operation whose answer reached the hook (an abandoned attempt's request is recorded too). */
function answered(operation: string): number {
  return emulator.calls(operation).length - timeouts(operation);
}

function reason(): string {
  return String(logged('verdict').at(-1)?.reason);
}

/** Retries of a scenario, without attempts abandoned for time (a loaded machine can exceed an attempt's 200 real milliseconds). */
function retries(): string[] {
  return logged('retry').filter((entry) => entry.error !== 'TimeoutError').map((entry) => `${String(entry.operation)}:${String(entry.error)}`);
}

function throttle(service: 'codedeploy' | 'lambda' | 'ssm' | 'cloudwatch' | 'logs', operation: string, times: number): void {
  const error = service === 'lambda' ? { code: 'TooManyRequestsException', message: 'Rate Exceeded.', status: 429 }
    : service === 'cloudwatch' ? { code: 'Throttling', message: 'Rate exceeded', status: 400 }
      : { code: 'ThrottlingException', message: 'Rate exceeded', status: 400 };
  emulator.faults.push({ service, operation, times, error });
}

const SMOKE = { beforeAllowTraffic: { smokeTest: { payloads: ['{"ping":1}', '{"ping":2}'], invocations: 3 } } };

describe('smoke tests (BeforeAllowTraffic)', () => {
  scenario('pass: the new version, by number, with the payloads in turn; one Succeeded', async () => {
    const rollout = newRollout({ settings: SMOKE });
    const event = rollout.event('BeforeAllowTraffic');

    await deliver(event);

    expect(emulator.lambda.invocationsOf(rollout.functionName)).toEqual([
      { version: '7', payload: '{"ping":1}' }, { version: '7', payload: '{"ping":2}' }, { version: '7', payload: '{"ping":1}' },
    ]);
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
    expect(reason()).toBe(`3 invocation(s) of ${rollout.functionName}:7 answered as expected`);
    expect(emulator.logs.streams(CLAIMS_LOG_GROUP)).toContain(`hook-executions/${event.LifecycleEventHookExecutionId}`);
  });

  scenario('function error: Failed at the first one, quoting it', async () => {
    const rollout = newRollout({ settings: SMOKE, behaviour: () => ({ payload: { errorType: 'TypeError', errorMessage: 'boom' }, functionError: 'Unhandled' }) });
    const event = rollout.event('BeforeAllowTraffic');

    await deliver(event);

    expect(emulator.lambda.invocationsOf(rollout.functionName)).toHaveLength(1);
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Failed']);
    expect(reason()).toBe(`invocation 1 of 3 of ${rollout.functionName}:7 returned a function error (Unhandled): {"errorType":"TypeError","errorMessage":"boom"}`);
  });

  scenario('mismatch: a response that does not match the expected one fails, saying where', async () => {
    const rollout = newRollout({
      settings: { beforeAllowTraffic: { smokeTest: { payloads: ['{}'], invocations: 2, expectedResponse: { match: 'subset', value: { statusCode: 200 } } } } },
      behaviour: (_version, _payload, call) => ({ payload: { statusCode: call === 1 ? 200 : 503 } }),
    });
    const event = rollout.event('BeforeAllowTraffic');

    await deliver(event);

    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Failed']);
    expect(reason()).toBe(`invocation 2 of 2 of ${rollout.functionName}:7 answered a response that does not match the expected one, at $.statusCode: expected 200, got 503`);
  });

  scenario('throttled: a throttled invocation is retried, and the test passes', async () => {
    const rollout = newRollout({ settings: { beforeAllowTraffic: { smokeTest: { payloads: ['{}'], invocations: 1 } } } });
    throttle('lambda', 'Invoke', 2);
    const event = rollout.event('BeforeAllowTraffic');

    await deliver(event);

    expect(retries()).toEqual(['Invoke:TooManyRequestsException', 'Invoke:TooManyRequestsException']);
    expect(emulator.lambda.invocationsOf(rollout.functionName)).toHaveLength(1);
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
  });

  scenario('never answered: the invocation is abandoned before the hook\'s own time runs out, and the test fails', async () => {
    const rollout = newRollout({ settings: SMOKE });
    emulator.faults.push({ service: 'lambda', operation: 'Invoke', hold: true });
    const event = rollout.event('BeforeAllowTraffic');

    await deliver(event, 3 * 60_000);

    expect(emulator.abandoned).toEqual(['lambda.Invoke']);
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Failed']);
    expect(reason()).toMatch(new RegExp(`^invocation 1 of 3 of ${rollout.functionName}:7 timed out: no answer within 1[12]\\d s \\(TimeoutError: Invoke got no answer`));
  });
});

describe('bakes (AfterAllowTraffic)', () => {
  scenario('OK: the deployment stays open for the bake, reading the alarms every minute, then Succeeded', async () => {
    const rollout = newRollout({ settings: { afterAllowTraffic: { bakeSeconds: 180, alarmNames: ['ok-1'] } }, alarms: { 'ok-1': ['OK'] } });
    const event = rollout.event('AfterAllowTraffic');
    const started = clock.now();

    await deliver(event);

    expect(clock.now() - started).toBeGreaterThanOrEqual(180_000);
    expect(new Set(emulator.calls('DescribeAlarms').map((call) => JSON.stringify(call.input))))
      .toEqual(new Set([JSON.stringify({ AlarmNames: ['ok-1'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'], MaxRecords: 100 })]));
    // At 0, 1, 2 and 3 minutes.
    expect(answered('DescribeAlarms')).toBe(4);
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
  });

  scenario('alarm: an alarm that goes off fails the deployment, naming it', async () => {
    const rollout = newRollout({ settings: { afterAllowTraffic: { bakeSeconds: 300, alarmNames: ['errors-2'] } }, alarms: { 'errors-2': ['OK', 'OK', 'ALARM'] } });
    const event = rollout.event('AfterAllowTraffic');

    await deliver(event);

    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Failed']);
    // The third read; a read abandoned for time on a loaded machine takes a state too.
    expect(reason()).toMatch(/^alarm errors-2 went off [12] minute\(s\) into the 5-minute bake time$/);
  });

  scenario('hand-over across invocations: a bake longer than the invocation continues in the next, one verdict', async () => {
    const rollout = newRollout({ settings: { afterAllowTraffic: { bakeSeconds: 600, alarmNames: ['ok-3'] } }, alarms: { 'ok-3': ['OK'] } });
    const event = rollout.event('AfterAllowTraffic');

    const invocations = await deliver(event, 5 * 60_000);

    // One hand-over (an Invoke abandoned for time and retried queues a copy, which finds its claim taken).
    expect(logged('handed-over')).toEqual([{ event: 'handed-over', deploymentId: rollout.deploymentId, nextInvocation: 2 }]);
    expect(new Set(emulator.calls('Invoke').map((call) => `${String(call.input.FunctionName)} ${String(call.input.InvocationType)}`))).toEqual(new Set([`${HOOK_ARN} Event`]));
    expect(invocations).toBe(1 + emulator.calls('Invoke').length);
    expect(logged('duplicate-delivery')).toHaveLength(emulator.calls('Invoke').length - 1);
    expect(emulator.logs.streams(CLAIMS_LOG_GROUP)).toEqual(expect.arrayContaining([
      `hook-executions/${event.LifecycleEventHookExecutionId}`, `hook-executions/${event.LifecycleEventHookExecutionId}/bake-2`,
    ]));
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
  });

  scenario('deployment stopped: CodeDeploy stopped it during the bake; the hook ends without a report', async () => {
    const rollout = newRollout({
      settings: { afterAllowTraffic: { bakeSeconds: 600, alarmNames: ['ok-4'] } }, alarms: { 'ok-4': ['OK'] }, statuses: ['InProgress', 'InProgress', 'InProgress', 'Stopped'],
    });
    const event = rollout.event('AfterAllowTraffic');

    await deliver(event);

    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual([]);
    expect(logged('no-report')).toEqual([{ event: 'no-report', deploymentId: rollout.deploymentId, reason: `deployment ${rollout.deploymentId} is Stopped` }]);
  });

  scenario('alarm missing: CloudWatch does not know an alarm of the bake; Failed, naming it', async () => {
    const rollout = newRollout({ settings: { afterAllowTraffic: { bakeSeconds: 300, alarmNames: ['ok-5', 'renamed-5'], keepVersions: 1 } }, alarms: { 'ok-5': ['OK'] } });
    const event = rollout.event('AfterAllowTraffic');

    await deliver(event);

    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Failed']);
    expect(reason()).toBe('alarm renamed-5 does not exist in CloudWatch 0 minute(s) into the 5-minute bake time (deleted or renamed outside the stack?): '
      + 'a bake cannot pass on an alarm it cannot read, as CodeDeploy stops a deployment whose alarms it cannot read');
    expect(emulator.calls('ListVersionsByFunction')).toEqual([]);
  });
});

describe('pruning (AfterAllowTraffic, keepVersions)', () => {
  scenario(`paged versions and aliases: three pages of versions, two of aliases; the ${MAX_PRUNED_VERSIONS_PER_RUN} oldest unprotected versions go, `
    + `${PRUNE_DELETE_INTERVAL_MS / 1000} s apart`, async () => {
    const aliases = Object.fromEntries(Array.from({ length: 59 }, (_, i) => [`pinned-${i}`, String(60 + i)]));
    const rollout = newRollout({ settings: { afterAllowTraffic: { keepVersions: 5 } }, versions: 130, current: 129, target: 130, aliases });
    const event = rollout.event('AfterAllowTraffic');

    await deliver(event);

    expect([...new Set(emulator.calls('ListVersionsByFunction').map((call) => call.input.Marker ?? null))]).toEqual([null, 'page-50', 'page-100']);
    expect([...new Set(emulator.calls('ListAliases').map((call) => call.input.Marker ?? null))]).toEqual([null, 'page-50']);
    // Protected: the newest 5 (126-130), the 59 pinned (60-118), the target and its current version;
    // of the 66 others (1-59, 119-125), the oldest MAX_PRUNED_VERSIONS_PER_RUN go in this run.
    const deletions = emulator.calls('DeleteFunction');
    expect([...new Set(deletions.map((call) => call.input.Qualifier))])
      .toEqual(Array.from({ length: MAX_PRUNED_VERSIONS_PER_RUN }, (_, i) => String(i + 1)));
    expect(emulator.lambda.versionsOf(rollout.functionName)[0]).toBe(String(MAX_PRUNED_VERSIONS_PER_RUN + 1));
    // Paced: each version's first request at least the interval after the one before (less a real
    // millisecond of the scaled clock's rounding); a retry of a lost answer only adds time.
    const seen = new Set<unknown>();
    const firsts = deletions.filter((call) => !seen.has(call.input.Qualifier) && seen.add(call.input.Qualifier)).map((call) => call.at);
    for (let i = 1; i < firsts.length; i++) {
      expect(firsts[i] - firsts[i - 1]).toBeGreaterThanOrEqual(PRUNE_DELETE_INTERVAL_MS - SCALE);
    }
    // A deletion whose answer was lost on a loaded machine is found gone by its retry, and not counted.
    expect(reason()).toBe(`kept the newest 5 version(s); deleted ${MAX_PRUNED_VERSIONS_PER_RUN - logged('prune-already-gone').length}; `
      + `${66 - MAX_PRUNED_VERSIONS_PER_RUN} left for later runs`);
  });

  scenario('weighted alias: a version an alias routes some traffic to is kept', async () => {
    const rollout = newRollout({ settings: { afterAllowTraffic: { keepVersions: 1 } }, versions: 9, current: 8, target: 9, aliases: { beta: { version: '3', weights: { 4: 0.1 } } } });
    const event = rollout.event('AfterAllowTraffic');

    await deliver(event);

    expect(emulator.lambda.versionsOf(rollout.functionName)).toEqual(['3', '4', '8', '9']);
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
  });

  scenario('conflicts: a version Lambda refuses to delete (an alias took it meanwhile) is passed over; the rest go', async () => {
    const rollout = newRollout({ settings: { afterAllowTraffic: { keepVersions: 2 } }, versions: 6, current: 5, target: 6 });
    emulator.faults.push({
      service: 'lambda',
      operation: 'DeleteFunction',
      when: { Qualifier: '2' },
      error: { code: 'ResourceConflictException', message: 'Unable to delete version because the following aliases reference it: [canary]', status: 409 },
    });
    const event = rollout.event('AfterAllowTraffic');

    await deliver(event);

    expect(emulator.lambda.versionsOf(rollout.functionName)).toEqual(['2', '5', '6']);
    expect(logged('prune-kept')).toHaveLength(1);
    expect(reason()).toBe(`kept the newest 2 version(s); deleted ${3 - logged('prune-already-gone').length}`);
  });

  scenario('throttling: throttled list and delete calls are retried, and pruning completes', async () => {
    const rollout = newRollout({ settings: { afterAllowTraffic: { keepVersions: 2 } }, versions: 5, current: 4, target: 5 });
    throttle('lambda', 'ListVersionsByFunction', 2);
    throttle('lambda', 'DeleteFunction', 1);
    const event = rollout.event('AfterAllowTraffic');

    await deliver(event);

    expect(retries()).toEqual(['ListVersionsByFunction:TooManyRequestsException', 'ListVersionsByFunction:TooManyRequestsException', 'DeleteFunction:TooManyRequestsException']);
    expect(emulator.lambda.versionsOf(rollout.functionName)).toEqual(['4', '5']);
  });

  scenario('the rollback version: keepVersions 1 keeps the version CloudFormation rolls the alias back to, and the rollback finds it', async () => {
    const rollout = newRollout({ settings: { afterAllowTraffic: { keepVersions: 1 } } });
    const forward = rollout.event('AfterAllowTraffic');

    await deliver(forward);

    expect(emulator.lambda.versionsOf(rollout.functionName)).toEqual(['6', '7']);
    // A later resource of the stack update fails: CloudFormation updates the alias back to 6, a deployment from 7 to 6.
    const rollback = emulator.world.addDeployment('Stack-LambdaApplication', `${rollout.functionName}-group`, {
      statuses: ['InProgress'],
      lambda: { appSpec: appSpecJson(rollout.functionName, '7', '6'), functionName: rollout.functionName, alias: 'live', currentVersion: '7', targetVersion: '6' },
    });
    const back = { DeploymentId: rollback, LifecycleEventHookExecutionId: emulator.world.startLifecycleEvent(rollback, 'AfterAllowTraffic') };

    await deliver(back);

    expect(reportsOf(back.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
    expect(emulator.lambda.versionsOf(rollout.functionName)).toEqual(['6', '7']);
  });

  scenario('a stalled DeleteFunction: the version went but the answer was lost; the retry finds it gone and pruning goes on', async () => {
    const rollout = newRollout({ settings: { afterAllowTraffic: { keepVersions: 2 } }, versions: 5, current: 4, target: 5 });
    emulator.faults.push({ service: 'lambda', operation: 'DeleteFunction', hold: true, handleThenHold: true });
    const event = rollout.event('AfterAllowTraffic');

    await deliver(event);

    expect(emulator.abandoned).toEqual(['lambda.DeleteFunction']);
    expect(logged('prune-already-gone').map((entry) => entry.version)).toContain('1');
    expect(emulator.lambda.versionsOf(rollout.functionName)).toEqual(['4', '5']);
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
  });
});

describe('duplicate deliveries', () => {
  scenario('after a report: the copy runs no smoke test and sends no second verdict', async () => {
    const rollout = newRollout({ settings: SMOKE });
    const event = rollout.event('BeforeAllowTraffic');

    await deliver(event);
    await deliver(event);

    expect(emulator.lambda.invocationsOf(rollout.functionName)).toHaveLength(3);
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
    expect(logged('duplicate-delivery')).toHaveLength(1);
  });

  scenario('during a bake: two deliveries at once make one bake chain and one verdict', async () => {
    const rollout = newRollout({ settings: { afterAllowTraffic: { bakeSeconds: 120, alarmNames: ['ok-6'] } }, alarms: { 'ok-6': ['OK'] } });
    const event = rollout.event('AfterAllowTraffic');

    await Promise.all([deliver(event), deliver(event)]);

    expect(logged('duplicate-delivery')).toHaveLength(1);
    // One bake: reads at 0, 1 and 2 minutes.
    expect(answered('DescribeAlarms')).toBe(3);
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
  });

  scenario('a late copy of the BeforeAllowTraffic event while AfterAllowTraffic bakes: not taken for the bake, nothing run twice', async () => {
    const rollout = newRollout({
      settings: { ...SMOKE, afterAllowTraffic: { bakeSeconds: 120, alarmNames: ['ok-7'] } }, alarms: { 'ok-7': ['OK'] },
    });
    const before = rollout.event('BeforeAllowTraffic');
    await deliver(before);
    const after = rollout.event('AfterAllowTraffic');

    await Promise.all([deliver(after), deliver(before)]);

    expect(emulator.lambda.invocationsOf(rollout.functionName)).toHaveLength(3);
    expect(answered('DescribeAlarms')).toBe(3);
    expect(reportsOf(before.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
    expect(reportsOf(after.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
  });

  scenario('a hand-over delivered twice (its Invoke answer lost and retried): one chain goes on', async () => {
    const rollout = newRollout({ settings: { afterAllowTraffic: { bakeSeconds: 480, alarmNames: ['ok-8'] } }, alarms: { 'ok-8': ['OK'] } });
    // Lambda queues the hand-over but its answer is lost: the hook retries, and the next invocation is queued twice.
    emulator.faults.push({ service: 'lambda', operation: 'Invoke', hold: true, handleThenHold: true });
    const event = rollout.event('AfterAllowTraffic');

    const invocations = await deliver(event, 5 * 60_000);

    expect(emulator.calls('Invoke').length).toBeGreaterThanOrEqual(2);
    expect(invocations).toBe(1 + emulator.calls('Invoke').length);
    expect(logged('duplicate-delivery')).toEqual(Array(emulator.calls('Invoke').length - 1).fill(expect.objectContaining({ invocation: 2 })));
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
  });
});

describe('stalled and throttled calls', () => {
  scenario('a stalled GetDeployment is abandoned after the hook\'s 10 s, its socket closed, and retried', async () => {
    const rollout = newRollout({ settings: { afterAllowTraffic: { keepVersions: 3 } } });
    emulator.faults.push({ service: 'codedeploy', operation: 'GetDeployment', hold: true });
    const event = rollout.event('AfterAllowTraffic');

    await deliver(event);

    expect(emulator.abandoned).toEqual(['codedeploy.GetDeployment']);
    expect(logged('retry')[0]).toMatchObject({ operation: 'GetDeployment', error: 'TimeoutError' });
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
  });

  scenario('a verdict whose answer was lost: the retry is refused as already reported, and CodeDeploy keeps the one verdict', async () => {
    const rollout = newRollout({ settings: { afterAllowTraffic: { keepVersions: 3 } } });
    emulator.faults.push({ service: 'codedeploy', operation: 'PutLifecycleEventHookExecutionStatus', hold: true, handleThenHold: true });
    const event = rollout.event('AfterAllowTraffic');

    await deliver(event);

    const reports = emulator.world.hookExecutions.get(event.LifecycleEventHookExecutionId)!.reports;
    expect(reports[0]).toEqual({ status: 'Succeeded', accepted: true });
    expect(reports.slice(1).every((report) => !report.accepted)).toBe(true);
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(emulator.world.verdictOf(event.LifecycleEventHookExecutionId)).toBe('Succeeded');
    expect(logged('already-over')).toHaveLength(1);
  });

  scenario('a claim whose answer was lost: the retry finds the stream and takes it for its own; served once', async () => {
    const rollout = newRollout({ settings: SMOKE });
    emulator.faults.push({ service: 'logs', operation: 'CreateLogStream', hold: true, handleThenHold: true });
    const event = rollout.event('BeforeAllowTraffic');

    await deliver(event);

    expect(logged('claim-assumed')).toHaveLength(1);
    expect(emulator.lambda.invocationsOf(rollout.functionName)).toHaveLength(3);
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
  });

  scenario('throttled SSM, CloudWatch (its query-compatible JSON error) and CodeDeploy calls are retried', async () => {
    const rollout = newRollout({ settings: { afterAllowTraffic: { bakeSeconds: 60, alarmNames: ['ok-9'] } }, alarms: { 'ok-9': ['OK'] } });
    throttle('ssm', 'GetParameter', 1);
    throttle('cloudwatch', 'DescribeAlarms', 2);
    throttle('codedeploy', 'PutLifecycleEventHookExecutionStatus', 1);
    const event = rollout.event('AfterAllowTraffic');

    await deliver(event);

    expect(retries()).toEqual([
      'GetParameter:ThrottlingException', 'DescribeAlarms:Throttling', 'DescribeAlarms:Throttling', 'PutLifecycleEventHookExecutionStatus:ThrottlingException',
    ]);
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
  });

  scenario('claims throttled past every retry: the hook serves the event anyway', async () => {
    const rollout = newRollout({ settings: { afterAllowTraffic: { keepVersions: 6 } } });
    throttle('logs', 'CreateLogStream', 6);
    const event = rollout.event('AfterAllowTraffic');

    await deliver(event);

    expect(logged('claim-failed')).toHaveLength(1);
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
  });
});

describe('AppSpecs', () => {
  scenario('JSON, as CloudFormation writes it for an alias update', async () => {
    const rollout = newRollout({ settings: { beforeAllowTraffic: { smokeTest: { payloads: ['{}'], invocations: 1 } } }, appSpec: 'json' });
    const event = rollout.event('BeforeAllowTraffic');

    await deliver(event);

    expect(emulator.lambda.invocationsOf(rollout.functionName).map((call) => call.version)).toEqual(['7']);
    expect(emulator.calls('GetApplicationRevision')).toEqual([]);
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
  });

  scenario('YAML inline, with comments after quoted values and an ARN for the name', async () => {
    const rollout = newRollout({ settings: { beforeAllowTraffic: { smokeTest: { payloads: ['{}'], invocations: 1 } } }, appSpec: 'yaml' });
    const event = rollout.event('BeforeAllowTraffic');

    await deliver(event);

    expect([...new Set(emulator.calls('GetParameter').map((call) => call.input.Name))]).toEqual([rollout.parameterName]);
    expect(emulator.lambda.invocationsOf(rollout.functionName).map((call) => call.version)).toEqual(['7']);
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
  });

  scenario('YAML in a registered revision: read with GetApplicationRevision', async () => {
    const rollout = newRollout({ settings: { beforeAllowTraffic: { smokeTest: { payloads: ['{}'], invocations: 1 } } }, appSpec: 'registered-yaml' });
    const event = rollout.event('BeforeAllowTraffic');

    await deliver(event);

    expect(answered('GetApplicationRevision')).toBe(1);
    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Succeeded']);
  });

  scenario('both lifecycle events: the hook asks CodeDeploy which one runs (the Lambda target\'s lifecycle events)', async () => {
    const rollout = newRollout({ settings: { ...SMOKE, afterAllowTraffic: { keepVersions: 2 } } });
    const before = rollout.event('BeforeAllowTraffic');
    await deliver(before);
    const after = rollout.event('AfterAllowTraffic');

    await deliver(after);

    expect(answered('BatchGetDeploymentTargets')).toBe(2);
    expect(new Set(emulator.calls('BatchGetDeploymentTargets').map((call) => JSON.stringify(call.input))))
      .toEqual(new Set([JSON.stringify({ deploymentId: rollout.deploymentId, targetIds: [`${rollout.functionName}:live`] })]));
    expect(emulator.lambda.invocationsOf(rollout.functionName)).toHaveLength(3);
    expect(emulator.lambda.versionsOf(rollout.functionName)).toEqual(['6', '7']);
  });
});

describe('bad settings', () => {
  scenario('a missing parameter: Failed, naming it', async () => {
    const rollout = newRollout({ settings: SMOKE });
    emulator.ssm.delete(rollout.parameterName);
    const event = rollout.event('BeforeAllowTraffic');

    await deliver(event);

    expect(reportsOf(event.LifecycleEventHookExecutionId)).toEqual(['Failed']);
    expect(reason()).toBe(`the traffic hook failed: Error: the settings parameter ${rollout.parameterName} does not exist (ParameterNotFound): `
      + `the hook finds a rollout's settings by the function and alias the deployment's AppSpec names (${rollout.functionName}:live), `
      + 'and no rollout of this stack writes them');
  });

  scenario('settings of another version, and settings that are not JSON: Failed, naming the parameter', async () => {
    const rollout = newRollout({ settings: SMOKE });
    emulator.ssm.put(rollout.parameterName, JSON.stringify({ version: 2 }));
    const first = rollout.event('BeforeAllowTraffic');
    await deliver(first);
    expect(reason()).toBe(`the traffic hook failed: Error: parameter ${rollout.parameterName} holds no settings of version 1`);

    const other = newRollout({ settings: SMOKE });
    emulator.ssm.put(other.parameterName, '{"version": 1, "beforeAllowTraffic": ');
    const second = other.event('BeforeAllowTraffic');
    await deliver(second);

    expect(reason()).toBe(`the traffic hook failed: Error: parameter ${other.parameterName} holds no settings of version 1`);
    expect([...reportsOf(first.LifecycleEventHookExecutionId), ...reportsOf(second.LifecycleEventHookExecutionId)]).toEqual(['Failed', 'Failed']);
  });
});

describe('the emulator itself', () => {
  scenario('the new services\' models hold their limits: MaxRecords, log stream names, Lambda qualifiers', async () => {
    expect(validate(loadApi('cloudwatch'), 'DescribeAlarms', 'input', { AlarmNames: ['a'], MaxRecords: 101 })).toEqual([
      'DescribeAlarms.input.MaxRecords: 101 is above the maximum 100',
    ]);
    expect(validate(loadApi('logs'), 'CreateLogStream', 'input', { logGroupName: '', logStreamName: 'x' })).toEqual([
      'CreateLogStream.input.logGroupName: length 0 is below the minimum 1',
    ]);
    expect(validate(loadApi('lambda'), 'DeleteFunction', 'input', { FunctionName: 'f', Qualifier: '' }, 'text')).toEqual([
      'DeleteFunction.input.Qualifier: length 0 is below the minimum 1',
    ]);
    expect(validate(loadApi('ssm'), 'GetParameter', 'input', {})).toEqual(['GetParameter.input.Name: required, missing']);
  });
});
