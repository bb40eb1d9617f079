/**
 * Compares what CodeDeploy sees of the peer's template and the library's, aspect by aspect, and
 * judges each difference with the scenario's explanations.
 */
import { Explanation, Verdict } from './scenario';
import { TemplateView } from './view';

type Json = any;

/** A side's view, or the message it was refused with. */
export type SideView = TemplateView | { readonly refused: string };

export interface Difference {
  readonly aspect: string;
  readonly group?: string;
  readonly peer: Json;
  readonly library: Json;
}

export interface Judged {
  readonly difference: Difference;
  readonly explanation?: Explanation;
}

/** What a scenario comes to. */
export interface ScenarioResult {
  readonly verdict: 'equivalent' | Verdict;
  readonly judged: Judged[];
  /** Differences no explanation covers. */
  readonly unexplained: Difference[];
  /** Explanations no difference needs any more. */
  readonly stale: Explanation[];
  /** What the library's template leaves IAM to deny: a defect whatever the peer does. */
  readonly defects: string[];
}

const SEVERITY: Array<'equivalent' | Verdict> = ['equivalent', 'better', 'deliberate', 'not expressible'];

export function differences(peer: SideView, library: SideView): Difference[] {
  if ('refused' in peer || 'refused' in library) {
    const refusal = (side: SideView) => ('refused' in side ? side.refused : '(accepted)');
    return 'refused' in peer && 'refused' in library ? [] : [{ aspect: 'refusal', peer: refusal(peer), library: refusal(library) }];
  }
  const found: Difference[] = [];
  const peerKeys = peer.groups.map((g) => g.key);
  const libraryKeys = library.groups.map((g) => g.key);
  if (JSON.stringify(peerKeys) !== JSON.stringify(libraryKeys)) {
    found.push({ aspect: 'groups', peer: peerKeys, library: libraryKeys });
  }
  const several = peerKeys.length > 1 || libraryKeys.length > 1;
  for (const group of peer.groups) {
    const other = library.groups.find((g) => g.key === group.key);
    if (!other) {
      continue;
    }
    for (const aspect of [...new Set([...Object.keys(group.aspects), ...Object.keys(other.aspects)])]) {
      const a = group.aspects[aspect];
      const b = other.aspects[aspect];
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        found.push({ aspect, ...(several ? { group: group.key } : {}), peer: a, library: b });
      }
    }
  }
  if (JSON.stringify(peer.configs) !== JSON.stringify(library.configs)) {
    found.push({ aspect: 'configs', peer: peer.configs, library: library.configs });
  }
  if (JSON.stringify(peer.deniedCalls) !== JSON.stringify(library.deniedCalls)) {
    found.push({ aspect: 'deniedCalls', peer: peer.deniedCalls, library: library.deniedCalls });
  }
  if (JSON.stringify(peer.unresolvedUnderConditions) !== JSON.stringify(library.unresolvedUnderConditions)) {
    found.push({ aspect: 'unresolvedUnderConditions', peer: peer.unresolvedUnderConditions, library: library.unresolvedUnderConditions });
  }
  return found;
}

export function judge(peer: SideView, library: SideView, explanations: Explanation[]): ScenarioResult {
  const found = differences(peer, library);
  const used = new Set<Explanation>();
  const judged: Judged[] = found.map((difference) => {
    const explanation = explanations.find((e) => e.aspect === difference.aspect
      && (e.group === undefined || e.group === difference.group)
      && (!e.holds || e.holds(difference.peer, difference.library)));
    if (explanation) {
      used.add(explanation);
    }
    return { difference, explanation };
  });
  const defects = 'deniedCalls' in library ? library.deniedCalls.map((call) => `the library's template denies ${call}`) : [];
  const verdicts = judged.filter((j) => j.explanation).map((j) => j.explanation!.verdict);
  const verdict = verdicts.reduce<'equivalent' | Verdict>((worst, v) => (SEVERITY.indexOf(v) > SEVERITY.indexOf(worst) ? v : worst), 'equivalent');
  return {
    verdict,
    judged,
    unexplained: judged.filter((j) => !j.explanation).map((j) => j.difference),
    stale: explanations.filter((e) => !used.has(e)),
    defects,
  };
}
