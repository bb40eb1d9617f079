import { Duration, Stack, StackProps, Stage, StageProps, Validations, aws_cloudwatch as cloudwatch, aws_lambda as lambda, pipelines } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { CodeDeployChecks, HealthCheck, HealthyHosts, LambdaRollout, Notifications, ServerRollout, TrafficShift } from 'cdk-codedeploy-rollouts';

/** The repository the pipeline builds, and the connection (AWS CodeConnections) that reads it. */
const SOURCE_REPOSITORY = 'example-org/platform-app';
const SOURCE_BRANCH = 'main';
const CONNECTION_ARN = 'arn:aws:codeconnections:us-east-1:111111111111:connection/00000000-0000-0000-0000-000000000000';

/** The test account, and the production account with its two Regions. */
const TEST_ACCOUNT = '111111111111';
const PRODUCTION_ACCOUNT = '222222222222';
const PRODUCTION_REGIONS = ['us-east-1', 'eu-west-1'];

/** The cdk-nag compliance packs that share most rules below. */
const COMPLIANCE_PACKS = ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'];

/** Warning rules of `CodeDeployChecks` that fail the synthesis of a production stage. */
const PRODUCTION_ERRORS = ['CodeDeploy-NotAllAtOnce', 'CodeDeploy-Notifications', 'CodeDeploy-PollAlarmFailure', 'CodeDeploy-ScopedServiceRole'];

export interface ReleaseStageProps extends StageProps {
  /** Production stages turn the guardrails' warnings into errors. @default false */
  readonly production?: boolean;
}

/**
 * The application, one copy per stage: an API function released by CodeDeploy with a canary,
 * and a web fleet of EC2 instances tagged `app=web` released one instance at a time. The stage
 * registers the `CodeDeployChecks` guardrails on itself, stricter in production.
 */
export class ReleaseStage extends Stage {
  /** The stack holding the application. */
  public readonly application: Stack;

  constructor(scope: Construct, id: string, props: ReleaseStageProps = {}) {
    super(scope, id, props);
    // Runs on every synth of this stage, in the pipeline's synth step too: a production stage
    // with an all-at-once config, no notifications, ignored alarm polling or a managed-policy
    // service role fails `cdk synth`, so the pipeline never deploys it.
    Validations.of(this).addPlugins(new CodeDeployChecks(props.production ? { errors: PRODUCTION_ERRORS } : {}));
    this.application = new ReleaseStack(this, 'Release');
  }
}

/** What a stage deploys: the two rollouts, sharing one application, service role and topic. */
class ReleaseStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const notifications = Notifications.toNewTopic();

    const api = new lambda.Function(this, 'Api', {
      // The runtime aws-cdk-lib knows this stage's Region to have, as the library's own functions.
      runtime: lambda.determineLatestNodeRuntime(this),
      handler: 'index.handler',
      code: lambda.Code.fromInline([
        'exports.handler = async () => ({',
        '  statusCode: 200,',
        "  body: JSON.stringify({ message: 'hello from the new version' }),",
        '});',
      ].join('\n')),
      memorySize: 256,
      timeout: Duration.seconds(10),
    });
    acknowledgeExampleFunction(api);
    new LambdaRollout(this, 'ApiRollout', {
      function: api,
      // 10% for 10 minutes, then the rest.
      trafficShift: TrafficShift.canary({ percentage: 10, interval: Duration.minutes(10) }),
      healthChecks: [HealthCheck.lambdaErrors(), HealthCheck.lambdaThrottles(), HealthCheck.lambdaLatency({ threshold: Duration.seconds(1) })],
      notifications,
    });

    new ServerRollout(this, 'WebRollout', {
      ec2InstanceTags: new codedeploy.InstanceTagSet({ app: ['web'] }),
      healthyHosts: HealthyHosts.percentage(75),
      // A metric the web application publishes: any failed checkout stops and rolls back the deployment.
      healthChecks: [HealthCheck.metric(new cloudwatch.Metric({ namespace: 'Web', metricName: 'FailedCheckouts', statistic: 'Sum' }), { threshold: 1 })],
      notifications,
    });
  }
}

/** Findings of the example's plain inline function, each with its reason. */
function acknowledgeExampleFunction(fn: lambda.Function): void {
  Validations.of(fn).acknowledge(
    ...['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].map((pack) => ({
      id: `${pack}-LambdaInsideVPC`,
      reason: 'the example function reaches no resource inside a VPC; attach it to one when it does',
    })),
    ...['HIPAA.Security', 'NIST.800.53.R5'].map((pack) => ({
      id: `${pack}-LambdaConcurrency`,
      reason: 'reserved concurrency fails deployment in accounts still at the default concurrency quota; set it per function in production',
    })),
    ...['HIPAA.Security', 'NIST.800.53.R5', 'Serverless'].map((pack) => ({
      id: `${pack}-LambdaDLQ`,
      reason: 'the function is invoked synchronously; a dead-letter queue only receives failed asynchronous invocations',
    })),
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'the function writes its logs with the AWS managed basic execution policy, the documented minimum for CloudWatch Logs',
    },
    {
      id: 'Serverless-LambdaTracing',
      reason: 'X-Ray tracing needs a statement on Resource * in the function role; the example keeps the role to basic logging',
    },
    ...['AwsSolutions-L1', 'Serverless-LambdaLatestVersion'].map((rule) => ({
      id: rule,
      reason: 'runs on aws-cdk-lib\'s latest Node.js runtime for the stack\'s Region (determineLatestNodeRuntime); a newer one in aws-cdk-lib waits until every Region has it',
    })),
  );
}

/**
 * A CDK Pipeline that builds the app from a repository and promotes one `ReleaseStage` through a
 * test stage, then a production wave of two Regions deployed in parallel.
 */
export class PlatformPipelineStack extends Stack {
  /** The pipeline. */
  public readonly pipeline: pipelines.CodePipeline;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.pipeline = new pipelines.CodePipeline(this, 'Pipeline', {
      synth: new pipelines.ShellStep('Synth', {
        input: pipelines.CodePipelineSource.connection(SOURCE_REPOSITORY, SOURCE_BRANCH, { connectionArn: CONNECTION_ARN }),
        commands: ['npm ci', 'npx cdk synth'],
      }),
      pipelineType: codepipeline.PipelineType.V2,
      // Deploying to another account needs a customer managed key on the artifact buckets.
      crossAccountKeys: true,
      enableKeyRotation: true,
    });

    this.pipeline.addStage(new ReleaseStage(this, 'Test', { env: { account: TEST_ACCOUNT, region: 'us-east-1' } }));

    const production = this.pipeline.addWave('Production');
    for (const region of PRODUCTION_REGIONS) {
      production.addStage(new ReleaseStage(this, `Production-${region}`, { env: { account: PRODUCTION_ACCOUNT, region }, production: true }));
    }

    // Builds the CodePipeline now rather than at synth, so its generated resources can be adjusted below.
    this.pipeline.buildPipeline();
    this.hardenArtifactBuckets();
    this.acknowledgeGeneratedRoles();
  }

  /**
   * The artifact bucket here and the replication bucket of each other Region (in the
   * `<stack>-support-<region>` stacks) are made by CodePipeline: KMS-encrypted, private and
   * TLS-only already; versioning is added here.
   */
  private hardenArtifactBuckets(): void {
    const codePipeline = this.pipeline.pipeline;
    const buckets = [codePipeline.artifactBucket, ...Object.values(codePipeline.crossRegionSupport).map((support) => support.replicationBucket)];
    for (const bucket of buckets) {
      (bucket.node.defaultChild as s3.CfnBucket).versioningConfiguration = { status: 'Enabled' };
      Validations.of(bucket).acknowledge(
        ...['AwsSolutions-S1', ...COMPLIANCE_PACKS.map((pack) => `${pack}-S3BucketLoggingEnabled`)].map((id) => ({
          id,
          reason: 'Pipeline artifacts are read and written only by the pipeline roles; record object access with CloudTrail S3 data events where your organization requires it',
        })),
        ...COMPLIANCE_PACKS.map((pack) => ({
          id: `${pack}-S3BucketReplicationEnabled`,
          reason: 'Pipeline artifacts are intermediate build outputs that the pipeline recreates on every run; replicating them adds nothing',
        })),
      );
    }
  }

  /**
   * CDK Pipelines generates the pipeline's roles with inline default policies; the wildcards in
   * them come from aws-cdk-lib's grants on the artifact bucket and key (object keys and KMS
   * actions), from CodeBuild's log groups and report groups named after the project, and from
   * the self-mutation step, which assumes the CDK bootstrap roles to deploy the pipeline itself.
   */
  private acknowledgeGeneratedRoles(): void {
    const codePipeline = this.pipeline.pipeline;
    const bucketArn = `<${this.getLogicalId(codePipeline.artifactBucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
    const artifacts = [
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'].map((action) => `Action::${action}`),
      `Resource::${bucketArn}/*`,
    ];
    const writesArtifacts = ['Action::s3:DeleteObject*', 'Action::s3:Abort*'];
    const codeBuildLogs = (project: codebuild.IProject) => {
      const name = `<${this.getLogicalId(project.node.defaultChild as codebuild.CfnProject)}>`;
      return [
        `Resource::arn:<AWS::Partition>:logs:${this.region}:${this.account}:log-group:/aws/codebuild/${name}:*`,
        `Resource::arn:<AWS::Partition>:codebuild:${this.region}:${this.account}:report-group/${name}-*`,
      ];
    };
    const replicationBuckets = Object.values(codePipeline.crossRegionSupport)
      .map((support) => `Resource::arn:<AWS::Partition>:s3:::${this.resolve(support.replicationBucket.bucketName)}/*`);

    const wildcards: Array<[iam.IRole, string[]]> = [
      // Reads and writes artifacts in every Region, and assumes the action roles (Resource::*: the
      // cross-account deployment roles of the CDK bootstrap, resolved at run time).
      [codePipeline.role, [...artifacts, ...writesArtifacts, ...replicationBuckets, 'Resource::*']],
      [this.pipeline.synthProject.role!, [...artifacts, ...writesArtifacts, ...codeBuildLogs(this.pipeline.synthProject)]],
      // Self-mutation: looks up and assumes the CDK bootstrap roles (role/*, Resource::*) to update this stack.
      [this.pipeline.selfMutationProject.role!, [...artifacts, ...codeBuildLogs(this.pipeline.selfMutationProject), `Resource::arn:*:iam::${this.account}:role/*`, 'Resource::*']],
    ];
    // The source action's role, which the connection action writes the checked-out code with.
    const sourceRole = codePipeline.node.findChild('Source').node.findChild(SOURCE_REPOSITORY.replace('/', '_')).node.findChild('CodePipelineActionRole') as iam.IRole;
    wildcards.push([sourceRole, [...artifacts, ...writesArtifacts]]);
    for (const [role, findings] of wildcards) {
      const policy = role.node.findChild('DefaultPolicy');
      Validations.of(policy).acknowledge(
        ...findings.map((finding) => ({
          id: `AwsSolutions-IAM5[${finding}]`,
          reason: 'Generated by CDK Pipelines and aws-cdk-lib grants: artifact object keys, KMS data-key actions, CodeBuild log and report groups named after the project, CDK bootstrap roles',
        })),
      );
    }
    for (const role of [...wildcards.map(([r]) => r), this.pipeline.node.findChild('CodeBuildActionRole') as iam.IRole]) {
      Validations.of(role.node.findChild('DefaultPolicy')).acknowledge(...COMPLIANCE_PACKS.map((pack) => ({
        id: `${pack}-IAMNoInlinePolicy`,
        reason: 'CDK Pipelines generates each role with an inline default policy scoped to that role\'s own pipeline resources',
      })));
    }
    for (const project of [this.pipeline.synthProject, this.pipeline.selfMutationProject]) {
      Validations.of(project).acknowledge(...['HIPAA.Security', 'PCI.DSS.321'].map((pack) => ({
        id: `${pack}-CodeBuildProjectSourceRepoUrl`,
        reason: 'The project reads its source from the pipeline artifacts (source type CODEPIPELINE); the repository is reached through a CodeConnections connection, with no URL or credentials in the project',
      })));
    }
  }
}
