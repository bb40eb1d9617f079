/**
 * AWS Control Tower's proactive controls over everything the library creates, across a matrix of
 * its constructs and options (test/governance/scenarios.ts): with the defaults, only the controls
 * of the table in docs/governed-accounts.md fail, each where the table says; with the opt-in props of that table, none.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DOCUMENTED, NEVER_BY_DEFAULT, unexpectedByDefault } from './documented-controls';
import { governance, Scenario, SCENARIOS } from './scenarios';
import { buildScenarios } from '../iam/scenarios';
import { checkedApp, checkedSynth, CheckedSynth, ControlTowerFinding } from '../support/checked-synth';
import { ControlTowerRules, isLibraryConstruct } from '../support/control-tower';

/** Synthesizes every scenario twice in one app: with the defaults, and with what a governed account adds. */
function synthesize(scenarios: Scenario[]): { result: CheckedSynth; app: App; stackOf: (kind: string, i: number) => string } {
  const app = checkedApp({}, undefined, new ControlTowerRules());
  const stackOf = (kind: string, i: number) => `${kind}${i}`;
  scenarios.forEach((scenario, i) => {
    scenario.build(new Stack(app, stackOf('Default', i), { env: { account: '111111111111', region: 'us-east-1' } }));
    const governed = new Stack(app, stackOf('Governed', i), { env: { account: '111111111111', region: 'us-east-1' } });
    scenario.build(governed, governance(governed));
  });
  return { result: checkedSynth(app), app, stackOf };
}

const libraryFindings = (findings: ControlTowerFinding[], stackName: string) =>
  findings.filter((f) => f.byLibrary && f.where.startsWith(`${stackName}/`));

let synth: ReturnType<typeof synthesize>;
beforeAll(() => {
  synth = synthesize(SCENARIOS);
});

const CASES = SCENARIOS.map((scenario, i) => [scenario.name, i] as const);

describe.each(CASES)('%s', (_name, i) => {
  test('by default, fails no CT.S3.PR.3 or CT.S3.PR.6, and CT.S3.PR.10 only on the access-log bucket S3 logging needs on SSE-S3', () => {
    const found = libraryFindings(synth.result.controlTowerFindings, synth.stackOf('Default', i));
    expect(found.filter((f) => NEVER_BY_DEFAULT.includes(f.control))).toEqual([]);
    expect(found.filter((f) => f.control === 'CT.S3.PR.10' && !DOCUMENTED['CT.S3.PR.10'].where.test(f.where))).toEqual([]);
  });

  test('by default, fails only the controls of the documented table, where the table says', () => {
    expect(unexpectedByDefault(libraryFindings(synth.result.controlTowerFindings, synth.stackOf('Default', i)))).toEqual([]);
  });

  test('with the table\'s opt-in props, no library resource fails any control', () => {
    expect(libraryFindings(synth.result.controlTowerFindings, synth.stackOf('Governed', i))).toEqual([]);
  });
});

test('the matrix exercises every control of the table', () => {
  const seen = new Set(synth.result.controlTowerFindings.filter((f) => f.byLibrary).map((f) => f.control));
  expect([...seen].sort()).toEqual(Object.keys(DOCUMENTED).sort());
});

test.each([
  ['the server deployer', 'RevisionDeployer'],
  ['the traffic hook', 'TrafficHook'],
])('%s is the library\'s: by default it fails CT.LAMBDA.PR.3 and CT.CLOUDWATCH.PR.3, with the governed options neither', (_name, id) => {
  const found = (kind: string) => [...new Set(synth.result.controlTowerFindings
    .filter((f) => f.byLibrary && f.where.startsWith(kind) && new RegExp(`^${kind}\\d+/${id}/`).test(f.where))
    .map((f) => `${f.control} ${f.where.replace(/^[A-Za-z]+\d+\//, '')}`))].sort();
  expect(found('Default')).toEqual([`CT.CLOUDWATCH.PR.3 ${id}/Logs/Resource`, `CT.LAMBDA.PR.3 ${id}/Function/Resource`]);
  expect(found('Governed')).toEqual([]);
});

test('every template is valid CloudFormation, governed or not', () => {
  expect(synth.result.templateFindings).toEqual([]);
});

test('no cdk-nag finding on a library resource, governed or not', () => {
  const constructs = new Map<string, IConstruct>(synth.app.node.findAll().map((c) => [c.node.path, c]));
  const onLibrary = synth.result.nagFindings.filter((f) => {
    const construct = constructs.get(f.where.split(' ')[0]);
    return construct !== undefined && isLibraryConstruct(construct);
  });
  expect(onLibrary).toEqual([]);
});

test.each(Object.entries(DOCUMENTED))('the table of docs/governed-accounts.md lists %s with what makes it pass', (control, { fixes }) => {
  const page = readFileSync(join(__dirname, '..', '..', 'docs', 'governed-accounts.md'), 'utf-8');
  const row = page.split('\n').find((line) => line.startsWith(`| ${control} `));
  expect(row).toBeDefined();
  for (const fix of fixes) {
    expect(row).toContain(`\`${fix}`);
  }
});

test('over the IAM suite\'s scenario matrix too, library resources fail only the table\'s controls, where it says, and never CT.S3.PR.3 or CT.S3.PR.6', () => {
  const app = checkedApp({}, undefined, new ControlTowerRules());
  const scenarios = buildScenarios(app);
  const findings = checkedSynth(app).controlTowerFindings.filter((f) => f.byLibrary);
  expect(scenarios.length).toBeGreaterThan(10);
  expect(findings.length).toBeGreaterThan(0);
  expect(findings.filter((f) => NEVER_BY_DEFAULT.includes(f.control))).toEqual([]);
  expect(unexpectedByDefault(findings)).toEqual([]);
});
