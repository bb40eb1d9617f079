/**
 * Synthesizes every app under examples/ with the real aws-cdk CLI into cdk.out/<example>, and
 * prints one line per stack: its resources, deployment groups, deployment configs and revision
 * deployments.
 *
 * Each example imports the library by its package name, as a copied app would; tsconfig-paths maps
 * that name to src/ here, so the examples always run against the code in this checkout.
 */
import { execFileSync } from 'child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'fs';
import { join, resolve } from 'path';
import { REVISION_DEPLOYMENT_RESOURCE_TYPE } from '../src/contract/revision-deployment';

const ROOT = resolve(__dirname, '..');
const EXAMPLES = join(ROOT, 'examples');
const TSCONFIG = join(ROOT, 'test', 'tsconfig.json');

interface Manifest {
  readonly artifacts: Record<string, {
    readonly type: string;
    readonly properties?: { readonly templateFile?: string; readonly directoryName?: string };
  }>;
}

function synth(example: string): string[] {
  const outdir = join(ROOT, 'cdk.out', example);
  rmSync(outdir, { recursive: true, force: true });
  const app = ['node', '-r', 'ts-node/register', '-r', 'tsconfig-paths/register', 'main.ts'].join(' ');
  execFileSync('cdk', ['synth', '--app', app, '--output', outdir, '--quiet', '--no-notices', '--no-version-reporting'], {
    cwd: join(EXAMPLES, example),
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      TS_NODE_PROJECT: TSCONFIG,
      TS_NODE_TRANSPILE_ONLY: 'true', // the test command type-checks the examples
      CDK_DISABLE_CLI_TELEMETRY: 'true',
    },
  });
  return summarize(example, outdir);
}

/** One line per stack of an assembly, and of its nested assemblies (the stages of a pipeline). */
function summarize(example: string, directory: string): string[] {
  const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf-8')) as Manifest;
  return Object.entries(manifest.artifacts).flatMap(([name, artifact]) => {
    if (artifact.type === 'cdk:cloud-assembly') {
      return summarize(example, join(directory, artifact.properties!.directoryName!));
    }
    if (artifact.type !== 'aws:cloudformation:stack') {
      return [];
    }
    const template = JSON.parse(readFileSync(join(directory, artifact.properties!.templateFile!), 'utf-8'));
    const types = Object.values<{ Type: string }>(template.Resources ?? {}).map((r) => r.Type);
    const count = (type: string) => types.filter((t) => t === type).length;
    return [`${example}: ${name} - ${types.length} resources, `
      + `${count('AWS::CodeDeploy::DeploymentGroup')} deployment groups, ${count('AWS::CodeDeploy::DeploymentConfig')} deployment configs, `
      + `${count(REVISION_DEPLOYMENT_RESOURCE_TYPE)} revision deployments`];
  });
}

const examples = readdirSync(EXAMPLES).filter((name) => existsSync(join(EXAMPLES, name, 'main.ts'))).sort();
if (examples.length === 0) {
  throw new Error(`no example apps (examples/<name>/main.ts) found in ${EXAMPLES}`);
}
for (const example of examples) {
  for (const line of synth(example)) {
    console.log(line);
  }
}
