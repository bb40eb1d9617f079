/**
 * The IAM policy `cdk-rollouts policy` prints (src/cli/policy.ts), checked as the suite checks the
 * library's own policies: every statement against the Service Authorization Reference; every SDK
 * command of the command's source granted by the statement of the subcommand that sends it, and
 * nothing granted that none sends; and every call the command makes on two examples' rollouts
 * (the stack, the deployment group, the config, the alias, the alarms, the hook's settings,
 * promote parameter and log group) simulated against the printed policy, watch's alone for reads.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { App } from 'aws-cdk-lib';
import { assemblyStacks } from './conformance';
import { referenceVersion } from './reference';
import { evaluate } from './simulate';
import { statementProblems } from './statement-rules';
import { AppWorld } from './template-world';
import { Ec2FleetAlbStack } from '../../examples/ec2-fleet-alb/stack';
import { LambdaCanaryStack } from '../../examples/lambda-canary/stack';
import { policyDocument, PROMOTE_STATEMENTS, STOP_STATEMENT, WATCH_STATEMENT } from '../../src/cli/policy';
import { ROLLOUT_RECORD_KEY, RolloutRecord } from '../../src/contract/rollout-record';
import { promoteParameterName } from '../../src/contract/traffic-hook';

const CLI = join(__dirname, '..', '..', 'src', 'cli');
const OPERATOR = 'arn:aws:iam::111111111111:user/operator';
const PREFIXES: Record<string, string> = {
  'client-codedeploy': 'codedeploy',
  'client-lambda': 'lambda',
  'client-ssm': 'ssm',
  'client-cloudwatch': 'cloudwatch',
  'client-cloudformation': 'cloudformation',
  'client-cloudwatch-logs': 'logs',
};

/** `new XCommand(` in the files of src/cli, as IAM actions. */
function commandActions(ofFile: (file: string) => boolean): string[] {
  const files = readdirSync(CLI).filter((file) => file.endsWith('.ts') && ofFile(file));
  return [...new Set(files.flatMap((file) => {
    const source = readFileSync(join(CLI, file), 'utf-8');
    return [...source.matchAll(/import \{([^}]*)\} from '@aws-sdk\/(client-[a-z-]+)'/g)].flatMap(([, names, client]) => names.split(',')
      .map((name) => name.trim()).filter((name) => name.endsWith('Command') && source.includes(`new ${name}(`))
      .map((name) => `${PREFIXES[client]}:${name.replace(/Command$/, '')}`));
  }))].sort();
}

const WRITES = new Set(['stop.ts', 'promote.ts']);

test('every statement fits the Service Authorization Reference', async () => {
  const document = policyDocument(false);
  expect(document.Statement.map((statement) => statement.Sid)).toEqual(['CdkRolloutsWatch', 'CdkRolloutsStop', 'CdkRolloutsPromoteBlueGreen', 'CdkRolloutsPromoteBake']);
  for (const statement of document.Statement) {
    expect([statement.Sid, await statementProblems(statement)]).toEqual([statement.Sid, []]);
  }
  // eslint-disable-next-line no-console
  console.log(`cdk-rollouts policy: ${document.Statement.length} statements, ${document.Statement.flatMap((s) => s.Action).length} actions `
    + `(Service Authorization Reference data ${await referenceVersion()})`);
});

test('watch\'s statement grants exactly the reads of the source; stop and promote add exactly their writes', () => {
  const reads = commandActions((file) => !WRITES.has(file));
  expect([...WATCH_STATEMENT.Action].sort()).toEqual(reads);
  const writes = (file: string) => commandActions((f) => f === file).filter((action) => !reads.includes(action));
  expect(writes('stop.ts')).toEqual(STOP_STATEMENT.Action);
  expect(writes('promote.ts')).toEqual(PROMOTE_STATEMENTS.flatMap((statement) => statement.Action).sort());
});

describe('every call on the examples\' rollouts is allowed', () => {
  const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': false } });
  new LambdaCanaryStack(app, 'LambdaCanaryExample');
  new Ec2FleetAlbStack(app, 'Ec2FleetAlbExample');
  const world = new AppWorld(assemblyStacks(app.synth()));

  /** The calls of watch (reads), stop and promote on each rollout the stacks record. */
  const calls = world.stacks.flatMap((stack) => {
    const arn = (service: string, rest: string) => stack.arn(service, rest);
    const stackCalls = ['DescribeStacks', 'GetTemplate', 'ListStackResources']
      .map((action) => ({ kind: 'watch', action: `cloudformation:${action}`, resource: arn('cloudformation', `stack/${stack.stackName}/0a1b2c3d-0000-4000-8000-000000000000`) }));
    return [...stackCalls, ...Object.entries(stack.resources).flatMap(([logicalId, resource]) => {
      const record = resource.Metadata?.[ROLLOUT_RECORD_KEY] as RolloutRecord | undefined;
      if (!record) return [];
      const properties = resource.Properties ?? {};
      const application = stack.resolve(properties.ApplicationName);
      const group = arn('codedeploy', `deploymentgroup:${application}/${stack.nameOf(logicalId)}`);
      const alarms: string[] = (properties.AlarmConfiguration?.Alarms ?? []).map((alarm: { Name: unknown }) => stack.resolve(alarm.Name));
      const config = stack.resolve(properties.DeploymentConfigName ?? 'CodeDeployDefault.OneAtATime');
      const rolloutCalls = [
        ...['ListDeployments', 'GetDeployment', 'GetDeploymentGroup'].map((action) => ({ kind: 'watch', action: `codedeploy:${action}`, resource: group })),
        { kind: 'watch', action: 'codedeploy:GetDeploymentConfig', resource: arn('codedeploy', `deploymentconfig:${config}`) },
        ...['ListDeploymentTargets', 'BatchGetDeploymentTargets'].map((action) => ({ kind: 'watch', action: `codedeploy:${action}`, resource: '*' })),
        ...alarms.flatMap((name) => ['DescribeAlarms', 'DescribeAlarmHistory'].map((action) => ({ kind: 'watch', action: `cloudwatch:${action}`, resource: arn('cloudwatch', `alarm:${name}`) }))),
        { kind: 'watch', action: 'cloudwatch:GetMetricData', resource: '*' },
        // Wildcard-only in the Service Authorization Reference: a request names no resource.
        { kind: 'stop', action: 'codedeploy:StopDeployment', resource: '*' },
        { kind: 'promote', action: 'codedeploy:ContinueDeployment', resource: '*' },
      ];
      if (record.alias?.logicalId) rolloutCalls.push({ kind: 'watch', action: 'lambda:GetAlias', resource: stack.ref(record.alias.logicalId) });
      if (record.hookSettings?.logicalId) {
        const settings = stack.ref(record.hookSettings.logicalId);
        const [prefix, functionName, alias] = [settings.split('/').slice(0, -2).join('/'), ...settings.split('/').slice(-2)];
        rolloutCalls.push(
          { kind: 'watch', action: 'ssm:GetParameter', resource: arn('ssm', `parameter${settings}`) },
          { kind: 'promote', action: 'ssm:PutParameter', resource: arn('ssm', `parameter${promoteParameterName(prefix, functionName, alias)}`) },
        );
      }
      if (record.hookLogGroup?.logicalId) {
        rolloutCalls.push({ kind: 'watch', action: 'logs:FilterLogEvents', resource: arn('logs', `log-group:${stack.ref(record.hookLogGroup.logicalId)}`) });
      }
      return rolloutCalls;
    })];
  });

  test('the calls cover every action of the policy', () => {
    const granted = policyDocument(false).Statement.flatMap((statement) => statement.Action).sort();
    expect([...new Set(calls.map((call) => call.action))].sort()).toEqual(granted);
  });

  test.each(['watch', 'stop', 'promote'])('%s', async (kind) => {
    // watch's reads with the read-only policy alone; stop's and promote's writes with the full one.
    const document = policyDocument(kind === 'watch');
    const results = await Promise.all(calls.filter((call) => call.kind === kind).map(async (call) =>
      `${call.action} on ${call.resource}: ${await evaluate({ actor: `cdk-rollouts ${kind}`, roleArn: OPERATOR, action: call.action, resource: call.resource }, [document])}`));
    expect(results.length).toBeGreaterThan(0);
    expect(results.filter((result) => !result.endsWith(': Allowed'))).toEqual([]);
  });
});
