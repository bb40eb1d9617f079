import { diagnosisLines } from './diagnosis-text';
import { evidenceText, healthyText } from './facts';
import { bar, clockTime, duration, percent } from './format';
import type { DeploymentView, RolloutView, Snapshot } from './view';
import type { Verdict, WatchOutput } from './watch';

/** ANSI escape sequences (ECMA-48): cursor up, erase below, colours, cursor visibility. */
const ESC = '\u001b[';
const up = (lines: number) => `${ESC}${lines}A`;
const ERASE_BELOW = `${ESC}J`;
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;

const BAR_WIDTH = 24;
/** Instances listed per deployment; the rest are counted. */
const MAX_INSTANCES = 8;

/**
 * Output for a terminal: the whole state redrawn in place at each poll (a frame: the cursor goes
 * back up over the previous frame, which is erased), with a progress bar per deployment and
 * countdowns; at the end the last frame stays, followed by the verdicts and diagnoses. Lines are cut
 * to the terminal's width so that none wraps (a wrapped line would break the cursor arithmetic).
 * Colours unless NO_COLOR is set (https://no-color.org).
 */
export class TerminalOutput implements WatchOutput {
  private previousLines = 0;
  public constructor(
    private readonly write: (text: string) => void,
    private readonly columns: () => number,
    private readonly color: boolean,
  ) {}

  public snapshot(snapshot: Snapshot): void {
    this.draw(frame(snapshot, this.paint()));
  }

  public finish(snapshot: Snapshot, verdicts: Verdict[]): void {
    this.draw(frame(snapshot, this.paint()));
    const paint = this.paint();
    const lines = verdicts.map((verdict) => (verdict.outcome === 'failed' ? paint.red(verdict.text) : verdict.outcome === 'succeeded' ? paint.green(verdict.text) : verdict.text));
    for (const verdict of verdicts) {
      for (const { diagnosis } of verdict.diagnoses) lines.push(...diagnosisLines(verdict.label, diagnosis));
    }
    // Verdicts and diagnoses are printed once, below the last frame, and never cut: they are what the user copies.
    this.write(`${lines.join('\n')}\n${SHOW_CURSOR}`);
  }

  private draw(lines: string[]): void {
    const width = Math.max(20, this.columns());
    const cut = lines.map((line) => truncate(line, width));
    const back = this.previousLines > 0 ? `${up(this.previousLines)}\r${ERASE_BELOW}` : HIDE_CURSOR;
    this.write(`${back}${cut.join('\n')}\n`);
    this.previousLines = cut.length;
  }

  private paint(): Paint {
    const sgr = (code: number) => (text: string) => (this.color ? `${ESC}${code}m${text}${ESC}0m` : text);
    return { red: sgr(31), green: sgr(32), yellow: sgr(33), dim: sgr(2), bold: sgr(1) };
  }
}

interface Paint {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

/** One frame: a header line, then per rollout its deployments. */
export function frame(snapshot: Snapshot, paint: Paint): string[] {
  const stacks = snapshot.stacks.map((stack) => `${stack.name} ${stack.status}`).join(', ');
  const lines = [paint.bold(`cdk-rollouts watch  ${clockTime(snapshot.time)}  ${stacks}`)];
  lines.push(...snapshot.notes.map((note) => paint.yellow(`  ! ${note}`)));
  for (const view of snapshot.rollouts) lines.push(...rolloutLines(view, snapshot.time, paint));
  return lines;
}

function rolloutLines(view: RolloutView, now: number, paint: Paint): string[] {
  const lines = [paint.bold(view.rollout.label)];
  if (view.deployments.length === 0) {
    lines.push(paint.dim('  no deployment yet'));
    return lines;
  }
  for (const deployment of view.deployments) lines.push(...deploymentLines(deployment, now, paint));
  const active = view.deployments.some((deployment) => !['Succeeded', 'Failed', 'Stopped'].includes(deployment.status));
  if (active && view.alarms.length > 0) {
    lines.push(`  alarms   ${view.alarms.map((alarm) => `${alarm.name} ${stateColor(alarm.state, paint)}`).join('  ')}`);
  }
  return lines;
}

function deploymentLines(deployment: DeploymentView, now: number, paint: Paint): string[] {
  const status = statusColor(deployment.status, paint);
  const what = deployment.rollbackOf ? `rollback of ${deployment.rollbackOf}` : deployment.lambda?.schedule?.description ?? deployment.configName ?? '';
  const elapsed = deployment.createdAt !== undefined ? ` ${duration((deployment.completedAt ?? now) - deployment.createdAt)}` : '';
  const lines = [`  ${deployment.id} ${status}  ${what}${paint.dim(elapsed)}`];
  const lambda = deployment.lambda;
  if (lambda) {
    const next = lambda.nextShiftAt !== undefined ? `  next shift in ${duration(lambda.nextShiftAt - now)}` : '';
    lines.push(`  traffic  ${bar(lambda.share, BAR_WIDTH, true)} ${percent(lambda.share).padStart(6)} on v${lambda.targetVersion} (from v${lambda.currentVersion})${next}`);
    const events = lambda.events.map((event) => {
      const hook = lambda.hook?.event === event.name ? lambda.hook : undefined;
      const step = hook ? ` ${hook.step}${hook.bakeEndsAt !== undefined ? ` ${duration(hook.bakeEndsAt - now)} left` : ''}` : '';
      return `${event.name} ${statusColor(event.status, paint)}${step}`;
    });
    if (events.length > 0) lines.push(`  hooks    ${events.join('  ')}`);
    if (lambda.evidence) lines.push(`  guard    ${evidenceText(lambda.evidence)}`);
  }
  const server = deployment.server;
  if (server) {
    lines.push(`  hosts    ${bar(deployment.progress, BAR_WIDTH, true)} ${percent(deployment.progress).padStart(6)}  ${healthyText(server)}`);
    for (const instance of server.instances.slice(0, MAX_INSTANCES)) {
      lines.push(`    ${instance.id}${instance.label ? ` ${instance.label}` : ''} ${statusColor(instance.status, paint)}`
        + `${instance.event ? `  ${instance.event} ${statusColor(instance.eventStatus ?? '', paint)}` : ''}`);
    }
    if (server.instances.length > MAX_INSTANCES) lines.push(paint.dim(`    and ${server.instances.length - MAX_INSTANCES} more`));
    if (server.waitingForReroute) lines.push(paint.yellow('  ready: waiting for traffic to be rerouted (cdk-rollouts promote reroutes it now)'));
  }
  if (!lambda && !server) lines.push(`  progress ${bar(deployment.progress, BAR_WIDTH, true)} ${percent(deployment.progress).padStart(6)}`);
  return lines;
}

function statusColor(status: string, paint: Paint): string {
  if (status === 'Succeeded') return paint.green(status);
  if (status === 'Failed' || status === 'Stopped') return paint.red(status);
  if (status === 'InProgress' || status === 'Ready' || status === 'Baking') return paint.yellow(status);
  return status;
}

function stateColor(state: string, paint: Paint): string {
  return state === 'ALARM' ? paint.red(state) : state === 'OK' ? paint.green(state) : paint.yellow(state);
}

/** Cuts a line to `width` visible characters, keeping its escape sequences (and resetting colour at the cut). */
export function truncate(line: string, width: number): string {
  let visible = 0;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const sequence = /^\u001b\[[0-9;?]*[A-Za-z]/.exec(line.slice(i));
    if (sequence) {
      out += sequence[0];
      i += sequence[0].length - 1;
      continue;
    }
    if (visible === width - 1 && i < line.length - 1 && visibleLength(line.slice(i)) > 1) return `${out}…${ESC}0m`;
    out += line[i];
    visible++;
  }
  return out;
}

function visibleLength(text: string): number {
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').length;
}
