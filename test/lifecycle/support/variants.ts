import { copyTemplate, renameResource, Resource, Template } from './template';
import { REVISION_DEPLOYMENT_RESOURCE_TYPE } from '../../../src/contract/revision-deployment';
import { settingsPrefix } from '../../../src/contract/traffic-hook';

/** Where every stack's traffic hook settings parameters are (the prefix without a stack). */
const TRAFFIC_HOOK_PARAMETERS = settingsPrefix('');

/**
 * The stack updates the lifecycle model walks, made from a synthesized template the way a user's
 * change would change it. Each returns the new template and what it changed (for the report).
 */

export type UpdateKind = 'new-code' | 'changed-config' | 'replaced-named-resource';
export const UPDATE_KINDS: readonly UpdateKind[] = ['new-code', 'changed-config', 'replaced-named-resource'];

export interface Variant {
  readonly template: Template;
  readonly changes: string[];
}

/** The resource the model makes fail, after everything else of the update (it depends on every resource). */
export const LATER_FAILURE_ID = 'LifecycleLaterResourceThatFails';

/** The template with one more resource that depends on all others, which the model fails: a later resource of the same update failing. */
export function withLaterFailure(template: Template): Template {
  return {
    ...template,
    Resources: {
      ...template.Resources,
      [LATER_FAILURE_ID]: { Type: 'AWS::CloudFormation::WaitConditionHandle', DependsOn: Object.keys(template.Resources).sort() },
    },
  };
}

export function variant(template: Template, kind: UpdateKind, generation: number): Variant {
  switch (kind) {
    case 'new-code': return newCode(template, generation);
    case 'changed-config': return changedConfig(template, generation);
    case 'replaced-named-resource': return replacedNamedResources(template, generation);
  }
}

/**
 * New code: every function with a published version (aws-cdk-lib's `currentVersion`) gets new code,
 * so its version resource gets a new logical id and CloudFormation publishes a new version (a
 * version's logical id carries a hash of the function's code and configuration: aws-cdk-lib
 * `Function.currentVersion`); every RevisionDeployment gets a new revision.
 */
function newCode(template: Template, generation: number): Variant {
  let next = copyTemplate(template);
  const changes: string[] = [];
  for (const [versionId, version] of Object.entries(template.Resources)) {
    if (version.Type !== 'AWS::Lambda::Version') continue;
    const functionId = refOf(version.Properties?.FunctionName);
    if (!functionId) continue;
    const fn = next.Resources[functionId];
    fn.Properties!.Code = newCodeOf(fn.Properties?.Code, generation);
    next = renameResource(next, versionId, `${versionId}G${generation}`);
    changes.push(`${functionId}: new code, version ${versionId}G${generation}`);
  }
  for (const [id, resource] of Object.entries(next.Resources)) {
    if (resource.Type !== REVISION_DEPLOYMENT_RESOURCE_TYPE) continue;
    resource.Properties!.Revision = newRevisionOf(resource.Properties!.Revision, generation);
    changes.push(`${id}: new revision`);
  }
  return { template: next, changes };
}

/**
 * Changed configuration: the traffic hook's settings (more smoke test invocations, one more version
 * kept, a minute more of bake), alarm thresholds, a function's memory (in aws-cdk-lib, configuration
 * is part of the version's hash too, so a new version follows), a RevisionDeployment's timeout
 * (which redeploys nothing).
 */
function changedConfig(template: Template, generation: number): Variant {
  let next = copyTemplate(template);
  const changes: string[] = [];
  for (const [id, resource] of Object.entries(next.Resources)) {
    if (resource.Type === 'AWS::SSM::Parameter' && JSON.stringify(resource.Properties?.Name).includes(TRAFFIC_HOOK_PARAMETERS)) {
      resource.Properties!.Value = bumpSettings(resource.Properties!.Value);
      changes.push(`${id}: settings changed`);
    } else if (resource.Type === 'AWS::CloudWatch::Alarm' && typeof resource.Properties?.Threshold === 'number') {
      resource.Properties.Threshold += generation;
      changes.push(`${id}: threshold`);
    } else if (resource.Type === REVISION_DEPLOYMENT_RESOURCE_TYPE) {
      resource.Properties!.TimeoutSeconds = String(Number(resource.Properties!.TimeoutSeconds ?? 1800) + 60 * generation);
      changes.push(`${id}: timeout`);
    }
  }
  for (const [versionId, version] of Object.entries(template.Resources)) {
    if (version.Type !== 'AWS::Lambda::Version') continue;
    const functionId = refOf(version.Properties?.FunctionName);
    if (!functionId) continue;
    next.Resources[functionId].Properties!.MemorySize = 128 + 64 * generation;
    next = renameResource(next, versionId, `${versionId}C${generation}`);
    changes.push(`${functionId}: memory, version ${versionId}C${generation}`);
  }
  return { template: next, changes };
}

/**
 * A change that replaces named resources, as a user makes one: every function a rollout's alias
 * names and every CodeDeploy application gets a new name (CloudFormation replaces a resource whose
 * name changes, and requires a new name to replace a named one). What depends on them by a
 * create-only property is replaced with them.
 */
function replacedNamedResources(template: Template, generation: number): Variant {
  const next = copyTemplate(template);
  const changes: string[] = [];
  const aliasedFunctions = new Set(Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::Alias').map((alias) => refOf(alias.Properties?.FunctionName)).filter((id): id is string => !!id));
  for (const [id, resource] of Object.entries(next.Resources)) {
    if (resource.Type === 'AWS::Lambda::Function' && aliasedFunctions.has(id)) {
      resource.Properties!.FunctionName = renamed(resource, 'FunctionName', id, generation);
      changes.push(`${id}: renamed ${resource.Properties!.FunctionName}`);
    } else if (resource.Type === 'AWS::CodeDeploy::Application') {
      const name = renamed(resource, 'ApplicationName', id, generation);
      (next.Resources as Record<string, Resource>)[id] = { ...resource, Properties: { ...resource.Properties, ApplicationName: name } };
      changes.push(`${id}: renamed ${name}`);
    }
  }
  return { template: next, changes };
}

function renamed(resource: Resource, property: string, id: string, generation: number): string {
  const current = resource.Properties?.[property];
  return typeof current === 'string' ? `${current}-v${generation}` : `${id.slice(0, 40)}-renamed-v${generation}`;
}

function refOf(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && typeof (value as { Ref?: unknown }).Ref === 'string' ? (value as { Ref: string }).Ref : undefined;
}

function newCodeOf(code: Record<string, unknown> | undefined, generation: number): Record<string, unknown> {
  if (code?.ZipFile !== undefined) return { ...code, ZipFile: `${String(code.ZipFile)}\n// generation ${generation}` };
  return { ...code, S3Key: `generation-${generation}-${JSON.stringify(code?.S3Key ?? 'code.zip').replace(/[^a-z0-9.]/gi, '')}` };
}

/** A RevisionDeployment's `Revision` (contract/revision-deployment.ts) with a new commit or object. */
function newRevisionOf(revision: Record<string, any>, generation: number): Record<string, unknown> {
  if (revision?.gitHubLocation) return { ...revision, gitHubLocation: { ...revision.gitHubLocation, commitId: `${'0'.repeat(39)}${generation}` } };
  const s3 = revision?.s3Location ?? {};
  return { ...revision, s3Location: { ...s3, key: `generation-${generation}/${typeof s3.key === 'string' ? s3.key : 'revision.zip'}`, eTag: `etag-generation-${generation}` } };
}

/** The settings JSON (a string, or an Fn::Join of strings and alarm names) with its numbers moved on. */
function bumpSettings(value: unknown): unknown {
  const bump = (text: string): string => text
    .replace(/"invocations":(\d+)/g, (_m, n: string) => `"invocations":${Number(n) + 1}`)
    .replace(/"keepVersions":(\d+)/g, (_m, n: string) => `"keepVersions":${Number(n) + 1}`)
    .replace(/"bakeSeconds":(\d+)/g, (_m, n: string) => `"bakeSeconds":${Number(n) + 60}`);
  if (typeof value === 'string') return bump(value);
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return { 'Fn::Join': [join[0], join[1].map((part) => (typeof part === 'string' ? bump(part) : part))] };
  return value;
}
