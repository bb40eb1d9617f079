import { snapshotFacts } from './facts';
import { isoTime } from './format';
import type { Snapshot } from './view';
import type { Verdict, WatchOutput } from './watch';

/** `--json`: one JSON object per line, for each changed fact, then one per verdict and diagnosis, and the exit code. */
export class JsonOutput implements WatchOutput {
  private readonly sent = new Map<string, string>();
  public constructor(private readonly write: (text: string) => void) {}

  public snapshot(snapshot: Snapshot): void {
    for (const fact of snapshotFacts(snapshot)) {
      const text = JSON.stringify(fact.data);
      if (this.sent.get(fact.key) === text) continue;
      this.sent.set(fact.key, text);
      this.send(snapshot.time, { ...fact.data, text: fact.text });
    }
  }

  public finish(snapshot: Snapshot, verdicts: Verdict[], exitCode: number): void {
    this.snapshot(snapshot);
    for (const verdict of verdicts) {
      this.send(snapshot.time, { type: 'verdict', rollout: verdict.label, outcome: verdict.outcome, text: verdict.text });
      for (const { deploymentId, diagnosis } of verdict.diagnoses) this.send(snapshot.time, { type: 'diagnosis', rollout: verdict.label, deploymentId, ...diagnosis });
    }
    this.send(snapshot.time, { type: 'end', exitCode });
  }

  private send(time: number, event: Record<string, unknown>): void {
    this.write(`${JSON.stringify({ time: isoTime(time), ...event })}\n`);
  }
}
