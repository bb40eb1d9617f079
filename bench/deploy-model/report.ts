/**
 * The deployment model's report: what one deployment calls, then per scenario and N the peak and
 * sustained request rate against every quota and the stack's deploy time, how the stagger's group
 * size trades the two, how sensitive that is to the model's guesses, and whether the handlers'
 * retries outlast what is left. `npx projen bench` prints it (bench/lambda-rollout.ts).
 */
import { ASSUMPTIONS, Call } from './calls';
import { QUOTAS } from './quotas';
import { exhaustedShare } from './retries';
import { Scenario, SCENARIOS, scenarioModel, SIZES } from './scenarios';
import { mostWithin, ScenarioOptions, simulate, SimulationResult } from './simulate';
import type { TemplateModel } from './stack';
import { DEFAULT_DEPLOYMENT_GROUP_SIZE } from '../../src/private/defaults';
import { table } from '../support/summary';

const LARGEST = SIZES[SIZES.length - 1];
/** Calls that may run out of attempts in the worst modelled stretch of refusals: one in a thousand. */
export const RETRY_EXHAUSTED_TOLERANCE = 0.001;

/** Templates are the slow part: each (scenario, N, stagger) is synthesized once. */
const templates = new Map<string, TemplateModel>();
function modelOf(scenario: Scenario, n: number): TemplateModel {
  const key = `${scenario.name}|${n}|${scenario.groupSize}|${scenario.aliasWaves}`;
  let model = templates.get(key);
  if (!model) {
    model = scenarioModel(scenario, n);
    templates.set(key, model);
  }
  return model;
}

function run(scenario: Scenario, n: number, options: ScenarioOptions = {}): SimulationResult {
  return simulate(modelOf(scenario, n), { ...scenario.options, ...options });
}

/** With `assumptions` in place of the model's own for one simulation. */
function withAssumptions<T>(assumptions: Partial<Record<keyof typeof ASSUMPTIONS, number>>, body: () => T): T {
  const saved = { ...ASSUMPTIONS };
  Object.assign(ASSUMPTIONS, assumptions);
  try {
    return body();
  } finally {
    Object.assign(ASSUMPTIONS, saved);
  }
}

/** Whether a quota is passed: refused calls, or a sustained rate above the limit. */
export function quotasPassed(result: SimulationResult): string[] {
  return result.uses.filter((u) => u.quota.limit !== undefined
    && (u.refused > 0 || u.sustained > u.quota.limit || (u.quota.kind === 'concurrency' && u.peak > u.quota.limit)))
    .map((u) => u.quota.name);
}

function cell(result: SimulationResult, quotaId: string): string {
  const use = result.uses.find((u) => u.quota.id === quotaId)!;
  if (use.quota.kind === 'concurrency') return String(use.peak);
  const flag = use.refused > 0 || (use.quota.limit !== undefined && use.sustained > use.quota.limit) ? '!' : '';
  return `${use.peak}/${use.sustained.toFixed(1)}${flag}`;
}

function minutes(result: SimulationResult): string {
  return (result.seconds / 60).toFixed(1);
}

/** How many calls of each kind one deployment makes, by actor, step and basis, in the order they first happen. */
function inventory(calls: Call[]): string[][] {
  const counts = new Map<string, number>();
  for (const call of calls) {
    const key = `${call.actor}|${call.step}|${call.service}:${call.api}|${call.basis}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => [...key.split('|'), String(count)]);
}

export function deploymentModelReport(): string {
  const out: string[] = [];
  const defaultScenario = SCENARIOS[0];
  out.push('Deployment model (bench/deploy-model/): one stack update that changes every one of N Lambda rollouts (a shared layer or environment), '
    + `replayed call by call; the library's default staggers deployments in groups of ${DEFAULT_DEPLOYMENT_GROUP_SIZE} (LambdaRollout.staggerDeployments).`);
  out.push('Assumed (nothing published says): '
    + Object.entries(ASSUMPTIONS).map(([name, value]) => `${name} ${value} s`).join(', ') + '.');
  out.push('');
  out.push('Quotas:');
  for (const quota of QUOTAS) {
    out.push(`- ${quota.name}: ${quota.limit === undefined ? 'no published limit' : `${quota.limit.toLocaleString('en-US')}${quota.kind === 'rate' ? ' requests/s' : ' at once'}`}, `
      + `${quota.scope}. ${quota.source}`);
  }

  const all = SCENARIOS.find((s) => s.name.startsWith('all three'))!;
  out.push('');
  out.push(`Calls of one deployment with ${all.name} (policy: AWSCodeDeployRoleForLambda's action, step documented; handler: read from src/handlers; inferred: this model's guess):`);
  out.push(table([['actor', 'step', 'call', 'basis', 'count'], ...inventory(run(all, 1).calls)]));

  out.push('');
  out.push('Peak calls in one second / calls per second over the busiest minute, per quota; ! = a token bucket of the quota\'s rate holding one second '
    + 'of it refuses calls, or the busiest minute is over the limit; deployments at once = most in progress:');
  const rows: string[][] = [['scenario', 'N', 'deploy min', ...QUOTAS.map((q) => `${q.name} (${q.limit === undefined ? '-' : q.limit.toLocaleString('en-US')})`)]];
  const worst: Array<{ name: string; result: SimulationResult }> = [];
  for (const scenario of SCENARIOS) {
    for (const n of SIZES) {
      const result = run(scenario, n);
      rows.push([scenario.name, String(n), minutes(result), ...QUOTAS.map((q) => cell(result, q.id))]);
      if (n === LARGEST) worst.push({ name: scenario.name, result });
    }
  }
  out.push(table(rows));

  out.push('');
  out.push(`How deployments start, N=${LARGEST} (group size 0 = CloudFormation starts every deployment as soon as its version is published; `
    + 'alias waves W = drawn by the bench, the alias of rollout k waits for that of rollout k-W, at most W deployments at once):');
  const compared = [0, 1, 2, 3, 5, 8].map((groupSize) => ({ label: `group size ${groupSize}`, scenario: { ...defaultScenario, groupSize } }))
    .concat([10, 20, 41].map((waves) => ({ label: `alias waves ${waves}`, scenario: { ...defaultScenario, groupSize: 0, aliasWaves: waves } })));
  const withHooks = (s: Scenario): Scenario => ({ ...all, groupSize: s.groupSize, aliasWaves: s.aliasWaves });
  out.push(table([
    ['start', 'default: deploy min', 'Lambda control plane', 'CodeDeploy role', 'all three: deploy min', 'Lambda control plane', 'CodeDeploy role', 'DescribeAlarms'],
    ...compared.map(({ label, scenario }) => {
      const plain = run(scenario, LARGEST);
      const hooks = run(withHooks(scenario), LARGEST);
      return [label, minutes(plain), cell(plain, 'lambda-control-plane'), cell(plain, 'lambda-control-plane-codedeploy-role'),
        minutes(hooks), cell(hooks, 'lambda-control-plane'), cell(hooks, 'lambda-control-plane-codedeploy-role'), cell(hooks, 'cloudwatch-describe-alarms')];
    }),
  ]));

  out.push('');
  out.push(`Sensitivity, default scenario, N=${LARGEST}, library default: the quotas passed (none: every one stays under) when the guesses change:`);
  const sensitivity: string[][] = [['startSpread s', 'publishVersion s', 'alarmPoll s', 'deploy min', 'Lambda control plane', 'CodeDeploy role', 'quotas passed']];
  let longestAnywhere = 0;
  const guesses = [[2, 5, 60], [10, 5, 60], [30, 5, 60], [10, 1, 60], [10, 2, 60], [10, 10, 60], [10, 5, 10], [2, 1, 60]];
  for (const [startSpread, publishVersion, alarmPoll] of guesses) {
    const result = withAssumptions({ publishVersion, alarmPoll }, () => run(defaultScenario, LARGEST, { startSpread }));
    longestAnywhere = Math.max(longestAnywhere, ...result.uses.map((u) => u.longestRefusal));
    const passed = result.uses.filter((u) => quotasPassed(result).includes(u.quota.name)).map((u) => {
      const own = result.calls.filter((c) => c.actor === 'CloudFormation' && u.quota.counts!(c)).map((c) => c.t);
      return `${u.quota.name} (CloudFormation's own calls alone: ${mostWithin(own, 1)} in a second)`;
    });
    sensitivity.push([String(startSpread), String(publishVersion), String(alarmPoll), minutes(result),
      cell(result, 'lambda-control-plane'), cell(result, 'lambda-control-plane-codedeploy-role'), passed.join(', ') || 'none']);
  }
  out.push(table(sensitivity));

  out.push('');
  const longest = Math.max(0, ...worst.flatMap(({ result }) => result.uses.map((u) => u.longestRefusal)));
  out.push('Retries (src/handlers/shared/retry.ts: up to 6 attempts, full-jitter backoff from 1 s doubling, at most 20 s): share of calls that run out of attempts '
    + 'when they arrive while a quota refuses everything for:');
  out.push(table([['refusing for', ...[1, 2, 5, 10, 20, 30, 60].map((s) => `${s} s`)],
    ['calls exhausted', ...[1, 2, 5, 10, 20, 30, 60].map((s) => `${(100 * exhaustedShare(s)).toFixed(2)}%`)]]));
  const exhausted = exhaustedShare(Math.max(longest, longestAnywhere));
  out.push(`Longest stretch of refusals in any quota at N=${LARGEST} with the default: ${longest.toFixed(1)} s in the scenarios above, `
    + `${longestAnywhere.toFixed(1)} s under the guesses of the sensitivity table, where ${(100 * exhausted).toFixed(2)}% of calls would run out of attempts: `
    + (exhausted < RETRY_EXHAUSTED_TOLERANCE ? 'the retries outlast the refusals the default leaves.' : 'the retries do NOT outlast them.'));

  out.push('');
  const passes = worst.filter(({ result }) => quotasPassed(result).length > 0);
  const unstaggered = run({ ...defaultScenario, groupSize: 0 }, LARGEST);
  const staggered = worst[0].result;
  if (passes.length === 0) {
    const shares = worst.flatMap(({ name, result }) => result.uses.filter((u) => u.quota.limit !== undefined && u.quota.kind === 'rate')
      .map((u) => ({ name, quota: u.quota.name, peak: u.peak / u.quota.limit!, sustained: u.sustained / u.quota.limit! })));
    const topSustained = shares.reduce((a, b) => (b.sustained > a.sustained ? b : a));
    out.push(`Verdict: with the default (groups of ${DEFAULT_DEPLOYMENT_GROUP_SIZE}), every scenario at N=${LARGEST} stays under every modelled quota: `
      + `no call refused, busiest minute at most ${(100 * topSustained.sustained).toFixed(0)}% of a limit (${topSustained.quota}, ${topSustained.name}). `
      + `Deploy time of the default scenario ${minutes(staggered)} min against ${minutes(unstaggered)} min unstaggered `
      + `(which passes: ${quotasPassed(unstaggered).join(', ')}).`);
  } else {
    out.push(`Verdict: with the default (groups of ${DEFAULT_DEPLOYMENT_GROUP_SIZE}), at N=${LARGEST} these scenarios pass a quota: `
      + passes.map(({ name, result }) => `${name} (${quotasPassed(result).join(', ')})`).join('; ') + '.');
  }
  return out.join('\n');
}
