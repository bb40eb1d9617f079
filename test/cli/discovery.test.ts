import { CloudFormationClient, GetTemplateCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClients } from '../../src/cli/aws-clients';
import { discoverRollouts } from '../../src/cli/discovery';
import { ROLLOUT_RECORD_KEY, ROLLOUT_RECORD_VERSION } from '../../src/contract/rollout-record';

/**
 * Discovery reads the records in the template (GetTemplate) and the physical names of the stack's
 * resources (ListStackResources): a record whose deployment group the stack has not created is
 * skipped with the reason, even when it names the group (a `LambdaRollout` under a condition that
 * is false has a record in the template and no resource in the stack).
 */
const cloudformation = mockClient(CloudFormationClient);

afterEach(() => cloudformation.reset());

function record(path: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { [ROLLOUT_RECORD_KEY]: { version: ROLLOUT_RECORD_VERSION, kind: 'lambda', path, application: { logicalId: 'App' }, ...extra } };
}

test('a rollout whose deployment group exists is found; one whose group the stack has not created is skipped, named group or not', async () => {
  cloudformation.on(GetTemplateCommand).resolves({
    TemplateBody: JSON.stringify({
      Resources: {
        App: { Type: 'AWS::CodeDeploy::Application' },
        LiveGroup: { Type: 'AWS::CodeDeploy::DeploymentGroup', Metadata: record('Live') },
        ConditionalGroup: { Type: 'AWS::CodeDeploy::DeploymentGroup', Condition: 'IsProd', Metadata: record('Conditional', { deploymentGroupName: 'conditional-group' }) },
        PendingGroup: { Type: 'AWS::CodeDeploy::DeploymentGroup', Metadata: record('Pending') },
      },
    }),
  });
  cloudformation.on(ListStackResourcesCommand).resolves({
    StackResourceSummaries: [
      { LogicalResourceId: 'App', PhysicalResourceId: 'Stack-App', ResourceType: 'AWS::CodeDeploy::Application', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date(0) },
      { LogicalResourceId: 'LiveGroup', PhysicalResourceId: 'Stack-LiveGroup', ResourceType: 'AWS::CodeDeploy::DeploymentGroup', ResourceStatus: 'CREATE_COMPLETE', LastUpdatedTimestamp: new Date(0) },
    ],
  });
  const clients = { cloudformation: new CloudFormationClient({ region: 'us-east-1' }) } as unknown as AwsClients;

  const { rollouts, skipped } = await discoverRollouts(clients, 'Stack');

  expect(rollouts.map((rollout) => [rollout.label, rollout.applicationName, rollout.deploymentGroupName])).toEqual([['Stack/Live', 'Stack-App', 'Stack-LiveGroup']]);
  expect(skipped).toEqual([
    'Stack/Conditional: its deployment group does not exist (not created yet, or its condition is false)',
    'Stack/Pending: its deployment group does not exist (not created yet, or its condition is false)',
  ]);
});
