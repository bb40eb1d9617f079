import { Duration } from 'aws-cdk-lib';
import { Scenario, scenarioModel } from '../../bench/deploy-model/scenarios';
import { TemplateRollout } from '../../bench/deploy-model/stack';
import { SmokeTest, TrafficShift } from '../../src';

const scenario = (props: Scenario['props'], more: Partial<Scenario> = {}): Scenario => ({ name: 'test', props, ...more });
const only = (model: { rollouts: TemplateRollout[] }): TemplateRollout => {
  expect(model.rollouts).toHaveLength(1);
  return model.rollouts[0];
};

describe('the traffic shift, read from the deployment group\'s config', () => {
  test.each([
    ['the default canary (CodeDeployDefault.LambdaCanary10Percent5Minutes)', undefined, 'canary 10% 5 min', [0, 5]],
    ['a predefined linear config', TrafficShift.linear({ percentage: 10, interval: Duration.minutes(1) }), 'linear 10% every 1 min', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]],
    ['all at once', TrafficShift.allAtOnce(), 'all at once', [0]],
    ['a custom canary (the template\'s own AWS::CodeDeploy::DeploymentConfig)', TrafficShift.canary({ percentage: 20, interval: Duration.minutes(3) }), 'canary 20% 3 min', [0, 3]],
    ['a custom linear config whose steps do not divide 100', TrafficShift.linear({ percentage: 30, interval: Duration.minutes(2) }), 'linear 30% every 2 min', [0, 2, 4, 6]],
  ])('%s', (_, trafficShift, name, shiftMinutes) => {
    expect(only(scenarioModel(scenario({ trafficShift }), 1)).steps).toEqual({ name, shiftMinutes });
  });
});

test('a default rollout: one alarm, no hook, waits for nothing', () => {
  const rollout = only(scenarioModel(scenario({}), 1));
  expect(rollout).toMatchObject({ alarms: 1, hook: undefined, after: [], versionAfter: [] });
});

test('the library hook\'s work, from the rollout\'s settings parameter', () => {
  const rollout = only(scenarioModel(scenario({
    smokeTest: SmokeTest.invoke({ invocations: 3 }), bakeTime: Duration.minutes(10), keepVersions: 5,
  }), 1));
  expect(rollout.hook).toEqual({ smokeInvocations: 3, bakeMinutes: 10, bakeReadsAlarms: true, prunes: true });
});

test('ignored alarms: CodeDeploy watches none, and the bake (skipped under ignoreAlarms) reads none', () => {
  const rollout = only(scenarioModel(scenario({ keepVersions: 2, ignoreAlarms: true }), 1));
  expect(rollout.alarms).toBe(0);
  expect(rollout.hook).toEqual({ smokeInvocations: 0, bakeMinutes: 0, bakeReadsAlarms: false, prunes: true });
});

test('the library\'s stagger is read as versions waiting for versions, alias waves as aliases waiting for aliases', () => {
  const staggered = scenarioModel(scenario({}, { groupSize: 2 }), 5).rollouts;
  const version = (i: number) => staggered[i].version;
  expect(staggered.map((r) => r.versionAfter)).toEqual([[], [], [version(0)], [version(1)], [version(2)]]);
  expect(staggered.map((r) => r.after)).toEqual([[], [], [], [], []]);

  const waves = scenarioModel(scenario({}, { groupSize: 0, aliasWaves: 2 }), 4).rollouts;
  expect(waves.map((r) => r.after)).toEqual([[], [], [waves[0].id], [waves[1].id]]);
  expect(waves.map((r) => r.versionAfter)).toEqual([[], [], [], []]);
});

test('a server fleet\'s revision deployment, with its group\'s alarms', () => {
  const model = scenarioModel(scenario({}, { fleet: true }), 1);
  expect(model.fleets).toEqual([{ id: expect.stringMatching(/^FleetRelease/), alarms: 0 }]);
});
