/**
 * Where the synthesis bench's gap goes: aws-cdk-lib's bundled CloudFormation validator timed alone
 * on the templates the bench synthesized.
 *
 * `cdk synth` runs `CloudFormationValidatePlugin` (@aws/cloudformation-validate, a WebAssembly
 * engine) on every template. This times it, plugin construction and one `validate` in a fresh
 * process each (as a synth pays it), on four templates of the same N: the library, hand-written
 * (two plain alarms), hand-written with the library's guard alarm, and the library's own template
 * with each guard alarm swapped for one plain alarm on the new version's errors (same logical id,
 * so every reference still resolves). The last one is the library without its six-metric alarm:
 * what stays is the cost of everything else the library writes.
 *
 * Run by bench/lambda-rollout.ts; `--validate <template file>` is the child.
 */
import { fork } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CloudFormationValidatePlugin, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { median, table } from './support/summary';

interface Resource {
  readonly Type: string;
  Properties?: Record<string, unknown>;
}

export interface ValidatedTemplate {
  readonly name: string;
  readonly template: { readonly Resources?: Record<string, Resource> };
}

interface MetricDataQuery {
  readonly Id: string;
  readonly MetricStat?: {
    readonly Metric: { readonly MetricName: string; readonly Namespace: string; readonly Dimensions?: Array<{ readonly Name: string }> };
    readonly Period: number;
  };
}

interface Timing {
  readonly ms: number;
  readonly version: string;
}

/** Metric entries CloudWatch reads per alarm: each `MetricStat` of a math alarm, or 1 for a single-metric alarm. */
export function metricEntries(template: ValidatedTemplate['template']): number {
  return Object.values(template.Resources ?? {}).filter((r) => r.Type === 'AWS::CloudWatch::Alarm').reduce((sum, alarm) => {
    const metrics = alarm.Properties?.Metrics as MetricDataQuery[] | undefined;
    return sum + (metrics ? metrics.filter((m) => m.MetricStat).length : 1);
  }, 0);
}

/**
 * The template with every metric-math alarm replaced by a single-metric alarm on its first metric
 * that has an `ExecutedVersion` dimension (the new version's errors, for the library's guard).
 */
export function withPlainAlarms(template: ValidatedTemplate['template']): ValidatedTemplate['template'] {
  const copy = JSON.parse(JSON.stringify(template)) as { Resources?: Record<string, Resource> };
  for (const alarm of Object.values(copy.Resources ?? {})) {
    const metrics = alarm.Type === 'AWS::CloudWatch::Alarm' ? alarm.Properties?.Metrics as MetricDataQuery[] | undefined : undefined;
    const newVersion = metrics?.find((m) => m.MetricStat?.Metric.Dimensions?.some((d) => d.Name === 'ExecutedVersion'))?.MetricStat;
    if (!newVersion) continue;
    alarm.Properties = {
      MetricName: newVersion.Metric.MetricName,
      Namespace: newVersion.Metric.Namespace,
      Dimensions: newVersion.Metric.Dimensions,
      Period: newVersion.Period,
      Statistic: 'Sum',
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    };
  }
  return copy;
}

/** A new plugin's report on one template file, as a synth constructs and runs it. */
export function validateTemplateFile(file: string): { readonly report: PolicyValidationPluginReport; readonly version: string } {
  const plugin = new CloudFormationValidatePlugin();
  // The plugin reads only the templates' paths; a synth's context also carries the app's construct tree.
  const report = plugin.validate({
    templatePaths: [file],
    stackTemplates: [{ templatePath: file, stackConstructPath: 'Bench', accountId: undefined, region: undefined }],
  } as unknown as Parameters<CloudFormationValidatePlugin['validate']>[0]);
  return { report, version: plugin.version ?? 'unknown' };
}

/** Child process: validate one template, as a synth does; report the time. */
function validateOnce(file: string): void {
  const start = process.hrtime.bigint();
  const { version } = validateTemplateFile(file);
  const timing: Timing = { ms: Number(process.hrtime.bigint() - start) / 1e6, version };
  process.send!(timing, () => process.exit(0));
}

function timeValidator(file: string, cwd: string): Promise<Timing> {
  return new Promise((ok, fail) => {
    let timing: Timing | undefined;
    const child = fork(__filename, ['--validate', file], {
      cwd, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' }, execArgv: ['-r', 'ts-node/register'], silent: true,
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('message', (message) => { timing = message as Timing; });
    child.on('error', fail);
    child.on('close', (code) => (timing && code === 0 ? ok(timing) : fail(new Error(`validator on ${file}: child exited with ${code}\n${output}`))));
  });
}

/**
 * Times the validator `runs` times on each template (the order rotated every run) and says how much
 * of the library's validator time its guard alarm takes.
 */
export async function validatorCostReport(
  library: ValidatedTemplate, handWritten: ValidatedTemplate, sameAlarm: ValidatedTemplate, n: number, runs: number, cwd: string,
): Promise<string[]> {
  const swapped = `${library.name}, guard alarm swapped for one plain alarm`;
  const all: ValidatedTemplate[] = [library, handWritten, sameAlarm, { name: swapped, template: withPlainAlarms(library.template) }];
  const dir = mkdtempSync(join(tmpdir(), 'bench-validator-'));
  const times = new Map<string, number[]>(all.map((t) => [t.name, []]));
  let version = 'unknown';
  try {
    const files = all.map((t, i) => {
      const file = join(dir, `template-${i}.json`);
      writeFileSync(file, JSON.stringify(t.template));
      return { name: t.name, file };
    });
    for (let run = 0; run < runs; run++) {
      for (let i = 0; i < files.length; i++) {
        const { name, file } = files[(i + run) % files.length];
        const timing = await timeValidator(file, cwd);
        version = timing.version;
        times.get(name)!.push(timing.ms);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ms = (name: string) => median(times.get(name)!);
  const entries = new Map(all.map((t) => [t.name, metricEntries(t.template)]));
  const kib = (t: ValidatedTemplate) => (Buffer.byteLength(JSON.stringify(t.template)) / 1024).toFixed(0);
  const guard = ms(library.name) - ms(swapped);
  const perEntry = guard / (entries.get(library.name)! - entries.get(swapped)!);
  return [
    `aws-cdk-lib's CloudFormation validator alone (CloudFormationValidatePlugin, engine ${version}) on the N=${n} templates, `
      + `plugin construction + validate in a fresh process (as a synth pays it), median of ${runs}:`,
    table([['template', 'validator ms', 'alarm metric entries', 'template KiB'],
      ...all.map((t) => [t.name, ms(t.name).toFixed(0), String(entries.get(t.name)), kib(t)])]),
    `the guard alarm takes ${guard.toFixed(0)} ms of the library's ${ms(library.name).toFixed(0)} ms in the validator: ${(guard / n).toFixed(1)} ms per rollout, `
      + `${perEntry.toFixed(2)} ms per extra metric entry; without it the library's template costs the validator ${ms(swapped).toFixed(0)} ms `
      + `against hand-written's ${ms(handWritten.name).toFixed(0)}`,
  ];
}

if (process.argv[2] === '--validate') {
  validateOnce(process.argv[3]);
}
