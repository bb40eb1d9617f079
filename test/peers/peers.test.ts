/**
 * The peer-scenario suite: aws-cdk's and SAM's own CodeDeploy scenarios, each written with the
 * peer's API and with the library, compared on what CodeDeploy sees (docs/peer-scenarios.md).
 * Every difference has a verdict and a reason; an unexplained difference, a call the library's
 * template would leave IAM to deny, a finding of the validators on what the library created, or a
 * reference to a resource that some value of the template's conditions does not create fails it.
 */
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { PEER_SCENARIOS } from './scenarios';
import { renderTable, summary } from './support/report';
import { ScenarioRun, runScenarios } from './support/run';

const DOCS = join(__dirname, '..', '..', 'docs', 'peer-scenarios.md');
const TABLE_START = '<!-- peer-scenarios:table:start -->';
const TABLE_END = '<!-- peer-scenarios:table:end -->';

let runs: ScenarioRun[];

beforeAll(async () => {
  runs = await runScenarios(PEER_SCENARIOS);
  if (process.env.PEER_SCENARIOS_DUMP) {
    // Every view, to read what the comparison saw: PEER_SCENARIOS_DUMP=<file> npx jest test/peers
    writeFileSync(process.env.PEER_SCENARIOS_DUMP, JSON.stringify(runs.map((r) => ({
      id: r.scenario.id,
      peer: r.peer,
      library: r.library,
      judged: r.result.judged,
    })), null, 1));
  }
  // eslint-disable-next-line no-console
  console.log(summary(runs));
}, 600_000);

test('at least 40 scenarios, with unique ids, from both peers', () => {
  expect(PEER_SCENARIOS.length).toBeGreaterThanOrEqual(40);
  expect(new Set(PEER_SCENARIOS.map((s) => s.id)).size).toBe(PEER_SCENARIOS.length);
  expect(new Set(PEER_SCENARIOS.map((s) => s.peer))).toEqual(new Set(['aws-cdk', 'SAM']));
});

test('every difference is explained, and every explanation still needed', () => {
  const problems = runs.flatMap(({ scenario, result }) => [
    ...result.unexplained.map((d) => `${scenario.id}: unexplained difference in ${d.group ? `${d.group}: ` : ''}${d.aspect}\n`
      + `  peer:    ${JSON.stringify(d.peer)}\n  library: ${JSON.stringify(d.library)}`),
    ...result.stale.map((e) => `${scenario.id}: the explanation of ${e.aspect} (${e.verdict}) matches no difference`),
  ]);
  expect(problems).toEqual([]);
});

test('no defect: the library\'s templates allow every call CodeDeploy and the hooks make', () => {
  expect(runs.flatMap(({ scenario, result }) => result.defects.map((d) => `${scenario.id}: ${d}`))).toEqual([]);
});

test('at most one scenario is not expressible with the library', () => {
  expect(runs.filter((r) => r.result.verdict === 'not expressible').map((r) => r.scenario.id).length).toBeLessThanOrEqual(1);
});

test('CloudFormation\'s validator and cdk-nag find nothing in what the library created', () => {
  expect(runs.flatMap(({ scenario, libraryFindings }) => libraryFindings.map((f) => `${scenario.id}: ${f.check} ${f.rule} ${f.where}`))).toEqual([]);
});

test('for every value of the conditions, no resource of the library\'s templates names one that is not created', () => {
  expect(runs.flatMap(({ scenario, conditionFindings }) => conditionFindings.map((f) => `${scenario.id}: ${f.assignment}: ${f.from} -> ${f.to} (${f.via})`)))
    .toEqual([]);
});

test('docs/peer-scenarios.md holds the current verdict table', () => {
  const table = renderTable(runs);
  const docs = readFileSync(DOCS, 'utf8');
  const start = docs.indexOf(TABLE_START);
  const end = docs.indexOf(TABLE_END);
  const current = docs.slice(start + TABLE_START.length, end).trim();
  if (current !== table && process.env.PEER_SCENARIOS_WRITE === '1') {
    writeFileSync(DOCS, `${docs.slice(0, start + TABLE_START.length)}\n${table}\n${docs.slice(end)}`);
    return;
  }
  // Regenerate deliberately with PEER_SCENARIOS_WRITE=1 npx jest test/peers, and review the diff.
  expect(current).toEqual(table);
});
