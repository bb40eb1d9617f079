import type { EmulatedService } from './service';
import { ServiceError } from './service';

/** Where an alias points: its version, and the new version's weight while CodeDeploy shifts traffic. */
export interface AliasRouting {
  version: string;
  weights?: Record<string, number>;
}

/** What one synchronous invocation of a function version answers. */
export interface InvokeOutcome {
  /** The response document (JSON-encoded) or raw text. */
  readonly payload: unknown;
  /** `Unhandled` for an error the function threw (Lambda's `X-Amz-Function-Error` header). */
  readonly functionError?: string;
}

/** How a function answers: per version, payload and call number (1, 2, ...). */
export type FunctionBehaviour = (version: string, payload: string, call: number) => InvokeOutcome;

interface FunctionState {
  readonly name: string;
  readonly arn: string;
  /** Published versions, as numbers in text ('1', '2', ...). */
  readonly versions: string[];
  readonly aliases: Map<string, AliasRouting>;
  readonly behaviour: FunctionBehaviour;
  readonly invocations: Array<{ readonly version: string; readonly payload: string }>;
}

/** A page of ListVersionsByFunction or ListAliases: "Lambda returns up to 50 versions per call" (API reference, ListVersionsByFunction); aliases likewise here. */
const DEFAULT_PAGE = 50;
/** https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html: 256 KB for asynchronous invocations, 6 MB for synchronous ones. */
const ASYNC_PAYLOAD_BYTES = 256 * 1024;
const SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

/**
 * Lambda, as the library's functions call it: asynchronous invocations (a handler handing over to
 * its next invocation) are queued for the test's runtime to run; synchronous ones (the traffic
 * hook's smoke test) run a function's scripted behaviour on the version asked for; versions and
 * aliases are listed in pages and versions deleted as Lambda does, refusing a version an alias
 * references (API reference, DeleteFunction) and `$LATEST`; an alias is read with GetAlias
 * (`cdk-rollouts`), whose routing a scenario moves as CodeDeploy would (`route`).
 */
export class LambdaWorld implements EmulatedService {
  public readonly name = 'lambda' as const;
  public readonly protocol = 'rest-json' as const;
  public readonly signingName = 'lambda';
  public readonly endpointVariable = 'AWS_ENDPOINT_URL_LAMBDA';
  public readonly operations = ['Invoke', 'ListVersionsByFunction', 'ListAliases', 'DeleteFunction', 'GetAlias'];
  /** Payloads of asynchronous invocations (InvocationType Event), for the runtime to run. */
  public readonly queued: unknown[] = [];
  private readonly functions = new Map<string, FunctionState>();

  /** A function with versions 1..`versions` and the given aliases. */
  public addFunction(name: string, versions: number, aliases: Record<string, string | { version: string; weights: Record<string, number> }>,
    behaviour: FunctionBehaviour = () => ({ payload: { statusCode: 200 } })): void {
    this.functions.set(name, {
      name,
      arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
      versions: Array.from({ length: versions }, (_, i) => String(i + 1)),
      aliases: new Map(Object.entries(aliases).map(([alias, target]) => [alias, typeof target === 'string' ? { version: target } : target])),
      behaviour,
      invocations: [],
    });
  }

  /** Points an alias at `version`, with `weights` for the versions that share its traffic (none: all on `version`). */
  public route(functionName: string, aliasName: string, version: string, weights: Record<string, number> = {}): void {
    const alias = this.function(functionName).aliases.get(aliasName);
    if (!alias) throw new Error(`${functionName} has no alias ${aliasName}`);
    alias.version = version;
    alias.weights = Object.keys(weights).length > 0 ? weights : undefined;
  }

  public versionsOf(name: string): string[] {
    return [...this.function(name).versions];
  }

  public invocationsOf(name: string): Array<{ readonly version: string; readonly payload: string }> {
    return this.function(name).invocations;
  }

  public resetScenario(): void {
    this.queued.length = 0;
  }

  public handle(operation: string, input: Record<string, any>): Record<string, unknown> {
    switch (operation) {
      case 'Invoke': return this.invoke(input);
      case 'ListVersionsByFunction': return this.listVersions(input);
      case 'ListAliases': return this.listAliases(input);
      case 'DeleteFunction': return this.deleteVersion(input);
      case 'GetAlias': return this.getAlias(input);
      default: throw new ServiceError('UnknownOperationException', `${operation} is not emulated`);
    }
  }

  /** What a real Lambda requires beyond the model: JSON payloads within the size limits, and no deletion of a whole function. */
  public check(operation: string, input: Record<string, any>): string[] {
    const problems: string[] = [];
    if (operation === 'Invoke') {
      const payload = input.Payload;
      const asynchronous = input.InvocationType === 'Event';
      if (!Buffer.isBuffer(payload)) {
        problems.push('Invoke.input.Payload: missing');
      } else {
        const limit = asynchronous ? ASYNC_PAYLOAD_BYTES : SYNC_PAYLOAD_BYTES;
        if (payload.length > limit) problems.push(`Invoke.input.Payload: ${payload.length} bytes, over the ${limit / 1024} KB ${asynchronous ? 'asynchronous' : 'synchronous'} limit`);
        try {
          JSON.parse(payload.toString('utf8'));
        } catch {
          problems.push('Invoke.input.Payload: not JSON');
        }
      }
      if (input.InvocationType !== undefined && input.InvocationType !== 'Event' && input.InvocationType !== 'RequestResponse') {
        problems.push(`Invoke.input.InvocationType: the library invokes asynchronously (Event) or synchronously (RequestResponse), got ${String(input.InvocationType)}`);
      }
    }
    if (operation === 'DeleteFunction' && input.Qualifier === undefined) {
      problems.push('DeleteFunction.input.Qualifier: missing, which deletes the whole function and every version');
    }
    return problems;
  }

  private invoke(input: Record<string, any>): Record<string, unknown> {
    const payload = (input.Payload as Buffer).toString('utf8');
    if (input.InvocationType === 'Event') {
      this.queued.push(JSON.parse(payload));
      return { StatusCode: 202 };
    }
    const { fn, qualifier } = this.resolve(String(input.FunctionName), input.Qualifier);
    const version = qualifier === undefined || qualifier === '$LATEST' ? '$LATEST' : fn.aliases.get(qualifier)?.version ?? qualifier;
    if (version !== '$LATEST' && !fn.versions.includes(version)) {
      throw new ServiceError('ResourceNotFoundException', `Function not found: ${fn.arn}:${qualifier}`, 404);
    }
    fn.invocations.push({ version, payload });
    const outcome = fn.behaviour(version, payload, fn.invocations.length);
    const body = typeof outcome.payload === 'string' ? outcome.payload : JSON.stringify(outcome.payload);
    return {
      StatusCode: 200,
      ExecutedVersion: version,
      ...(outcome.functionError ? { FunctionError: outcome.functionError } : {}),
      Payload: Buffer.from(body, 'utf8'),
    };
  }

  private listVersions(input: Record<string, any>): Record<string, unknown> {
    const fn = this.resolve(String(input.FunctionName)).fn;
    const all = ['$LATEST', ...fn.versions];
    const { page, next } = paginate(all, input.Marker, input.MaxItems);
    return {
      Versions: page.map((version) => ({
        FunctionName: fn.name, FunctionArn: `${fn.arn}:${version}`, Version: version, Runtime: 'nodejs22.x', Handler: 'index.handler',
      })),
      ...(next ? { NextMarker: next } : {}),
    };
  }

  private listAliases(input: Record<string, any>): Record<string, unknown> {
    const fn = this.resolve(String(input.FunctionName)).fn;
    const { page, next } = paginate([...fn.aliases.entries()], input.Marker, input.MaxItems);
    return {
      Aliases: page.map(([name, alias]) => aliasConfiguration(fn, name, alias)),
      ...(next ? { NextMarker: next } : {}),
    };
  }

  private getAlias(input: Record<string, any>): Record<string, unknown> {
    const fn = this.resolve(String(input.FunctionName)).fn;
    const alias = fn.aliases.get(String(input.Name));
    if (!alias) throw new ServiceError('ResourceNotFoundException', `Alias not found: ${fn.arn}:${input.Name}`, 404);
    return aliasConfiguration(fn, String(input.Name), alias);
  }

  private deleteVersion(input: Record<string, any>): Record<string, unknown> {
    const { fn, qualifier } = this.resolve(String(input.FunctionName), input.Qualifier);
    if (qualifier === '$LATEST') throw new ServiceError('InvalidParameterValueException', '$LATEST version cannot be deleted without deleting the function.');
    const index = fn.versions.indexOf(String(qualifier));
    if (index < 0) throw new ServiceError('ResourceNotFoundException', `Function not found: ${fn.arn}:${qualifier}`, 404);
    const referencing = [...fn.aliases.entries()]
      .filter(([, alias]) => alias.version === qualifier || Object.keys(alias.weights ?? {}).includes(String(qualifier)))
      .map(([name]) => name);
    if (referencing.length > 0) {
      throw new ServiceError('ResourceConflictException', `Unable to delete version because the following aliases reference it: [${referencing.join(', ')}]`, 409);
    }
    fn.versions.splice(index, 1);
    return {};
  }

  /** A function by name or ARN (`arn:...:function:<name>[:<qualifier>]`), with the qualifier the ARN or the request gives. */
  private resolve(nameOrArn: string, qualifier?: string): { fn: FunctionState; qualifier?: string } {
    const parts = nameOrArn.split(':');
    const at = parts.indexOf('function');
    const name = at >= 0 ? parts[at + 1] : parts[0];
    const fromArn = at >= 0 ? parts[at + 2] : undefined;
    return { fn: this.function(name), qualifier: qualifier ?? fromArn };
  }

  private function(name: string): FunctionState {
    const fn = this.functions.get(name);
    if (!fn) throw new ServiceError('ResourceNotFoundException', `Function not found: arn:aws:lambda:us-east-1:123456789012:function:${name}`, 404);
    return fn;
  }
}

/** An alias as GetAlias and ListAliases return it (API reference, AliasConfiguration). */
function aliasConfiguration(fn: FunctionState, name: string, alias: AliasRouting): Record<string, unknown> {
  return {
    AliasArn: `${fn.arn}:${name}`,
    Name: name,
    FunctionVersion: alias.version,
    ...(alias.weights ? { RoutingConfig: { AdditionalVersionWeights: alias.weights } } : {}),
    RevisionId: '00000000-e2e0-0000-0000-000000000000',
  };
}

function paginate<T>(all: T[], marker: string | undefined, maxItems: string | number | undefined): { page: T[]; next?: string } {
  const offset = marker ? Number(marker.replace('page-', '')) : 0;
  const size = Math.min(Number(maxItems ?? DEFAULT_PAGE), DEFAULT_PAGE);
  const page = all.slice(offset, offset + size);
  return { page, next: offset + size < all.length ? `page-${offset + size}` : undefined };
}
