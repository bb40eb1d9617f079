/**
 * The synthesized templates of an app as one concrete account: every resource gets a physical
 * name, and every CloudFormation value (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, …) resolves to the
 * string CloudFormation would give it, so that policies and simulated calls speak of the same ARNs.
 *
 * Names: a resource's own name property when it has one, else `<stack>-<logical id>` (CloudFormation
 * generates names; any name that is the same on both sides and unique in the account will do). Ref and Fn::GetAtt return
 * values follow each resource type's "Return values" in the CloudFormation reference.
 */
import { IntrinsicWorld, resolvedText, resolveIntrinsics } from '../support/intrinsic-functions';

export const ACCOUNT = '111111111111';
export const DEFAULT_REGION = 'us-east-1';

/** One stack of the app. */
export interface StackTemplate {
  readonly stackName: string;
  readonly template: Template;
  /** The stack's account and Region; an environment-agnostic stack gets the defaults. */
  readonly account?: string;
  readonly region?: string;
}

export interface Template {
  readonly Resources?: Record<string, Resource>;
  readonly Parameters?: Record<string, { readonly Default?: unknown }>;
  readonly Outputs?: Record<string, { readonly Value: unknown; readonly Export?: { readonly Name: unknown } }>;
  readonly Mappings?: Record<string, Record<string, Record<string, unknown>>>;
  readonly Conditions?: Record<string, unknown>;
}

export interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly UpdatePolicy?: Record<string, any>;
  readonly Metadata?: Record<string, any>;
}

/** The property that names a resource of a type, where the template may set one. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CodeDeploy::Application': 'ApplicationName',
  'AWS::CodeDeploy::DeploymentGroup': 'DeploymentGroupName',
  'AWS::CodeDeploy::DeploymentConfig': 'DeploymentConfigName',
  'AWS::AutoScaling::AutoScalingGroup': 'AutoScalingGroupName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'Name',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'Name',
  'AWS::ElasticLoadBalancing::LoadBalancer': 'LoadBalancerName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::SSM::Parameter': 'Name',
};

/** A stand-in id where CloudFormation returns one the template cannot know (an ELB's, a key's). */
const SOME_ID = '0123456789abcdef';

/** One stack's view of the app: resolves values in its template. */
export class StackWorld implements IntrinsicWorld {
  public readonly account: string;
  public readonly region: string;
  public readonly resources: Record<string, Resource>;

  constructor(public readonly stack: StackTemplate, private readonly app: AppWorld) {
    this.account = stack.account ?? ACCOUNT;
    this.region = stack.region ?? DEFAULT_REGION;
    this.resources = stack.template.Resources ?? {};
  }

  public get stackName(): string {
    return this.stack.stackName;
  }

  /** `arn:aws:<service>:<region>:<account>:<rest>`. */
  public arn(service: string, rest: string, options: { region?: boolean } = {}): string {
    return `arn:aws:${service}:${options.region === false ? '' : this.region}:${this.account}:${rest}`;
  }

  /** The physical name of a resource. */
  public nameOf(logicalId: string): string {
    const resource = this.resource(logicalId);
    const property = NAME_PROPERTY[resource.Type];
    const name = property ? resource.Properties?.[property] : undefined;
    if (name !== undefined) {
      return this.resolve(name);
    }
    // CloudFormation's generated names start with the stack's name: unique across stacks, as IAM role names must be.
    const generated = `${this.stackName}-${logicalId}`;
    return resource.Type === 'AWS::S3::Bucket' ? generated.toLowerCase() : generated;
  }

  public resource(logicalId: string): Resource {
    const resource = this.resources[logicalId];
    if (!resource) {
      throw new Error(`${this.stackName}: no resource ${logicalId}`);
    }
    return resource;
  }

  /** What `Ref` of a resource returns. */
  public ref(logicalId: string): string {
    const pseudo = this.pseudoParameter(logicalId);
    if (pseudo !== undefined) {
      return pseudo;
    }
    const parameter = this.stack.template.Parameters?.[logicalId];
    if (parameter) {
      return parameter.Default === undefined ? `parameter-${logicalId}` : this.resolve(parameter.Default);
    }
    const resource = this.resource(logicalId);
    const name = this.nameOf(logicalId);
    switch (resource.Type) {
      case 'AWS::SNS::Topic': return this.arn('sns', name);
      case 'AWS::IAM::ManagedPolicy': return `arn:aws:iam::${this.account}:policy/${name}`;
      case 'AWS::Lambda::Alias': return `${this.functionArn(resource.Properties!.FunctionName)}:${this.resolve(resource.Properties!.Name)}`;
      case 'AWS::Lambda::Version': return `${this.functionArn(resource.Properties!.FunctionName)}:1`;
      case 'AWS::ElasticLoadBalancingV2::TargetGroup': return this.arn('elasticloadbalancing', `targetgroup/${name}/${SOME_ID}`);
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer': return this.arn('elasticloadbalancing', `loadbalancer/app/${name}/${SOME_ID}`);
      case 'AWS::KMS::Key': return `key-${logicalId}`;
      default: return name;
    }
  }

  /** What `Fn::GetAtt` of a resource's attribute returns. */
  public getAtt(logicalId: string, attribute: string): string {
    const resource = this.resource(logicalId);
    const name = this.nameOf(logicalId);
    switch (`${resource.Type}.${attribute}`) {
      case 'AWS::Lambda::Function.Arn': return this.arn('lambda', `function:${name}`);
      case 'AWS::Lambda::Version.Version': return '1';
      case 'AWS::Lambda::Alias.AliasArn': return this.ref(logicalId);
      case 'AWS::IAM::Role.Arn': return `arn:aws:iam::${this.account}:role/${this.resolve(resource.Properties?.Path ?? '/').replace(/^\//, '')}${name}`;
      case 'AWS::IAM::InstanceProfile.Arn': return `arn:aws:iam::${this.account}:instance-profile/${name}`;
      case 'AWS::SNS::Topic.TopicArn': return this.ref(logicalId);
      case 'AWS::SNS::Topic.TopicName': return name;
      case 'AWS::S3::Bucket.Arn': return `arn:aws:s3:::${name}`;
      case 'AWS::KMS::Key.Arn': return this.arn('kms', `key/${this.ref(logicalId)}`);
      case 'AWS::Logs::LogGroup.Arn': return this.arn('logs', `log-group:${name}:*`);
      case 'AWS::CloudWatch::Alarm.Arn': return this.arn('cloudwatch', `alarm:${name}`);
      case 'AWS::ElasticLoadBalancingV2::TargetGroup.TargetGroupName': return name;
      case 'AWS::ElasticLoadBalancingV2::TargetGroup.TargetGroupFullName': return `targetgroup/${name}/${SOME_ID}`;
      case 'AWS::ElasticLoadBalancingV2::TargetGroup.TargetGroupArn': return this.ref(logicalId);
      case 'AWS::CodeBuild::Project.Arn': return this.arn('codebuild', `project/${name}`);
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer.LoadBalancerFullName': return `app/${name}/${SOME_ID}`;
      default: return `${logicalId}.${attribute}`;
    }
  }

  /** The ARN of a Lambda function named by a name, an ARN or a partial ARN. */
  public functionArn(nameOrArn: unknown): string {
    const value = this.resolve(nameOrArn);
    if (value.startsWith('arn:')) {
      return value;
    }
    return this.arn('lambda', `function:${value}`);
  }

  /** A CloudFormation value as the string it resolves to. */
  public resolve(value: unknown): string {
    return resolvedText(value, this);
  }

  /** A CloudFormation value (a list, an object, a string) with every intrinsic resolved. */
  public resolveAny(value: unknown): unknown {
    return resolveIntrinsics(value, this);
  }

  /** Who resolves, for errors (IntrinsicWorld). */
  public get resolver(): string {
    return `${this.stackName}: the IAM suite`;
  }

  /** Numbers and booleans as the strings IAM and the ARNs compare (IntrinsicWorld). */
  public scalar(value: number | boolean): string {
    return String(value);
  }

  public importValue(exportName: string): string {
    return this.app.importValue(exportName);
  }

  public findInMap(map: string, topLevelKey: string, secondLevelKey: string): unknown {
    return this.resolveAny(this.stack.template.Mappings?.[map]?.[topLevelKey]?.[secondLevelKey]);
  }

  public condition(name: string): boolean {
    const evaluate = (value: any): boolean => {
      if (value.Condition) {
        return evaluate(this.stack.template.Conditions![value.Condition]);
      }
      if (value['Fn::Equals']) {
        const [a, b] = value['Fn::Equals'].map((part: unknown) => this.resolveAny(part));
        return a === b;
      }
      if (value['Fn::Not']) {
        return !evaluate(value['Fn::Not'][0]);
      }
      if (value['Fn::And']) {
        return value['Fn::And'].every(evaluate);
      }
      if (value['Fn::Or']) {
        return value['Fn::Or'].some(evaluate);
      }
      throw new Error(`${this.stackName}: the IAM suite cannot evaluate condition ${JSON.stringify(value)}`);
    };
    return evaluate(this.stack.template.Conditions![name]);
  }

  private pseudoParameter(name: string): string | undefined {
    switch (name) {
      case 'AWS::Partition': return 'aws';
      case 'AWS::Region': return this.region;
      case 'AWS::AccountId': return this.account;
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return this.stackName;
      case 'AWS::StackId': return this.arn('cloudformation', `stack/${this.stackName}/${SOME_ID}`);
      default: return undefined;
    }
  }
}

/** Every stack of an app, for the values one stack imports from another. */
export class AppWorld {
  public readonly stacks: StackWorld[];

  constructor(stacks: StackTemplate[]) {
    this.stacks = stacks.map((stack) => new StackWorld(stack, this));
  }

  public importValue(exportName: string): string {
    for (const stack of this.stacks) {
      for (const output of Object.values(stack.stack.template.Outputs ?? {})) {
        if (output.Export && stack.resolve(output.Export.Name) === exportName) {
          return stack.resolve(output.Value);
        }
      }
    }
    throw new Error(`no stack exports ${exportName}`);
  }
}
