import { NEW_REVISION, properties } from './revision-deployment-fixtures';
import { isDeploymentId, notDeployedId } from '../../src/handlers/server-deployer/revision-deployment/deployment-id';
import { readSettings } from '../../src/handlers/server-deployer/revision-deployment/deployment-properties';
import { changesDeployment } from '../../src/handlers/server-deployer/revision-deployment/property-changes';

describe('readSettings', () => {
  test('turns the string properties into a CreateDeployment request and timings', () => {
    expect(readSettings(properties({ TimeoutSeconds: '1200', RollbackOnStop: 'false', IgnoreApplicationStopFailures: 'true' }))).toEqual({
      createDeployment: {
        applicationName: 'WebApp',
        deploymentGroupName: 'WebFleet',
        revision: NEW_REVISION,
        ignoreApplicationStopFailures: true,
      },
      timeoutSeconds: 1200,
      rollbackOnStop: false,
      serviceTimeoutSeconds: 1800,
    });
  });

  test('takes ServiceTimeout when CloudFormation sends it, and caps the derived one at an hour', () => {
    expect(readSettings(properties({ ServiceTimeout: '1000' })).serviceTimeoutSeconds).toBe(1000);
    expect(readSettings(properties({ TimeoutSeconds: '3500' })).serviceTimeoutSeconds).toBe(3600);
  });

  test('reports every problem at once', () => {
    expect(() => readSettings({
      ApplicationName: '',
      Revision: { revisionType: 'S3', s3Location: { bucket: 'b' } },
      IgnoreApplicationStopFailures: true,
      TimeoutSeconds: '0',
      RollbackOnStop: 'true',
      ServiceTimeout: '4000',
    })).toThrow(new Error('Invalid RevisionDeployment properties: ApplicationName must be a non-empty string, got ""; '
      + 'DeploymentGroupName must be a non-empty string, got nothing; Revision.s3Location.key must be a non-empty string, got nothing; '
      + 'Revision.s3Location.bundleType must be a non-empty string, got nothing; IgnoreApplicationStopFailures must be \'true\' or \'false\', got true; '
      + 'TimeoutSeconds must be a whole number of seconds from 1 to 3600, got "0"; '
      + 'ServiceTimeout must be a whole number of seconds from 1 to 3600, got "4000"'));
  });

  test('a GitHub revision needs its repository and commit', () => {
    expect(() => readSettings(properties({ Revision: { revisionType: 'GitHub', gitHubLocation: { repository: 'acme/web' } } })))
      .toThrow(new Error('Invalid RevisionDeployment properties: Revision.gitHubLocation.commitId must be a non-empty string, got nothing'));
  });
});

describe('changesDeployment', () => {
  test.each([
    ['identical', properties(), properties(), false],
    ['only TimeoutSeconds, RollbackOnStop, ServiceToken and ServiceTimeout', properties(),
      properties({ TimeoutSeconds: '60', RollbackOnStop: 'false', ServiceToken: 'other', ServiceTimeout: '660' }), false],
    ['keys in another order', { A: '1', B: { C: '2', D: '3' } }, { B: { D: '3', C: '2' }, A: '1' }, false],
    ['an undefined key and a missing one', { A: '1', B: undefined }, { A: '1' }, false],
    ['the revision key', properties(), properties({ Revision: { ...NEW_REVISION, s3Location: { ...NEW_REVISION.s3Location, key: 'web/v3.zip' } } }), true],
    ['the description', properties(), properties({ Description: 'again' }), true],
    ['a list order', { A: ['1', '2'] }, { A: ['2', '1'] }, true],
    ['a list against an object', { A: ['1'] }, { A: { 0: '1' } }, true],
    ['the deployment config', properties(), properties({ DeploymentConfigName: 'CodeDeployDefault.AllAtOnce' }), true],
  ])('%s', (_name, oldProperties, newProperties, expected) => {
    expect(changesDeployment(oldProperties, newProperties)).toBe(expected);
  });

  test('no old properties means a change', () => {
    expect(changesDeployment(undefined, properties())).toBe(true);
  });
});

describe('deployment ids', () => {
  test.each([
    ['d-A1B2C3111', true],
    ['d-ABCDEFGHI', true],
    ['d-ABCDEFGH', false],
    ['d-ABCDEFGHIJ', false],
    ['d-abcdefghi', false],
    ['Release-not-deployed', false],
    [notDeployedId('d-ABCDEFGHI'), false],
  ])('%s is a deployment id: %s', (value, expected) => {
    expect(isDeploymentId(value)).toBe(expected);
  });
});
