import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { Account } from './account';
import { AliasDeployment, DeployerAnswer, runDeployer, runTrafficHook } from './library-functions';
import { identityOf, requiresReplacement } from './schemas';
import { creationOrder, Resource, Template } from './template';
import { LATER_FAILURE_ID } from './variants';
import { DEPLOYMENT_GROUP_RESOURCE_TYPE } from '../../../src/contract/deployment-group';
import { REVISION_DEPLOYMENT_RESOURCE_TYPE } from '../../../src/contract/revision-deployment';
import { SETTINGS_PREFIX_ENV } from '../../../src/contract/traffic-hook';
import { readSettings } from '../../../src/handlers/server-deployer/revision-deployment/deployment-properties';
import { IntrinsicWorld, resolveIntrinsics } from '../../support/intrinsic-functions';

/**
 * CloudFormation as the lifecycle model plays it, for one stack: create, update (with a later
 * resource failing and the rollback that follows), delete, with the effects on the account that
 * matter to the library (account.ts) and the library's own functions run for real where
 * CloudFormation would invoke them (library-functions.ts). What it models, and from which page of
 * AWS's documentation:
 *
 * - Order: dependencies first on create and update, dependents first on delete (template.ts).
 * - Replacement: a change of a create-only property replaces the resource: the new one first, the
 *   old one deleted in the cleanup after the update succeeds (schemas.ts). A replacement that
 *   would take its own identifier (a named resource under its name) fails.
 * - A Lambda alias with the CodeDeployLambdaAliasUpdate policy: "CloudFormation performs an CodeDeploy
 *   deployment when the version changes on the alias" (User Guide, UpdatePolicy attribute,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatepolicy.html),
 *   with the policy's BeforeAllowTraffic and AfterAllowTraffic hooks; a new alias is created
 *   pointing at its version directly. A version that no longer exists fails the update.
 * - Custom resources: Create, Update (with `OldResourceProperties`) and Delete requests; "If the
 *   value returned [for PhysicalResourceId] is different, AWS CloudFormation recognizes the update
 *   as a replacement and sends a delete request to the old resource" (User Guide, custom resource
 *   responses, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html).
 *   Property values reach the provider as strings.
 * - Update rollback: "Ongoing return of one or more stacks to the previous working state after
 *   failed stack update" (UPDATE_ROLLBACK_IN_PROGRESS), then "removal of new resources ...
 *   CloudFormation is still deleting any new resources it created during the stack update"
 *   (UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS; User Guide, stack status codes,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-describing-stacks.html).
 *   The model returns each resource the failed update changed to its previous properties, in the
 *   previous template's dependency order (it is an update back to that template): one updated in
 *   place is updated again (a custom resource gets an Update whose properties are the old ones; an
 *   alias, a deployment back to its old version), one replaced gets its old physical resource back
 *   (untouched, so no request), and what the update created, a replacement's new side included, is
 *   deleted in the cleanup (a custom resource gets a Delete of the physical id its update returned).
 *   CloudFormation "assumes that the [old resource] still exists and attempts to roll back to it";
 *   when it does not, the stack stays in UPDATE_ROLLBACK_FAILED (User Guide, Troubleshooting,
 *   "Update rollback failed",
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html#troubleshooting-errors-update-rollback-failed).
 * - `DeletionPolicy`/`UpdateReplacePolicy` Retain: the resource stays in the account. A Lambda
 *   version resource that is not retained deletes its version when CloudFormation deletes it
 *   (aws-cdk-lib's `Version.removalPolicy` defaults to DESTROY, and a version resource the template
 *   drops takes the old version with it: aws/aws-cdk#7636).
 */

export type ViolationKind =
  | 'stuck-rollback' | 'lost-version' | 'replaced-under-own-name' | 'settings-mismatch' | 'revision-not-restored' | 'failed-delete';

/**
 * Ways to make the model's world misbehave, for the tests that show each check catches what it
 * is for (a version deleted behind CloudFormation's back, a provider that answers an Update with a
 * new physical id, settings changed under the hook).
 */
export interface Interference {
  /** Before the hook runs in a deployment of an alias. */
  beforeDeployment?(account: Account, deployment: AliasDeployment): void;
  /** After a deployment of an alias succeeded. */
  afterDeployment?(account: Account, deployment: AliasDeployment): void;
  /** Changes the deployer's answer to an Update. */
  deployerUpdateAnswer?(answer: DeployerAnswer): DeployerAnswer;
}

export interface Violation {
  readonly kind: ViolationKind;
  readonly step: string;
  readonly detail: string;
}

interface Live {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId: string;
  /** Resolved properties (custom resources: as the provider received them, strings). */
  readonly props: Record<string, unknown>;
  readonly attributes: Record<string, string>;
  readonly resource: Resource;
}

type Action =
  | { readonly kind: 'created'; readonly id: string }
  | { readonly kind: 'updated'; readonly id: string; readonly previous: Live }
  | { readonly kind: 'replaced'; readonly id: string; readonly previous: Live };

/** The property that names a resource of a type (its physical id when set). */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::SSM::Parameter': 'Name',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::CodeDeploy::Application': 'ApplicationName',
  'AWS::CodeDeploy::DeploymentGroup': 'DeploymentGroupName',
  'AWS::CodeDeploy::DeploymentConfig': 'DeploymentConfigName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::AutoScaling::AutoScalingGroup': 'AutoScalingGroupName',
};

/** Types with no effect on what the model checks, and no provider schema. */
const INERT_TYPES = new Set(['AWS::CDK::Metadata', 'AWS::CloudFormation::WaitConditionHandle']);
const ACCOUNT_ID = '111111111111';
const REGION = 'us-east-1';

export class StackModel {
  public readonly violations: Violation[] = [];
  /** Updates that failed before the planned failure of a later resource, with CloudFormation's reason. */
  public readonly unplannedFailures: string[] = [];
  public readonly trace: string[] = [];
  private live = new Map<string, Live>();
  private template: Template = { Resources: {} };
  private serial = 0;
  private step = '';
  private rollingBack = false;
  private requestCounter = 0;
  /** What the template's intrinsic functions resolve against: the resources created so far. */
  private readonly intrinsics: IntrinsicWorld = {
    resolver: 'the lifecycle model',
    region: REGION,
    ref: (logicalId) => this.ref(logicalId),
    getAtt: (logicalId, attribute) => this.getAtt(logicalId, attribute),
    importValue: (exportName) => `import:${exportName}`,
    findInMap: (map, topLevelKey, secondLevelKey) => `map:${JSON.stringify([map, topLevelKey, secondLevelKey])}`,
    // The model creates every resource, whatever its condition, so every condition holds.
    condition: () => true,
  };

  public constructor(
    public readonly stackName: string, public readonly account: Account = new Account(), private readonly interference: Interference = {},
  ) {}

  /** The live physical id of a resource (for tests). */
  public physicalId(logicalId: string): string | undefined {
    return this.live.get(logicalId)?.physicalId;
  }

  public async create(template: Template): Promise<boolean> {
    this.step = 'create';
    const outcome = await this.apply(template, false);
    this.template = template;
    this.check();
    return outcome.ok;
  }

  /**
   * An update to `template`. `laterFailure`: the template holds `LATER_FAILURE_ID`, which fails once
   * everything before it is done, and the stack rolls back. Returns how the update ended.
   */
  public async update(template: Template, step: string): Promise<'complete' | 'rolled-back' | 'rollback-failed'> {
    this.step = step;
    const previousTemplate = this.template;
    const previousLive = new Map(this.live);
    const outcome = await this.apply(template, true);
    if (outcome.ok) {
      this.template = template;
      await this.cleanUp(previousTemplate, outcome.actions, template);
      this.check();
      return 'complete';
    }
    if (!outcome.failedAt?.startsWith(LATER_FAILURE_ID)) this.unplannedFailures.push(`${step}: ${outcome.failedAt}`);
    this.trace.push(`${step}: ${outcome.failedAt}; rolling back`);
    const rolledBack = await this.rollback(previousTemplate, previousLive, outcome.actions, `${step} rollback`);
    this.template = previousTemplate;
    this.check();
    return rolledBack ? 'rolled-back' : 'rollback-failed';
  }

  public async delete(): Promise<void> {
    this.step = 'delete';
    for (const id of creationOrder(this.template).reverse()) {
      const live = this.live.get(id);
      if (live) await this.deleteResource(live, 'stack deleted');
    }
    this.live.clear();
  }

  /** The checks after every step: every version an alias points to or a version resource names exists; every revision deployment's group got its revision. */
  private check(): void {
    for (const live of this.live.values()) {
      if (live.type === 'AWS::Lambda::Alias') {
        const fn = this.account.functions.get(functionNameOf(String(live.props.FunctionName)));
        const version = fn?.aliases.get(String(live.props.Name));
        if (!fn || version === undefined || !fn.versions.has(version)) {
          this.violations.push({ kind: 'lost-version', step: this.step, detail: `alias ${live.physicalId} points at version ${version}, which does not exist` });
        }
      }
      if (live.type === 'AWS::Lambda::Version') {
        const fn = this.account.functions.get(functionNameOf(String(live.props.FunctionName)));
        if (!fn?.versions.has(Number(live.attributes.Version))) {
          this.violations.push({ kind: 'lost-version', step: this.step, detail: `version ${live.physicalId} (${live.logicalId}), which a rollback would point an alias at again, does not exist` });
        }
      }
      if (live.type === REVISION_DEPLOYMENT_RESOURCE_TYPE) {
        const settings = readSettings(live.props);
        const { applicationName, deploymentGroupName, revision } = settings.createDeployment;
        const deployed = this.account.deployedRevisions.get(`${applicationName}/${deploymentGroupName}`);
        if (deployed !== JSON.stringify(revision)) {
          this.violations.push({
            kind: 'revision-not-restored',
            step: this.step,
            detail: `${live.logicalId}: the stack says ${JSON.stringify(revision)}, the group ${deploymentGroupName} last received ${deployed}`,
          });
        }
      }
    }
  }

  /** Creates or updates every resource of `template` in order; stops at the first failure. */
  private async apply(template: Template, updating: boolean): Promise<{ ok: boolean; actions: Action[]; failedAt?: string }> {
    const actions: Action[] = [];
    for (const id of creationOrder(template)) {
      const resource = template.Resources[id];
      if (id === LATER_FAILURE_ID) return { ok: false, actions, failedAt: `${LATER_FAILURE_ID}: failed on purpose` };
      const existing = this.live.get(id);
      try {
        if (!existing) {
          this.live.set(id, await this.createResource(id, resource));
          actions.push({ kind: 'created', id });
          continue;
        }
        const props = this.resolveProperties(id, resource);
        const replace = existing.type !== resource.Type
          || (!INERT_TYPES.has(resource.Type) && requiresReplacement(resource.Type, existing.props, props));
        if (replace) {
          this.live.set(id, await this.createResource(id, resource, existing));
          actions.push({ kind: 'replaced', id, previous: existing });
        } else if (updating && (JSON.stringify(existing.props) !== JSON.stringify(stringsIfCustom(resource.Type, props))
          || JSON.stringify(existing.resource.UpdatePolicy) !== JSON.stringify(resource.UpdatePolicy))) {
          const updated = await this.updateResource(existing, resource, props, template);
          this.live.set(id, updated);
          // A custom resource whose provider answered with a new physical id was replaced, by the provider's choice.
          actions.push({ kind: updated.physicalId === existing.physicalId ? 'updated' : 'replaced', id, previous: existing });
        }
      } catch (err) {
        return { ok: false, actions, failedAt: `${id} (${resource.Type}): ${(err as Error).message}` };
      }
    }
    return { ok: true, actions };
  }

  /** After a successful update: the old sides of replacements and the resources the template dropped are deleted, dependents first. */
  private async cleanUp(previousTemplate: Template, actions: Action[], template: Template): Promise<void> {
    const replaced = new Map(actions.filter((a): a is Extract<Action, { kind: 'replaced' }> => a.kind === 'replaced').map((a) => [a.id, a.previous]));
    for (const id of creationOrder(previousTemplate).reverse()) {
      const old = replaced.get(id) ?? (id in template.Resources ? undefined : this.live.get(id));
      if (!old) continue;
      await this.deleteResource(old, replaced.has(id) ? 'replaced' : 'removed from the template', replaced.has(id));
      if (!replaced.has(id)) this.live.delete(id);
    }
  }

  /** Back to the previous template: updates undone in its dependency order, replacements swapped back, what the update created deleted. */
  private async rollback(previousTemplate: Template, previousLive: Map<string, Live>, actions: Action[], step: string): Promise<boolean> {
    this.step = step;
    this.rollingBack = true;
    let ok = true;
    const byId = new Map(actions.map((action) => [action.id, action]));
    const created: Live[] = [];
    try {
      for (const id of creationOrder(previousTemplate)) {
        const action = byId.get(id);
        if (!action || action.kind === 'created') continue;
        const current = this.live.get(id)!;
        if (action.kind === 'replaced') {
          created.push(current);
          this.live.set(id, action.previous);
          continue;
        }
        try {
          const { resource, props, physicalId } = action.previous;
          this.live.set(id, await this.updateResource(current, resource, props, previousTemplate, physicalId));
        } catch (err) {
          ok = false;
          this.violations.push({ kind: 'stuck-rollback', step, detail: `${id} (${current.type}): ${(err as Error).message}` });
          this.trace.push(`${step}: UPDATE_ROLLBACK_FAILED at ${id}`);
          return false;
        }
      }
      for (const action of actions) {
        if (action.kind === 'created') {
          created.push(this.live.get(action.id)!);
          if (!previousLive.has(action.id)) this.live.delete(action.id);
        }
      }
      // The cleanup: what the failed update created goes, dependents first (the reverse of creation).
      for (const live of created.reverse()) await this.deleteResource(live, 'created by the failed update');
    } finally {
      this.rollingBack = false;
    }
    return ok;
  }

  private nextPhysicalName(logicalId: string): string {
    return `${this.stackName}-${logicalId.slice(0, 40)}-${(++this.serial).toString(36).toUpperCase().padStart(6, 'X')}`;
  }

  private async createResource(id: string, resource: Resource, replacing?: Live): Promise<Live> {
    const props = this.resolveProperties(id, resource);
    const identity = identityOf(resource.Type, props);
    if (identity !== undefined) {
      const taken = [...this.live.values()]
        .find((other) => other.type === resource.Type && other !== replacing && identityOf(other.type, other.props) === identity);
      if (taken || (replacing && identityOf(replacing.type, replacing.props) === identity)) {
        const detail = `${id} (${resource.Type}) ${replacing ? 'replaced' : 'created'} under the identifier ${identity} that ${taken?.logicalId ?? id} holds`;
        this.violations.push({ kind: 'replaced-under-own-name', step: this.step, detail });
        throw new Error(detail);
      }
    }
    const name = NAME_PROPERTY[resource.Type] ? props[NAME_PROPERTY[resource.Type]] : undefined;
    let physicalId = typeof name === 'string' ? name : this.nextPhysicalName(id);
    let attributes: Record<string, string> = {};
    let finalProps = props;
    switch (resource.Type) {
      case 'AWS::Lambda::Function':
        this.account.createFunction(physicalId);
        attributes = { Arn: functionArn(physicalId) };
        break;
      case 'AWS::Lambda::Version': {
        const fnName = functionNameOf(String(props.FunctionName));
        const version = this.account.publish(fnName);
        physicalId = `${functionArn(fnName)}:${version}`;
        attributes = { Version: String(version), FunctionArn: functionArn(fnName) };
        break;
      }
      case 'AWS::Lambda::Alias': {
        const fn = this.account.fn(functionNameOf(String(props.FunctionName)));
        const version = Number(props.FunctionVersion);
        if (!fn.versions.has(version)) throw new Error(`Function not found: ${props.FunctionName}:${props.FunctionVersion}`);
        fn.aliases.set(String(props.Name), version);
        physicalId = `${functionArn(functionNameOf(String(props.FunctionName)))}:${props.Name}`;
        attributes = { AliasArn: physicalId };
        break;
      }
      case 'AWS::SSM::Parameter':
        this.account.parameters.set(physicalId, String(props.Value));
        break;
      case 'AWS::CloudWatch::Alarm':
        this.account.alarms.add(physicalId);
        attributes = { Arn: `arn:aws:cloudwatch:${REGION}:${ACCOUNT_ID}:alarm:${physicalId}` };
        break;
      default:
        if (isLibraryCustomResource(resource.Type)) {
          finalProps = stringLeaves(props) as Record<string, unknown>;
          const answer = await runDeployer(this.account, this.customEvent('Create', id, resource.Type, finalProps));
          this.trace.push(`${this.step}: Create ${id} -> ${answer.Status} ${answer.PhysicalResourceId}`);
          if (answer.Status !== 'SUCCESS') throw new Error(`the deployer answered FAILED to Create: ${answer.Reason}`);
          physicalId = answer.PhysicalResourceId;
          attributes = answer.Data ?? {};
        }
    }
    return { logicalId: id, type: resource.Type, physicalId, props: finalProps, attributes, resource };
  }

  /** An update in place (or, in a rollback, back to `props`), with the effects of the resource's type. */
  private async updateResource(
    current: Live, resource: Resource, props: Record<string, unknown>, template: Template, physicalId?: string,
  ): Promise<Live> {
    const next: Live = { ...current, props, resource, physicalId: physicalId ?? current.physicalId };
    switch (current.type) {
      case 'AWS::SSM::Parameter':
        this.account.parameters.set(current.physicalId, String(props.Value));
        return next;
      case 'AWS::Lambda::Alias':
        await this.updateAlias(current, resource, props, template);
        return next;
      default:
        break;
    }
    if (!isLibraryCustomResource(current.type)) return next;
    const sent = stringLeaves(props) as Record<string, unknown>;
    const given = await runDeployer(this.account, {
      ...this.customEvent('Update', current.logicalId, current.type, sent), PhysicalResourceId: current.physicalId, OldResourceProperties: current.props,
    } as CloudFormationCustomResourceEvent);
    const answer = this.interference.deployerUpdateAnswer?.(given) ?? given;
    this.trace.push(`${this.step}: Update ${current.logicalId} -> ${answer.Status} ${answer.PhysicalResourceId}`);
    if (answer.Status !== 'SUCCESS') throw new Error(`the deployer answered FAILED to Update: ${answer.Reason}`);
    if (answer.PhysicalResourceId !== current.physicalId && this.rollingBack) {
      throw new Error(`the deployer answered a new physical id ${answer.PhysicalResourceId} in a rollback`);
    }
    return { ...next, props: sent, physicalId: answer.PhysicalResourceId, attributes: answer.Data ?? current.attributes };
  }

  /** The alias moves to its new version: through a CodeDeploy deployment with the policy's hooks, or at once without the policy. */
  private async updateAlias(current: Live, resource: Resource, props: Record<string, unknown>, template: Template): Promise<void> {
    const functionName = functionNameOf(String(props.FunctionName));
    const fn = this.account.fn(functionName);
    const aliasName = String(props.Name);
    const target = Number(props.FunctionVersion);
    const from = fn.aliases.get(aliasName)!;
    if (target === from) return;
    if (!fn.versions.has(target)) throw new Error(`Function not found: ${functionArn(functionName)}:${target} (the alias cannot point at a version that does not exist)`);
    const policy = resource.UpdatePolicy?.CodeDeployLambdaAliasUpdate;
    if (!policy) {
      fn.aliases.set(aliasName, target);
      return;
    }
    const hook = this.trafficHookNamed([policy.BeforeAllowTrafficHook, policy.AfterAllowTrafficHook]);
    const hookEvents = hook ? (['BeforeAllowTraffic', 'AfterAllowTraffic'] as const)
      .filter((event) => policy[`${event}Hook`] !== undefined && this.resolve(policy[`${event}Hook`]) === hook.name) : [];
    const deployment: AliasDeployment = {
      functionName,
      alias: aliasName,
      currentVersion: from,
      targetVersion: target,
      applicationName: this.resolve(policy.ApplicationName) as string,
      deploymentGroupName: this.resolve(policy.DeploymentGroupName) as string,
      hookEvents,
      settingsPrefix: hook?.settingsPrefix ?? '',
    };
    if (hookEvents.length === 0) {
      fn.aliases.set(aliasName, target);
      return;
    }
    this.interference.beforeDeployment?.(this.account, deployment);
    const run = await runTrafficHook(this.account, deployment);
    this.trace.push(`${this.step}: ${current.logicalId} deployed ${functionName}:${from} -> ${target}: ${JSON.stringify(run.verdicts)}`,
      ...run.log.filter((line) => line.startsWith('deleted ')).map((line) => `${this.step}: pruned ${line.slice('deleted '.length)}`));
    this.checkSettings(run.settingsRead, template, current.logicalId);
    const failed = hookEvents.find((event) => run.verdicts[event] !== 'Succeeded');
    if (failed) {
      // CodeDeploy rolls the alias back to where it was; the deployment, and so the alias update, fails.
      fn.aliases.set(aliasName, from);
      throw new Error(`the traffic hook answered ${run.verdicts[failed] ?? 'nothing'} in ${failed}: ${run.log.filter((line) => line.includes('"verdict"')).join(' ')}`);
    }
    this.interference.afterDeployment?.(this.account, deployment);
  }

  /** The settings the hook read must be the ones the template being applied writes (the version's own). */
  private checkSettings(read: Array<{ name: string; value: string | undefined }>, template: Template, aliasId: string): void {
    for (const { name, value } of read) {
      const parameter = Object.entries(template.Resources).find(([id, resource]) => resource.Type === 'AWS::SSM::Parameter'
        && this.resolve(this.resolveProperties(id, resource).Name) === name);
      const expected = parameter ? String(this.resolveProperties(parameter[0], parameter[1]).Value) : undefined;
      if (expected !== value) {
        this.violations.push({ kind: 'settings-mismatch', step: this.step, detail: `${aliasId}: the hook read ${name} = ${value}, the template deploying the version writes ${expected}` });
      }
    }
  }

  /** The library's traffic hook among the functions a policy names (it has the settings prefix in its environment). */
  private trafficHookNamed(names: unknown[]): { name: string; settingsPrefix: string } | undefined {
    const wanted = new Set(names.filter((n) => n !== undefined).map((n) => this.resolve(n)));
    for (const live of this.live.values()) {
      const prefix = (live.props.Environment as { Variables?: Record<string, string> } | undefined)?.Variables?.[SETTINGS_PREFIX_ENV];
      if (live.type === 'AWS::Lambda::Function' && prefix && wanted.has(live.physicalId)) return { name: live.physicalId, settingsPrefix: prefix };
    }
    return undefined;
  }

  /** Deletes a resource; `replaced`: the old side of a replacement, which `UpdateReplacePolicy` keeps, where `DeletionPolicy` keeps the others. */
  private async deleteResource(live: Live, why: string, replaced = false): Promise<void> {
    const policy = replaced ? live.resource.UpdateReplacePolicy : live.resource.DeletionPolicy;
    if (policy === 'Retain') return;
    switch (live.type) {
      case 'AWS::Lambda::Function':
        this.account.functions.delete(live.physicalId);
        return;
      case 'AWS::Lambda::Alias':
        this.account.functions.get(functionNameOf(String(live.props.FunctionName)))?.aliases.delete(String(live.props.Name));
        return;
      case 'AWS::Lambda::Version':
        this.account.functions.get(functionNameOf(String(live.props.FunctionName)))?.versions.delete(Number(live.attributes.Version));
        this.trace.push(`${this.step}: deleted version ${live.physicalId} (${why})`);
        return;
      case 'AWS::SSM::Parameter':
        this.account.parameters.delete(live.physicalId);
        return;
      case 'AWS::CloudWatch::Alarm':
        this.account.alarms.delete(live.physicalId);
        return;
      default:
        break;
    }
    if (!isLibraryCustomResource(live.type)) return;
    const answer = await runDeployer(this.account, {
      ...this.customEvent('Delete', live.logicalId, live.type, live.props), PhysicalResourceId: live.physicalId,
    } as CloudFormationCustomResourceEvent);
    this.trace.push(`${this.step}: Delete ${live.logicalId} ${live.physicalId} (${why}) -> ${answer.Status}`);
    if (answer.Status !== 'SUCCESS') {
      this.violations.push({ kind: 'failed-delete', step: this.step, detail: `${live.logicalId} ${live.physicalId} (${why}): ${answer.Reason}` });
    }
  }

  private customEvent(requestType: 'Create' | 'Update' | 'Delete', id: string, type: string, props: Record<string, unknown>): CloudFormationCustomResourceEvent {
    const requestId = `lifecycle-${++this.requestCounter}`;
    return {
      RequestType: requestType,
      ServiceToken: String(props.ServiceToken ?? 'deployer'),
      ResponseURL: `https://cloudformation-custom-resource-response.example/${requestId}`,
      StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT_ID}:stack/${this.stackName}/00000000-0000-0000-0000-000000000000`,
      RequestId: requestId,
      LogicalResourceId: id,
      ResourceType: type,
      ResourceProperties: props as CloudFormationCustomResourceEvent['ResourceProperties'],
    } as CloudFormationCustomResourceEvent;
  }

  private resolveProperties(_id: string, resource: Resource): Record<string, unknown> {
    return (this.resolve(resource.Properties ?? {}) ?? {}) as Record<string, unknown>;
  }

  /** A template value with its intrinsic functions resolved against the live resources. */
  private resolve(value: unknown): unknown {
    return resolveIntrinsics(value, this.intrinsics);
  }

  private ref(id: string): unknown {
    switch (id) {
      case 'AWS::Partition': return 'aws';
      case 'AWS::Region': return REGION;
      case 'AWS::AccountId': return ACCOUNT_ID;
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return this.stackName;
      case 'AWS::StackId': return `arn:aws:cloudformation:${REGION}:${ACCOUNT_ID}:stack/${this.stackName}/0`;
      case 'AWS::NoValue': return undefined;
      default: break;
    }
    const live = this.live.get(id);
    if (live) return live.physicalId;
    return `parameter:${id}`;
  }

  private getAtt(id: string, attribute: string): unknown {
    const live = this.live.get(id);
    if (!live) throw new Error(`Fn::GetAtt of ${id}, which does not exist yet`);
    return live.attributes[attribute] ?? `${live.physicalId}.${attribute}`;
  }
}

function isLibraryCustomResource(type: string): boolean {
  return type === REVISION_DEPLOYMENT_RESOURCE_TYPE || type === DEPLOYMENT_GROUP_RESOURCE_TYPE;
}

function functionArn(name: string): string {
  return `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`;
}

/** A function's name from its name or (partial) ARN. */
function functionNameOf(nameOrArn: string): string {
  const parts = nameOrArn.split(':');
  const at = parts.indexOf('function');
  return at >= 0 ? parts[at + 1] : parts[0];
}

/** Custom resource properties as CloudFormation passes them: every scalar a string. */
function stringLeaves(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stringLeaves);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, stringLeaves(v)]));
  return value === undefined || value === null ? value : String(value);
}

function stringsIfCustom(type: string, props: Record<string, unknown>): Record<string, unknown> {
  return isLibraryCustomResource(type) ? stringLeaves(props) as Record<string, unknown> : props;
}
