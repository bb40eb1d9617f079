import { existsSync, readdirSync, readFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { Duration } from 'aws-cdk-lib';
import { ASSUMPTIONS, Call } from '../../bench/deploy-model/calls';
import { quotasPassed } from '../../bench/deploy-model/report';
import { exhaustedShare } from '../../bench/deploy-model/retries';
import { Scenario, SCENARIOS, scenarioModel } from '../../bench/deploy-model/scenarios';
import { mostAtOnce, mostWithin, refusals, simulate } from '../../bench/deploy-model/simulate';
import { TemplateModel } from '../../bench/deploy-model/stack';
import { SmokeTest } from '../../src';
import { MAX_PRUNED_VERSIONS_PER_RUN } from '../../src/contract/traffic-hook';
import { PRUNE_DELETE_INTERVAL_MS } from '../../src/handlers/shared/timing';
import { DEFAULT_DEPLOYMENT_GROUP_SIZE } from '../../src/private/defaults';

const scenario = (props: Scenario['props'], more: Partial<Scenario> = {}): Scenario => ({ name: 'test', props, ...more });

/** The source of a handler's folder and of every file of src/handlers/ it imports, transitively (the shared pieces). */
function handlerSource(dir: string): string {
  const files = new Set(readdirSync(dir).map((file) => join(dir, file)));
  for (const file of files) {
    for (const [, path] of readFileSync(file, 'utf-8').matchAll(/from '(\.\.?\/[^']+)'/g)) {
      const imported = resolve(dirname(file), `${path}.ts`);
      if (imported.startsWith(resolve(dir, '..')) && existsSync(imported)) files.add(imported);
    }
  }
  return [...files].map((file) => readFileSync(file, 'utf-8')).join('\n');
}

/** Calls per actor and API, e.g. `CodeDeploy lambda:UpdateAlias: 2`. */
function counts(calls: Call[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const call of calls) {
    const key = `${call.actor} ${call.service}:${call.api}`;
    result[key] = (result[key] ?? 0) + 1;
  }
  return result;
}

describe('windows and buckets', () => {
  test('the most calls in any one-second window', () => {
    expect(mostWithin([0, 0.2, 0.4, 2], 1)).toBe(3);
    expect(mostWithin([0, 0.5, 0.99, 1, 1.5], 1)).toBe(3);
    expect(mostWithin([], 1)).toBe(0);
  });

  test('a token bucket of the rate, holding one second of it, refuses what comes faster', () => {
    expect(refusals([0, 0, 0, 0], 2)).toEqual({ refused: 2, longest: 0 });
    // 2 tokens at 0 s; 0.1 s adds 0.2 (1.2 left after the 2nd call); the 3rd and 4th find less than one; by 5 s it is full.
    const result = refusals([0, 0.1, 0.2, 0.3, 5], 2);
    expect(result.refused).toBe(2);
    expect(result.longest).toBeCloseTo(0.1);
  });

  test('deployments in progress at once: one that ends when another starts does not overlap it', () => {
    expect(mostAtOnce([{ start: 0, end: 10 }, { start: 5, end: 15 }, { start: 10, end: 20 }])).toBe(2);
  });
});

describe('one deployment', () => {
  test('a default rollout: CodeDeploy reads the alias and its provisioned concurrency, shifts twice and reads the alarm every minute', () => {
    const result = simulate(scenarioModel(scenario({}), 1));
    expect(counts(result.calls)).toEqual({
      'CloudFormation lambda:UpdateFunctionConfiguration': 1,
      'CloudFormation lambda:GetFunction': ASSUMPTIONS.functionUpdate / ASSUMPTIONS.functionPoll,
      'CloudFormation lambda:PublishVersion': 1,
      'CloudFormation codedeploy:CreateDeployment': 1,
      // 15 s polls until the deployment ends (5 minutes and 5 s after it began).
      'CloudFormation codedeploy:GetDeployment': 21,
      'CodeDeploy lambda:GetAlias': 3,
      'CodeDeploy lambda:GetProvisionedConcurrencyConfig': 1,
      'CodeDeploy lambda:UpdateAlias': 2,
      'CodeDeploy cloudwatch:DescribeAlarms': 6,
    });
    expect(result.seconds).toBe(330);
  });

  test('the hook\'s bake reads the alarms every minute, 11 times in 10 minutes (as the handler\'s own test counts)', () => {
    const result = simulate(scenarioModel(scenario({ bakeTime: Duration.minutes(10) }), 1));
    expect(counts(result.calls)['TrafficHook cloudwatch:DescribeAlarms']).toBe(11);
  });

  test('pruning a backlog deletes at most MAX_PRUNED_VERSIONS_PER_RUN versions, PRUNE_DELETE_INTERVAL_MS apart', () => {
    const result = simulate(scenarioModel(scenario({ keepVersions: 5 }), 1), { versions: 60, versionsToPrune: 50 });
    const deletes = result.calls.filter((c) => c.api === 'DeleteFunction').map((c) => c.t);
    expect(deletes).toHaveLength(MAX_PRUNED_VERSIONS_PER_RUN);
    expect(deletes[1] - deletes[0]).toBeCloseTo(PRUNE_DELETE_INTERVAL_MS / 1000 + ASSUMPTIONS.apiLatency);
    expect(counts(result.calls)['TrafficHook lambda:ListVersionsByFunction']).toBe(2);
  });

  test('every AWS call the traffic hook\'s source makes is in the model, but GetApplicationRevision (CloudFormation passes the AppSpec inline)', () => {
    const source = handlerSource(join(__dirname, '../../src/handlers/traffic-hook'));
    const inSource = new Set([...source.matchAll(/new (\w+)Command\(/g)].map((m) => m[1]));
    // A bake longer than one invocation, so that the hand-over (an Invoke of the hook itself) happens.
    const result = simulate(scenarioModel(scenario({
      smokeTest: SmokeTest.invoke(), bakeTime: Duration.minutes(20), keepVersions: 5,
    }), 1), { versions: 8, versionsToPrune: 3 });
    const modelled = new Set(result.calls.filter((c) => c.actor === 'TrafficHook').map((c) => c.api));
    expect([...inSource].filter((api) => !modelled.has(api))).toEqual(['GetApplicationRevision']);
    expect([...modelled].filter((api) => !inSource.has(api))).toEqual([]);
  });
});

describe('a stack of rollouts', () => {
  test('staggered in groups of G, a deployment starts at least a version\'s publication after the one G before it', () => {
    const groupSize = 3;
    const result = simulate(scenarioModel(scenario({}, { groupSize }), 12));
    const starts = result.deployments.map((d) => d.start);
    for (let i = groupSize; i < starts.length; i++) {
      expect(starts[i] - starts[i - groupSize]).toBeGreaterThanOrEqual(ASSUMPTIONS.publishVersion - 1e-9);
    }
  });

  test('alias waves of W: at most W deployments at once', () => {
    const result = simulate(scenarioModel(scenario({}, { groupSize: 0, aliasWaves: 4 }), 12));
    expect(mostAtOnce(result.deployments)).toBe(4);
  });

  test('versions that wait for each other in a cycle are refused', () => {
    const rollout = (id: string, version: string, versionAfter: string[]) => ({
      id, version, versionAfter, after: [], alarms: 0, steps: { name: 'all at once', shiftMinutes: [0] },
    });
    const model: TemplateModel = { rollouts: [rollout('A', 'VA', ['VB']), rollout('B', 'VB', ['VA'])], fleets: [] };
    expect(() => simulate(model)).toThrow('deploy model: versions wait for each other in a cycle through VA');
  });
});

describe('the verdict at N = 82', () => {
  test('unstaggered, CodeDeploy\'s first calls pass Lambda\'s control-plane quota, for the account and for its role', () => {
    expect(quotasPassed(simulate(scenarioModel({ ...SCENARIOS[0], groupSize: 0 }, 82))))
      .toEqual(['Lambda control plane', 'Lambda control plane, CodeDeploy role']);
  });

  test.each(['default', 'all three, 1 to prune', 'keepVersions, 50 to prune'])('with the library\'s default, %s stays under every quota', (name) => {
    const chosen = SCENARIOS.find((s) => s.name === name)!;
    expect(quotasPassed(simulate(scenarioModel(chosen, 82), chosen.options))).toEqual([]);
  });
});

test('the default group size is the largest that keeps 82 rollouts under Lambda\'s control-plane quota when a version publishes in 1 s', () => {
  // The sensitivity table's fastest publication: the shorter it is, the closer the groups' starts.
  const saved = ASSUMPTIONS.publishVersion;
  const passedWith = (groupSize: number) => quotasPassed(simulate(scenarioModel({ ...SCENARIOS[0], groupSize }, 82)));
  try {
    Object.assign(ASSUMPTIONS, { publishVersion: 1 });
    expect(passedWith(DEFAULT_DEPLOYMENT_GROUP_SIZE)).toEqual([]);
    expect(passedWith(DEFAULT_DEPLOYMENT_GROUP_SIZE + 1)).toEqual(['Lambda control plane', 'Lambda control plane, CodeDeploy role']);
  } finally {
    Object.assign(ASSUMPTIONS, { publishVersion: saved });
  }
});

test('the retries outlast a few seconds of refusals, not minutes', () => {
  expect(exhaustedShare(2)).toBe(0);
  expect(exhaustedShare(5)).toBeLessThan(0.001);
  expect(exhaustedShare(30)).toBeGreaterThan(0.1);
});
