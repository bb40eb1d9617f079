import { AppResource, StackEnvironment } from '../../src/guardrails/app-template';
import { parseEnvironment } from '../../src/guardrails/assembly-stacks';
import { APP_RULES } from '../../src/guardrails/rule-metadata';
import { customConfigQuota } from '../../src/guardrails/rules/custom-config-quota';
import { uniqueConfigNames } from '../../src/guardrails/rules/unique-config-names';

const PROD: StackEnvironment = { account: '111111111111', region: 'eu-west-1' };
const OTHER_REGION: StackEnvironment = { account: '111111111111', region: 'us-east-1' };
const AGNOSTIC: StackEnvironment = {};

/** `n` custom configs in stack `stackPath`, deployed to `environment`. */
function configs(n: number, stackPath: string, environment: StackEnvironment, name?: (i: number) => string): AppResource[] {
  return Array.from({ length: n }, (_, i) => ({
    resource: {
      logicalId: `Config${i + 1}`,
      type: 'AWS::CodeDeploy::DeploymentConfig',
      properties: name ? { DeploymentConfigName: name(i + 1) } : {},
    },
    stackPath,
    templatePath: `/assembly/${stackPath}.template.json`,
    environment,
  }));
}
const summary = (findings: ReturnType<typeof customConfigQuota>) => findings.map((f) => [f.detail, f.resources.length]);

test('the app rules have their ids', () => {
  expect(APP_RULES.map((rule) => [rule.id, rule.level])).toEqual([['CodeDeploy-CustomConfigQuota', 'error'], ['CodeDeploy-UniqueConfigNames', 'error']]);
});

describe('CodeDeploy-CustomConfigQuota', () => {
  test('51 configs for one account and Region, across two stacks, are one too many', () => {
    expect(summary(customConfigQuota([...configs(26, 'Prod/Api', PROD), ...configs(25, 'Prod/Web', PROD)]))).toEqual([
      ['It creates 51 custom deployment configs for account 111111111111 in eu-west-1, in 2 stacks; '
        + 'CodeDeploy allows 50 per account and Region (not adjustable).', 51],
    ]);
  });

  test('50 configs are allowed, and each Region has its own quota', () => {
    expect(customConfigQuota([...configs(50, 'Prod/Api', PROD), ...configs(50, 'Us/Api', OTHER_REGION)])).toEqual([]);
  });

  test('environment-agnostic stacks count together: the CLI deploys them to one account and Region', () => {
    expect(summary(customConfigQuota([...configs(30, 'Api', AGNOSTIC), ...configs(21, 'Web', AGNOSTIC), ...configs(50, 'Prod/Api', PROD)]))).toEqual([
      ['It creates 51 custom deployment configs for the CLI\'s account in the CLI\'s Region, in 2 stacks; '
        + 'CodeDeploy allows 50 per account and Region (not adjustable).', 51],
    ]);
  });

  test('other resources do not count', () => {
    const groups = configs(60, 'Prod/Api', PROD).map((r) => ({ ...r, resource: { ...r.resource, type: 'AWS::CodeDeploy::DeploymentGroup' } }));
    expect(customConfigQuota(groups)).toEqual([]);
  });
});

describe('CodeDeploy-UniqueConfigNames', () => {
  test('two stacks creating the same named config for one account and Region', () => {
    const found = uniqueConfigNames([
      ...configs(1, 'Prod/Api', PROD, () => 'platform-canary'),
      ...configs(1, 'Prod/Web', PROD, () => 'platform-canary'),
      ...configs(1, 'Us/Api', OTHER_REGION, () => 'platform-canary'),
    ]);
    expect(summary(found)).toEqual([
      ['Prod/Api (Config1), Prod/Web (Config1) each create \'platform-canary\' for account 111111111111 in eu-west-1.', 2],
    ]);
  });

  test('distinct names, or no name (CloudFormation makes one up), are fine', () => {
    expect(uniqueConfigNames([
      ...configs(3, 'Prod/Api', PROD, (i) => `Prod-Api-shape${i}`),
      ...configs(3, 'Prod/Web', PROD, (i) => `Prod-Web-shape${i}`),
      ...configs(2, 'Prod/Jobs', PROD),
    ])).toEqual([]);
  });
});

test.each([
  ['aws://111111111111/eu-west-1', { account: '111111111111', region: 'eu-west-1' }],
  ['aws://unknown-account/unknown-region', { account: undefined, region: undefined }],
  ['aws://111111111111/unknown-region', { account: '111111111111', region: undefined }],
  [undefined, { account: undefined, region: undefined }],
])('environment %s', (environment, expected) => {
  expect(parseEnvironment(environment)).toEqual(expected);
});
