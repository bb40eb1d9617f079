import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { metricEntries, validateTemplateFile, ValidatedTemplate, withPlainAlarms } from '../../bench/validator-cost';
import { LambdaRollout } from '../../src';

type Template = ValidatedTemplate['template'];

function libraryTemplate(): Template {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Bench');
  new LambdaRollout(stack, 'Rollout', {
    function: new lambda.Function(stack, 'Fn', {
      runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => 1;'),
    }),
  });
  return app.synth().getStackByName('Bench').template as Template;
}

const alarmsOf = (template: Template) => Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');

const template = libraryTemplate();
const swapped = withPlainAlarms(template);

test('the default guard alarm reads six metrics; swapped, one', () => {
  expect(metricEntries(template)).toBe(6);
  expect(metricEntries(swapped)).toBe(1);
});

test('the swapped alarm keeps its logical id and watches the new version\'s errors', () => {
  const [[id]] = alarmsOf(template);
  const [[swappedId, alarm]] = alarmsOf(swapped);
  expect(swappedId).toBe(id);
  expect(alarm.Properties).toMatchObject({
    MetricName: 'Errors',
    Namespace: 'AWS/Lambda',
    Period: 300,
    Statistic: 'Sum',
    Dimensions: expect.arrayContaining([expect.objectContaining({ Name: 'ExecutedVersion' })]),
  });
  expect(alarm.Properties).not.toHaveProperty('Metrics');
  // Everything else is the library's template as synthesized.
  const others = (t: Template) => Object.entries(t.Resources ?? {}).filter(([, r]) => r.Type !== 'AWS::CloudWatch::Alarm');
  expect(others(swapped)).toEqual(others(template));
});

test('the swapped template is one the validator accepts, so the bench times the same kind of work', () => {
  const dir = mkdtempSync(join(tmpdir(), 'validator-cost-'));
  try {
    const file = join(dir, 'template.json');
    writeFileSync(file, JSON.stringify(swapped));
    const { report } = validateTemplateFile(file);
    expect(report.violations.map((v) => `${v.ruleName}: ${v.description}`)).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
