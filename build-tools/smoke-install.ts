/**
 * Installs the packed library as a user would and synthesizes the README's quick starts.
 *
 * 1. Packs the npm tarball as a user's first hour does: the README's install commands (the block
 *    marked `<!-- install:pack -->`, up to the `cd` into the app), run as written in a fresh copy of
 *    the repository (the files git tracks or would track, as they are in the working tree).
 * 2. For each aws-cdk-lib a user may have, today's `cdk init app --language typescript` (the
 *    release its template asks for) and the library's peer floor (package.json's
 *    `peerDependencies`, exactly): generates a fresh app with the aws-cdk CLI, installs the
 *    tarball into it with `npm install`, and fails on any peer-dependency warning or an invalid
 *    tree (`npm ls`).
 * 3. Writes each README block marked `<!-- smoke:<name> -->` into the app's `bin/`, type-checks the
 *    app with its own TypeScript, and synthesizes it with its own CLI (`cdk synth`).
 * 4. Copies two examples (`lambda-canary`, `ec2-fleet-alb`) into the app and synthesizes them with
 *    the five cdk-nag packs and CodeDeployChecks: zero findings means the library's acknowledgements
 *    work on that aws-cdk-lib (2.257.0 to 2.268.0 reject cdk-nag finding ids with `::` inside the
 *    bracket in `Validations.acknowledge`; the library writes those through src/private/acknowledge.ts).
 * 5. Runs the `cdk-rollouts` command the tarball installed (node_modules/.bin): `--help`, then one
 *    scripted `watch` against the end-to-end emulator (test/e2e/support/watch-harness.ts): the guard
 *    stops a canary, and the command must exit 1 with the alarm's name in its verdict and diagnosis.
 *
 * Needs the npm registry (the apps' own dependencies). The test tooling `cdk init` adds (jest, swc)
 * is left out: it has no bearing on the peer dependencies, and it would double the install time.
 *
 * Usage (from the repository root; prints one line per app):
 *   ts-node build-tools/smoke-install.ts                 today's cdk init and the peer floor
 *   ts-node build-tools/smoke-install.ts 2.257.0 2.262.0 these aws-cdk-lib releases instead (to find a floor)
 */
import { spawnSync, SpawnSyncOptions } from 'child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { runScenario } from '../test/e2e/support/watch-harness';
import { alarmStops } from '../test/e2e/support/watch-scenarios';
import { watchStacks } from '../test/e2e/support/watch-stacks';

const ROOT = resolve(__dirname, '..');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf-8')) as {
  name: string; version: string; peerDependencies: Record<string, string>; devDependencies: Record<string, string>;
};
/** Dependencies of `cdk init`'s template that only its unit tests use. */
const TEST_TOOLING = /^(jest|@types\/jest|@swc\/.*|ts-jest)$/;
/** Examples synthesized under cdk-nag in each app: every construct of the library between them. */
const NAG_EXAMPLES = ['lambda-canary', 'ec2-fleet-alb'];
/** The validation plugins the examples pass, by the names they report under. */
const NAG_PLUGINS = ['AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321', 'Serverless', 'CodeDeployChecks'];
/**
 * The app that synthesizes them with those plugins, and a canary stack that each plugin flags, so
 * that zero findings in the examples cannot mean that a plugin did not run.
 */
const NAG_APP = `import { App, IPolicyValidationContext, IPolicyValidationPlugin, Stack, Validations, aws_codedeploy as codedeploy, aws_lambda as lambda, aws_sns as sns } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, NagPack, ServerlessChecks } from 'cdk-nag';
import { CodeDeployChecks } from 'cdk-codedeploy-rollouts';
import { Ec2FleetAlbStack } from '../examples/ec2-fleet-alb/stack';
import { LambdaCanaryStack } from '../examples/lambda-canary/stack';

// Every finding goes to validation-report.json instead of failing on the first plugin.
const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
// cdk-nag 3 walks the construct tree that aws-cdk-lib hands plugins as appConstruct from 2.258.0 on;
// on 2.257.0, which hands them template paths only, the same pack walks the app through validateScope.
function nag(pack: NagPack): IPolicyValidationPlugin {
  return {
    name: pack.name, version: pack.version, ruleIds: pack.ruleIds,
    validate: (context: IPolicyValidationContext) => ('appConstruct' in context ? pack.validate(context) : pack.validateScope(app)),
  };
}
Validations.of(app).addPlugins(nag(new AwsSolutionsChecks(app)), nag(new HIPAASecurityChecks(app)), nag(new NIST80053R5Checks(app)),
  nag(new PCIDSS321Checks(app)), nag(new ServerlessChecks(app)), new CodeDeployChecks());
new LambdaCanaryStack(app, 'LambdaCanaryExample');
new Ec2FleetAlbStack(app, 'Ec2FleetAlbExample');

const canary = new Stack(app, 'NagCanary');
new sns.Topic(canary, 'PlainTopic');
new lambda.Function(canary, 'PlainFunction', {
  runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;'),
});
new codedeploy.CfnDeploymentGroup(canary, 'PlainGroup', { applicationName: 'app', serviceRoleArn: 'arn:aws:iam::111111111111:role/deploy' });
app.synth();
`;
/** What npm says when a peer dependency is missing, conflicting or overridden. */
const PEER_TROUBLE = /ERESOLVE|peer dep|conflicting peer|invalid:|overriding peer|unmet peer/i;

interface Variant {
  readonly name: string;
  /** The aws-cdk-lib version spec to install; undefined keeps `cdk init`'s own. */
  readonly awsCdkLib?: string;
}

interface QuickStart {
  readonly name: string;
  readonly code: string;
}

/** Runs a command; returns what it wrote to stdout and stderr (npm warns on stderr), or throws with it. */
function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal}) in ${options.cwd ?? ROOT}:\n${output}`);
  }
  return output;
}

/** The README's blocks marked `<!-- smoke:<name> -->`, each a complete app. */
function quickStarts(): QuickStart[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf-8');
  const found = [...readme.matchAll(/<!-- smoke:([a-z-]+) -->\n```ts[^\n]*\n([\s\S]*?)\n```/g)].map((m) => ({ name: m[1], code: `${m[2]}\n` }));
  if (found.length === 0) {
    throw new Error('README.md has no block marked <!-- smoke:<name> -->');
  }
  return found;
}

/** The README's commands that build the tarball: the `<!-- install:pack -->` block up to the `cd` into the app. */
function installCommands(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf-8');
  const block = /<!-- install:pack -->\n```sh\n([\s\S]*?)\n```/.exec(readme);
  if (!block) {
    throw new Error('README.md has no sh block marked <!-- install:pack -->');
  }
  const lines = block[1].split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter((line) => line !== '');
  const appStep = lines.findIndex((line) => line.startsWith('cd '));
  return appStep < 0 ? lines : lines.slice(0, appStep);
}

/** Runs the README's install commands in a fresh copy of the repository; returns the tarball's path. */
function pack(workDir: string): string {
  const clone = join(workDir, 'repository');
  const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT }).split('\0').filter((f) => f && existsSync(join(ROOT, f)));
  for (const file of files) {
    cpSync(join(ROOT, file), join(clone, file), { recursive: false });
  }
  // CI as a fresh clone has it: no variable that changes what projen's tasks do.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'CI'));
  for (const command of installCommands()) {
    run('bash', ['-c', command], { cwd: clone, env });
  }
  const dir = join(clone, 'dist', 'js');
  const tarball = existsSync(dir) ? readdirSync(dir).find((f) => f.startsWith(`${PACKAGE.name}@${PACKAGE.version}`) && f.endsWith('.tgz')) : undefined;
  if (!tarball) {
    throw new Error(`the README's install commands (${installCommands().join('; ')}) made no tarball of ${PACKAGE.name}@${PACKAGE.version} in ${dir}`);
  }
  const path = join(dir, tarball);
  // The handlers run from their bundles under assets/: their compiled modules stay out of the package,
  // but the Function class generated for each src/handlers/*.lambda.ts ships (the constructs load it).
  const shipped = run('tar', ['tzf', path]).split('\n').filter((f) => f.startsWith('package/lib/handlers/'));
  const expected = readdirSync(join(ROOT, 'src', 'handlers')).filter((f) => f.endsWith('.lambda.ts'))
    .flatMap((f) => ['js', 'd.ts'].map((ext) => `package/lib/handlers/${f.replace(/\.lambda\.ts$/, '')}-function.${ext}`));
  const unexpected = shipped.filter((f) => !expected.includes(f));
  const missing = expected.filter((f) => !shipped.includes(f));
  if (unexpected.length > 0 || missing.length > 0) {
    throw new Error(`the package's handler modules are wrong: never loaded but shipped: ${unexpected.join(', ') || 'none'}; `
      + `loaded but missing: ${missing.join(', ') || 'none'}`);
  }
  return path;
}

/**
 * The installed command: `--help`, then a scripted watch in which the guard stops a canary (exit 1,
 * the alarm named in the verdict and the diagnosis), against the emulator; no request may break AWS's models.
 */
async function smokeCli(app: string): Promise<string> {
  const bin = join(app, 'node_modules', '.bin', 'cdk-rollouts');
  const help = spawnSync(bin, ['--help'], { cwd: app, encoding: 'utf-8' });
  if (help.status !== 0 || !help.stdout.startsWith('Usage: cdk-rollouts <command>')) {
    throw new Error(`cdk-rollouts --help failed (exit ${help.status}):\n${help.stdout}${help.stderr}`);
  }
  const result = await runScenario('Guarded', watchStacks().Guarded, alarmStops, { command: { file: bin, args: [], cwd: app } });
  const violations = result.harness.emulator.takeViolations();
  const verdict = 'Guarded/Api: FAILED d-E2E000001 Stopped by alarm Guarded-ApiNewVersionErrorRateAlarm376017FF';
  if (result.plain.code !== 1 || !result.plain.output.includes(verdict) || !result.plain.output.includes('Diagnosis of Guarded/Api') || violations.length > 0) {
    throw new Error(`cdk-rollouts watch did not stop with the guard's verdict (exit ${result.plain.code}):\n${result.plain.output}${result.plain.stderr}`
      + `${violations.length > 0 ? `\nrequests that broke AWS's models:\n${violations.join('\n')}` : ''}`);
  }
  const lines = result.plain.output.trim().split('\n').length;
  return `cdk-rollouts --help, and watch of a canary the guard stops: exit 1, ${lines} lines, the alarm in its verdict and diagnosis`;
}

function smoke(variant: Variant, tarball: string, starts: QuickStart[], workDir: string): { line: string; app: string } {
  const app = join(workDir, variant.name);
  mkdirSync(app, { recursive: true });
  run(join(ROOT, 'node_modules', '.bin', 'cdk'), ['init', 'app', '--language', 'typescript', '--generate-only'], { cwd: app });

  const pkgFile = join(app, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf-8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  const initSpec = pkg.dependencies['aws-cdk-lib'];
  pkg.devDependencies = Object.fromEntries(Object.entries(pkg.devDependencies).filter(([name]) => !TEST_TOOLING.test(name)));
  pkg.dependencies = { ...pkg.dependencies, ...(variant.awsCdkLib ? { 'aws-cdk-lib': variant.awsCdkLib } : {}), [PACKAGE.name]: `file:${tarball}` };
  pkg.devDependencies['cdk-nag'] = PACKAGE.devDependencies['cdk-nag'];
  writeFileSync(pkgFile, JSON.stringify(pkg, undefined, 2));
  rmSync(join(app, 'test'), { recursive: true, force: true });
  rmSync(join(app, 'jest.config.js'), { force: true });
  const tsconfigFile = join(app, 'tsconfig.json');
  const tsconfig = JSON.parse(readFileSync(tsconfigFile, 'utf-8')) as { compilerOptions: { types?: string[] } };
  tsconfig.compilerOptions.types = (tsconfig.compilerOptions.types ?? []).filter((t) => t !== 'jest');
  writeFileSync(tsconfigFile, JSON.stringify(tsconfig, undefined, 2));

  // The install a user runs; npm writes peer warnings to stderr, which `run` keeps with stdout.
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: app })
    + run('npm', ['ls', 'aws-cdk-lib', 'constructs', PACKAGE.name], { cwd: app });
  const trouble = install.split('\n').filter((line) => PEER_TROUBLE.test(line));
  if (trouble.length > 0) {
    throw new Error(`${variant.name}: npm reported peer-dependency trouble:\n${trouble.join('\n')}`);
  }
  const installed = (JSON.parse(readFileSync(join(app, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf-8')) as { version: string }).version;

  // Type-check every quick start with the app's own TypeScript, then synthesize each with its own CLI.
  for (const start of starts) {
    writeFileSync(join(app, 'bin', `${start.name}.ts`), start.code);
  }
  rmSync(join(app, 'lib'), { recursive: true, force: true });
  for (const file of readdirSync(join(app, 'bin')).filter((f) => f !== 'examples-under-nag.ts' && !starts.some((s) => f === `${s.name}.ts`))) {
    rmSync(join(app, 'bin', file));
  }
  for (const example of NAG_EXAMPLES) {
    cpSync(join(ROOT, 'examples', example), join(app, 'examples', example), { recursive: true, filter: (f) => !/(cdk\.out|main\.ts|README\.md)$/.test(f) });
  }
  writeFileSync(join(app, 'bin', 'examples-under-nag.ts'), NAG_APP);
  run('npx', ['tsc', '-p', '.'], { cwd: app });
  const results = starts.map((start) => {
    const out = join(app, `cdk.out.${start.name}`);
    run('npx', ['cdk', 'synth', '--app', `npx tsx bin/${start.name}.ts`, '--output', out, '--quiet', '--no-notices', '--no-version-reporting'], { cwd: app });
    const templates = readdirSync(out).filter((f) => f.endsWith('.template.json'));
    const groups = templates.flatMap((f) => Object.values((JSON.parse(readFileSync(join(out, f), 'utf-8')) as {
      Resources: Record<string, { Type: string }>;
    }).Resources).filter((r) => r.Type === 'AWS::CodeDeploy::DeploymentGroup' || r.Type === 'Custom::CodeDeployServerDeploymentGroup'));
    if (groups.length === 0) {
      throw new Error(`${variant.name}: ${start.name} synthesized no deployment group`);
    }
    return `${start.name} ${templates.length} stack(s), ${groups.length} deployment group(s)`;
  });
  // Run directly, as the CLI would (cdk.json's feature flags as context), so that the findings
  // land in the report rather than failing the CLI.
  const nagOut = join(app, 'cdk.out.examples');
  const cdkJson = JSON.parse(readFileSync(join(app, 'cdk.json'), 'utf-8')) as { context?: Record<string, unknown> };
  run('npx', ['tsx', 'bin/examples-under-nag.ts'], {
    cwd: app, env: { ...process.env, CDK_OUTDIR: nagOut, CDK_CONTEXT_JSON: JSON.stringify(cdkJson.context ?? {}) },
  });
  // validation-report.json in newer releases (2.262.2 has it); older ones (2.257.0, 2.260.0) write
  // policy-validation-report.json, with the plugin's name and any failure under `summary`.
  const reportFile = ['validation-report.json', 'policy-validation-report.json'].map((f) => join(nagOut, f)).find((f) => existsSync(f));
  if (!reportFile) {
    throw new Error(`${variant.name}: the examples app wrote no validation report in ${nagOut}`);
  }
  const report = JSON.parse(readFileSync(reportFile, 'utf-8')) as {
    pluginReports: Array<{
      pluginName?: string;
      summary?: { pluginName: string; metadata?: { error?: string } };
      metadata?: { error?: string };
      violations: Array<{ ruleName: string; violatingConstructs?: Array<{ constructPath?: string }> }>;
    }>;
  };
  const plugins = report.pluginReports.map((plugin) => ({
    name: plugin.pluginName ?? plugin.summary?.pluginName ?? '?',
    error: plugin.metadata?.error ?? plugin.summary?.metadata?.error,
    violations: plugin.violations,
  }));
  const broken = plugins.filter((plugin) => plugin.error);
  if (broken.length > 0) {
    throw new Error(`${variant.name}: validation plugins failed:\n${broken.map((plugin) => plugin.error).join('\n')}`);
  }
  const findings = plugins.flatMap((plugin) => plugin.violations.flatMap((v) =>
    (v.violatingConstructs ?? [{}]).map((c) => ({ plugin: plugin.name, text: `${plugin.name} ${v.ruleName} ${c.constructPath ?? ''}` }))));
  const inExamples = findings.filter((f) => !f.text.includes(' NagCanary/'));
  if (inExamples.length > 0) {
    throw new Error(`${variant.name}: examples ${NAG_EXAMPLES.join(', ')} have findings:\n${inExamples.map((f) => f.text).join('\n')}`);
  }
  const silent = NAG_PLUGINS.filter((name) => !findings.some((f) => f.plugin === name));
  if (silent.length > 0) {
    throw new Error(`${variant.name}: ${silent.join(', ')} flagged nothing in the canary stack: did they run?`);
  }
  results.push(`examples ${NAG_EXAMPLES.join(' and ')}: 0 findings of ${NAG_PLUGINS.length} validation plugins (each flags the canary stack)`);
  results.push(libraryRuntimes(nagOut));
  return { line: `${variant.name}: cdk init asks for aws-cdk-lib ${initSpec}, installed ${installed}; no peer warnings; ${results.join('; ')}`, app };
}

/**
 * The runtimes the library's functions got in the examples' templates (aws-cdk-lib's latest for the
 * Region, so they differ between the apps): each must be one the bundles run on, no older than the
 * Node.js the bundles target.
 */
function libraryRuntimes(assemblyDir: string): string {
  const tasks = JSON.parse(readFileSync(join(ROOT, '.projen', 'tasks.json'), 'utf-8')) as { tasks: Record<string, { steps?: Array<{ execArgs?: string[] }> }> };
  const target = Math.max(...Object.entries(tasks.tasks).filter(([name]) => /^bundle:handlers\/.*\.lambda$/.test(name))
    .flatMap(([, task]) => (task.steps ?? []).flatMap((step) => step.execArgs ?? []))
    .map((arg) => /^--target=node(\d+)$/.exec(arg)?.[1]).filter((major): major is string => major !== undefined).map(Number));
  const runtimes = new Set<string>();
  for (const file of readdirSync(assemblyDir).filter((f) => f.endsWith('.template.json') && !f.startsWith('NagCanary'))) {
    const resources = (JSON.parse(readFileSync(join(assemblyDir, file), 'utf-8')) as {
      Resources: Record<string, { Type: string; Properties?: { Runtime?: unknown; Description?: string } }>;
    }).Resources;
    for (const resource of Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function' && /^(CodeDeploy hook of|Server deployer of this stack)/.test(r.Properties?.Description ?? ''))) {
      runtimes.add(JSON.stringify(resource.Properties?.Runtime));
    }
  }
  const names = [...runtimes].map((r) => JSON.parse(r) as unknown);
  const tooOld = names.filter((r) => typeof r !== 'string' || Number(/^nodejs(\d+)/.exec(r)?.[1] ?? 0) < target);
  if (names.length === 0 || tooOld.length > 0) {
    throw new Error(`the library's functions run on ${names.map((r) => JSON.stringify(r)).join(', ') || 'nothing found'}; `
      + `the bundles target node${target}`);
  }
  return `the library's functions on ${names.join(', ')} (bundles target node${target})`;
}

async function main(): Promise<void> {
  const started = Date.now();
  const floor = PACKAGE.peerDependencies['aws-cdk-lib'].replace(/^[\^~]/, '');
  const requested = process.argv.slice(2);
  const variants: Variant[] = requested.length > 0
    ? requested.map((version) => ({ name: `aws-cdk-lib-${version}`, awsCdkLib: version }))
    : [{ name: 'cdk-init' }, { name: 'peer-floor', awsCdkLib: floor }];
  const starts = quickStarts();
  const workDir = mkdtempSync(join(tmpdir(), 'smoke-install-'));
  const failed: string[] = [];
  let tarballName = '';
  try {
    let tarball: string;
    try {
      tarball = pack(workDir);
    } catch (error) {
      console.log(`pack: FAILED\n${(error as Error).message}`);
      failed.push('pack');
      return;
    }
    tarballName = tarball.replace(`${workDir}/repository/`, '');
    console.log(`pack: the README's install commands (${installCommands().join('; ')}) made ${tarballName} in a fresh copy of the repository`);
    for (const variant of variants) {
      try {
        const { line, app } = smoke(variant, tarball, starts, workDir);
        console.log(`${line}; ${await smokeCli(app)}`);
      } catch (error) {
        failed.push(variant.name);
        console.log(`${variant.name}: FAILED\n${(error as Error).message}`);
      }
    }
  } finally {
    if (existsSync(workDir)) {
      rmSync(workDir, { recursive: true, force: true });
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    if (failed.length > 0) {
      console.log(`smoke:install failed for ${failed.join(', ')} (${seconds} s)`);
      process.exitCode = 1;
    } else {
      console.log(`smoke:install passed: ${tarballName} in ${variants.length} apps, ${starts.length} quick starts each, ${seconds} s`);
    }
  }
}

void main();
