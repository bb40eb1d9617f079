import { diagnosisLines } from './diagnosis-text';
import { snapshotFacts } from './facts';
import type { Snapshot } from './view';
import type { Verdict, WatchOutput } from './watch';

/**
 * Output for logs (no terminal, or `--plain`): one plain line per change, no escape codes, then one
 * verdict line per rollout and the diagnosis of each failure.
 */
export class LineOutput implements WatchOutput {
  private readonly printed = new Map<string, string>();
  public constructor(private readonly write: (text: string) => void) {}

  public snapshot(snapshot: Snapshot): void {
    for (const fact of snapshotFacts(snapshot)) {
      if (this.printed.get(fact.key) === fact.text) continue;
      this.printed.set(fact.key, fact.text);
      this.write(`${fact.text}\n`);
    }
  }

  public finish(snapshot: Snapshot, verdicts: Verdict[]): void {
    this.snapshot(snapshot);
    for (const verdict of verdicts) this.write(`${verdict.text}\n`);
    for (const verdict of verdicts) {
      for (const { diagnosis } of verdict.diagnoses) this.write(diagnosisLines(verdict.label, diagnosis).map((line) => `${line}\n`).join(''));
    }
  }
}
