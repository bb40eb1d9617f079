import { CliCommand, CliRun, runCli } from './cli-process';
import { Emulator } from './emulator';
import { LoadedStack, loadStack } from './stack-loader';
import { Scenario, ScenarioContext, Timeline } from './watch-scenarios';
import { CLOCK_ENV, scaledClock } from '../../../src/cli/clock';
import type { Template } from '../../iam/template-world';

/**
 * Runs `cdk-rollouts watch` on a scenario (watch-scenarios.ts) against the emulator: the e2e suite
 * (test/e2e/watch.test.ts) and smoke:install (build-tools/smoke-install.ts, with the command the
 * packed tarball installed) both use it. Time runs `SCALE` times faster for the command and the
 * scenario alike (CDK_ROLLOUTS_CLOCK), so a five-minute deployment takes fifteen seconds.
 */

export const SCALE = 20;
/** The virtual time at which every scenario's clock starts. */
export const VIRTUAL_START = Date.UTC(2026, 0, 1, 12, 0, 0);
/**
 * Where the scenarios' times are shown: a scenario starts at the first whole virtual minute after
 * every command has made its first request (starting a process takes seconds on a loaded machine,
 * minutes of virtual time), and the times the commands print are shifted back as if it had started at T0.
 */
export const T0 = VIRTUAL_START + 2 * 60_000;

export interface Harness {
  readonly emulator: Emulator;
  readonly stack: LoadedStack;
  readonly env: Record<string, string | undefined>;
  readonly now: () => number;
}

/** The emulator with every service the command calls, the stack loaded as CloudFormation is updating it. */
export async function harness(stackName: string, template: Template): Promise<Harness> {
  const realAnchor = Date.now();
  const clock = scaledClock(realAnchor, VIRTUAL_START, SCALE);
  const emulator = new Emulator(clock);
  await emulator.start();
  const stack = loadStack(emulator, stackName, template, { status: 'UPDATE_IN_PROGRESS', currentVersion: '1', newVersion: '2' });
  const env = {
    ...emulator.environment(),
    [CLOCK_ENV]: `${realAnchor}:${VIRTUAL_START}:${SCALE}`,
    AWS_PROFILE: undefined,
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  };
  return { emulator, stack, env, now: clock.now };
}

export interface ScenarioRun {
  /** The virtual time the scenario started. */
  readonly t0: number;
  readonly plain: CliRun;
  readonly terminal?: CliRun;
  readonly json?: CliRun;
  readonly actions: CliRun[];
  readonly scenario: Scenario;
  readonly harness: Harness;
}

export interface RunOptions {
  /** Also in a pseudo-terminal. */
  readonly terminal?: boolean;
  /** Also with --json. */
  readonly json?: boolean;
  readonly act?: (h: Harness, scenario: Scenario) => Promise<CliRun> | undefined;
  readonly prepare?: (h: Harness) => void;
  /** The command to run (default: the bundle under assets/). */
  readonly command?: CliCommand;
  /**
   * Make each change of the scenario just before the plain command's next call of this operation
   * (after the calls its poll made before it), so that every change lands in the middle of a poll;
   * a step no such call comes for within `MID_POLL_GRACE_MS` is made as usual.
   */
  readonly changesBefore?: string;
}

/** How long a step waits for the call it is to come before, in the scenario's time: three of the command's default polls. */
const MID_POLL_GRACE_MS = 15_000;

/**
 * Runs a scenario under the command without a terminal (and in one, and as JSON, if asked),
 * driving its timeline; `act` may start `stop` or `promote` when the world is ready for it.
 */
export async function runScenario(
  stackName: string, template: Template, build: (context: ScenarioContext) => Scenario, options: RunOptions = {},
): Promise<ScenarioRun> {
  const h = await harness(stackName, template);
  options.prepare?.(h);
  const args = ['watch', '--stack', stackName];
  const plain = runCli(args, { ...h.env, AWS_SDK_UA_APP_ID: 'plain' }, { kind: 'pipe' }, undefined, options.command);
  const terminal = options.terminal ? runCli(args, { ...h.env, AWS_SDK_UA_APP_ID: 'terminal' }, { kind: 'pty', columns: 120, rows: 60 }, undefined, options.command) : undefined;
  const json = options.json ? runCli([...args, '--json'], { ...h.env, AWS_SDK_UA_APP_ID: 'json' }, { kind: 'pipe' }, undefined, options.command) : undefined;
  const ids = ['plain', ...(terminal ? ['terminal'] : []), ...(json ? ['json'] : [])];
  try {
    await until(() => ids.every((id) => h.emulator.requests.some((request) => request.userAgent.includes(`app/${id}`))), 60_000, 'every command made its first request');
  } catch (err) {
    for (const cli of [plain, terminal, json]) cli?.child.kill();
    await h.emulator.stop();
    throw err;
  }
  const t0 = Math.ceil(h.now() / 60_000) * 60_000 + 60_000;
  const scenario = build({ emulator: h.emulator, stack: h.stack, t0 });
  const timeline = new Timeline(scenario, t0, h.now);
  const actions: Array<Promise<CliRun>> = [];
  let failure: unknown;
  // A command has seen a state once it began a poll after the state changed and began the next one
  // (each poll begins with DescribeStacks); a command that has ended is waited for no more.
  const commands = [{ id: 'plain', cli: plain }, { id: 'terminal', cli: terminal }, { id: 'json', cli: json }];
  const observed = (since: number) => commands.every(({ id, cli }) => !cli || cli.child.exitCode !== null || cli.child.signalCode !== null
    || h.emulator.requests.filter((request) => request.operation === 'DescribeStacks' && request.at > since && request.userAgent.includes(`app/${id}`)).length >= 2);
  const advance = () => {
    try {
      timeline.advance(observed);
      const action = options.act?.(h, scenario);
      if (action) actions.push(action);
    } catch (err) {
      // A scenario that cannot go on ends the commands, and fails the run with its reason.
      failure ??= err;
      for (const cli of [plain, terminal, json]) cli?.child.kill();
    }
  };
  if (options.changesBefore) {
    h.emulator.beforeAnswer = (operation, userAgent) => {
      if (operation === options.changesBefore && userAgent.includes('app/plain')) advance();
    };
  }
  const driver = setInterval(() => {
    if (!options.changesBefore || timeline.overdue() > MID_POLL_GRACE_MS) advance();
  }, 5);
  try {
    const [plainRun, terminalRun, jsonRun] = await Promise.all([plain.done, terminal?.done, json?.done]);
    const actionRuns = await Promise.all(actions);
    if (failure) throw new Error(`${String(failure)}\nactions:\n${actionRuns.map((a) => `${a.code}: ${a.output}${a.stderr}`).join('\n')}\nplain output:\n${plainRun.output}${plainRun.stderr}`);
    const shift = (cli: CliRun): CliRun => ({ ...cli, output: shiftTimes(cli.output, t0 - T0) });
    return {
      t0,
      plain: shift(plainRun),
      terminal: terminalRun && shift(terminalRun),
      json: jsonRun && shift(jsonRun),
      actions: actionRuns.map(shift),
      scenario,
      harness: h,
    };
  } finally {
    clearInterval(driver);
    await h.emulator.stop();
  }
}

/** Waits (polling) until `condition` holds. */
export async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The times a command printed (`12:04:20Z`, ISO timestamps), as if its scenario had started at T0. */
export function shiftTimes(text: string, deltaMs: number): string {
  const day = 24 * 3600_000;
  return text
    .replace(/\b(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{3})?Z)/g, (iso) => new Date(Date.parse(iso) - deltaMs).toISOString().replace(/\.000Z$/, iso.includes('.') ? '.000Z' : 'Z'))
    .replace(/\b(\d\d):(\d\d):(\d\d)Z\b/g, (_m, h: string, m: string, sec: string) => {
      const ms = ((Number(h) * 60 + Number(m)) * 60 + Number(sec)) * 1000 - deltaMs;
      return new Date(((ms % day) + day) % day).toISOString().slice(11, 19) + 'Z';
    });
}
