import { RULES } from '../../src/guardrails/rule-metadata';
import { RuleVerdict, TemplateResource } from '../../src/guardrails/template';

const { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE } = RuleVerdict;

function resource(type: string, properties: Record<string, unknown> = {}, logicalId = 'Resource'): TemplateResource {
  return { logicalId, type, properties };
}
const group = (properties: Record<string, unknown> = {}) => resource('AWS::CodeDeploy::DeploymentGroup', properties, 'Group');
const config = (properties: Record<string, unknown>) => resource('AWS::CodeDeploy::DeploymentConfig', properties, 'Config');
const topic = resource('AWS::SNS::Topic');
const alarms = { Enabled: true, Alarms: [{ Name: 'errors' }] };
const rollback = (...events: string[]) => ({ Enabled: true, Events: events });

// Each rule: compliant, non-compliant and not-applicable cases on minimal L1 resources. Extra
// resources are the rest of the template, for rules that follow a reference.
const CASES: Record<string, Array<[string, TemplateResource, RuleVerdict, TemplateResource[]?]>> = {
  'CodeDeploy-AlarmsEnabled': [
    ['enabled alarms', group({ AlarmConfiguration: alarms }), COMPLIANT],
    ['no alarm configuration', group(), NON_COMPLIANT],
    ['alarms disabled (ignored)', group({ AlarmConfiguration: { ...alarms, Enabled: false } }), NON_COMPLIANT],
    ['enabled without alarms', group({ AlarmConfiguration: { Enabled: true, Alarms: [] } }), NON_COMPLIANT],
    ['not a deployment group', topic, NOT_APPLICABLE],
  ],
  'CodeDeploy-RollbackOnFailure': [
    ['rolls back on failure', group({ AutoRollbackConfiguration: rollback('DEPLOYMENT_FAILURE') }), COMPLIANT],
    ['no rollback', group(), NON_COMPLIANT],
    ['rollback disabled', group({ AutoRollbackConfiguration: { Enabled: false, Events: ['DEPLOYMENT_FAILURE'] } }), NON_COMPLIANT],
    ['rollback on stop only', group({ AutoRollbackConfiguration: rollback('DEPLOYMENT_STOP_ON_REQUEST') }), NON_COMPLIANT],
    ['not a deployment group', topic, NOT_APPLICABLE],
  ],
  'CodeDeploy-RollbackOnAlarm': [
    ['alarms and rollback on alarm', group({ AlarmConfiguration: alarms, AutoRollbackConfiguration: rollback('DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM') }), COMPLIANT],
    ['alarms without rollback on alarm', group({ AlarmConfiguration: alarms, AutoRollbackConfiguration: rollback('DEPLOYMENT_FAILURE') }), NON_COMPLIANT],
    ['no alarms', group({ AutoRollbackConfiguration: rollback('DEPLOYMENT_FAILURE') }), NOT_APPLICABLE],
  ],
  'CodeDeploy-PollAlarmFailure': [
    ['alarm reads must succeed', group({ AlarmConfiguration: alarms }), COMPLIANT],
    ['alarm read failures ignored', group({ AlarmConfiguration: { ...alarms, IgnorePollAlarmFailure: true } }), NON_COMPLIANT],
    ['not a deployment group', topic, NOT_APPLICABLE],
  ],
  'CodeDeploy-NotAllAtOnce': [
    ['a predefined canary', group({ DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes' }), COMPLIANT],
    ['no config (one at a time)', group(), COMPLIANT],
    ['predefined Lambda all-at-once', group({ DeploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce' }), NON_COMPLIANT],
    ['predefined server all-at-once', group({ DeploymentConfigName: 'CodeDeployDefault.AllAtOnce' }), NON_COMPLIANT],
    ['custom all-at-once traffic routing', group({ DeploymentConfigName: { Ref: 'Config' } }), NON_COMPLIANT,
      [config({ ComputePlatform: 'Lambda', TrafficRoutingConfig: { Type: 'AllAtOnce' } })]],
    ['custom server config with no healthy host', group({ DeploymentConfigName: { Ref: 'Config' } }), NON_COMPLIANT,
      [config({ MinimumHealthyHosts: { Type: 'FLEET_PERCENT', Value: 0 } })]],
    ['custom canary', group({ DeploymentConfigName: { Ref: 'Config' } }), COMPLIANT,
      [config({ ComputePlatform: 'Lambda', TrafficRoutingConfig: { Type: 'TimeBasedCanary', TimeBasedCanary: { CanaryPercentage: 5, CanaryInterval: 15 } } })]],
    ['a config of another stack', group({ DeploymentConfigName: { 'Fn::ImportValue': 'config' } }), NOT_APPLICABLE],
    ['not a deployment group', topic, NOT_APPLICABLE],
  ],
  'CodeDeploy-FleetStaysUp': [
    ['custom config keeping hosts', config({ MinimumHealthyHosts: { Type: 'HOST_COUNT', Value: 1 } }), COMPLIANT],
    ['custom config with no healthy host', config({ MinimumHealthyHosts: { Type: 'HOST_COUNT', Value: 0 } }), NON_COMPLIANT],
    ['a group on the predefined server all-at-once', group({ DeploymentConfigName: 'CodeDeployDefault.AllAtOnce' }), NON_COMPLIANT],
    ['a Lambda config', config({ ComputePlatform: 'Lambda', TrafficRoutingConfig: { Type: 'AllAtOnce' } }), NOT_APPLICABLE],
    ['a group on another config', group({ DeploymentConfigName: 'CodeDeployDefault.HalfAtATime' }), NOT_APPLICABLE],
  ],
  'CodeDeploy-Notifications': [
    ['a trigger', group({ TriggerConfigurations: [{ TriggerName: 'n', TriggerTargetArn: 'arn', TriggerEvents: ['DeploymentFailure'] }] }), COMPLIANT],
    ['no trigger', group(), NON_COMPLIANT],
    ['not a deployment group', topic, NOT_APPLICABLE],
  ],
  'CodeDeploy-ScopedServiceRole': [
    ['a role with customer managed policies only', group({ ServiceRoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] } }), COMPLIANT,
      [resource('AWS::IAM::Role', { ManagedPolicyArns: [{ Ref: 'Policy' }] }, 'Role')]],
    ['a role with AWSCodeDeployRole', group({ ServiceRoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] } }), NON_COMPLIANT,
      [resource('AWS::IAM::Role', {
        ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AWSCodeDeployRole']] }],
      }, 'Role')]],
    ['a role of another account', group({ ServiceRoleArn: 'arn:aws:iam::123456789012:role/deploy' }), NOT_APPLICABLE],
    ['not a deployment group', topic, NOT_APPLICABLE],
  ],
};

test('every rule is tested', () => {
  expect(Object.keys(CASES).sort()).toEqual(RULES.map((rule) => rule.id).sort());
});

describe.each(RULES.map((rule) => [rule.id, rule] as const))('%s', (id, meta) => {
  test.each(CASES[id])('%s: %s', (_name, subject, expected, others = []) => {
    const template = new Map([subject, ...others].map((r) => [r.logicalId, r]));
    expect(meta.rule(subject, template)).toEqual(expected);
  });

  test('has compliant, non-compliant and not-applicable cases', () => {
    expect(new Set(CASES[id].map(([, , v]) => v))).toEqual(new Set([COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE]));
  });
});
