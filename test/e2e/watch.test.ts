import * as fs from 'fs';
import * as os from 'os';
import { CliRun, frames, runCli, stripColors } from './support/cli-process';
import { Harness, harness as watchHarness, RunOptions, runScenario, ScenarioRun } from './support/watch-harness';
import {
  alarmStops, blueGreenWaits, canarySucceeds, fleetInstanceFails, Scenario, ScenarioContext, smokeTestFails, stoppedByUser,
} from './support/watch-scenarios';
import { watchStacks } from './support/watch-stacks';
import type { Template } from '../iam/template-world';

/**
 * `cdk-rollouts watch` end to end: the bundled command (as package.json's bin runs it) against the
 * loopback emulator, which answers CloudFormation, CodeDeploy, Lambda, CloudWatch, CloudWatch Logs
 * and SSM from stacks synthesized with the library, validating every request against AWS's models.
 * Each scenario runs the command twice at once: in a pseudo-terminal (frames) and without one
 * (plain lines), plus `--json` where stated. Time runs `SCALE` times faster for the command and the
 * scenario alike (CDK_ROLLOUTS_CLOCK), so a five-minute deployment takes fifteen seconds.
 */

let templates: Record<string, Template>;
const reports: string[] = [];

beforeAll(() => {
  templates = watchStacks();
});

afterAll(() => {
  process.stdout.write(`${reports.join('\n')}\n`);
});

/** A scenario in a terminal and without one, on the stack of the same name. */
function run(stackName: string, build: (context: ScenarioContext) => Scenario, options: RunOptions = {}): Promise<ScenarioRun> {
  return runScenario(stackName, templates[stackName], build, { terminal: true, ...options });
}

async function harness(stackName: string): Promise<Harness> {
  return watchHarness(stackName, templates[stackName]);
}

/** What every run must hold: no request that broke AWS's models, no escape code without a terminal. */
function expectClean(result: ScenarioRun): void {
  expect(result.harness.emulator.takeViolations()).toEqual([]);
  expect(result.plain.output).not.toMatch(/\u001b/);
  expect(result.plain.stderr).toBe('');
  expect(result.terminal!.code).toBe(result.plain.code);
}

/** The terminal's frames: each no wider than the terminal, coloured, the cursor hidden while drawing and shown at the end. */
function terminalFrames(result: ScenarioRun): string[][] {
  const drawn = frames(result.terminal!.output);
  expect(drawn.length).toBeGreaterThan(3);
  // The verdicts and diagnoses after the last frame are never cut.
  expect(drawn.slice(0, -1).flat().filter((line) => line.length > 120)).toEqual([]);
  expect(result.terminal!.output).toMatch(/\u001b\[3[123]m/);
  expect(result.terminal!.output.startsWith('\u001b[?25l')).toBe(true);
  expect(result.terminal!.output).toContain('\u001b[?25h');
  return drawn;
}

/** Lines, as a test writes them. */
function lines(text: string): string {
  return `${text.replace(/^\n/, '').split('\n').map((line) => line.replace(/^ {4}/, '')).join('\n').trimEnd()}\n`;
}

/**
 * Docs blocks `<!-- watch:<name> -->` followed by a text fence in docs/watch.md hold captured runs;
 * a run that no longer matches its block fails, and WRITE_WATCH_DOCS=1 rewrites the block (a
 * deliberate update, like a snapshot's).
 */
function expectDocsBlock(name: string, captured: string, normalize: (text: string) => string = (text) => text): void {
  const file = `${__dirname}/../../docs/watch.md`;
  const docs = fs.readFileSync(file, 'utf8');
  const pattern = new RegExp(`(<!-- watch:${name} -->\\n\`\`\`text\\n)([\\s\\S]*?)(\`\`\`)`);
  const match = pattern.exec(docs);
  if (!match) throw new Error(`docs/watch.md has no block <!-- watch:${name} -->`);
  if (process.env.WRITE_WATCH_DOCS === '1') {
    fs.writeFileSync(file, docs.replace(pattern, (_m, open: string, _old: string, close: string) => `${open}${captured}${close}`));
    return;
  }
  expect(normalize(match[2])).toBe(normalize(captured));
}

/** A frame with its clock times and durations masked: they depend on when the poll that drew it ran. */
function maskTimes(text: string): string {
  return text.replace(/\d\d:\d\d:\d\dZ/g, 'HH:MM:SSZ').replace(/\b(\d+h)?(\d+m)?\d+s\b/g, 'Ns');
}

/** The plain command's calls per virtual minute between two times. */
function callsPerMinute(result: ScenarioRun, from: number, to: number): { total: number; perMinute: number; operations: Record<string, number> } {
  const calls = result.harness.emulator.requests.filter((request) => request.userAgent.includes('app/plain') && request.at >= from && request.at < to);
  const operations: Record<string, number> = {};
  for (const call of calls) operations[call.operation] = (operations[call.operation] ?? 0) + 1;
  return { total: calls.length, perMinute: calls.length / ((to - from) / 60_000), operations };
}

const MINUTE = 60_000;

/** What the command prints while the guard stops a canary (`alarmStops`), as docs/watch.md shows it. */
const ALARM_STOP_OUTPUT = lines(`
    Guarded: stack UPDATE_IN_PROGRESS
    Guarded/Api: Lambda rollout, deployment group Guarded-ApiDeploymentGroupC5BA42E8
    Guarded/Api d-E2E000001: InProgress, canary 10%, then 100% after 5 min
    Guarded/Api d-E2E000001: traffic 10% on version 2 of Guarded-Fn9270CBC0:live (shift 1 of 2, next at 12:07:00Z)
    Guarded/Api d-E2E000001: BeforeAllowTraffic Skipped
    Guarded/Api d-E2E000001: AllowTraffic InProgress
    Guarded/Api d-E2E000001: AfterAllowTraffic Pending
    Guarded/Api d-E2E000001: guard (5m00s period): new 0/0, old 0/0, z - (alarm at 4)
    Guarded/Api: alarm Guarded-ApiNewVersionErrorRateAlarm376017FF OK
    Guarded/Api d-E2E000001: guard (5m00s period): new 6/40 (15%), old 1/360 (0.3%), +14.7 pp, z 6.74 (alarm at 4)
    Guarded/Api: alarm Guarded-ApiNewVersionErrorRateAlarm376017FF ALARM
    Guarded/Api d-E2E000001: Stopped, canary 10%, then 100% after 5 min: ALARM_ACTIVE (One or more alarms have been activated: Guarded-ApiNewVersionErrorRateAlarm376017FF)
    Guarded/Api d-E2E000001: traffic 10% on version 2 of Guarded-Fn9270CBC0:live (shift 1 of 2)
    Guarded/Api d-E2E000001: AllowTraffic Failed
    Guarded/Api d-E2E000002: InProgress (CodeDeploy's rollback of d-E2E000001), all at once
    Guarded/Api d-E2E000002: traffic 90% on version 1 of Guarded-Fn9270CBC0:live
    Guarded/Api d-E2E000002: BeforeAllowTraffic Pending
    Guarded/Api d-E2E000002: AllowTraffic Pending
    Guarded/Api d-E2E000002: AfterAllowTraffic Pending
    Guarded/Api d-E2E000002: traffic 100% on version 1 of Guarded-Fn9270CBC0:live (shift 1 of 1)
    Guarded/Api d-E2E000002: AllowTraffic InProgress
    Guarded/Api d-E2E000002: Succeeded (CodeDeploy's rollback of d-E2E000001), all at once
    Guarded/Api d-E2E000002: BeforeAllowTraffic Skipped
    Guarded/Api d-E2E000002: AllowTraffic Succeeded
    Guarded/Api d-E2E000002: AfterAllowTraffic Skipped
    Guarded: stack UPDATE_ROLLBACK_IN_PROGRESS
    Guarded: stack UPDATE_ROLLBACK_COMPLETE
    Guarded/Api: FAILED d-E2E000001 Stopped by alarm Guarded-ApiNewVersionErrorRateAlarm376017FF after 1m50s; rolled back by d-E2E000002 (Succeeded)
    Guarded: FAILED, the stack ended UPDATE_ROLLBACK_COMPLETE
    Diagnosis of Guarded/Api: d-E2E000001 Stopped: stopped by alarm Guarded-ApiNewVersionErrorRateAlarm376017FF
      alarm Guarded-ApiNewVersionErrorRateAlarm376017FF (alarm when >= 4): ALARM at 12:03:20Z
        Threshold Crossed: 1 datapoint [6.74] was greater than or equal to the threshold (4.0).
        its value as it evaluated, each minute:
        11:59:00Z   no data
        12:00:00Z   no data
        12:01:00Z   no data
        12:02:00Z   no data
        12:03:00Z      6.74 !  new 6/40 (15%), old 1/360 (0.3%)
        12:04:00Z      6.74 !  new 6/40 (15%), old 1/360 (0.3%)
      console:
        deployment: https://us-east-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-E2E000001?region=us-east-1
        alarm Guarded-ApiNewVersionErrorRateAlarm376017FF: https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/Guarded-ApiNewVersionErrorRateAlarm376017FF
`);

describe('cdk-rollouts watch', () => {
  test('a canary that succeeds: the smoke test, the shift, the guard\'s evidence, the bake, which promote ends; exit 0', async () => {
    let promote: Promise<CliRun> | undefined;
    const result = await run('Canary', canarySucceeds, {
      json: true,
      act: (h, scenario) => {
        const id = scenario.deployments[0];
        const after = id ? h.emulator.world.deployments.get(id)?.driven?.lambdaTarget?.events.find((e) => e.lifecycleEventName === 'AfterAllowTraffic') : undefined;
        if (promote || after?.status !== 'InProgress') return undefined;
        promote = runCli(['promote', '--stack', 'Canary', 'Api'], { ...h.env, AWS_SDK_UA_APP_ID: 'promote' }).done;
        return promote;
      },
    });
    expectClean(result);
    expect(result.plain.code).toBe(0);
    expect(result.plain.output).toBe(lines(`
    Canary: stack UPDATE_IN_PROGRESS
    Canary/Api: Lambda rollout, deployment group Canary-ApiDeploymentGroupC5BA42E8
    Canary/Api d-E2E000001: InProgress, canary 10%, then 100% after 2 min
    Canary/Api d-E2E000001: traffic 0% on version 2 of Canary-Fn9270CBC0:live
    Canary/Api d-E2E000001: BeforeAllowTraffic InProgress (smoke test)
    Canary/Api d-E2E000001: AllowTraffic Pending
    Canary/Api d-E2E000001: AfterAllowTraffic Pending
    Canary/Api: alarm Canary-ApiNewVersionErrorRateAlarm376017FF OK
    Canary/Api d-E2E000001: traffic 10% on version 2 of Canary-Fn9270CBC0:live (shift 1 of 2, next at 12:04:20Z)
    Canary/Api d-E2E000001: BeforeAllowTraffic Succeeded
    Canary/Api d-E2E000001: AllowTraffic InProgress
    Canary/Api d-E2E000001: guard (5m00s period): new 0/0, old 0/0, z - (alarm at 4)
    Canary/Api d-E2E000001: guard (5m00s period): new 0/12 (0%), old 1/108 (0.9%), -0.9 pp, z 0.00 (alarm at 4)
    Canary/Api d-E2E000001: traffic 100% on version 2 of Canary-Fn9270CBC0:live (shift 2 of 2)
    Canary/Api d-E2E000001: AllowTraffic Succeeded
    Canary/Api d-E2E000001: AfterAllowTraffic InProgress (bake until 12:07:20Z)
    Canary/Api d-E2E000001: Succeeded, canary 10%, then 100% after 2 min
    Canary/Api d-E2E000001: AfterAllowTraffic Succeeded
    Canary: stack UPDATE_COMPLETE
    Canary/Api: SUCCEEDED d-E2E000001 in 4m20s
    `));

    // promote said what it did, and did it: the deployment's id in the promote parameter, which the hook reads.
    const [promoted] = result.actions;
    expect(promoted.code).toBe(0);
    expect(promoted.output).toBe('Canary/Api: wrote deployment d-E2E000001 to parameter /cdk-codedeploy-rollouts/traffic-hook/Canary/promote/Canary-Fn9270CBC0/live; '
      + 'the library\'s hook ends the bake at its next alarm check (within a minute) and reports AfterAllowTraffic as succeeded, unless an alarm is in ALARM then.\n');
    expect(result.harness.emulator.ssm.value('/cdk-codedeploy-rollouts/traffic-hook/Canary/promote/Canary-Fn9270CBC0/live')).toBe('d-E2E000001');

    // The terminal: frames redrawn in place, with the traffic bar, the countdown to the next shift and the bake's time left.
    const drawn = terminalFrames(result);
    const shifting = drawn.find((frame) => frame.some((line) => /next shift in/.test(line)))!;
    expect(shifting).toEqual([
      expect.stringMatching(/^cdk-rollouts watch {2}12:0[2-4]:\d\dZ {2}Canary UPDATE_IN_PROGRESS$/),
      'Canary/Api',
      expect.stringMatching(/^ {2}d-E2E000001 InProgress {2}canary 10%, then 100% after 2 min (\d+m)?\d+s$/),
      expect.stringMatching(/^ {2}traffic {2}██░{22} {4}10% on v2 \(from v1\) {2}next shift in \d+m\d\ds$/),
      '  hooks    BeforeAllowTraffic Succeeded  AllowTraffic InProgress  AfterAllowTraffic Pending',
      expect.stringMatching(/^ {2}guard {4}new 0\/(0|12).*\(alarm at 4\)$/),
      '  alarms   Canary-ApiNewVersionErrorRateAlarm376017FF OK',
    ]);
    expect(drawn.flat()).toEqual(expect.arrayContaining([expect.stringMatching(/^ {2}hooks {4}.*AfterAllowTraffic InProgress bake \d+m\d\ds left$/)]));
    expect(drawn[drawn.length - 1].slice(-1)).toEqual(['Canary/Api: SUCCEEDED d-E2E000001 in 4m20s']);

    // --json: one event per line, the same facts as data.
    const events = result.json!.output.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(result.json!.code).toBe(0);
    expect([...new Set(events.map((event) => event.type))]).toEqual(['stack', 'rollout', 'deployment', 'traffic', 'lifecycle-event', 'alarm', 'evidence', 'verdict', 'end']);
    expect(events).toContainEqual(expect.objectContaining({
      type: 'evidence',
      rollout: 'Canary/Api',
      deploymentId: 'd-E2E000001',
      alarm: 'Canary-ApiNewVersionErrorRateAlarm376017FF',
      periodSeconds: 300,
      newRequests: 12,
      newFailures: 0,
      oldRequests: 108,
      oldFailures: 1,
      z: 0,
      threshold: 4,
    }));
    expect(events[events.length - 1]).toEqual({ time: expect.any(String), type: 'end', exitCode: 0 });

    // The call budget while traffic shifts: per poll (5 s) DescribeStacks, GetDeployment, GetAlias,
    // BatchGetDeploymentTargets and DescribeAlarms; GetMetricData once a minute.
    const budget = callsPerMinute(result, result.t0 + 30_000, result.t0 + 2 * MINUTE + 20_000);
    reports.push(`cdk-rollouts watch: ${budget.perMinute.toFixed(1)} calls per minute while a Lambda deployment shifts traffic (${JSON.stringify(budget.operations)} over ${((2 * MINUTE - 10_000) / MINUTE).toFixed(2)} minutes)`);
    expect(budget.perMinute).toBeLessThanOrEqual(62);
    expect(Object.keys(budget.operations).sort()).toEqual(['BatchGetDeploymentTargets', 'DescribeAlarms', 'DescribeStacks', 'GetAlias', 'GetDeployment', 'GetMetricData']);
    expectDocsBlock('terminal-frame', `${shifting.join('\n')}\n`, maskTimes);
  }, 180_000);

  test('the guard stops a canary: the alarm, its datapoints, CodeDeploy\'s rollback, the stack\'s rollback; exit 1', async () => {
    const result = await run('Guarded', alarmStops);
    expectClean(result);
    expect(result.plain.code).toBe(1);
    const captured = ALARM_STOP_OUTPUT;
    expect(result.plain.output).toBe(captured);
    expectDocsBlock('alarm-stop', captured);
    const drawn = terminalFrames(result);
    expect(drawn.flat()).toEqual(expect.arrayContaining([
      '  alarms   Guarded-ApiNewVersionErrorRateAlarm376017FF ALARM',
      '  guard    new 6/40 (15%), old 1/360 (0.3%), +14.7 pp, z 6.74 (alarm at 4)',
      expect.stringMatching(/^ {2}d-E2E000002 (InProgress|Succeeded) {2}rollback of d-E2E000001 \d+s$/),
    ]));
    // The verdicts and the diagnosis follow the last frame, as in the plain output.
    expect(stripColors(result.terminal!.output).replace(/\r\n/g, '\n')).toContain(captured.slice(captured.indexOf('Guarded/Api: FAILED')));
  }, 180_000);

  test('a change between the calls of one poll (the deployment stopped after its targets were read) prints as one between polls', async () => {
    const result = await run('Guarded', alarmStops, { changesBefore: 'GetDeployment' });
    expectClean(result);
    expect(result.plain.code).toBe(1);
    expect(result.plain.output).toBe(ALARM_STOP_OUTPUT);
  }, 180_000);

  test('a failed smoke test: the hook\'s log lines of the deployment; exit 1', async () => {
    const result = await run('Smoke', smokeTestFails);
    expectClean(result);
    expect(result.plain.code).toBe(1);
    expect(result.plain.output).toBe(lines(`
    Smoke: stack UPDATE_IN_PROGRESS
    Smoke/Api: Lambda rollout, deployment group Smoke-ApiDeploymentGroupC5BA42E8
    Smoke/Api d-E2E000001: InProgress, canary 10%, then 100% after 5 min
    Smoke/Api d-E2E000001: traffic 0% on version 2 of Smoke-Fn9270CBC0:live
    Smoke/Api d-E2E000001: BeforeAllowTraffic InProgress (smoke test)
    Smoke/Api d-E2E000001: AllowTraffic Pending
    Smoke/Api d-E2E000001: AfterAllowTraffic Pending
    Smoke/Api: alarm Smoke-ApiNewVersionErrorRateAlarm376017FF OK
    Smoke/Api d-E2E000001: Failed, canary 10%, then 100% after 5 min: HOOK_EXECUTION_FAILURE (The deployment failed because one or more lifecycle event hooks failed.)
    Smoke/Api d-E2E000001: BeforeAllowTraffic Failed
    Smoke/Api d-E2E000001: AllowTraffic Skipped
    Smoke/Api d-E2E000001: AfterAllowTraffic Skipped
    Smoke: stack UPDATE_ROLLBACK_IN_PROGRESS
    Smoke: stack UPDATE_ROLLBACK_COMPLETE
    Smoke/Api: FAILED d-E2E000001 Failed (HOOK_EXECUTION_FAILURE) after 40s
    Smoke: FAILED, the stack ended UPDATE_ROLLBACK_COMPLETE
    Diagnosis of Smoke/Api: d-E2E000001 Failed: the library's hook failed it: invocation 1 of 3 of Smoke-Fn9270CBC0:2 returned a function error (Unhandled): {"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'id')"}
      hook log Smoke-TrafficHookLogsF54D3FCA:
        2026-01-01T12:02:01.000Z\t6f1c0e5a-e2e0-4a00-8000-000000000001\tINFO\t{"event":"lifecycle-event","deploymentId":"d-E2E000001","invocation":1}
        2026-01-01T12:02:02.000Z\t6f1c0e5a-e2e0-4a00-8000-000000000001\tINFO\t{"event":"serving","deploymentId":"d-E2E000001","lifecycle":"BeforeAllowTraffic","functionName":"Smoke-Fn9270CBC0","alias":"live","targetVersion":"2"}
        2026-01-01T12:02:39.000Z\t6f1c0e5a-e2e0-4a00-8000-000000000001\tINFO\t{"event":"verdict","deploymentId":"d-E2E000001","status":"Failed","reason":"invocation 1 of 3 of Smoke-Fn9270CBC0:2 returned a function error (Unhandled): {\\"errorType\\":\\"TypeError\\",\\"errorMessage\\":\\"Cannot read properties of undefined (reading 'id')\\"}"}
      console:
        deployment: https://us-east-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-E2E000001?region=us-east-1
        hook log: https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/Smoke-TrafficHookLogsF54D3FCA
    `));
    expect(terminalFrames(result).flat()).toEqual(expect.arrayContaining([
      '  hooks    BeforeAllowTraffic InProgress smoke test  AllowTraffic Pending  AfterAllowTraffic Pending',
      '  hooks    BeforeAllowTraffic Failed  AllowTraffic Skipped  AfterAllowTraffic Skipped',
    ]));
  }, 180_000);

  test('a fleet with a failing instance: each instance\'s lifecycle events, healthy hosts against the minimum, the script\'s log tail; exit 1', async () => {
    const result = await run('Fleet', fleetInstanceFails);
    expectClean(result);
    expect(result.plain.code).toBe(1);
    expect(result.plain.output).toBe(lines(`
    Fleet: stack UPDATE_IN_PROGRESS
    Fleet/Web: server rollout, deployment group Fleet-WebDeploymentGroupD9A4A711
    Fleet/Web d-E2E000001: InProgress, CodeDeployDefault.OneAtATime
    Fleet/Web d-E2E000001: 0 of 3 instances done, healthy 2 of 3 (minimum 2, all but one)
    Fleet/Web d-E2E000001: instance i-0a1b2c3d4e5f60001 InProgress, Install InProgress
    Fleet/Web d-E2E000001: instance i-0a1b2c3d4e5f60002 Pending
    Fleet/Web d-E2E000001: instance i-0a1b2c3d4e5f60003 Pending
    Fleet/Web d-E2E000001: 1 of 3 instances done, healthy 2 of 3 (minimum 2, all but one)
    Fleet/Web d-E2E000001: instance i-0a1b2c3d4e5f60001 Succeeded, ValidateService Succeeded
    Fleet/Web d-E2E000001: instance i-0a1b2c3d4e5f60002 InProgress, AfterInstall InProgress
    Fleet/Web d-E2E000001: Failed, CodeDeployDefault.OneAtATime: HEALTH_CONSTRAINTS (The overall deployment failed because too many individual instances failed deployment)
    Fleet/Web d-E2E000001: 2 of 3 instances done, healthy 2 of 3 (minimum 2, all but one)
    Fleet/Web d-E2E000001: instance i-0a1b2c3d4e5f60002 Failed, ValidateService Failed
    Fleet/Web d-E2E000002: InProgress (CodeDeploy's rollback of d-E2E000001), CodeDeployDefault.OneAtATime
    Fleet/Web d-E2E000002: 0 of 3 instances done, healthy 2 of 3 (minimum 2, all but one)
    Fleet/Web d-E2E000002: instance i-0a1b2c3d4e5f60001 InProgress, Install InProgress
    Fleet/Web d-E2E000002: instance i-0a1b2c3d4e5f60002 Pending
    Fleet/Web d-E2E000002: instance i-0a1b2c3d4e5f60003 Pending
    Fleet: stack UPDATE_ROLLBACK_IN_PROGRESS
    Fleet/Web d-E2E000002: Succeeded (CodeDeploy's rollback of d-E2E000001), CodeDeployDefault.OneAtATime
    Fleet/Web d-E2E000002: 3 of 3 instances done, healthy 3 of 3 (minimum 2, all but one)
    Fleet/Web d-E2E000002: instance i-0a1b2c3d4e5f60001 Succeeded, ValidateService Succeeded
    Fleet/Web d-E2E000002: instance i-0a1b2c3d4e5f60002 Succeeded, ValidateService Succeeded
    Fleet/Web d-E2E000002: instance i-0a1b2c3d4e5f60003 Succeeded, ValidateService Succeeded
    Fleet: stack UPDATE_ROLLBACK_COMPLETE
    Fleet/Web: FAILED d-E2E000001 Failed (HEALTH_CONSTRAINTS) after 1m00s; rolled back by d-E2E000002 (Succeeded)
    Fleet: FAILED, the stack ended UPDATE_ROLLBACK_COMPLETE
    Diagnosis of Fleet/Web: d-E2E000001 Failed: instance i-0a1b2c3d4e5f60002 failed in ValidateService (script scripts/validate.sh)
      instance i-0a1b2c3d4e5f60002: ValidateService failed, script scripts/validate.sh, ScriptFailed: Script at specified location: scripts/validate.sh run as user root failed with exit code 1
        log tail:
          [stdout]checking http://localhost/health
          [stderr]curl: (7) Failed to connect to localhost port 80: Connection refused
          [stderr]service did not answer within 30 s
      console:
        deployment: https://us-east-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-E2E000001?region=us-east-1
    `));
    expect(terminalFrames(result).flat()).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ {2}hosts {4}█{8}░{16} {2}33\.3% {2}healthy 2 of 3 \(minimum 2, all but one\)$/),
      '    i-0a1b2c3d4e5f60002 InProgress  AfterInstall InProgress',
    ]));
    // The call budget while the fleet deploys: per poll (5 s) DescribeStacks, GetDeployment and one
    // BatchGetDeploymentTargets. The calls that attach to the deployment come once, whenever the
    // command attached (on a loaded machine, inside this window): counted apart.
    const budget = callsPerMinute(result, result.t0 + 5_000, result.t0 + 55_000);
    const attach = ['ListDeployments', 'GetDeploymentGroup', 'GetDeploymentConfig', 'ListDeploymentTargets'];
    const attachCalls = attach.reduce((sum, operation) => sum + (budget.operations[operation] ?? 0), 0);
    const pollsPerMinute = (budget.total - attachCalls) / (50_000 / MINUTE);
    reports.push(`cdk-rollouts watch: ${pollsPerMinute.toFixed(1)} calls per minute while a server deployment of 3 instances runs, `
      + `and ${attachCalls} to attach to it (${JSON.stringify(budget.operations)})`);
    expect(pollsPerMinute).toBeLessThanOrEqual(38);
    for (const operation of attach) expect(budget.operations[operation] ?? 0).toBeLessThanOrEqual(1);
    expect(Object.keys(budget.operations).filter((operation) => !attach.includes(operation)).sort())
      .toEqual(['BatchGetDeploymentTargets', 'DescribeStacks', 'GetDeployment']);
  }, 180_000);

  test('blue/green waiting for traffic: promote reroutes it with ContinueDeployment; exit 0', async () => {
    let promote: Promise<CliRun> | undefined;
    const result = await run('BlueGreen', blueGreenWaits, {
      act: (h, scenario) => {
        const id = scenario.deployments[0];
        if (promote || !id || h.emulator.world.deployments.get(id)?.driven?.status !== 'Ready') return undefined;
        promote = runCli(['promote', '--stack', 'BlueGreen', 'Fleet'], { ...h.env, AWS_SDK_UA_APP_ID: 'promote' }).done;
        return promote;
      },
    });
    expectClean(result);
    expect(result.plain.code).toBe(0);
    expect(result.plain.output).toBe(lines(`
    BlueGreen: stack UPDATE_IN_PROGRESS
    BlueGreen/Fleet: blue/green server rollout, deployment group BlueGreen-Fleet-3A03F7CD
    BlueGreen/Fleet d-E2E000001: InProgress, CodeDeployDefault.OneAtATime
    BlueGreen/Fleet d-E2E000001: 0 of 4 instances done, replacement healthy 0 of 2 (minimum 1, all but one)
    BlueGreen/Fleet d-E2E000001: instance i-0b1e000000000001 (Blue) Pending
    BlueGreen/Fleet d-E2E000001: instance i-0b1e000000000002 (Blue) Pending
    BlueGreen/Fleet d-E2E000001: instance i-06ee000000000001 (Green) InProgress, Install InProgress
    BlueGreen/Fleet d-E2E000001: instance i-06ee000000000002 (Green) InProgress, Install InProgress
    BlueGreen/Fleet d-E2E000001: Ready, CodeDeployDefault.OneAtATime
    BlueGreen/Fleet d-E2E000001: 0 of 4 instances done, replacement healthy 2 of 2 (minimum 1, all but one)
    BlueGreen/Fleet d-E2E000001: instance i-06ee000000000001 (Green) Ready, ValidateService Succeeded
    BlueGreen/Fleet d-E2E000001: instance i-06ee000000000002 (Green) Ready, ValidateService Succeeded
    BlueGreen/Fleet d-E2E000001: the replacement instances are ready and wait for traffic: cdk-rollouts promote reroutes it now
    BlueGreen/Fleet d-E2E000001: InProgress, CodeDeployDefault.OneAtATime
    BlueGreen/Fleet d-E2E000001: 2 of 4 instances done, replacement healthy 2 of 2 (minimum 1, all but one)
    BlueGreen/Fleet d-E2E000001: instance i-0b1e000000000001 (Blue) InProgress, BlockTraffic InProgress
    BlueGreen/Fleet d-E2E000001: instance i-0b1e000000000002 (Blue) InProgress, BlockTraffic InProgress
    BlueGreen/Fleet d-E2E000001: instance i-06ee000000000001 (Green) Succeeded, ValidateService Succeeded
    BlueGreen/Fleet d-E2E000001: instance i-06ee000000000002 (Green) Succeeded, ValidateService Succeeded
    BlueGreen/Fleet d-E2E000001: Succeeded, CodeDeployDefault.OneAtATime
    BlueGreen/Fleet d-E2E000001: 4 of 4 instances done, replacement healthy 2 of 2 (minimum 1, all but one)
    BlueGreen/Fleet d-E2E000001: instance i-0b1e000000000001 (Blue) Succeeded, BlockTraffic Succeeded
    BlueGreen/Fleet d-E2E000001: instance i-0b1e000000000002 (Blue) Succeeded, BlockTraffic Succeeded
    BlueGreen: stack UPDATE_COMPLETE
    BlueGreen/Fleet: SUCCEEDED d-E2E000001 in 2m30s
    `));
    expect(result.actions.map((action) => [action.code, action.output])).toEqual([[0,
      'BlueGreen/Fleet: told CodeDeploy to reroute traffic of deployment d-E2E000001 to the replacement instances now (ContinueDeployment, READY_WAIT).\n']]);
    expect(result.harness.emulator.calls('ContinueDeployment').map((call) => call.input)).toEqual([{ deploymentId: 'd-E2E000001', deploymentWaitType: 'READY_WAIT' }]);
    expect(terminalFrames(result).flat()).toEqual(expect.arrayContaining(['  ready: waiting for traffic to be rerouted (cdk-rollouts promote reroutes it now)']));
  }, 180_000);

  test('stop: StopDeployment with rollback, what it did, and the watch\'s verdict; exit 1', async () => {
    let stop: Promise<CliRun> | undefined;
    const result = await run('Guarded', stoppedByUser, {
      act: (h, scenario) => {
        if (stop || !scenario.deployments[0]) return undefined;
        stop = runCli(['stop', '--stack', 'Guarded', 'Api'], { ...h.env, AWS_SDK_UA_APP_ID: 'stop' }).done;
        return stop;
      },
    });
    expectClean(result);
    expect(result.plain.code).toBe(1);
    expect(result.actions.map((action) => [action.code, action.output])).toEqual([[0,
      'Guarded/Api: asked CodeDeploy to stop deployment d-E2E000001 (InProgress) with rollback; StopDeployment answered Pending: Stop deployment request is pending. '
      + 'CloudFormation fails the alias update that started it and rolls the stack back.\n']]);
    expect(result.harness.emulator.calls('StopDeployment').map((call) => call.input)).toEqual([{ deploymentId: 'd-E2E000001', autoRollbackEnabled: true }]);
    expect(result.plain.output.split('\n').slice(-6).join('\n')).toBe(lines(`
    Guarded/Api: FAILED d-E2E000001 Stopped (MANUAL_STOP) after 1m30s
    Guarded: FAILED, the stack ended UPDATE_ROLLBACK_COMPLETE
    Diagnosis of Guarded/Api: d-E2E000001 Stopped: MANUAL_STOP: The deployment was stopped by the user.
      console:
        deployment: https://us-east-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-E2E000001?region=us-east-1
    `));
  }, 180_000);

  test('throttled: the command polls less often, says so, and still reaches the verdict', async () => {
    const result = await run('Fleet', fleetInstanceFails, {
      prepare: (h) => h.emulator.faults.push({
        service: 'codedeploy', operation: 'GetDeployment', times: 6, userAgentIncludes: 'app/plain', error: { code: 'ThrottlingException', message: 'Rate exceeded', status: 400 },
      }),
    });
    expect(result.harness.emulator.takeViolations()).toEqual([]);
    expect(result.plain.code).toBe(1);
    expect(result.plain.output).toContain('note: AWS is throttling the command\'s calls: polling every 10s\n');
    expect(result.plain.output).toContain('Fleet/Web: FAILED d-E2E000001 Failed (HEALTH_CONSTRAINTS) after 1m00s; rolled back by d-E2E000002 (Succeeded)\n');
  }, 180_000);
});

describe('usage and access errors: exit 2', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness('Fleet');
  });
  afterAll(async () => {
    await h.emulator.stop();
  });
  afterEach(() => {
    expect(h.emulator.takeViolations()).toEqual([]);
  });

  test.each([
    [['watch'], 'cdk-rollouts: watch needs at least one --stack NAME\n'],
    [['watch', '--stack', 'Fleet', '--interval', '1'], 'cdk-rollouts: --interval must be a number of seconds from 2 to 60, got \'1\'\n'],
    [['stop', '--stack', 'Fleet'], 'cdk-rollouts: stop needs one ROLLOUT (its construct path or deployment group name), got 0\n'],
    [['deploy'], 'cdk-rollouts: unknown command \'deploy\'\n'],
  ])('%j', async (args, message) => {
    const result = await runCli(args, h.env).done;
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n\n')[0] + '\n').toBe(message);
    expect(result.stderr).toContain('Usage: cdk-rollouts <command> [options]');
  }, 30_000);

  test('a stack that does not exist', async () => {
    const result = await runCli(['watch', '--stack', 'Missing'], h.env).done;
    expect([result.code, result.stderr]).toEqual([2, 'cdk-rollouts: stack Missing does not exist in this account and Region\n']);
  }, 30_000);

  test('access denied', async () => {
    h.emulator.faults.push({ service: 'cloudformation', operation: 'DescribeStacks', times: 1, error: { code: 'AccessDenied', message: 'User is not authorized to perform: cloudformation:DescribeStacks', status: 403 } });
    const result = await runCli(['watch', '--stack', 'Fleet'], h.env).done;
    expect([result.code, result.stderr]).toEqual([2, 'cdk-rollouts: cannot call AWS: AccessDenied: User is not authorized to perform: cloudformation:DescribeStacks\n']);
  }, 30_000);

  test('--profile: the credentials and Region of a named profile in the shared files, through the SDK\'s chain', async () => {
    const dir = fs.mkdtempSync(`${os.tmpdir()}/cdk-rollouts-profile-`);
    fs.writeFileSync(`${dir}/config`, '[profile ops]\nregion = us-east-1\n');
    fs.writeFileSync(`${dir}/credentials`, '[ops]\naws_access_key_id = AKIAE2EEXAMPLE000000\naws_secret_access_key = e2e-fake-secret-key\n');
    const env = {
      ...h.env,
      AWS_REGION: undefined,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_CONFIG_FILE: `${dir}/config`,
      AWS_SHARED_CREDENTIALS_FILE: `${dir}/credentials`,
    };
    const before = h.emulator.calls('DescribeStacks').length;
    const result = await runCli(['watch', '--stack', 'Missing', '--profile', 'ops'], env).done;
    // The request reached the emulator signed with the profile's key for its Region (the emulator checks the signature).
    expect([result.code, result.stderr]).toEqual([2, 'cdk-rollouts: stack Missing does not exist in this account and Region\n']);
    expect(h.emulator.calls('DescribeStacks').length).toBe(before + 1);
    const noRegion = await runCli(['watch', '--stack', 'Fleet'], { ...env, AWS_CONFIG_FILE: '/nonexistent' }).done;
    expect(noRegion.code).toBe(2);
    expect(noRegion.stderr).toMatch(/^cdk-rollouts: cannot call AWS: .*Region is missing/);
  }, 30_000);

  test('a rollout the stack does not have', async () => {
    const result = await runCli(['stop', '--stack', 'Fleet', 'Api'], h.env).done;
    expect([result.code, result.stderr]).toEqual([2, 'cdk-rollouts: stack Fleet has no rollout Api; its rollouts: Web (group Fleet-WebDeploymentGroupD9A4A711)\n']);
  }, 30_000);

  test('stop --no-rollback, and stop or promote with nothing to act on (exit 1)', async () => {
    const nothing = await runCli(['stop', '--stack', 'Fleet', 'Web'], h.env).done;
    expect([nothing.code, nothing.output]).toEqual([1, 'Fleet/Web: no deployment is in progress in deployment group Fleet-WebDeploymentGroupD9A4A711; nothing was stopped.\n']);
    const id = h.emulator.world.drive('Fleet-ServerRolloutsApplication676C67E4', 'Fleet-WebDeploymentGroupD9A4A711', {
      status: 'InProgress',
      computePlatform: 'Server',
      deploymentConfigName: 'CodeDeployDefault.OneAtATime',
      createTime: 1_767_268_800,
      instances: [],
      onStop: () => undefined,
    });
    const notReady = await runCli(['promote', '--stack', 'Fleet', 'Web', '--json'], h.env).done;
    expect(notReady.code).toBe(1);
    expect(JSON.parse(notReady.output)).toEqual({
      done: false,
      action: 'promote',
      rollout: 'Fleet/Web',
      deploymentGroup: 'Fleet-WebDeploymentGroupD9A4A711',
      deploymentId: id,
      status: 'InProgress',
      text: `Fleet/Web: deployment ${id} is InProgress, not waiting for traffic to be rerouted; nothing was promoted (CodeDeploy can only be told to continue a blue/green deployment that waits in status Ready).`,
    });
    const stopped = await runCli(['stop', '--stack', 'Fleet', 'Web', '--no-rollback'], h.env).done;
    expect([stopped.code, stopped.output]).toEqual([0, `Fleet/Web: asked CodeDeploy to stop deployment ${id} (InProgress) without rollback; `
      + 'StopDeployment answered Pending: Stop deployment request is pending. Instances already updated keep the new revision.\n']);
    expect(h.emulator.calls('StopDeployment').map((call) => call.input)).toEqual([{ deploymentId: id, autoRollbackEnabled: false }]);
  }, 60_000);

  test('--help, --version and policy need no AWS call', async () => {
    const before = h.emulator.requests.length;
    const help = await runCli(['--help'], h.env).done;
    expect([help.code, help.output.split('\n')[0]]).toEqual([0, 'Usage: cdk-rollouts <command> [options]']);
    const version = await runCli(['--version'], h.env).done;
    expect([version.code, version.output]).toEqual([0, `${(JSON.parse(fs.readFileSync(`${__dirname}/../../package.json`, 'utf8')) as { version: string }).version}\n`]);
    const policy = await runCli(['policy', '--read-only'], h.env).done;
    expect(JSON.parse(policy.output).Statement.map((statement: { Sid: string }) => statement.Sid)).toEqual(['CdkRolloutsWatch']);
    expect(h.emulator.requests.length).toBe(before);
  }, 60_000);
});
