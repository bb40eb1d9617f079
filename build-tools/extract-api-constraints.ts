/**
 * Writes test/e2e/support/api-constraints.json: the enums, length and range limits of the members
 * the calls the emulator serves send and receive (those of the library's handlers, the server
 * deployer and the traffic hook, and those of the `cdk-rollouts` command, src/cli/), taken from
 * AWS's full API models as botocore ships them (`botocore/data/<service>/<version>/service-2.json.gz`),
 * and each service's protocol metadata (the JSON protocol's version and target prefix, which the
 * aws-sdk v2 model of a service that has since moved from the query protocol to JSON lacks).
 *
 * Why: the end-to-end emulator validates requests against the aws-sdk v2 models
 * (node_modules/aws-sdk/apis/*.min.json, a pinned devDependency), but the `.min.json` files keep
 * only structure, required members and types: enums and `min`/`max` are stripped. botocore is not an
 * npm package, so its constraints are extracted once, for the operations the handler calls, and
 * committed with the botocore version they came from.
 *
 * Usage: ts-node --project test/tsconfig.json build-tools/extract-api-constraints.ts <botocore data dir>
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/**
 * The operations the emulator serves, per service (directory under botocore's data/): the handlers'
 * calls, and those of `cdk-rollouts` (src/cli/).
 */
export const OPERATIONS: Record<string, { readonly version: string; readonly operations: readonly string[] }> = {
  codedeploy: {
    version: '2014-10-06',
    operations: [
      'CreateDeployment', 'GetDeployment', 'ListDeployments', 'StopDeployment', 'ListDeploymentTargets', 'BatchGetDeploymentTargets',
      'CreateDeploymentGroup', 'GetDeploymentGroup', 'UpdateDeploymentGroup', 'DeleteDeploymentGroup',
      'GetApplicationRevision', 'PutLifecycleEventHookExecutionStatus',
      'GetDeploymentConfig', 'ContinueDeployment',
    ],
  },
  lambda: { version: '2015-03-31', operations: ['Invoke', 'ListVersionsByFunction', 'ListAliases', 'DeleteFunction', 'GetAlias'] },
  autoscaling: { version: '2011-01-01', operations: ['DeleteAutoScalingGroup'] },
  ssm: { version: '2014-11-06', operations: ['GetParameter', 'PutParameter'] },
  cloudwatch: { version: '2010-08-01', operations: ['DescribeAlarms', 'DescribeAlarmHistory', 'GetMetricData'] },
  logs: { version: '2014-03-28', operations: ['CreateLogStream', 'FilterLogEvents'] },
  cloudformation: { version: '2010-05-15', operations: ['DescribeStacks', 'GetTemplate', 'ListStackResources'] },
};

/** The protocol metadata of a service's model. */
export interface ProtocolMetadata {
  readonly protocols?: readonly string[];
  readonly jsonVersion?: string;
  readonly targetPrefix?: string;
  readonly awsQueryCompatible?: boolean;
}

interface Shape {
  readonly type: string;
  readonly members?: Record<string, { readonly shape: string }>;
  readonly member?: { readonly shape: string };
  readonly key?: { readonly shape: string };
  readonly value?: { readonly shape: string };
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
}

export interface Constraint {
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
}

/** Recursive shapes stop here (deeper paths are never sent). */
const MAX_DEPTH = 10;

function walk(shapes: Record<string, Shape>, name: string, at: string, depth: number, out: Record<string, Constraint>): void {
  const shape = shapes[name];
  if (!shape || depth > MAX_DEPTH) return;
  const constraint: { enum?: readonly string[]; min?: number; max?: number } = {};
  if (shape.enum) constraint.enum = shape.enum;
  if (shape.min !== undefined) constraint.min = shape.min;
  if (shape.max !== undefined) constraint.max = shape.max;
  if (Object.keys(constraint).length > 0) out[at] = constraint;
  if (shape.type === 'structure') {
    for (const [member, ref] of Object.entries(shape.members ?? {})) walk(shapes, ref.shape, `${at}.${member}`, depth + 1, out);
  } else if (shape.type === 'list' && shape.member) {
    walk(shapes, shape.member.shape, `${at}[]`, depth + 1, out);
  } else if (shape.type === 'map') {
    if (shape.key) walk(shapes, shape.key.shape, `${at}{key}`, depth + 1, out);
    if (shape.value) walk(shapes, shape.value.shape, `${at}{}`, depth + 1, out);
  }
}

function main(dataDir: string): void {
  const botocoreVersion = readBotocoreVersion(dataDir);
  const services: Record<string, Record<string, Constraint>> = {};
  const metadata: Record<string, ProtocolMetadata> = {};
  for (const [service, { version, operations }] of Object.entries(OPERATIONS)) {
    const model = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(dataDir, service, version, 'service-2.json.gz'))).toString('utf8')) as {
      metadata: { protocols?: string[]; jsonVersion?: string; targetPrefix?: string; awsQueryCompatible?: unknown };
      operations: Record<string, { input?: { shape: string }; output?: { shape: string } }>;
      shapes: Record<string, Shape>;
    };
    const { protocols, jsonVersion, targetPrefix, awsQueryCompatible } = model.metadata;
    metadata[service] = { protocols, jsonVersion, targetPrefix, ...(awsQueryCompatible ? { awsQueryCompatible: true } : {}) };
    const out: Record<string, Constraint> = {};
    for (const operation of operations) {
      const { input, output } = model.operations[operation];
      if (input) walk(model.shapes, input.shape, `${operation}.input`, 0, out);
      if (output) walk(model.shapes, output.shape, `${operation}.output`, 0, out);
    }
    services[service] = out;
  }
  const target = path.join(__dirname, '..', 'test', 'e2e', 'support', 'api-constraints.json');
  fs.writeFileSync(target, `${JSON.stringify({ source: `botocore ${botocoreVersion}`, metadata, services }, null, 1)}\n`);
  console.log(`wrote ${target} from botocore ${botocoreVersion}`);
}

function readBotocoreVersion(dataDir: string): string {
  const init = path.join(dataDir, '..', '__init__.py');
  const match = fs.existsSync(init) ? /__version__ = '([^']+)'/.exec(fs.readFileSync(init, 'utf8')) : null;
  return match ? match[1] : 'unknown version';
}

if (require.main === module) {
  const dataDir = process.argv[2];
  if (!dataDir) throw new Error('usage: extract-api-constraints.ts <botocore data dir>');
  main(dataDir);
}
