/** The suite's summary line and the verdict table of docs/peer-scenarios.md. */
import { ScenarioRun } from './run';

/** `peer scenarios: N of M equivalent or better, K deliberate differences, J not expressible`. */
export function summary(runs: ScenarioRun[]): string {
  const count = (...verdicts: string[]) => runs.filter((r) => verdicts.includes(r.result.verdict)).length;
  const unexplained = runs.reduce((sum, r) => sum + r.result.unexplained.length, 0);
  const defects = runs.reduce((sum, r) => sum + r.result.defects.length, 0);
  return `peer scenarios: ${count('equivalent', 'better')} of ${runs.length} equivalent or better, ${count('deliberate')} deliberate differences, `
    + `${count('not expressible')} not expressible (${count('equivalent')} equivalent, ${count('better')} better; `
    + `${runs.filter((r) => r.scenario.peer === 'aws-cdk').length} from aws-cdk, ${runs.filter((r) => r.scenario.peer === 'SAM').length} from SAM; `
    + `${unexplained} unexplained differences, ${defects} defects)`;
}

/** One row per scenario: where it comes from, what it says, the verdict and each difference's. */
export function renderTable(runs: ScenarioRun[]): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const rows = runs.map(({ scenario, result }) => {
    const explained = result.judged.map(({ difference, explanation }) => `${difference.group ? `${difference.group}: ` : ''}**${difference.aspect}**: `
      + (explanation ? `${explanation.verdict}, ${explanation.label ? `_${explanation.label}_` : explanation.reason}` : 'UNEXPLAINED'));
    const verdict = result.verdict === 'equivalent' && 'refused' in (runs.find((r) => r.scenario === scenario)!.peer) ? 'equivalent (both refuse)' : result.verdict;
    return `| ${scenario.id} | ${scenario.peer}: \`${cell(scenario.source)}\` | ${cell(scenario.title)} | ${verdict} | ${cell(explained.join('; ') || '(none)')} |`;
  });
  const labelled = new Map<string, string>();
  for (const { explanation } of runs.flatMap((r) => r.result.judged)) {
    if (explanation?.label) {
      labelled.set(explanation.label, `${explanation.verdict}: ${explanation.reason}`);
    }
  }
  const legend = [...labelled.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([label, reason]) => `- _${label}_ (${reason.split(':')[0]}): ${cell(reason.slice(reason.indexOf(':') + 2))}`);
  return [
    '| Scenario | Source | What it says | Verdict | Differences |', '| --- | --- | --- | --- | --- |', ...rows,
    '', 'The reasons the table names in italics:', '', ...legend,
  ].join('\n');
}
