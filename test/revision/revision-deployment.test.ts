import { readFileSync } from 'fs';
import { join } from 'path';
import {
  App, Duration, Lazy, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2, aws_iam as iam, aws_s3 as s3,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  InstanceTagSet, LoadBalancer, ServerApplication, ServerDeploymentConfig, ServerDeploymentGroup,
} from 'aws-cdk-lib/aws-codedeploy';
import {
  AppSpec, AppSpecOs, BundleType, FileExistsBehavior, Revision, RevisionDeployment, RevisionLocation, Rollback, ServerRollout,
} from '../../src';
import { checkedApp, checkedSynth, CheckedSynth } from '../support/checked-synth';
import { logicalId } from '../support/logical-id';

const SITE = join(__dirname, 'fixtures', 'site');
const SITE_WITH_APPSPEC = join(__dirname, 'fixtures', 'site-with-appspec');

const SITE_APPSPEC = AppSpec.server({
  os: AppSpecOs.LINUX,
  files: [{ source: 'index.html', destination: '/var/www/html' }],
  hooks: {
    afterInstall: [{ location: 'scripts/install.sh', timeout: Duration.minutes(5), runAs: 'root' }],
    applicationStart: [{ location: 'scripts/start.sh' }],
    validateService: [{ location: 'scripts/validate.sh', timeout: Duration.minutes(2) }],
  },
});

let result: CheckedSynth;
const stacks: Record<string, Stack> = {};
const template = (name: string): Template => result.template(stacks[name]);

/** An Auto Scaling group (with its own instance role) in a VPC without NAT. */
function autoScalingGroup(stack: Stack): { vpc: ec2.Vpc; group: autoscaling.AutoScalingGroup } {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const group = new autoscaling.AutoScalingGroup(stack, 'Web', {
    vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(),
  });
  return { vpc, group };
}

beforeAll(() => {
  const app = checkedApp();

  // A folder with its AppSpec written in code, to an Auto Scaling group behind a load balancer;
  // and a folder with its own appspec.yml to a second rollout in the same stack.
  const fleet = stacks.Fleet = new Stack(app, 'Fleet');
  const { vpc, group } = autoScalingGroup(fleet);
  const targetGroup = new elbv2.ApplicationTargetGroup(fleet, 'WebTargets', { vpc, port: 80, targets: [group] });
  new elbv2.ApplicationLoadBalancer(fleet, 'Alb', { vpc }).addListener('Http', { port: 80, defaultTargetGroups: [targetGroup] });
  const web = new ServerRollout(fleet, 'WebRollout', { autoScalingGroups: [group], loadBalancers: [LoadBalancer.application(targetGroup)] });
  web.addRevisionDeployment('Release', Revision.fromAsset(SITE, { appSpec: SITE_APPSPEC }), {
    timeout: Duration.minutes(20),
    description: 'web release',
    ignoreApplicationStopFailures: true,
    fileExistsBehavior: FileExistsBehavior.OVERWRITE,
  });
  const workers = new ServerRollout(fleet, 'WorkerRollout', { ec2InstanceTags: new InstanceTagSet({ app: ['worker'] }) });
  new RevisionDeployment(fleet, 'WorkerRelease', { deploymentGroup: workers.deploymentGroup, revision: Revision.fromAsset(SITE_WITH_APPSPEC) });

  // An archive in a bucket of the app, read by on-premises servers' role too.
  const bucketStack = stacks.Bucket = new Stack(app, 'Bucket');
  const releases = new s3.Bucket(bucketStack, 'Releases', { enforceSSL: true, versioned: true });
  const servers = new ServerRollout(bucketStack, 'Servers', { onPremisesInstanceTags: new InstanceTagSet({ site: ['plant'] }), revisionBucket: releases });
  const release = servers.addRevisionDeployment('Release', Revision.fromBucket(releases, 'releases/app.tgz', { bundleType: BundleType.TGZ, version: 'v7', eTag: 'abc123' }));
  release.grantRead(new iam.Role(bucketStack, 'OnPremisesRole', { assumedBy: new iam.AccountRootPrincipal() }));

  // A GitHub commit: no Amazon S3 permission anywhere.
  const gitHub = stacks.GitHub = new Stack(app, 'GitHub');
  const fromGitHub = new ServerRollout(gitHub, 'Rollout', { ec2InstanceTags: new InstanceTagSet({ app: ['api'] }) });
  fromGitHub.addRevisionDeployment('Release', Revision.fromGitHub('example-org/api', 'a'.repeat(40)));

  // A deployment group no rollout owns: imported by name, with its deployment config.
  const imported = stacks.Imported = new Stack(app, 'Imported', { env: { account: '111122223333', region: 'eu-west-1' } });
  const existing = ServerDeploymentGroup.fromServerDeploymentGroupAttributes(imported, 'Existing', {
    application: ServerApplication.fromServerApplicationName(imported, 'App', 'web'),
    deploymentGroupName: 'web-production',
    deploymentConfig: ServerDeploymentConfig.HALF_AT_A_TIME,
  });
  new RevisionDeployment(imported, 'Release', { deploymentGroup: existing, revision: Revision.fromGitHub('example-org/web', 'b'.repeat(40)) });

  result = checkedSynth(app);
});

describe('RevisionDeployment', () => {
  test('passes the five cdk-nag packs, CodeDeployChecks and the template validator, provider included', () => {
    // The fixtures' VPCs, Auto Scaling group and load balancer are kept bare; the library's resources are checked.
    const library = /^[^/]+\/(RevisionDeployer|[^/]+Rollout|Servers|Rollout|WorkerRelease)\//;
    expect(result.nagFindings.filter((finding) => library.test(finding.where))).toEqual([]);
    // The fixture rollouts have no alarm or notification on purpose: nothing else is reported.
    expect(result.guardrailFindings.filter((finding) => !finding.where.endsWith('/DeploymentGroup'))).toEqual([]);
    expect(result.templateFindings).toEqual([]);
  });

  test('an asset revision deploys the zipped folder with the AppSpec written at its root', () => {
    const fleet = stacks.Fleet;
    template('Fleet').hasResource('Custom::CodeDeployRevisionDeployment', {
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [logicalId(fleet, 'RevisionDeployer/Function'), 'Arn'] },
        ServiceTimeout: '1800',
        ApplicationName: { Ref: logicalId(fleet, 'ServerRolloutsApplication') },
        DeploymentGroupName: { Ref: logicalId(fleet, 'WebRollout/DeploymentGroup') },
        Revision: {
          revisionType: 'S3',
          s3Location: {
            bucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' },
            key: Match.stringLikeRegexp('^[0-9a-f]{64}\\.zip$'),
            bundleType: 'zip',
          },
        },
        Description: 'web release',
        FileExistsBehavior: 'OVERWRITE',
        IgnoreApplicationStopFailures: 'true',
        TimeoutSeconds: '1200',
        RollbackOnStop: 'true',
      },
    });
    const [dependsOn] = Object.values(template('Fleet').findResources('Custom::CodeDeployRevisionDeployment'))
      .filter((r) => JSON.stringify(r.Properties.DeploymentGroupName).includes('WebRollout')).map((r) => r.DependsOn);
    expect(dependsOn).toEqual(expect.arrayContaining([
      logicalId(fleet, 'WebRollout/DeploymentGroup'),
      logicalId(fleet, 'WebRollout/AgentAssociationAutoScaling'),
      logicalId(fleet, 'WebRollout/RevisionReadPolicy'),
      logicalId(fleet, 'RevisionDeployer/BasePolicy'),
      logicalId(fleet, 'RevisionDeployer/DeploymentPolicies/Policy1'),
    ]));

    const key = revisionKey(template('Fleet'), 'WebRollout');
    const staged = join(result.directory, `asset.${key.replace(/\.zip$/, '')}`);
    expect(readFileSync(join(staged, 'appspec.yml'), 'utf8')).toBe(SITE_APPSPEC.toYaml());
    expect(readFileSync(join(staged, 'index.html'), 'utf8')).toBe('<p>revision fixture</p>\n');
  });

  test('a deployment group no rollout owns: its names, permissions on its own ARNs, stopped deployments rolled back', () => {
    const imported = template('Imported');
    imported.hasResourceProperties('Custom::CodeDeployRevisionDeployment', {
      ApplicationName: 'web',
      DeploymentGroupName: 'web-production',
      Revision: { revisionType: 'GitHub', gitHubLocation: { repository: 'example-org/web', commitId: 'b'.repeat(40) } },
      RollbackOnStop: 'true',
    });
    const statements = Object.values(imported.findResources('AWS::IAM::ManagedPolicy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
    const arn = (suffix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:codedeploy:eu-west-1:111122223333:${suffix}`]] });
    expect(statements).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: ['codedeploy:CreateDeployment', 'codedeploy:GetDeployment', 'codedeploy:ListDeployments'], Resource: arn('deploymentgroup:web/web-production') },
      { Effect: 'Allow', Action: 'codedeploy:GetDeploymentConfig', Resource: arn('deploymentconfig:CodeDeployDefault.HalfAtATime') },
      { Effect: 'Allow', Action: ['codedeploy:RegisterApplicationRevision', 'codedeploy:GetApplicationRevision'], Resource: arn('application:web') },
    ]));
    expect(JSON.stringify(statements)).not.toContain('s3:');
  });

  test('the server deployer\'s function keeps its logical id: a custom resource\'s ServiceToken cannot change', () => {
    // A stack deployed with an earlier release would fail its next update ("Modifying service token is not allowed").
    expect(logicalId(stacks.Fleet, 'RevisionDeployer/Function')).toBe('RevisionDeployerFunctionF12F0F68');
  });

  test('a folder with its own appspec.yml is zipped as it is', () => {
    const key = revisionKey(template('Fleet'), 'WorkerRollout');
    const staged = join(result.directory, `asset.${key.replace(/\.zip$/, '')}`);
    expect(readFileSync(join(staged, 'appspec.yml'), 'utf8')).toBe(readFileSync(join(SITE_WITH_APPSPEC, 'appspec.yml'), 'utf8'));
  });

  test('defaults: 30 minutes, the rollout\'s own stop rollback, no description, CodeDeploy\'s file-exists behaviour', () => {
    const [properties] = revisionDeployments(template('Fleet')).filter((p) => JSON.stringify(p.DeploymentGroupName).includes('WorkerRollout'));
    expect(properties).toEqual(expect.objectContaining({ TimeoutSeconds: '1800', ServiceTimeout: '2400', IgnoreApplicationStopFailures: 'false', RollbackOnStop: 'true' }));
    expect(properties).not.toHaveProperty('Description');
    expect(properties).not.toHaveProperty('FileExistsBehavior');
  });

  test('one provider per stack: a function, its role, its log group and its policies', () => {
    const fleet = template('Fleet');
    expect(revisionDeployments(fleet)).toHaveLength(2);
    fleet.resourceCountIs('AWS::Lambda::Function', 1);
    fleet.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Handler: 'index.handler',
      Timeout: 900,
      MemorySize: 256,
      LoggingConfig: { LogGroup: { Ref: logicalId(stacks.Fleet, 'RevisionDeployer/Logs') } },
    });
    fleet.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    // Both deployments' permissions share the first policy.
    fleet.resourcePropertiesCountIs('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: logicalId(stacks.Fleet, 'RevisionDeployer/Role') }] }, 2);
  });

  test('cost: the first deployment of a stack adds 6 resources (the provider and its custom resource), each next one 1, plus a policy every 12', () => {
    const added = (deployments: number): number => {
      const [withDeployments, without] = [new Stack(new App(), 'Stack'), new Stack(new App(), 'Stack')];
      for (let i = 0; i < deployments; i++) {
        new ServerRollout(withDeployments, `Rollout${i}`, { ec2InstanceTags: new InstanceTagSet({ app: [`app${i}`] }) })
          .addRevisionDeployment('Release', Revision.fromAsset(SITE_WITH_APPSPEC));
        new ServerRollout(without, `Rollout${i}`, { ec2InstanceTags: new InstanceTagSet({ app: [`app${i}`] }) });
      }
      const count = (stack: Stack): number => Object.keys(Template.fromStack(stack).toJSON().Resources).length;
      return count(withDeployments) - count(without);
    };
    expect([added(1), added(2), added(12), added(13)]).toEqual([6, 7, 17, 19]);
  });

  test('the deployer may log, invoke itself, and deploy to exactly the rollouts\' groups, configs, application and objects', () => {
    const fleet = stacks.Fleet;
    template('Fleet').hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logicalId(fleet, 'RevisionDeployer/Logs'), 'Arn'] } },
          { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': [logicalId(fleet, 'RevisionDeployer/Function'), 'Arn'] } },
          // No resource-level permission for these (see ServerDeployer).
          {
            Effect: 'Allow',
            Action: ['codedeploy:StopDeployment', 'codedeploy:ListDeploymentTargets', 'codedeploy:BatchGetDeploymentTargets'],
            Resource: '*',
          },
        ],
      },
    });
    const statements = deployerStatements(template('Fleet'));
    expect(statements.map((s) => s.Action)).toEqual([
      ['codedeploy:CreateDeployment', 'codedeploy:GetDeployment', 'codedeploy:ListDeployments'],
      'codedeploy:GetDeploymentConfig',
      ['codedeploy:RegisterApplicationRevision', 'codedeploy:GetApplicationRevision'],
      ['s3:GetObject', 's3:GetObjectVersion'],
    ]);
    const [groups, configs, applications, objects] = statements.map((s) => JSON.stringify(s.Resource));
    expect(groups).toContain(`":deploymentgroup:",{"Ref":"${logicalId(fleet, 'ServerRolloutsApplication')}"},"/",{"Ref":"${logicalId(fleet, 'WebRollout/DeploymentGroup')}"}`);
    expect(groups).toContain(`{"Ref":"${logicalId(fleet, 'WorkerRollout/DeploymentGroup')}"}`);
    expect(configs).toContain(':deploymentconfig:CodeDeployDefault.OneAtATime');
    expect(applications).toContain(`":application:",{"Ref":"${logicalId(fleet, 'ServerRolloutsApplication')}"}`);
    expect(objects).toContain(revisionKey(template('Fleet'), 'WebRollout'));
    expect(objects).toContain(revisionKey(template('Fleet'), 'WorkerRollout'));
    expect(objects).not.toContain('*');
  });

  test('the Auto Scaling group\'s instance role may read the asset revision\'s object, and no other object of the asset bucket', () => {
    const fleet = stacks.Fleet;
    const key = revisionKey(template('Fleet'), 'WebRollout');
    template('Fleet').hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: logicalId(fleet, 'Web/InstanceRole') }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Resource: {
              'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' }, `/${key}`]],
            },
          },
        ],
      },
    });
  });

  test('a bucket revision names the version, ETag and archive format, and grantRead gives one object', () => {
    const bucket = stacks.Bucket;
    template('Bucket').hasResourceProperties('Custom::CodeDeployRevisionDeployment', {
      Revision: {
        revisionType: 'S3',
        s3Location: { bucket: { Ref: logicalId(bucket, 'Releases') }, key: 'releases/app.tgz', bundleType: 'tgz', version: 'v7', eTag: 'abc123' },
      },
    });
    template('Bucket').hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId(bucket, 'OnPremisesRole') }],
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'],
          Resource: [
            { 'Fn::GetAtt': [logicalId(bucket, 'Releases'), 'Arn'] },
            { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(bucket, 'Releases'), 'Arn'] }, '/releases/app.tgz']] },
          ],
        }],
      },
    });
  });

  test('a revision in a bucket with a KMS key: the Auto Scaling group\'s role may also decrypt with that key', () => {
    const stack = new Stack(new App(), 'Stack');
    const { group } = autoScalingGroup(stack);
    const releases = new s3.Bucket(stack, 'Releases', { encryption: s3.BucketEncryption.KMS });
    new ServerRollout(stack, 'Rollout', { autoScalingGroups: [group] }).addRevisionDeployment('Release', Revision.fromBucket(releases, 'app.zip'));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: logicalId(stack, 'Web/InstanceRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, 'Releases'), 'Arn'] }, '/app.zip']] },
          },
          { Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [logicalId(stack, 'Releases/Key'), 'Arn'] } },
        ]),
      },
    });
  });

  test('a GitHub revision names the commit and grants no Amazon S3 access to the deployer', () => {
    template('GitHub').hasResourceProperties('Custom::CodeDeployRevisionDeployment', {
      Revision: { revisionType: 'GitHub', gitHubLocation: { repository: 'example-org/api', commitId: 'a'.repeat(40) } },
    });
    expect(deployerStatements(template('GitHub')).flatMap((s) => [s.Action].flat())).not.toContain('s3:GetObject');
  });

  test('deployment id: the custom resource\'s DeploymentId attribute', () => {
    const stack = new Stack(new App(), 'Stack');
    const rollout = new ServerRollout(stack, 'Rollout', { ec2InstanceTags: new InstanceTagSet({ app: ['api'] }) });
    const deployment = rollout.addRevisionDeployment('Release', Revision.fromGitHub('example-org/api', 'b'.repeat(40)));
    expect(stack.resolve(deployment.deploymentId)).toEqual({ 'Fn::GetAtt': [logicalId(stack, 'Rollout/Release/Resource'), 'DeploymentId'] });
  });

  test('traffic hooks on a rollout without a load balancer are a warning: CodeDeploy skips them', () => {
    const stack = new Stack(new App(), 'Stack');
    const rollout = new ServerRollout(stack, 'Rollout', { ec2InstanceTags: new InstanceTagSet({ app: ['api'] }) });
    rollout.addRevisionDeployment('Release', Revision.fromAsset(SITE, {
      appSpec: AppSpec.server({ os: AppSpecOs.LINUX, hooks: { beforeAllowTraffic: [{ location: 'scripts/validate.sh' }] } }),
    }));
    Annotations.fromStack(stack).hasWarning('/Stack/Rollout/Release', Match.stringLikeRegexp('CodeDeploy runs those hooks only for deployment groups with a load balancer'));
  });
});

describe('RevisionDeployment validation', () => {
  const rollout = (): ServerRollout => new ServerRollout(new Stack(new App(), 'Stack'), 'Rollout', { ec2InstanceTags: new InstanceTagSet({ app: ['api'] }) });
  const gitHub = (): Revision => Revision.fromGitHub('example-org/api', 'c'.repeat(40));

  test.each([
    [Duration.seconds(0), 'RevisionDeployment at Stack/Rollout/Release: timeout must be a whole number of minutes from 1 to 50, got 0 minutes'],
    [Duration.seconds(90), 'RevisionDeployment at Stack/Rollout/Release: timeout must be a whole number of minutes from 1 to 50, got 1.5 minutes'],
    [Duration.minutes(51), 'RevisionDeployment at Stack/Rollout/Release: timeout must be a whole number of minutes from 1 to 50, got 51 minutes'],
  ])('timeout %s', (timeout, message) => {
    expect(() => rollout().addRevisionDeployment('Release', gitHub(), { timeout })).toThrow(message);
  });

  test('the longest timeout leaves CloudFormation\'s hour for the rollback', () => {
    const r = rollout();
    r.addRevisionDeployment('Release', gitHub(), { timeout: Duration.minutes(50) });
    Template.fromStack(Stack.of(r)).hasResourceProperties('Custom::CodeDeployRevisionDeployment', { ServiceTimeout: '3600', TimeoutSeconds: '3000' });
  });

  test('description: at most 57 characters, as the handler adds a 43-character marker of the request within CodeDeploy\'s 100', () => {
    rollout().addRevisionDeployment('Release', gitHub(), { description: 'd'.repeat(57) });
    expect(() => rollout().addRevisionDeployment('Release', gitHub(), { description: 'd'.repeat(58) }))
      .toThrow('RevisionDeployment at Stack/Rollout/Release: description must have at most 57 characters, got 58');
  });

  test('one revision per rollout, reported with the first', () => {
    const r = rollout();
    r.addRevisionDeployment('Release', gitHub());
    expect(() => r.addRevisionDeployment('Again', gitHub(), { timeout: Duration.seconds(5) })).toThrow([
      'RevisionDeployment at Stack/Rollout/Again: timeout must be a whole number of minutes from 1 to 50, got 0.083 minutes',
      'RevisionDeployment at Stack/Rollout/Again: deploymentGroup Stack/Rollout already gets a revision from Stack/Rollout/Release; deploy one revision per deployment group',
    ].join('\n'));
  });

  test('one revision per deployment group, however often the group is imported', () => {
    const stack = new Stack(new App(), 'Stack');
    const imported = (id: string) => ServerDeploymentGroup.fromServerDeploymentGroupAttributes(stack, id, {
      application: ServerApplication.fromServerApplicationName(stack, `${id}App`, 'web'),
      deploymentGroupName: 'web-production',
    });
    new RevisionDeployment(stack, 'Release', { deploymentGroup: imported('First'), revision: gitHub() });
    expect(() => new RevisionDeployment(stack, 'Again', { deploymentGroup: imported('Second'), revision: gitHub() })).toThrow(
      'RevisionDeployment at Stack/Again: deploymentGroup Stack/Second already gets a revision from Stack/Release; deploy one revision per deployment group');
    new RevisionDeployment(stack, 'Other', {
      deploymentGroup: ServerDeploymentGroup.fromServerDeploymentGroupAttributes(stack, 'Staging', {
        application: ServerApplication.fromServerApplicationName(stack, 'StagingApp', 'web'),
        deploymentGroupName: 'web-staging',
      }),
      revision: gitHub(),
    });
  });

  test('rollbackOnStop overrides the rollout\'s own setting', () => {
    const r = rollout();
    r.addRevisionDeployment('Release', gitHub(), { rollbackOnStop: false });
    Template.fromStack(Stack.of(r)).hasResourceProperties('Custom::CodeDeployRevisionDeployment', { RollbackOnStop: 'false' });
  });

  test('a revision that locates nothing', () => {
    class Nowhere extends Revision {
      public bind(): RevisionLocation {
        return {};
      }
    }
    expect(() => rollout().addRevisionDeployment('Release', new Nowhere())).toThrow(
      'RevisionDeployment at Stack/Rollout/Release: revision must locate an Amazon S3 object (bucket and key) or a GitHub commit (gitHubRepository and gitHubCommitId), got neither');
  });

  test('grantRead needs an Amazon S3 revision', () => {
    const deployment = rollout().addRevisionDeployment('Release', gitHub());
    expect(() => deployment.grantRead(new iam.AccountRootPrincipal())).toThrow(
      'RevisionDeployment at Stack/Rollout/Release: grantRead needs an Amazon S3 revision; a GitHub revision is fetched by CodeDeploy');
  });
});

describe('a handle imported for a rollout\'s own group', () => {
  const gitHub = (): Revision => Revision.fromGitHub('example-org/web', 'd'.repeat(40));
  /** A rollout with an Auto Scaling group, a deployer in a VPC and no rollback on stop, and a handle of its group imported by its names. */
  const rolloutAndHandle = () => {
    const stack = new Stack(new App(), 'Stack');
    const { vpc, group } = autoScalingGroup(stack);
    const rollout = new ServerRollout(stack, 'WebRollout', {
      autoScalingGroups: [group],
      rollback: Rollback.never(),
      deployer: { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } },
    });
    const handle = ServerDeploymentGroup.fromServerDeploymentGroupAttributes(stack, 'Handle', {
      application: rollout.application,
      deploymentGroupName: rollout.deploymentGroup.deploymentGroupName,
      deploymentConfig: rollout.deploymentConfig,
    });
    return { stack, rollout, handle };
  };

  test('keeps the rollout\'s settings: its deployer options, its stop rollback, its instance role\'s read access, the wait for its resources', () => {
    const { stack, handle } = rolloutAndHandle();
    new RevisionDeployment(stack, 'Release', { deploymentGroup: handle, revision: Revision.fromAsset(SITE_WITH_APPSPEC) });
    const t = Template.fromStack(stack);
    const [deployment] = Object.values(t.findResources('Custom::CodeDeployRevisionDeployment'));
    expect(deployment.Properties.RollbackOnStop).toBe('false');
    t.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }) });
    const readPolicy = logicalId(stack, 'WebRollout/RevisionReadPolicy');
    expect(t.findResources('AWS::IAM::ManagedPolicy')[readPolicy].Properties.Roles).toEqual([{ Ref: logicalId(stack, 'Web/InstanceRole') }]);
    expect(deployment.DependsOn).toEqual(expect.arrayContaining([readPolicy, logicalId(stack, 'WebRollout/DeploymentGroup')]));
  });

  test('is the rollout\'s group for the one-revision rule, named after the rollout', () => {
    const { stack, rollout, handle } = rolloutAndHandle();
    new RevisionDeployment(stack, 'Release', { deploymentGroup: handle, revision: gitHub() });
    expect(() => rollout.addRevisionDeployment('Again', gitHub())).toThrow(
      'RevisionDeployment at Stack/WebRollout/Again: deploymentGroup Stack/WebRollout already gets a revision from Stack/Release; deploy one revision per deployment group');
  });

  test('a handle that names the group otherwise is a group no rollout owns', () => {
    const { stack } = rolloutAndHandle();
    const other = ServerDeploymentGroup.fromServerDeploymentGroupAttributes(stack, 'Other', {
      application: ServerApplication.fromServerApplicationName(stack, 'OtherApp', 'web'),
      deploymentGroupName: 'web-production',
    });
    new RevisionDeployment(stack, 'Release', { deploymentGroup: other, revision: gitHub() });
    const [deployment] = Object.values(Template.fromStack(stack).findResources('Custom::CodeDeployRevisionDeployment'));
    expect(deployment.Properties.RollbackOnStop).toBe('true');
  });
});

test('asset revisions bound in one scope: each folder and AppSpec its own bundle, the same one bound twice once', () => {
  const scope = new Stack(new App(), 'Stack');
  const site = Revision.fromAsset(SITE, { appSpec: SITE_APPSPEC });
  const first = site.bind(scope);
  const again = Revision.fromAsset(SITE, { appSpec: SITE_APPSPEC }).bind(scope);
  const other = Revision.fromAsset(SITE_WITH_APPSPEC).bind(scope);
  const bundles = scope.node.children.filter((child) => child.node.id.startsWith('RevisionBundle')).map((child) => child.node.id);
  expect(bundles).toEqual(['RevisionBundle', expect.stringMatching(/^RevisionBundle[0-9A-F]{8}$/)]);
  expect(again.key).toBe(first.key);
  expect(other.key).not.toBe(first.key);
  expect(scope.resolve(other.key)).not.toEqual(scope.resolve(first.key));
});

describe('Revision validation', () => {
  test.each([
    ['a missing folder', () => Revision.fromAsset(join(SITE, 'missing')), `Revision.fromAsset: directory must be an existing folder, got ${join(SITE, 'missing')}`],
    ['a folder without appspec.yml', () => Revision.fromAsset(SITE),
      `Revision.fromAsset: ${SITE} holds no appspec.yml at its root: add one, or pass appSpec: AppSpec.server({ ... })`],
    ['two AppSpecs', () => Revision.fromAsset(SITE_WITH_APPSPEC, { appSpec: AppSpec.server({ os: AppSpecOs.LINUX, hooks: { applicationStart: [{ location: 'scripts/start.sh' }] } }) }),
      `Revision.fromAsset: ${SITE_WITH_APPSPEC} holds its own appspec.yml and appSpec was given: keep one of them`],
    ['scripts and files missing from the folder', () => Revision.fromAsset(SITE, {
      appSpec: AppSpec.server({
        os: AppSpecOs.LINUX,
        files: [{ source: 'dist', destination: '/srv/app' }],
        hooks: { beforeInstall: [{ location: 'scripts/stop.sh' }], afterInstall: [{ location: 'scripts/install.sh' }] },
      }),
    }), [
      `Revision.fromAsset: the appSpec's hook script scripts/stop.sh is not in ${SITE}`,
      `Revision.fromAsset: the appSpec's file source dist is not in ${SITE}`,
    ].join('\n')],
    ['an AppSpec holding a token', () => Revision.fromAsset(SITE, {
      appSpec: AppSpec.server({ os: AppSpecOs.LINUX, files: [{ source: 'index.html', destination: Lazy.string({ produce: () => '/srv/www' }) }] }),
    }), 'Revision.fromAsset: appSpec must hold no token (e.g. a parameter or another resource\'s attribute): it is written into the bundle at synth'],
    ['a Windows AppSpec naming a missing script with backslashes', () => Revision.fromAsset(SITE, {
      appSpec: AppSpec.server({ os: AppSpecOs.WINDOWS, hooks: { afterInstall: [{ location: 'scripts\\install.sh' }, { location: 'scripts\\missing.ps1' }] } }),
    }), `Revision.fromAsset: the appSpec's hook script scripts\\missing.ps1 is not in ${SITE}`],
    ['an empty key', () => Revision.fromBucket(s3.Bucket.fromBucketName(new Stack(), 'Bucket', 'releases-bucket'), ''), 'Revision.fromBucket: key must have 1 to 1024 characters, got 0'],
    ['a repository URL and a branch', () => Revision.fromGitHub('https://github.com/example-org/api', 'main'), [
      'Revision.fromGitHub: repository must be owner/repository, got "https://github.com/example-org/api"',
      'Revision.fromGitHub: commitId must be a full commit SHA of 40 hexadecimal characters, got "main"',
    ].join('\n')],
  ])('%s', (_name, create, message) => {
    expect(create).toThrow(message);
  });
});

/** The properties of every revision deployment of a template. */
function revisionDeployments(t: Template): Array<Record<string, any>> {
  return Object.values(t.findResources('Custom::CodeDeployRevisionDeployment')).map((r) => r.Properties);
}

/** The asset key of the revision deployed to the rollout `rolloutId`. */
function revisionKey(t: Template, rolloutId: string): string {
  const [properties] = revisionDeployments(t).filter((p) => JSON.stringify(p.DeploymentGroupName).includes(rolloutId));
  return properties.Revision.s3Location.key;
}

/** The statements of the deployer's first deployment policy. */
function deployerStatements(t: Template): Array<Record<string, any>> {
  const policies = Object.entries(t.findResources('AWS::IAM::ManagedPolicy')).filter(([id]) => id.startsWith('RevisionDeployerDeploymentPolicies'));
  return policies[0][1].Properties.PolicyDocument.Statement;
}
