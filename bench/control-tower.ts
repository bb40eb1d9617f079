/**
 * What AWS Control Tower's proactive controls cost per checked synthesis (test/support/checked-synth.ts).
 *
 * The workload is the governance test's scenario matrix with its defaults (test/governance/scenarios.ts:
 * Lambda and server rollouts, Auto Scaling groups behind load balancers, blue/green, revision
 * deployments, revision buckets), one stack per scenario in one app. Three variants, each built and
 * synthesized RUNS times in this process after one unmeasured warm-up of each, alternating, the
 * order rotating every run:
 *
 * - without: the five cdk-nag packs, CodeDeployChecks and CloudFormation's validator;
 * - filtered: the same plus the Control Tower rules whose resource types occur in the templates
 *   (what checkedSynth runs);
 * - all rules: the same plus every one of the ~240 rule files, as the plugin runs them by default.
 *
 * Run: ts-node --project test/tsconfig.json bench/control-tower.ts   (BENCH_RUNS=<n> to change RUNS)
 */
import { cpus, loadavg } from 'os';
import { Stack } from 'aws-cdk-lib';
import { CodeDeployChecks } from '../src';
import { median } from './support/summary';
import { SCENARIOS } from '../test/governance/scenarios';
import { checkedApp, checkedSynth } from '../test/support/checked-synth';
import { ControlTowerRules, controlTowerRuleFiles } from '../test/support/control-tower';

const MIN_RUNS = 3;
const RUNS = Math.max(MIN_RUNS, Math.floor(Number(process.env.BENCH_RUNS ?? 7)) || MIN_RUNS);

type Variant = 'without' | 'filtered' | 'all rules';
const VARIANTS: Variant[] = ['without', 'filtered', 'all rules'];

/** One checked synthesis of the matrix; returns its wall time in milliseconds and its Control Tower findings. */
function sample(variant: Variant): { ms: number; findings: number } {
  const start = process.hrtime.bigint();
  const controlTower = variant === 'without' ? false : new ControlTowerRules(variant === 'all rules');
  const app = checkedApp({}, new CodeDeployChecks(), controlTower);
  SCENARIOS.forEach((scenario, i) => scenario.build(new Stack(app, `Scenario${i}`, { env: { account: '111111111111', region: 'us-east-1' } })));
  const result = checkedSynth(app);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, findings: controlTower ? result.controlTowerFindings.length : 0 };
}

function main(): void {
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`Control Tower rules in checkedSynth: Node ${process.version}, ${cpus().length} CPUs, load average ${load()}`);
  console.log(`${SCENARIOS.length} stacks (the governance matrix), ${controlTowerRuleFiles().length} rule files; ${RUNS} measured runs per variant (+1 warm-up each), variants alternating, in one process`);
  const times: Record<Variant, number[]> = { 'without': [], 'filtered': [], 'all rules': [] };
  const findings: Partial<Record<Variant, number>> = {};
  VARIANTS.forEach((variant) => sample(variant));
  for (let run = 0; run < RUNS; run++) {
    const order = [...VARIANTS.slice(run % VARIANTS.length), ...VARIANTS.slice(0, run % VARIANTS.length)];
    for (const variant of order) {
      const { ms, findings: found } = sample(variant);
      times[variant].push(ms);
      findings[variant] = found;
    }
  }
  const base = median(times.without);
  console.log('\nvariant     median ms  min ms  max ms  vs without  Control Tower findings');
  for (const variant of VARIANTS) {
    const m = median(times[variant]);
    console.log(`${variant.padEnd(10)}  ${m.toFixed(0).padStart(9)}  ${Math.min(...times[variant]).toFixed(0).padStart(6)}  `
      + `${Math.max(...times[variant]).toFixed(0).padStart(6)}  ${(m / base).toFixed(2).padStart(10)}  ${String(findings[variant] ?? 0).padStart(22)}`);
  }
  console.log(`\nControl Tower per synth: filtered +${(median(times.filtered) - base).toFixed(0)} ms, all rules +${(median(times['all rules']) - base).toFixed(0)} ms`);
  console.log(`load average ${load()}`);
}

main();
