import * as fs from 'fs';
import * as path from 'path';

/**
 * AWS's API models, as the request oracle of the end-to-end emulator.
 *
 * Structure, required members and types: the aws-sdk v2 package's JSON models
 * (node_modules/aws-sdk/apis/<service>-<version>.min.json; a pinned devDependency, in maintenance
 * but still shipping AWS's models). Its `.min.json` files strip enums and length/range limits, so
 * those come from api-constraints.json, extracted from botocore's full models for the operations
 * the handlers call (build-tools/extract-api-constraints.ts), keyed by member path, with each
 * service's protocol metadata.
 */

/** A shape of a `.min.json` model: `{}` is a string; `shape` refers to a named shape. */
export interface ModelShape {
  readonly shape?: string;
  readonly type?: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'blob' | 'double' | 'float';
  readonly members?: Readonly<Record<string, ModelShape>>;
  readonly required?: readonly string[];
  readonly member?: ModelShape;
  readonly key?: ModelShape;
  readonly value?: ModelShape;
  readonly location?: 'uri' | 'header' | 'querystring' | 'statusCode' | 'headers';
  readonly locationName?: string;
  readonly payload?: string;
  readonly flattened?: boolean;
  /** Query protocol outputs: the element that wraps the result. */
  readonly resultWrapper?: string;
}

export interface ModelOperation {
  readonly http?: { readonly method?: string; readonly requestUri?: string; readonly responseCode?: number };
  readonly input?: ModelShape;
  readonly output?: ModelShape;
}

export interface ServiceModel {
  readonly metadata: {
    readonly protocol: string;
    readonly targetPrefix?: string;
    readonly endpointPrefix: string;
    readonly apiVersion: string;
    readonly xmlNamespace?: string;
  };
  readonly operations: Readonly<Record<string, ModelOperation>>;
  readonly shapes: Readonly<Record<string, ModelShape>>;
}

export interface Constraint {
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
}

/** The services the emulator plays (the handlers' and `cdk-rollouts`' calls): model file, and the key of their constraints and protocol metadata. */
export const SERVICES = {
  codedeploy: { file: 'codedeploy-2014-10-06', constraints: 'codedeploy' },
  lambda: { file: 'lambda-2015-03-31', constraints: 'lambda' },
  autoscaling: { file: 'autoscaling-2011-01-01', constraints: 'autoscaling' },
  ssm: { file: 'ssm-2014-11-06', constraints: 'ssm' },
  cloudwatch: { file: 'monitoring-2010-08-01', constraints: 'cloudwatch' },
  logs: { file: 'logs-2014-03-28', constraints: 'logs' },
  cloudformation: { file: 'cloudformation-2010-05-15', constraints: 'cloudformation' },
} as const;
export type ServiceName = keyof typeof SERVICES;

/** A service's protocols as botocore's full model lists them (with the JSON protocol's version and target prefix). */
export interface ProtocolMetadata {
  readonly protocols?: readonly string[];
  readonly jsonVersion?: string;
  readonly targetPrefix?: string;
  /** A JSON service that reports errors with the codes of its former query protocol (`x-amzn-query-error`). */
  readonly awsQueryCompatible?: boolean;
}

const constraintsFile = JSON.parse(fs.readFileSync(path.join(__dirname, 'api-constraints.json'), 'utf8')) as {
  readonly source: string;
  readonly metadata: Readonly<Record<string, ProtocolMetadata>>;
  readonly services: Readonly<Record<string, Readonly<Record<string, Constraint>>>>;
};

/** Where the constraints came from (for the suite's report). */
export const CONSTRAINTS_SOURCE: string = constraintsFile.source;

/** The models a suite's requests were checked against, as its count line names them. */
export const MODELS_SOURCE = `aws-sdk ${(JSON.parse(fs.readFileSync(require.resolve('aws-sdk/package.json'), 'utf8')) as { version: string }).version} apis, `
  + `constraints: ${CONSTRAINTS_SOURCE}`;

export interface Api {
  readonly model: ServiceModel;
  readonly constraints: Readonly<Record<string, Constraint>>;
  /** From botocore's model: the aws-sdk v2 model of CloudWatch still says query, while SDK v3 speaks its JSON protocol. */
  readonly protocol: ProtocolMetadata;
}

export function loadApi(service: ServiceName): Api {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const model = require(`aws-sdk/apis/${SERVICES[service].file}.min.json`) as ServiceModel;
  const constraints = constraintsFile.services[SERVICES[service].constraints];
  return { model, constraints, protocol: constraintsFile.metadata[SERVICES[service].constraints] };
}

/**
 * Values AWS's documentation says a service returns that the model's enums leave out: each with its
 * source, accepted in answers (never in requests).
 */
export const DOCUMENTED_OUTSIDE_MODEL: ReadonlyArray<{ readonly at: string; readonly value: string; readonly source: string }> = [
  {
    at: 'GetDeploymentConfig.output.deploymentConfigInfo.minimumHealthyHosts.type',
    value: 'MOST_CONCURRENCY',
    source: 'CodeDeploy API reference, MinimumHealthyHosts: "In a call to the GetDeploymentConfig, CodeDeployDefault.OneAtATime returns a minimum healthy instance type of MOST_CONCURRENCY"',
  },
];

/** How scalar values arrive: typed JSON, or strings (query protocol forms, headers, URI labels). */
export type Encoding = 'json' | 'text';

/**
 * Every way `value` breaks the operation's input (or output) shape: unknown members, missing
 * required members, wrong types, enum values outside the model's, lengths and ranges outside its limits.
 * Paths read like `CreateDeployment.input.revision.s3Location.bundleType`.
 */
export function validate(api: Api, operation: string, direction: 'input' | 'output', value: unknown, encoding: Encoding = 'json'): string[] {
  const op = api.model.operations[operation];
  if (!op) return [`${operation}: not an operation of the model`];
  const shape = op[direction];
  const problems: string[] = [];
  if (!shape) {
    if (value !== undefined && !(typeof value === 'object' && value !== null && Object.keys(value).length === 0)) {
      problems.push(`${operation}.${direction}: the model has no ${direction}, got ${preview(value)}`);
    }
    return problems;
  }
  check(api, shape, value, `${operation}.${direction}`, encoding, problems, 0);
  return problems;
}

export function resolve(api: Api, shape: ModelShape): ModelShape {
  if (!shape.shape) return shape;
  const named = api.model.shapes[shape.shape];
  if (!named) throw new Error(`model has no shape ${shape.shape}`);
  // Member-level traits (location, locationName) stay with the reference.
  return { ...resolve(api, named), location: shape.location ?? named.location, locationName: shape.locationName ?? named.locationName };
}

function check(api: Api, ref: ModelShape, value: unknown, at: string, encoding: Encoding, problems: string[], depth: number): void {
  if (depth > 20) return;
  const shape = resolve(api, ref);
  const constraint = api.constraints[at];
  const type = shape.type ?? 'string';
  switch (type) {
    case 'structure': {
      if (!isRecord(value)) {
        problems.push(`${at}: expected a structure, got ${preview(value)}`);
        return;
      }
      const members = shape.members ?? {};
      for (const name of shape.required ?? []) {
        if (value[name] === undefined || value[name] === null) problems.push(`${at}.${name}: required, missing`);
      }
      for (const [name, member] of Object.entries(value)) {
        if (member === undefined) continue;
        if (!(name in members)) {
          problems.push(`${at}.${name}: not a member of the model (members: ${Object.keys(members).join(', ')})`);
          continue;
        }
        check(api, members[name], member, `${at}.${name}`, encoding, problems, depth + 1);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        problems.push(`${at}: expected a list, got ${preview(value)}`);
        return;
      }
      checkCount(value.length, constraint, at, problems);
      for (const item of value) check(api, shape.member ?? {}, item, `${at}[]`, encoding, problems, depth + 1);
      return;
    }
    case 'map': {
      if (!isRecord(value)) {
        problems.push(`${at}: expected a map, got ${preview(value)}`);
        return;
      }
      checkCount(Object.keys(value).length, constraint, at, problems);
      for (const [key, item] of Object.entries(value)) {
        check(api, shape.key ?? {}, key, `${at}{key}`, encoding, problems, depth + 1);
        check(api, shape.value ?? {}, item, `${at}{}`, encoding, problems, depth + 1);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') {
        problems.push(`${at}: expected a string, got ${preview(value)}`);
        return;
      }
      const documented = DOCUMENTED_OUTSIDE_MODEL.some((gap) => gap.at === at && gap.value === value && at.includes('.output.'));
      if (constraint?.enum && !constraint.enum.includes(value) && !documented) {
        problems.push(`${at}: ${JSON.stringify(value)} is not one of ${constraint.enum.join(', ')}`);
      }
      checkLength(value.length, constraint, at, problems);
      return;
    }
    case 'boolean':
      if (!(typeof value === 'boolean' || (encoding === 'text' && (value === 'true' || value === 'false')))) {
        problems.push(`${at}: expected a boolean, got ${preview(value)}`);
      }
      return;
    case 'integer':
    case 'long': {
      const number = encoding === 'text' && typeof value === 'string' && /^-?[0-9]+$/.test(value) ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isInteger(number)) {
        problems.push(`${at}: expected an integer, got ${preview(value)}`);
        return;
      }
      if (constraint?.min !== undefined && number < constraint.min) problems.push(`${at}: ${number} is below the minimum ${constraint.min}`);
      if (constraint?.max !== undefined && number > constraint.max) problems.push(`${at}: ${number} is above the maximum ${constraint.max}`);
      return;
    }
    case 'double':
    case 'float':
      if (typeof value !== 'number' && !(encoding === 'text' && typeof value === 'string' && !Number.isNaN(Number(value)))) {
        problems.push(`${at}: expected a number, got ${preview(value)}`);
      }
      return;
    case 'timestamp':
      // JSON protocols send epoch seconds; the query protocol, ISO 8601.
      if (!(typeof value === 'number' && Number.isFinite(value)) && !(typeof value === 'string' && !Number.isNaN(Date.parse(value)))) {
        problems.push(`${at}: expected a timestamp (epoch seconds or ISO 8601), got ${preview(value)}`);
      }
      return;
    case 'blob':
      if (!(typeof value === 'string' || Buffer.isBuffer(value))) problems.push(`${at}: expected a blob, got ${preview(value)}`);
      else checkLength(Buffer.isBuffer(value) ? value.length : Buffer.byteLength(value, 'base64'), constraint, at, problems);
      return;
  }
}

function checkLength(length: number, constraint: Constraint | undefined, at: string, problems: string[]): void {
  if (constraint?.min !== undefined && length < constraint.min) problems.push(`${at}: length ${length} is below the minimum ${constraint.min}`);
  if (constraint?.max !== undefined && length > constraint.max) problems.push(`${at}: length ${length} is above the maximum ${constraint.max}`);
}

function checkCount(count: number, constraint: Constraint | undefined, at: string, problems: string[]): void {
  if (constraint?.min !== undefined && count < constraint.min) problems.push(`${at}: ${count} items, below the minimum ${constraint.min}`);
  if (constraint?.max !== undefined && count > constraint.max) problems.push(`${at}: ${count} items, above the maximum ${constraint.max}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** The members of the operation's input (or output) that travel in the URI, headers, query string or status code (rest-json), by location name. */
export interface LocatedMember {
  readonly name: string;
  readonly location: string;
  readonly locationName: string;
}

export function locatedMembers(api: Api, operation: string, direction: 'input' | 'output' = 'input'): LocatedMember[] {
  const shapeRef = api.model.operations[operation]?.[direction];
  if (!shapeRef) return [];
  const shape = resolve(api, shapeRef);
  return Object.entries(shape.members ?? {}).flatMap(([name, member]) => {
    const resolved = resolve(api, member);
    return resolved.location ? [{ name, location: resolved.location, locationName: resolved.locationName ?? name }] : [];
  });
}

/** The member that is the HTTP body (rest-json `payload`), if any, and whether it is a blob (sent raw) rather than a structure. */
export function payloadMember(api: Api, operation: string, direction: 'input' | 'output' = 'input'): string | undefined {
  return api.model.operations[operation]?.[direction]?.payload;
}

/** Whether a member of the operation's input or output is a blob (a rest-json payload blob travels raw). */
export function isBlobMember(api: Api, operation: string, direction: 'input' | 'output', member: string): boolean {
  const shapeRef = api.model.operations[operation]?.[direction];
  if (!shapeRef) return false;
  const ref = resolve(api, shapeRef).members?.[member];
  return ref !== undefined && resolve(api, ref).type === 'blob';
}
