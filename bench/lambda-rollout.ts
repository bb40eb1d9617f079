/**
 * Synthesis cost of `LambdaRollout` against the equivalent hand-written aws-cdk-lib code.
 *
 * For N = 10, 50 and 100 Lambda functions in one stack, each variant is synthesized RUNS times
 * (after one unmeasured warm-up of each), alternating the variants and swapping which goes first
 * on every run. Every sample is a fresh child process (this file, forked with `--sample`), so
 * samples are independent and the child's peak RSS is the sample's memory. A sample's time is the
 * wall time of building a fresh App and Stack plus `app.synth()`, with aws-cdk-lib's bundled
 * CloudFormation validator on, as `cdk synth` runs it.
 *
 * It then counts resources and template bytes per function (total minus what exists once per
 * stack, divided by N) and finds the largest N that fits CloudFormation's 500-resource stack
 * limit, verified by synthesizing that N and N + 1.
 *
 * A third variant writes by hand what the library writes by default, the error-rate alarm's metric
 * math included (`hand-written, same alarm`): against it the ratio is the library's own cost, while
 * against the first hand-written variant (two plain alarms) it also holds what aws-cdk-lib's
 * validator spends on the default guard's alarm. At N = 100 the library and the first variant are
 * timed once more with the validator off.
 *
 * Last, it counts what the library's traffic hook costs (`smokeTest`, `keepVersions`, `bakeTime`):
 * resources per stack and per rollout, against the same rollouts without them, and the largest N
 * per stack with them (counted, no timing).
 *
 * It starts with the deployment model's report (bench/deploy-model/), and writes everything it
 * prints to bench/results/lambda-rollout.txt.
 *
 * Then aws-cdk-lib's validator is timed alone on the N = 100 templates, and on the library's with its
 * guard alarm swapped for a plain one, to say how much of the gap the guard alarm's metrics are
 * (bench/validator-cost.ts).
 *
 * Run: ts-node --project test/tsconfig.json bench/lambda-rollout.ts   (BENCH_RUNS=<n> to change RUNS;
 * `--hooks` runs only the traffic hook's counts, `--model` only the deployment model, `--validator`
 * only the validator's attribution)
 */
import { fork } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { cpus, loadavg, tmpdir } from 'os';
import { join, resolve } from 'path';
import { App, AppProps, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LambdaRollout, SmokeTest } from '../src';
import { deploymentModelReport } from './deploy-model/report';
import { median, table } from './support/summary';
import { validatorCostReport } from './validator-cost';
import { LambdaErrorRateCheck } from '../src/health/lambda-error-rate-check';

const SIZES = [10, 50, 100];
/** At least 5 runs; 7 keep the whole bench near 4 minutes on 2 busy cores (5 take under 3). */
const MIN_RUNS = 5;
const RUNS = Math.max(MIN_RUNS, Math.floor(Number(process.env.BENCH_RUNS ?? 7)) || MIN_RUNS);
/** CloudFormation's limit of resources per stack (aws-cdk-lib enforces it at synth too). */
const STACK_RESOURCE_LIMIT = 500;
const STACK_RESOURCE_LIMIT_CONTEXT = '@aws-cdk/core:stackResourceLimit';
const STACK_NAME = 'Bench';
/** SAM's published cost of AutoPublishAlias + DeploymentPreference: per function and per stack, before any alarm. */
const SAM_PER_FUNCTION = 5;
const SAM_SHARED = 2;
const ROOT = resolve(__dirname, '..');

type Variant = 'library' | 'hand-written' | 'hand-written, same alarm';
/** The variants counted (resources, bytes, the largest N per stack). */
const VARIANTS: Variant[] = ['library', 'hand-written'];
/** The variants timed. */
const TIMED: Variant[] = ['library', 'hand-written', 'hand-written, same alarm'];

/** Top-level construct ids that belong to one function (everything else is shared by the stack). */
const PER_FUNCTION_ID = /^(Fn|Rollout|Alias|Errors|Throttles|ErrorRate|Group)\d+$/;

/** The library: the function and a `LambdaRollout` with every default. */
function addLibrary(stack: Stack, i: number): void {
  const fn = newFunction(stack, i);
  new LambdaRollout(stack, `Rollout${i}`, { function: fn });
}

/** Hand-written aws-cdk-lib: alias, two alarms on the new version, a deployment group with its own role. */
function addHandWritten(stack: Stack, i: number, application: codedeploy.ILambdaApplication): void {
  const fn = newFunction(stack, i);
  const alias = new lambda.Alias(stack, `Alias${i}`, { aliasName: 'live', version: fn.currentVersion });
  const newVersion = {
    dimensionsMap: { FunctionName: fn.functionName, Resource: `${fn.functionName}:live`, ExecutedVersion: fn.currentVersion.version },
    statistic: 'Sum',
    period: Duration.minutes(1),
  };
  const alarmProps = { threshold: 1, evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };
  const errors = new cloudwatch.Alarm(stack, `Errors${i}`, { metric: alias.metricErrors().with(newVersion), ...alarmProps });
  const throttles = new cloudwatch.Alarm(stack, `Throttles${i}`, { metric: alias.metricThrottles().with(newVersion), ...alarmProps });
  new codedeploy.LambdaDeploymentGroup(stack, `Group${i}`, {
    application,
    alias,
    alarms: [errors, throttles],
    deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  });
}

/**
 * Hand-written aws-cdk-lib with the library's default guard: the same six metrics and metric math
 * (the expression text taken from the library, as a user would copy it), one alarm, the same group.
 */
function addHandWrittenErrorRate(stack: Stack, i: number, application: codedeploy.ILambdaApplication): void {
  const fn = newFunction(stack, i);
  const alias = new lambda.Alias(stack, `Alias${i}`, { aliasName: 'live', version: fn.currentVersion });
  const period = Duration.minutes(5);
  const metric = (metricName: string, newVersion: boolean) => new cloudwatch.Metric({
    namespace: 'AWS/Lambda',
    metricName,
    dimensionsMap: {
      FunctionName: fn.functionName, Resource: `${fn.functionName}:live`, ...(newVersion ? { ExecutedVersion: fn.currentVersion.version } : {}),
    },
    statistic: 'Sum',
    period,
  });
  const math = LambdaErrorRateCheck.of('HealthCheck.lambdaErrorRate', {
    period: Duration.minutes(5), minZScore: 4, minIncreasePercent: 1, minFailures: 2, singleFailureMaxRequests: 13,
  }).expression();
  const newMetrics = { new_errors: metric('Errors', true), new_invocations: metric('Invocations', true), new_throttles: metric('Throttles', true) };
  const z = new cloudwatch.MathExpression({
    expression: math.expression,
    usingMetrics: {
      new_failures: new cloudwatch.MathExpression({ expression: math.newFailures, usingMetrics: newMetrics, period }),
      new_requests: new cloudwatch.MathExpression({ expression: math.newRequests, usingMetrics: newMetrics, period }),
      all_errors: metric('Errors', false),
      all_invocations: metric('Invocations', false),
      all_throttles: metric('Throttles', false),
    },
    period,
  });
  const alarm = new cloudwatch.Alarm(stack, `ErrorRate${i}`, {
    metric: z,
    threshold: 4,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  });
  new codedeploy.LambdaDeploymentGroup(stack, `Group${i}`, {
    application,
    alias,
    alarms: [alarm],
    deploymentConfig: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  });
}

function newFunction(stack: Stack, i: number): lambda.Function {
  return new lambda.Function(stack, `Fn${i}`, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline(`exports.handler = async () => ${i};`),
  });
}

/** One App with one Stack of `n` functions of `variant`. */
function build(variant: Variant, n: number, props: AppProps): { app: App; stack: Stack } {
  const app = new App(props);
  const stack = new Stack(app, STACK_NAME);
  const application = variant === 'library' ? undefined : new codedeploy.LambdaApplication(stack, 'Application');
  for (let i = 1; i <= n; i++) {
    if (!application) {
      addLibrary(stack, i);
    } else if (variant === 'hand-written') {
      addHandWritten(stack, i, application);
    } else {
      addHandWrittenErrorRate(stack, i, application);
    }
  }
  return { app, stack };
}

interface Template {
  readonly Resources?: Record<string, { readonly Type: string }>;
  readonly [key: string]: unknown;
}

/** What one synthesis produced: the template and, per logical id, whether one function owns it. */
interface Shape {
  readonly template: Template;
  readonly perFunction: Record<string, boolean>;
}

function shapeOf(stack: Stack, template: Template): Shape {
  const perFunction: Record<string, boolean> = {};
  for (const construct of stack.node.findAll()) {
    if (construct instanceof CfnResource) {
      const topLevelId = construct.node.scopes[2].node.id; // scopes: App, Stack, then the construct under the stack
      perFunction[stack.resolve(construct.logicalId) as string] = PER_FUNCTION_ID.test(topLevelId);
    }
  }
  return { template, perFunction };
}

interface Sample extends Shape {
  readonly ms: number;
  readonly maxRssKiB: number;
  readonly rssBeforeKiB: number;
}

/** Child process: one measured synthesis, reported to the parent (`validate`: aws-cdk-lib's CloudFormation validator on, as in `cdk synth`). */
function runSample(variant: Variant, n: number, validate: boolean): void {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-lambda-rollout-'));
  // N = 100 needs more than 500 resources with either variant: lift aws-cdk-lib's check of the limit.
  const context = { [STACK_RESOURCE_LIMIT_CONTEXT]: 0 };
  const rssBeforeKiB = process.memoryUsage().rss / 1024;
  const start = process.hrtime.bigint();
  const { app, stack } = build(variant, n, { outdir, context, builtinCloudFormationValidation: validate });
  const assembly = app.synth();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const maxRssKiB = process.resourceUsage().maxRSS;
  const template = assembly.getStackByName(stack.stackName).template as Template;
  const sample: Sample = { ms, maxRssKiB, rssBeforeKiB, ...shapeOf(stack, template) };
  rmSync(outdir, { recursive: true, force: true });
  if (process.send) {
    process.send(sample, () => process.exit(0));
  } else {
    console.log(`${variant} N=${n}: ${ms.toFixed(0)} ms, peak ${(maxRssKiB / 1024).toFixed(1)} MiB, ${Object.keys(template.Resources ?? {}).length} resources`);
  }
}

/** Parent: forks this file to take one sample. */
function takeSample(variant: Variant, n: number, validate = true): Promise<Sample> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TS_NODE_PROJECT: join(ROOT, 'test', 'tsconfig.json'),
    TS_NODE_TRANSPILE_ONLY: 'true', // the parent run type-checked this file and the library
  };
  delete env.CDK_VALIDATION; // the validator stays on, as in `cdk synth`
  return new Promise((ok, fail) => {
    let result: Sample | undefined;
    // silent: the validator's warnings (more than 500 resources at N = 100) go to `output`, shown only on failure.
    const child = fork(__filename, ['--sample', variant, String(n), validate ? 'validate' : 'no-validate'], {
      cwd: ROOT, env, execArgv: ['-r', 'ts-node/register'], silent: true,
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('message', (message) => { result = message as Sample; });
    child.on('error', fail);
    child.on('close', (code) => (result && code === 0 ? ok(result) : fail(new Error(`${variant} N=${n}: child exited with ${code}\n${output}`))));
  });
}

/** A template synthesized in this process, without timing and without the validator. */
function synthesized(variant: Variant, n: number, enforceLimit = false): Template {
  const outdir = mkdtempSync(join(tmpdir(), 'bench-lambda-rollout-count-'));
  try {
    const context = enforceLimit ? {} : { [STACK_RESOURCE_LIMIT_CONTEXT]: 0 };
    const { app } = build(variant, n, { outdir, context, builtinCloudFormationValidation: false });
    return app.synth().getStackByName(STACK_NAME).template as Template;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function countResources(variant: Variant, n: number, enforceLimit: boolean): number {
  return Object.keys(synthesized(variant, n, enforceLimit).Resources ?? {}).length;
}

function countByType(template: Template, ids: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) {
    const type = template.Resources![id].Type;
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

function formatCounts(counts: Map<string, number>, divisor = 1): string {
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => `${type} ${+(count / divisor).toFixed(2)}`).join(', ');
}

/** A template's resources: owned by one function, once per stack, or shared but growing with N (paid in batches). */
interface Split {
  readonly total: number;
  readonly owned: string[];
  readonly once: string[];
  readonly batched: string[];
  readonly bytes: number;
  /** Bytes of the template with only its once-per-stack resources. */
  readonly onceBytes: number;
}

function split(shape: Shape, onceTypes: Set<string>): Split {
  const resources = shape.template.Resources ?? {};
  const ids = Object.keys(resources);
  const shared = ids.filter((id) => !shape.perFunction[id]);
  const once = shared.filter((id) => onceTypes.has(resources[id].Type));
  const onceOnly: Template = { ...shape.template, Resources: Object.fromEntries(once.map((id) => [id, resources[id]])) };
  return {
    total: ids.length,
    owned: ids.filter((id) => shape.perFunction[id]),
    once,
    batched: shared.filter((id) => !onceTypes.has(resources[id].Type)),
    bytes: Buffer.byteLength(JSON.stringify(shape.template)),
    onceBytes: Buffer.byteLength(JSON.stringify(onceOnly)),
  };
}

function sharedTypes(shape: Shape): Map<string, number> {
  return countByType(shape.template, Object.keys(shape.template.Resources ?? {}).filter((id) => !shape.perFunction[id]));
}

/**
 * Shared resource types whose count is the same at the smallest and the largest N exist once per
 * stack; the others (the library's managed policies, about 45 rollouts to a policy) grow with N.
 */
function onceTypesOf(smallest: Shape, largest: Shape): Set<string> {
  const atSmallest = sharedTypes(smallest);
  return new Set([...sharedTypes(largest)].filter(([type, count]) => atSmallest.get(type) === count).map(([type]) => type));
}

interface MaxFunctions {
  readonly n: number;
  readonly atN: number;
  readonly atNext: number;
  readonly cdkRejectsNext: string;
}

/** Largest N whose stack fits the limit: estimated from the counts at N, then verified by synthesizing N and N + 1. */
function maxFunctions(variant: Variant, at: Split, n0: number): MaxFunctions {
  let n = Math.floor((STACK_RESOURCE_LIMIT - at.once.length) / ((at.total - at.once.length) / n0));
  let atN = countResources(variant, n, false);
  while (atN > STACK_RESOURCE_LIMIT) {
    atN = countResources(variant, --n, false);
  }
  let atNext = countResources(variant, n + 1, false);
  while (atNext <= STACK_RESOURCE_LIMIT) {
    atN = atNext;
    atNext = countResources(variant, ++n + 1, false);
  }
  // aws-cdk-lib checks the same limit at synth: N passes, N + 1 fails.
  countResources(variant, n, true);
  let cdkRejectsNext = 'aws-cdk-lib does NOT reject it';
  try {
    countResources(variant, n + 1, true);
  } catch (e) {
    cdkRejectsNext = /TooManyResourcesInStack|greater than allowed maximum/.test(String(e))
      ? 'which aws-cdk-lib rejects at synth' : `synth failed: ${String(e).split('\n')[0]}`;
  }
  return { n, atN, atNext, cdkRejectsNext };
}

/** Everything the bench prints, for bench/results/lambda-rollout.txt. */
const printed: string[] = [];
function log(line = ''): void {
  console.log(line);
  printed.push(line);
}

async function main(): Promise<void> {
  const started = Date.now();
  const cdkVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf-8')) as { version: string }).version;
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  log(deploymentModelReport());
  log('');
  log(`LambdaRollout vs hand-written aws-cdk-lib: Node ${process.version}, aws-cdk-lib ${cdkVersion}, ${cpus().length} CPUs, load average ${load()}`);
  log(`${RUNS} measured runs per variant and N (+1 unmeasured warm-up per variant), variants in turn (the order rotated every run), `
    + 'each sample a fresh process.');
  log('time = new App + Stack + functions + app.synth(), CloudFormation validator on; memory = the child\'s peak RSS (process.resourceUsage().maxRSS);');
  log(`N=100 is over ${STACK_RESOURCE_LIMIT} resources in every variant, so samples set ${STACK_RESOURCE_LIMIT_CONTEXT}=0 (aws-cdk-lib's own check off)`);
  log('hand-written = two plain alarms (Errors, Throttles) on the new version; same alarm = the library\'s default guard (six metrics, metric math) written by hand\n');

  for (const variant of TIMED) {
    await takeSample(variant, SIZES[0]);
  }
  const samples = new Map<string, Sample[]>();
  const largest = SIZES[SIZES.length - 1];
  /** Every run takes each variant once, the order rotated by one each run; at the largest N the validator-off pair follows. */
  for (const n of SIZES) {
    for (let run = 0; run < RUNS; run++) {
      const order = TIMED.map((_, i) => TIMED[(i + run) % TIMED.length]);
      for (const variant of order) {
        const key = `${variant}:${n}`;
        samples.set(key, [...(samples.get(key) ?? []), await takeSample(variant, n)]);
      }
      if (n === largest) {
        for (const variant of run % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
          const key = `${variant}:${n}:no-validate`;
          samples.set(key, [...(samples.get(key) ?? []), await takeSample(variant, n, false)]);
        }
      }
    }
  }
  const of = (variant: Variant, n: number) => samples.get(`${variant}:${n}`)!;
  const ms = (variant: Variant, n: number) => median(of(variant, n).map((s) => s.ms));
  const mib = (variant: Variant, n: number) => median(of(variant, n).map((s) => s.maxRssKiB)) / 1024;
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const same: Variant = 'hand-written, same alarm';

  log(table([
    ['N', 'library ms', 'hand-written ms', 'same alarm ms', 'ratio', 'ratio to same alarm', 'library peak MiB', 'hand-written peak MiB', 'memory ratio'],
    ...SIZES.map((n) => [String(n),
      ms('library', n).toFixed(0), ms('hand-written', n).toFixed(0), ms(same, n).toFixed(0),
      ratio(ms('library', n), ms('hand-written', n)), ratio(ms('library', n), ms(same, n)),
      mib('library', n).toFixed(1), mib('hand-written', n).toFixed(1), ratio(mib('library', n), mib('hand-written', n))]),
  ]));
  const baseline = VARIANTS.map((v) => `${v} ${(median(SIZES.flatMap((n) => of(v, n).map((s) => s.rssBeforeKiB))) / 1024).toFixed(0)} MiB`);
  const [first, last] = [SIZES[0], SIZES[SIZES.length - 1]];
  const marginal = TIMED.map((v) => `${v} ${((ms(v, last) - ms(v, first)) / (last - first)).toFixed(1)} ms`);
  log('(medians; ratio = library / hand-written)');
  log(`each extra function, N=${first} to N=${last}: ${marginal.join(', ')}; `
    + `RSS of a child before building (node + ts-node + modules loaded): ${baseline.join(', ')}`);
  const off = (v: Variant) => median(samples.get(`${v}:${largest}:no-validate`)!.map((x) => x.ms));
  log(`validator off (builtinCloudFormationValidation: false), N=${largest}: library ${off('library').toFixed(0)} ms, hand-written ${off('hand-written').toFixed(0)} ms, `
    + `ratio ${ratio(off('library'), off('hand-written'))}; so the validator takes ${(ms('library', largest) - off('library')).toFixed(0)} ms of the library's `
    + `${ms('library', largest).toFixed(0)} and ${(ms('hand-written', largest) - off('hand-written')).toFixed(0)} ms of hand-written's ${ms('hand-written', largest).toFixed(0)}`);
  const validated = (v: Variant) => ({ name: v, template: of(v, largest)[0].template });
  for (const line of await validatorCostReport(validated('library'), validated('hand-written'), validated(same), largest, RUNS, ROOT)) log(line);
  log('');

  const largestN = SIZES[SIZES.length - 1];
  const splits = new Map(VARIANTS.map((v) => {
    const onceTypes = onceTypesOf(of(v, SIZES[0])[0], of(v, largestN)[0]);
    return [v, SIZES.map((n) => split(of(v, n)[0], onceTypes))];
  }));
  const perFunction = (v: Variant, i: number) => {
    const s = splits.get(v)![i];
    return { resources: (s.total - s.once.length) / SIZES[i], bytes: (s.bytes - s.onceBytes) / SIZES[i] };
  };
  log(table([
    ['N', 'library resources/fn', 'hand-written resources/fn', 'library template bytes/fn', 'hand-written template bytes/fn'],
    ...SIZES.map((n, i) => [String(n),
      perFunction('library', i).resources.toFixed(2), perFunction('hand-written', i).resources.toFixed(2),
      perFunction('library', i).bytes.toFixed(0), perFunction('hand-written', i).bytes.toFixed(0)]),
  ]));
  log('(per function = (total - what exists once per stack) / N; bytes = JSON.stringify of the template)');
  for (const v of VARIANTS) {
    const s = splits.get(v)![SIZES.length - 1];
    const template = of(v, largestN)[0].template;
    const batched = s.batched.length === 0 ? '' : `; shared but growing with N: ${formatCounts(countByType(template, s.batched))} at N=${largestN} `
      + `(${splits.get(v)!.map((x) => x.batched.length).join(', ')} at N=${SIZES.join(', ')})`;
    log(`${v}: once per stack ${s.once.length} (${formatCounts(countByType(template, s.once))}); `
      + `own per function ${s.owned.length / largestN} (${formatCounts(countByType(template, s.owned), largestN)})${batched}`);
  }

  log('');
  const maxes = new Map<Variant, number>();
  for (const v of VARIANTS) {
    const max = maxFunctions(v, splits.get(v)![SIZES.length - 1], largestN);
    maxes.set(v, max.n);
    log(`max N per stack (${STACK_RESOURCE_LIMIT} resources), ${v}: ${max.n} `
      + `(verified: N=${max.n} synthesizes ${max.atN} resources; N=${max.n + 1} has ${max.atNext}, ${max.cdkRejectsNext})`);
  }
  const sam = (alarmsPerFunction: number) => Math.floor((STACK_RESOURCE_LIMIT - SAM_SHARED) / (SAM_PER_FUNCTION + alarmsPerFunction));
  log(`SAM (AutoPublishAlias + DeploymentPreference, published cost): ${SAM_PER_FUNCTION} resources/function + ${SAM_SHARED} shared before any alarm `
    + `=> max (${STACK_RESOURCE_LIMIT}-${SAM_SHARED})/${SAM_PER_FUNCTION} = ${sam(0)} functions; ${sam(1)} with 1 alarm/function, ${sam(2)} with 2`);
  log(`  vs library ${maxes.get('library')} (alarms included), hand-written ${maxes.get('hand-written')} (alarms included)`);
  hookCosts();
  log(`\ntotal bench time ${((Date.now() - started) / 1000).toFixed(0)} s, load average ${load()}`);
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'lambda-rollout.txt'), `${printed.join('\n')}\n`);
}

/** Resources of a stack of `n` library rollouts, with or without the traffic hook's props. */
function hookStackResources(n: number, hooks: boolean): Record<string, number> {
  const app = new App({ context: { [STACK_RESOURCE_LIMIT_CONTEXT]: 0 }, builtinCloudFormationValidation: false });
  const stack = new Stack(app, STACK_NAME);
  for (let i = 1; i <= n; i++) {
    new LambdaRollout(stack, `Rollout${i}`, {
      function: newFunction(stack, i),
      ...(hooks ? { smokeTest: SmokeTest.invoke(), keepVersions: 10, bakeTime: Duration.minutes(10) } : {}),
    });
  }
  const counts: Record<string, number> = {};
  const template = app.synth({ validateOnSynthesis: false }).getStackByName(STACK_NAME).template as Template;
  for (const resource of Object.values(template.Resources ?? {})) {
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  }
  return counts;
}

/** The traffic hook's cost: what it adds to the same rollouts, per stack and per rollout, and the largest N per stack. */
function hookCosts(): void {
  const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);
  const added = (n: number) => {
    const [withHooks, without] = [hookStackResources(n, true), hookStackResources(n, false)];
    const types = [...new Set([...Object.keys(withHooks), ...Object.keys(without)])]
      .map((type) => [type, (withHooks[type] ?? 0) - (without[type] ?? 0)] as const).filter(([, extra]) => extra !== 0);
    return { withHooks: total(withHooks), without: total(without), extra: total(withHooks) - total(without), types };
  };
  const once = added(1).extra - 1;
  log('\ntraffic hook (smokeTest + keepVersions + bakeTime on every rollout) vs the same rollouts without it, resources counted:');
  log(table([
    ['N', 'without', 'with', 'added', 'added per rollout beyond the once-per-stack ' + String(once)],
    ...SIZES.map((n) => {
      const a = added(n);
      return [String(n), String(a.without), String(a.withHooks), String(a.extra), ((a.extra - once) / n).toFixed(2)];
    }),
  ]));
  const largest = added(SIZES[SIZES.length - 1]);
  log(`added at N=${SIZES[SIZES.length - 1]}: ${largest.types.map(([type, extra]) => `${type} ${extra}`).join(', ')}`);
  // Estimated from N=100, then verified by counting N and N + 1.
  let n = Math.floor(STACK_RESOURCE_LIMIT / (largest.withHooks / SIZES[SIZES.length - 1]));
  while (total(hookStackResources(n, true)) > STACK_RESOURCE_LIMIT) n--;
  while (total(hookStackResources(n + 1, true)) <= STACK_RESOURCE_LIMIT) n++;
  log(`max N per stack (${STACK_RESOURCE_LIMIT} resources) with the traffic hook: ${n} (N=${n} has ${total(hookStackResources(n, true))}, `
    + `N=${n + 1} has ${total(hookStackResources(n + 1, true))})`);
}

if (process.argv[2] === '--sample') {
  runSample(process.argv[3] as Variant, Number(process.argv[4]), process.argv[5] !== 'no-validate');
} else if (process.argv[2] === '--model') {
  console.log(deploymentModelReport());
} else if (process.argv[2] === '--hooks') {
  hookCosts();
} else if (process.argv[2] === '--validator') {
  const n = SIZES[SIZES.length - 1];
  const validated = (v: Variant) => ({ name: v, template: synthesized(v, n) });
  validatorCostReport(validated('library'), validated('hand-written'), validated('hand-written, same alarm'), n, RUNS, ROOT)
    .then((lines) => console.log(lines.join('\n')))
    .catch((e) => {
      console.error(e);
      process.exitCode = 1;
    });
} else {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
