import type { DrivenDeployment, DrivenEvent, DrivenInstance } from './codedeploy-world';
import type { Emulator } from './emulator';
import type { LoadedStack } from './stack-loader';

/**
 * The deployments `cdk-rollouts watch` is tested on, as timelines: what CodeDeploy, CloudFormation,
 * Lambda, CloudWatch and the library's hook do, at fixed times after the scenario's start `t0`.
 * Every time the command prints comes from these fixed times, so its output is the same on every
 * run. A step may wait for the test's own action (a `promote`, a `stop`): it then happens at its
 * fixed time if the action came before, which the test makes sure of.
 *
 * Representative texts (an error message, a log line) are marked as such: the emulator cannot know
 * CodeDeploy's exact wording, and the command prints whatever it is given.
 */

export interface Step {
  /** Milliseconds after t0. */
  readonly at: number;
  readonly run: () => void;
}

export interface ScenarioContext {
  /** The account the command reads: a step changes its services' state (CodeDeploy is `emulator.world`). */
  readonly emulator: Emulator;
  readonly stack: LoadedStack;
  /** The scenario's start (virtual epoch ms). */
  readonly t0: number;
}

export interface Scenario {
  readonly stack: string;
  /** The rollout's construct path. */
  readonly rollout: string;
  readonly steps: Step[];
  /** The deployments the scenario made, in order. */
  readonly deployments: string[];
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
export const FUNCTION_VERSIONS = { current: '1', target: '2' } as const;

/**
 * Applies the steps that are due, in order, one at a time: a step waits, beyond its time, until
 * `observed()` says the watching commands have seen the state the step before made (a loaded
 * machine can stall a command for seconds, minutes of virtual time, and a state it never saw would
 * be missing from its output). The times a step writes are its own (`t0 + at`), so the output does
 * not depend on the wait. Returns whether any step is left.
 */
export class Timeline {
  private next = 0;
  private lastAppliedAt = -Infinity;
  public constructor(private readonly scenario: Scenario, private readonly t0: number, private readonly now: () => number) {}

  public advance(observed: (since: number) => boolean = () => true): boolean {
    const steps = this.scenario.steps;
    if (this.next < steps.length && this.now() - this.t0 >= steps[this.next].at && (this.next === 0 || observed(this.lastAppliedAt))) {
      this.lastAppliedAt = this.now();
      steps[this.next++].run();
    }
    return this.next < steps.length;
  }

  /** How long the next step has been due (negative: not yet), in the scenario's time. */
  public overdue(): number {
    const step = this.scenario.steps[this.next];
    return step ? this.now() - this.t0 - step.at : -Infinity;
  }
}

function group(context: ScenarioContext) {
  const found = context.stack.groups[0];
  if (!found) throw new Error(`${context.stack.stack.name} has no deployment group`);
  return found;
}

/** The AppSpec CloudFormation passes: the new version; a rollback's goes back from it to the current one. */
function lambdaAppSpec(functionName: string, rollback = false): string {
  const [current, target] = rollback ? [FUNCTION_VERSIONS.target, FUNCTION_VERSIONS.current] : [FUNCTION_VERSIONS.current, FUNCTION_VERSIONS.target];
  return JSON.stringify({
    version: 0.0,
    Resources: [{ Api: { Type: 'AWS::Lambda::Function', Properties: { Name: functionName, Alias: 'live', CurrentVersion: current, TargetVersion: target } } }],
  });
}

function lambdaEvents(): DrivenEvent[] {
  return ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'].map((name) => ({ lifecycleEventName: name, status: 'Pending' }));
}

function event(deployment: DrivenDeployment, name: string): DrivenEvent {
  const found = (deployment.lambdaTarget?.events ?? []).find((candidate) => candidate.lifecycleEventName === name);
  if (!found) throw new Error(`no event ${name}`);
  return found;
}

function functionOf(context: ScenarioContext): string {
  return context.stack.aliases[0].split(':')[0];
}

/** The alias's routing: the new version's share (0 to 1). */
function route(context: ScenarioContext, share: number): void {
  if (share >= 1) context.emulator.lambda.route(functionOf(context), 'live', FUNCTION_VERSIONS.target);
  else context.emulator.lambda.route(functionOf(context), 'live', FUNCTION_VERSIONS.current, share > 0 ? { [FUNCTION_VERSIONS.target]: share } : {});
}

/** Lambda's metrics of one minute: the alias's, and the new version's (ExecutedVersion). */
interface MinuteCounts {
  readonly newInvocations: number;
  readonly newErrors: number;
  readonly oldInvocations: number;
  readonly oldErrors: number;
}

function lambdaMinute(context: ScenarioContext, minute: number, counts: MinuteCounts): void {
  const fn = functionOf(context);
  const alias = { FunctionName: fn, Resource: `${fn}:live` };
  const set = (metric: string, dimensions: Record<string, string>, value: number) => context.emulator.cloudwatch.metric('AWS/Lambda', metric, dimensions).values.set(minute, value);
  set('Invocations', { ...alias, ExecutedVersion: FUNCTION_VERSIONS.target }, counts.newInvocations);
  set('Errors', { ...alias, ExecutedVersion: FUNCTION_VERSIONS.target }, counts.newErrors);
  set('Invocations', alias, counts.newInvocations + counts.oldInvocations);
  set('Errors', alias, counts.newErrors + counts.oldErrors);
}

/** A line as the library's hook logs it through Lambda's Node.js runtime (timestamp, request id, level, JSON). */
function hookLog(context: ScenarioContext, at: number, fields: Record<string, unknown>): void {
  const logGroup = context.stack.logGroups.find((name) => name.includes('TrafficHook'));
  if (!logGroup) throw new Error(`${context.stack.stack.name} has no traffic hook log group`);
  context.emulator.logs.log(logGroup, `${new Date(at).toISOString()}\t6f1c0e5a-e2e0-4a00-8000-000000000001\tINFO\t${JSON.stringify(fields)}`, at);
}

/** A Lambda deployment to the new version that CloudFormation's alias update starts at t0, on the group's config. */
function lambdaDeployment(context: ScenarioContext): DrivenDeployment {
  const fn = functionOf(context);
  return {
    status: 'InProgress',
    computePlatform: 'Lambda',
    deploymentConfigName: configName(context),
    createTime: context.t0 / 1000,
    appSpec: lambdaAppSpec(fn),
    lambdaTarget: { targetId: `${fn}:live`, events: lambdaEvents() },
  };
}

/** The step at which CloudFormation's update of the stack reaches `status`. */
function stackStatus(context: ScenarioContext, stack: string, at: number, status: string): Step {
  return { at, run: () => void (context.emulator.cloudformation.stack(stack).status = status) };
}

function drive(context: ScenarioContext, scenario: { deployments: string[] }, driven: DrivenDeployment, rollbackOf?: string): string {
  const { application, name } = group(context);
  const id = context.emulator.world.drive(application, name, driven, rollbackOf);
  scenario.deployments.push(id);
  return id;
}

/**
 * A canary that succeeds: the smoke test passes, 10 % for 2 minutes (the new version's errors no
 * worse than the old one's), 100 %, then the library hook's 3-minute bake, which `cdk-rollouts promote`
 * ends after its first minute (the test promotes once the bake has begun).
 */
export function canarySucceeds(context: ScenarioContext): Scenario {
  const { t0 } = context;
  const scenario: Scenario = { stack: 'Canary', rollout: 'Api', steps: [], deployments: [] };
  const fn = functionOf(context);
  let deployment!: DrivenDeployment;
  let id = '';
  const promoteParameter = () => context.emulator.ssm.names().find((name) => name.includes('/promote/'));
  scenario.steps.push(
    {
      at: 0,
      run: () => {
        deployment = lambdaDeployment(context);
        id = drive(context, scenario, deployment);
        Object.assign(event(deployment, 'BeforeAllowTraffic'), { status: 'InProgress', startTime: t0 / 1000 });
        hookLog(context, t0 + 1 * SECOND, { event: 'lifecycle-event', deploymentId: id, invocation: 1 });
      },
    },
    {
      at: 20 * SECOND,
      run: () => {
        hookLog(context, t0 + 19 * SECOND, { event: 'verdict', deploymentId: id, status: 'Succeeded', reason: `1 invocation(s) of ${fn}:2 answered as expected` });
        Object.assign(event(deployment, 'BeforeAllowTraffic'), { status: 'Succeeded', endTime: (t0 + 20 * SECOND) / 1000 });
        Object.assign(event(deployment, 'AllowTraffic'), { status: 'InProgress', startTime: (t0 + 20 * SECOND) / 1000 });
        route(context, 0.1);
        lambdaMinute(context, t0, { newInvocations: 12, newErrors: 0, oldInvocations: 108, oldErrors: 1 });
      },
    },
    {
      at: 2 * MINUTE + 20 * SECOND,
      run: () => {
        route(context, 1);
        Object.assign(event(deployment, 'AllowTraffic'), { status: 'Succeeded', endTime: (t0 + 2 * MINUTE + 20 * SECOND) / 1000 });
        Object.assign(event(deployment, 'AfterAllowTraffic'), { status: 'InProgress', startTime: (t0 + 2 * MINUTE + 20 * SECOND) / 1000 });
      },
    },
    // The hook's bake reads the alarms and the promote parameter once a minute; the test promotes
    // once the bake has begun, and this scenario's hook finds it at its check two minutes in.
    {
      at: 4 * MINUTE + 20 * SECOND,
      run: () => {
        const parameter = promoteParameter();
        if (!parameter || context.emulator.ssm.value(parameter) !== id) throw new Error('the scenario expected cdk-rollouts promote within two minutes of the bake\'s start');
        hookLog(context, t0 + 4 * MINUTE + 20 * SECOND, { event: 'promoted', deploymentId: id, parameter });
        Object.assign(event(deployment, 'AfterAllowTraffic'), { status: 'Succeeded', endTime: (t0 + 4 * MINUTE + 20 * SECOND) / 1000 });
        deployment.status = 'Succeeded';
        deployment.completeTime = (t0 + 4 * MINUTE + 20 * SECOND) / 1000;
      },
    },
    stackStatus(context, 'Canary', 4 * MINUTE + 40 * SECOND, 'UPDATE_COMPLETE'),
  );
  return scenario;
}

/**
 * The guard stops a canary: the new version fails 6 of 40 requests against the old one's 1 of
 * 360, the error-rate alarm goes off, CodeDeploy stops the deployment and rolls back, CloudFormation
 * rolls the stack back.
 */
export function alarmStops(context: ScenarioContext): Scenario {
  const { t0 } = context;
  const scenario: Scenario = { stack: 'Guarded', rollout: 'Api', steps: [], deployments: [] };
  const fn = functionOf(context);
  let deployment!: DrivenDeployment;
  scenario.steps.push(
    {
      at: 0,
      run: () => {
        deployment = lambdaDeployment(context);
        drive(context, scenario, deployment);
        Object.assign(event(deployment, 'BeforeAllowTraffic'), { status: 'Skipped' });
        Object.assign(event(deployment, 'AllowTraffic'), { status: 'InProgress', startTime: t0 / 1000 });
        route(context, 0.1);
        lambdaMinute(context, t0, { newInvocations: 40, newErrors: 6, oldInvocations: 360, oldErrors: 1 });
      },
    },
    {
      at: 1 * MINUTE + 20 * SECOND,
      run: () => {
        const alarm = group(context).alarms.find((name) => name.includes('ErrorRate'))!;
        context.emulator.cloudwatch.setAlarm(alarm, 'ALARM', 'Threshold Crossed: 1 datapoint [6.74] was greater than or equal to the threshold (4.0).', t0 + 1 * MINUTE + 20 * SECOND);
      },
    },
    {
      at: 1 * MINUTE + 50 * SECOND,
      run: () => {
        const alarm = group(context).alarms.find((name) => name.includes('ErrorRate'))!;
        deployment.status = 'Stopped';
        deployment.completeTime = (t0 + 1 * MINUTE + 50 * SECOND) / 1000;
        // Representative wording: CodeDeploy's ALARM_ACTIVE message names the alarms.
        deployment.errorInformation = { code: 'ALARM_ACTIVE', message: `One or more alarms have been activated: ${alarm}` };
        Object.assign(event(deployment, 'AllowTraffic'), { status: 'Failed', endTime: deployment.completeTime });
        const rollback: DrivenDeployment = {
          status: 'InProgress',
          computePlatform: 'Lambda',
          deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
          createTime: deployment.completeTime,
          appSpec: lambdaAppSpec(fn, true),
          lambdaTarget: { targetId: `${fn}:live`, events: lambdaEvents() },
        };
        drive(context, scenario, rollback, scenario.deployments[0]);
        scenario.steps.push(
        // CodeDeploy's rollback deployment moves the alias back.
          {
            at: 2 * MINUTE + 10 * SECOND,
            run: () => {
              route(context, 0);
              Object.assign(rollback.lambdaTarget!.events[1], { status: 'InProgress', startTime: (t0 + 2 * MINUTE + 10 * SECOND) / 1000 });
            },
          },
          {
            at: 2 * MINUTE + 30 * SECOND,
            run: () => {
              for (const e of rollback.lambdaTarget!.events) Object.assign(e, { status: e.lifecycleEventName === 'AllowTraffic' ? 'Succeeded' : 'Skipped' });
              rollback.status = 'Succeeded';
              rollback.completeTime = (t0 + 2 * MINUTE + 30 * SECOND) / 1000;
            },
          },
          stackStatus(context, 'Guarded', 2 * MINUTE + 50 * SECOND, 'UPDATE_ROLLBACK_IN_PROGRESS'),
          stackStatus(context, 'Guarded', 3 * MINUTE + 20 * SECOND, 'UPDATE_ROLLBACK_COMPLETE'),
        );
      },
    },
  );
  return scenario;
}

/** The library's smoke test fails the new version before any traffic moves. */
export function smokeTestFails(context: ScenarioContext): Scenario {
  const { t0 } = context;
  const scenario: Scenario = { stack: 'Smoke', rollout: 'Api', steps: [], deployments: [] };
  const fn = functionOf(context);
  let deployment!: DrivenDeployment;
  let id = '';
  scenario.steps.push(
    {
      at: 0,
      run: () => {
        deployment = lambdaDeployment(context);
        id = drive(context, scenario, deployment);
        Object.assign(event(deployment, 'BeforeAllowTraffic'), { status: 'InProgress', startTime: t0 / 1000 });
        hookLog(context, t0 + 1 * SECOND, { event: 'lifecycle-event', deploymentId: id, invocation: 1 });
        hookLog(context, t0 + 2 * SECOND, { event: 'serving', deploymentId: id, lifecycle: 'BeforeAllowTraffic', functionName: fn, alias: 'live', targetVersion: '2' });
      },
    },
    {
      at: 40 * SECOND,
      run: () => {
        hookLog(context, t0 + 39 * SECOND, {
          event: 'verdict',
          deploymentId: id,
          status: 'Failed',
          reason: `invocation 1 of 3 of ${fn}:2 returned a function error (Unhandled): {"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'id')"}`,
        });
        Object.assign(event(deployment, 'BeforeAllowTraffic'), { status: 'Failed', endTime: (t0 + 40 * SECOND) / 1000 });
        Object.assign(event(deployment, 'AllowTraffic'), { status: 'Skipped' });
        Object.assign(event(deployment, 'AfterAllowTraffic'), { status: 'Skipped' });
        deployment.status = 'Failed';
        deployment.completeTime = (t0 + 40 * SECOND) / 1000;
        // Representative wording of CodeDeploy's HOOK_EXECUTION_FAILURE message.
        deployment.errorInformation = { code: 'HOOK_EXECUTION_FAILURE', message: 'The deployment failed because one or more lifecycle event hooks failed.' };
      },
    },
    stackStatus(context, 'Smoke', 50 * SECOND, 'UPDATE_ROLLBACK_IN_PROGRESS'),
    stackStatus(context, 'Smoke', 1 * MINUTE + 20 * SECOND, 'UPDATE_ROLLBACK_COMPLETE'),
  );
  return scenario;
}

const SERVER_EVENTS = ['ApplicationStop', 'DownloadBundle', 'BeforeInstall', 'Install', 'AfterInstall', 'ApplicationStart', 'ValidateService'];

function serverEvents(status: DrivenEvent['status'] = 'Pending'): DrivenEvent[] {
  return SERVER_EVENTS.map((name) => ({ lifecycleEventName: name, status }));
}

/** Moves an instance to `event` (the ones before it succeeded), in progress. */
function progress(instance: DrivenInstance, eventName: string, at: number): void {
  instance.status = 'InProgress';
  for (const e of instance.events) {
    const index = SERVER_EVENTS.indexOf(e.lifecycleEventName);
    const target = SERVER_EVENTS.indexOf(eventName);
    if (index < target) Object.assign(e, { status: 'Succeeded', startTime: at / 1000, endTime: at / 1000 });
    if (index === target) Object.assign(e, { status: 'InProgress', startTime: at / 1000 });
  }
}

function succeed(instance: DrivenInstance, at: number): void {
  instance.status = 'Succeeded';
  for (const e of instance.events) Object.assign(e, { status: 'Succeeded', startTime: e.startTime ?? at / 1000, endTime: at / 1000 });
}

/** A fleet of three, one at a time: the first instance succeeds, the second fails ValidateService, CodeDeploy rolls back. */
export function fleetInstanceFails(context: ScenarioContext): Scenario {
  const { t0 } = context;
  const scenario: Scenario = { stack: 'Fleet', rollout: 'Web', steps: [], deployments: [] };
  const ids = ['i-0a1b2c3d4e5f60001', 'i-0a1b2c3d4e5f60002', 'i-0a1b2c3d4e5f60003'];
  let deployment!: DrivenDeployment;
  scenario.steps.push(
    {
      at: 0,
      run: () => {
        deployment = {
          status: 'InProgress',
          computePlatform: 'Server',
          deploymentConfigName: 'CodeDeployDefault.OneAtATime',
          createTime: t0 / 1000,
          instances: ids.map((instanceId) => ({ instanceId, status: 'Pending', events: serverEvents() })),
        };
        drive(context, scenario, deployment);
        progress(deployment.instances![0], 'Install', t0);
      },
    },
    {
      at: 30 * SECOND,
      run: () => {
        succeed(deployment.instances![0], t0 + 30 * SECOND);
        progress(deployment.instances![1], 'AfterInstall', t0 + 30 * SECOND);
      },
    },
    {
      at: 1 * MINUTE,
      run: () => {
        const failing = deployment.instances![1];
        progress(failing, 'ValidateService', t0 + 1 * MINUTE);
        failing.status = 'Failed';
        Object.assign(failing.events.find((e) => e.lifecycleEventName === 'ValidateService')!, {
          status: 'Failed',
          endTime: (t0 + 1 * MINUTE) / 1000,
          diagnostics: {
            errorCode: 'ScriptFailed',
            scriptName: 'scripts/validate.sh',
            message: 'Script at specified location: scripts/validate.sh run as user root failed with exit code 1',
            logTail: '[stdout]checking http://localhost/health\n[stderr]curl: (7) Failed to connect to localhost port 80: Connection refused\n[stderr]service did not answer within 30 s',
          },
        });
        deployment.status = 'Failed';
        deployment.completeTime = (t0 + 1 * MINUTE) / 1000;
        // Representative wording of CodeDeploy's HEALTH_CONSTRAINTS message.
        deployment.errorInformation = { code: 'HEALTH_CONSTRAINTS', message: 'The overall deployment failed because too many individual instances failed deployment' };
        const rollback: DrivenDeployment = {
          status: 'InProgress',
          computePlatform: 'Server',
          deploymentConfigName: 'CodeDeployDefault.OneAtATime',
          createTime: deployment.completeTime,
          instances: ids.map((instanceId) => ({ instanceId, status: 'Pending', events: serverEvents() })),
        };
        drive(context, scenario, rollback, scenario.deployments[0]);
        progress(rollback.instances![0], 'Install', t0 + 1 * MINUTE);
        scenario.steps.push(
          stackStatus(context, 'Fleet', 1 * MINUTE + 20 * SECOND, 'UPDATE_ROLLBACK_IN_PROGRESS'),
          {
            at: 1 * MINUTE + 40 * SECOND,
            run: () => {
              for (const instance of rollback.instances!) succeed(instance, t0 + 1 * MINUTE + 40 * SECOND);
              rollback.status = 'Succeeded';
              rollback.completeTime = (t0 + 1 * MINUTE + 40 * SECOND) / 1000;
            },
          },
          stackStatus(context, 'Fleet', 2 * MINUTE, 'UPDATE_ROLLBACK_COMPLETE'),
        );
      },
    },
  );
  return scenario;
}

/**
 * Blue/green: two replacement (green) instances are installed and the deployment waits for traffic
 * to be rerouted (status Ready) until `cdk-rollouts promote` continues it; traffic then moves and the
 * original (blue) instances are retired.
 */
export function blueGreenWaits(context: ScenarioContext): Scenario {
  const { t0 } = context;
  const scenario: Scenario = { stack: 'BlueGreen', rollout: 'Fleet', steps: [], deployments: [] };
  let deployment!: DrivenDeployment;
  let continued = false;
  const blue = ['i-0b1e000000000001', 'i-0b1e000000000002'];
  const green = ['i-06ee000000000001', 'i-06ee000000000002'];
  scenario.steps.push(
    {
      at: 0,
      run: () => {
        deployment = {
          status: 'InProgress',
          computePlatform: 'Server',
          deploymentConfigName: 'CodeDeployDefault.OneAtATime',
          createTime: t0 / 1000,
          instances: [
            ...blue.map((instanceId): DrivenInstance => ({ instanceId, status: 'Pending', label: 'Blue', events: [{ lifecycleEventName: 'BlockTraffic', status: 'Pending' }] })),
            ...green.map((instanceId): DrivenInstance => ({ instanceId, status: 'Pending', label: 'Green', events: serverEvents() })),
          ],
          onContinue: () => {
            continued = true;
          },
        };
        drive(context, scenario, deployment);
        for (const instance of deployment.instances!.slice(2)) progress(instance, 'Install', t0);
      },
    },
    {
      at: 40 * SECOND,
      run: () => {
        for (const instance of deployment.instances!.slice(2)) {
          succeed(instance, t0 + 40 * SECOND);
          instance.status = 'Ready';
        }
        deployment.status = 'Ready';
      },
    },
    // The reroute, once cdk-rollouts promote has continued the deployment.
    {
      at: 2 * MINUTE,
      run: () => {
        if (!continued) throw new Error('the scenario expected cdk-rollouts promote before 2 minutes');
        deployment.status = 'InProgress';
        for (const instance of deployment.instances!.slice(2)) instance.status = 'Succeeded';
        for (const instance of deployment.instances!.slice(0, 2)) {
          instance.status = 'InProgress';
          Object.assign(instance.events[0], { status: 'InProgress', startTime: (t0 + 2 * MINUTE) / 1000 });
        }
      },
    },
    {
      at: 2 * MINUTE + 30 * SECOND,
      run: () => {
        for (const instance of deployment.instances!.slice(0, 2)) {
          instance.status = 'Succeeded';
          Object.assign(instance.events[0], { status: 'Succeeded', endTime: (t0 + 2 * MINUTE + 30 * SECOND) / 1000 });
        }
        deployment.status = 'Succeeded';
        deployment.completeTime = (t0 + 2 * MINUTE + 30 * SECOND) / 1000;
      },
    },
    stackStatus(context, 'BlueGreen', 3 * MINUTE, 'UPDATE_COMPLETE'),
  );
  return scenario;
}

/** A canary that `cdk-rollouts stop` stops: CodeDeploy stops it and rolls back as asked. */
export function stoppedByUser(context: ScenarioContext): Scenario & { stopRequests: boolean[] } {
  const { t0 } = context;
  const scenario = { stack: 'Guarded', rollout: 'Api', steps: [] as Step[], deployments: [] as string[], stopRequests: [] as boolean[] };
  let deployment!: DrivenDeployment;
  scenario.steps.push(
    {
      at: 0,
      run: () => {
        deployment = {
          ...lambdaDeployment(context),
          onStop: (rollback) => {
            scenario.stopRequests.push(rollback);
          },
        };
        drive(context, scenario, deployment);
        Object.assign(event(deployment, 'BeforeAllowTraffic'), { status: 'Skipped' });
        Object.assign(event(deployment, 'AllowTraffic'), { status: 'InProgress', startTime: t0 / 1000 });
        route(context, 0.1);
      },
    },
    {
      at: 1 * MINUTE + 30 * SECOND,
      run: () => {
        if (scenario.stopRequests.length === 0) throw new Error('the scenario expected cdk-rollouts stop before 1.5 minutes');
        deployment.status = 'Stopped';
        deployment.completeTime = (t0 + 1 * MINUTE + 30 * SECOND) / 1000;
        deployment.errorInformation = { code: 'MANUAL_STOP', message: 'The deployment was stopped by the user.' };
        Object.assign(event(deployment, 'AllowTraffic'), { status: 'Failed', endTime: deployment.completeTime });
        route(context, 0);
        context.emulator.cloudformation.stack('Guarded').status = 'UPDATE_ROLLBACK_IN_PROGRESS';
      },
    },
    stackStatus(context, 'Guarded', 2 * MINUTE, 'UPDATE_ROLLBACK_COMPLETE'),
  );
  return scenario;
}

/** The Lambda deployment group's config: the custom one the stack created, or CodeDeploy's predefined one. */
function configName(context: ScenarioContext): string {
  const { application, name } = group(context);
  const info = context.emulator.world.groups.get(`${application}/${name}`)?.info;
  return String(info?.deploymentConfigName ?? 'CodeDeployDefault.LambdaCanary10Percent5Minutes');
}
