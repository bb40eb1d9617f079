import * as http from 'http';
import type { AddressInfo } from 'net';
import { Api, isBlobMember, loadApi, locatedMembers, payloadMember, ServiceName, validate } from './api-model';
import { CodeDeployWorld } from './codedeploy-world';
import type { ScaledClock } from './lambda-runtime';
import { escapeXml, queryResponse } from './query-xml';
import { AutoScalingWorld } from './services/autoscaling-world';
import { CloudFormationWorld } from './services/cloudformation-world';
import { CloudWatchWorld } from './services/cloudwatch-world';
import { LambdaWorld } from './services/lambda-world';
import { LogsWorld } from './services/logs-world';
import { EmulatedService, ServiceError } from './services/service';
import { SsmWorld } from './services/ssm-world';

/**
 * A loopback (127.0.0.1) emulator of the AWS endpoints the library's functions and the
 * `cdk-rollouts` command call, and of CloudFormation's response URL. Each service is a module of its own (support/services/ and
 * codedeploy-world.ts) registered in the constructor; this file speaks their protocols: every
 * request is decoded by its protocol (AWS JSON 1.0 and 1.1, REST-JSON, query) and validated against
 * AWS's model of the operation (api-model.ts); every answer is validated against the operation's
 * output shape before it is encoded. A violation is recorded, answered like AWS would (400
 * ValidationException), and fails the scenario (`takeViolations`). One server per service, each
 * stopped by `stop()`.
 */

/** What a scenario makes one call do, for the next `times` matching requests. */
export interface Fault {
  readonly service: ServiceName;
  readonly operation: string;
  /** How many requests it applies to (then it is used up). Default 1. */
  times?: number;
  /** Only requests whose input has these members with these values. */
  readonly when?: Readonly<Record<string, unknown>>;
  /** Only callers whose user agent holds this (`app/<id>`, with AWS_SDK_UA_APP_ID): one of several processes. */
  readonly userAgentIncludes?: string;
  /** Answer this error instead. */
  readonly error?: { readonly code: string; readonly message: string; readonly status: number };
  /** Never answer (the connection stays open until the client gives up). */
  readonly hold?: boolean;
  /** With `hold`: carry the request out first (the service acted; only its answer is lost). */
  readonly handleThenHold?: boolean;
}

export interface RecordedRequest {
  readonly service: ServiceName;
  readonly operation: string;
  readonly input: Record<string, unknown>;
  /** The caller's user agent (the SDK's, with `app/<id>` when AWS_SDK_UA_APP_ID is set): tells callers apart. */
  readonly userAgent: string;
  /** When it arrived, by the emulator's clock (epoch ms). */
  readonly at: number;
}

/** A CloudFormation response as the handler PUT it. */
export interface CfnResponse {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly bytes: number;
  readonly contentType: string | undefined;
}

interface Decoded {
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

export class Emulator {
  public readonly world: CodeDeployWorld;
  public readonly lambda: LambdaWorld;
  public readonly autoScaling: AutoScalingWorld;
  public readonly ssm: SsmWorld;
  public readonly cloudwatch: CloudWatchWorld;
  public readonly logs: LogsWorld;
  public readonly cloudformation: CloudFormationWorld;
  public readonly requests: RecordedRequest[] = [];
  public readonly faults: Fault[] = [];
  public readonly responses: CfnResponse[] = [];
  /** Runs before a valid request is carried out (a test may change the world between a caller's calls). */
  public beforeAnswer?: (operation: string, userAgent: string) => void;
  /** Held requests whose connection the client closed (abandoned the call). */
  public readonly abandoned: string[] = [];
  private violations: string[] = [];
  private totalRequests = 0;
  private totalViolations = 0;
  private readonly services = new Map<ServiceName, { readonly service: EmulatedService; readonly api: Api }>();
  private readonly servers: http.Server[] = [];
  private readonly ports: Partial<Record<ServiceName | 'cfn', number>> = {};

  public constructor(private readonly clock: Pick<ScaledClock, 'now'>) {
    // The registration point: one line per emulated service.
    this.world = this.register(new CodeDeployWorld(clock));
    this.lambda = this.register(new LambdaWorld());
    this.autoScaling = this.register(new AutoScalingWorld());
    this.ssm = this.register(new SsmWorld(clock));
    this.cloudwatch = this.register(new CloudWatchWorld(clock));
    this.logs = this.register(new LogsWorld());
    this.cloudformation = this.register(new CloudFormationWorld());
  }

  /** Lambda Invoke payloads (InvocationType Event), for the runtime to run. */
  public get invocations(): unknown[] {
    return this.lambda.queued;
  }

  /** Auto Scaling groups that exist; DeleteAutoScalingGroup of any other says it is not found. */
  public get autoScalingGroups(): Set<string> {
    return this.autoScaling.groups;
  }

  public get deletedAutoScalingGroups(): string[] {
    return this.autoScaling.deleted;
  }

  public async start(): Promise<void> {
    for (const name of [...this.services.keys(), 'cfn' as const]) {
      const server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          try {
            if (name === 'cfn') this.cfnResponse(request, Buffer.concat(chunks), response);
            else this.route(name, request, Buffer.concat(chunks), response);
          } catch (err) {
            this.violation(`${name}: the emulator failed on a request: ${(err as Error).stack}`);
            response.writeHead(500).end();
          }
        });
      });
      // Held requests must not keep the test process alive.
      server.keepAliveTimeout = 1_000;
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      this.ports[name] = (server.address() as AddressInfo).port;
      this.servers.push(server);
    }
  }

  public async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }));
  }

  /** The environment that points the SDK v3 clients here (per-service endpoint variables) with fake credentials. */
  public environment(): Record<string, string> {
    const endpoints = Object.fromEntries([...this.services.values()]
      .map(({ service }) => [service.endpointVariable, `http://127.0.0.1:${this.ports[service.name]}`]));
    return {
      ...endpoints,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIAE2EEXAMPLE000000',
      AWS_SECRET_ACCESS_KEY: 'e2e-fake-secret-key',
      AWS_SESSION_TOKEN: 'e2e-fake-session-token',
    };
  }

  /** A CloudFormation ResponseURL on the loopback; the query string plays the presigned signature (a secret). */
  public responseUrl(name: string): string {
    return `http://127.0.0.1:${this.ports.cfn}/cloudformation-response/${name}?X-Amz-Signature=SECRET-SIGNATURE`;
  }

  /** The violations since the last call (and forgets them); `deliberate` ones (a test of the emulator) leave the totals. */
  public takeViolations(deliberate: boolean = false): string[] {
    const taken = this.violations;
    this.violations = [];
    if (deliberate) this.totalViolations -= taken.length;
    return taken;
  }

  /** Requests and violations over the whole suite. */
  public totals(): { readonly requests: number; readonly violations: number } {
    return { requests: this.totalRequests, violations: this.totalViolations };
  }

  /** Clears what one scenario left (the worlds keep their history; scenarios use their own groups and functions). */
  public resetScenario(): void {
    this.requests.length = 0;
    this.faults.length = 0;
    this.responses.length = 0;
    this.abandoned.length = 0;
    for (const { service } of this.services.values()) service.resetScenario?.();
  }

  public calls(operation: string): RecordedRequest[] {
    return this.requests.filter((request) => request.operation === operation);
  }

  private register<T extends EmulatedService>(service: T): T {
    const api = loadApi(service.name);
    const listed = api.protocol.protocols ?? [api.model.metadata.protocol];
    if (!listed.includes(service.protocol)) throw new Error(`${service.name}: the model lists protocols ${listed.join(', ')}, not ${service.protocol}`);
    this.services.set(service.name, { service, api });
    return service;
  }

  private violation(text: string): void {
    this.violations.push(text);
    this.totalViolations++;
  }

  private route(name: ServiceName, request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): void {
    const { service, api } = this.services.get(name)!;
    this.totalRequests++;
    this.checkSignature(service, request);
    const decoded = service.protocol === 'json' ? this.decodeJson(service, api, request, body)
      : service.protocol === 'rest-json' ? this.decodeRestJson(service, api, request, body) : this.decodeQuery(service, api, body);
    if ('problem' in decoded) {
      this.violation(`${name}: ${decoded.problem}`);
      return this.sendError(service, api, response, { code: 'ValidationException', message: decoded.problem, status: 400 });
    }
    const { operation, input } = decoded;
    const problems = validate(api, operation, 'input', input, service.protocol === 'json' ? 'json' : 'text');
    problems.push(...(service.check?.(operation, input) ?? []));
    const userAgent = String(request.headers['user-agent'] ?? '');
    this.requests.push({ service: name, operation, input, userAgent, at: this.clock.now() });
    if (problems.length > 0) {
      for (const problem of problems) this.violation(`${name} ${problem}`);
      return this.sendError(service, api, response, { code: 'ValidationException', message: problems.join('; '), status: 400 });
    }
    const fault = this.faults.find((candidate) => candidate.service === name && candidate.operation === operation && (candidate.times ?? 1) > 0
      && Object.entries(candidate.when ?? {}).every(([member, value]) => input[member] === value)
      && (candidate.userAgentIncludes === undefined || userAgent.includes(candidate.userAgentIncludes)));
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.hold) {
        if (fault.handleThenHold) this.carryOut(service, operation, input);
        response.on('close', () => this.abandoned.push(`${name}.${operation}`));
        return;
      }
      if (fault.error) return this.sendError(service, api, response, fault.error);
    }
    this.beforeAnswer?.(operation, userAgent);
    let output: Record<string, unknown>;
    try {
      output = service.handle(operation, input);
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      return this.sendError(service, api, response, { code: err.code, message: err.bodyMessage, status: err.status });
    }
    for (const problem of validate(api, operation, 'output', output, 'json')) this.violation(`emulator's own answer: ${name} ${problem}`);
    this.send(service, api, response, operation, output);
  }

  /** A held request the service carries out anyway (its answer is lost): errors are the scenario's business. */
  private carryOut(service: EmulatedService, operation: string, input: Record<string, unknown>): void {
    try {
      service.handle(operation, input);
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
    }
  }

  /** Every request is SigV4-signed for its service and region with the environment's fake key. */
  private checkSignature(service: EmulatedService, request: http.IncomingMessage): void {
    const authorization = String(request.headers.authorization ?? '');
    if (!authorization.startsWith('AWS4-HMAC-SHA256 ') || !authorization.includes('Credential=AKIAE2EEXAMPLE000000/')
      || !authorization.includes(`/us-east-1/${service.signingName}/aws4_request`)) {
      this.violation(`${service.name}: request not SigV4-signed for ${service.signingName} in us-east-1 with the environment's key: ${authorization.slice(0, 80)}`);
    }
  }

  /** AWS JSON 1.0 and 1.1: POST / with `X-Amz-Target: <prefix>.<Operation>` and a JSON body (version and prefix from botocore's model). */
  private decodeJson(service: EmulatedService, api: Api, request: http.IncomingMessage, body: Buffer): Decoded | { problem: string } {
    const { targetPrefix, jsonVersion } = api.protocol;
    const target = String(request.headers['x-amz-target'] ?? '');
    if (request.method !== 'POST' || request.url !== '/') return { problem: `expected POST /, got ${request.method} ${request.url}` };
    if (request.headers['content-type'] !== `application/x-amz-json-${jsonVersion}`) {
      return { problem: `content-type ${request.headers['content-type']} is not application/x-amz-json-${jsonVersion}` };
    }
    if (!target.startsWith(`${targetPrefix}.`)) return { problem: `X-Amz-Target ${target} does not start with ${targetPrefix}.` };
    const operation = target.slice(targetPrefix!.length + 1);
    if (!api.model.operations[operation] || !service.operations.includes(operation)) return { problem: `${operation} is not an emulated ${service.name} operation` };
    try {
      return { operation, input: JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown> };
    } catch {
      return { problem: `${operation}: the body is not JSON` };
    }
  }

  /** REST-JSON: the operation from its method and URI template; members from the URI, headers and query string; the payload or a JSON body. */
  private decodeRestJson(service: EmulatedService, api: Api, request: http.IncomingMessage, body: Buffer): Decoded | { problem: string } {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    for (const operation of service.operations) {
      const definition = api.model.operations[operation];
      const template = definition?.http?.requestUri;
      if (!template) continue;
      const pattern = new RegExp(`^${template.split('?')[0].replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);
      const match = pattern.exec(url.pathname);
      if (!match || request.method !== (definition.http?.method ?? 'POST')) continue;
      const located = locatedMembers(api, operation);
      const input: Record<string, unknown> = {};
      for (const member of located) {
        const raw = member.location === 'uri' ? match.groups?.[member.locationName]
          : member.location === 'header' ? request.headers[member.locationName.toLowerCase()]
            : url.searchParams.get(member.locationName) ?? undefined;
        if (raw !== undefined) input[member.name] = member.location === 'uri' ? decodeURIComponent(String(raw)) : String(raw);
      }
      for (const parameter of url.searchParams.keys()) {
        if (!located.some((member) => member.location === 'querystring' && member.locationName === parameter)) {
          return { problem: `${operation}: query parameter ${parameter} is not in the model` };
        }
      }
      const payload = payloadMember(api, operation);
      if (payload && body.length > 0) {
        input[payload] = body;
      } else if (body.length > 0) {
        try {
          Object.assign(input, JSON.parse(body.toString('utf8')));
        } catch {
          return { problem: `${operation}: the body is not JSON` };
        }
      }
      return { operation, input };
    }
    return { problem: `no emulated ${service.name} operation at ${request.method} ${url.pathname}` };
  }

  /** The query protocol: a form with `Action` and `Version`; nested and list members (`A.member.1`, `A.B`) become lists and structures. */
  private decodeQuery(service: EmulatedService, api: Api, body: Buffer): Decoded | { problem: string } {
    const form = new URLSearchParams(body.toString('utf8'));
    const operation = form.get('Action') ?? '';
    const version = form.get('Version');
    if (!api.model.operations[operation] || !service.operations.includes(operation)) {
      return { problem: `Action ${operation} is not an emulated ${service.name} operation` };
    }
    if (version !== api.model.metadata.apiVersion) return { problem: `${operation}: Version ${version} is not ${api.model.metadata.apiVersion}` };
    const input: Record<string, unknown> = {};
    for (const [name, value] of form) {
      if (name === 'Action' || name === 'Version') continue;
      setPath(input, name.split('.'), value);
    }
    return { operation, input };
  }

  private send(service: EmulatedService, api: Api, response: http.ServerResponse, operation: string, output: Record<string, unknown>): void {
    const requestId = `e2e-${this.totalRequests}`;
    switch (service.protocol) {
      case 'query':
        response.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
        response.end(queryResponse(api, operation, output, requestId));
        return;
      case 'rest-json':
        return this.sendRestJson(api, response, operation, output, requestId);
      case 'json': {
        const json = JSON.stringify(output);
        response.writeHead(200, {
          'content-type': `application/x-amz-json-${api.protocol.jsonVersion}`, 'x-amzn-requestid': requestId, 'content-length': Buffer.byteLength(json),
        });
        response.end(json);
      }
    }
  }

  /** REST-JSON output: the status code and header members where the model puts them; the payload member raw (a blob) or the rest as JSON. */
  private sendRestJson(api: Api, response: http.ServerResponse, operation: string, output: Record<string, unknown>, requestId: string): void {
    const headers: Record<string, string | number> = { 'x-amzn-requestid': requestId };
    let status = api.model.operations[operation].http?.responseCode ?? 200;
    const body: Record<string, unknown> = { ...output };
    for (const member of locatedMembers(api, operation, 'output')) {
      const value = body[member.name];
      delete body[member.name];
      if (value === undefined) continue;
      if (member.location === 'statusCode') status = Number(value);
      else if (member.location === 'header') headers[member.locationName.toLowerCase()] = String(value);
    }
    const payload = payloadMember(api, operation, 'output');
    let raw: Buffer;
    if (payload) {
      const value = body[payload];
      raw = value === undefined ? Buffer.alloc(0)
        : isBlobMember(api, operation, 'output', payload) ? Buffer.from(value as Buffer) : Buffer.from(JSON.stringify(value));
    } else {
      raw = Object.keys(body).length > 0 ? Buffer.from(JSON.stringify(body)) : Buffer.alloc(0);
    }
    if (raw.length > 0 && !payload) headers['content-type'] = 'application/json';
    headers['content-length'] = raw.length;
    response.writeHead(status, headers);
    response.end(raw);
  }

  private sendError(
    service: EmulatedService, api: Api, response: http.ServerResponse, error: { code: string; message: string | undefined; status: number },
  ): void {
    const requestId = `e2e-${this.totalRequests}`;
    if (service.protocol === 'query') {
      response.writeHead(error.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      response.end(`<ErrorResponse xmlns="${api.model.metadata.xmlNamespace ?? ''}"><Error><Type>Sender</Type>`
        + `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message ?? '')}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
      return;
    }
    const message = error.message === undefined ? {} : { message: error.message };
    const body = service.protocol === 'rest-json' ? { Type: 'User', ...message } : { __type: error.code, ...message };
    const json = JSON.stringify(body);
    response.writeHead(error.status, {
      'content-type': service.protocol === 'rest-json' ? 'application/json' : `application/x-amz-json-${api.protocol.jsonVersion}`,
      'x-amzn-errortype': error.code,
      // A JSON service that kept its query protocol's error codes says so in this header (the SDK reads the code from it).
      ...(api.protocol.awsQueryCompatible ? { 'x-amzn-query-error': `${error.code};${error.status >= 500 ? 'Receiver' : 'Sender'}` } : {}),
      'x-amzn-requestid': requestId,
      'content-length': Buffer.byteLength(json),
    });
    response.end(json);
  }

  /**
   * CloudFormation's response URL (a presigned S3 PUT): a JSON body of at most 4096 bytes with the
   * fields CloudFormation reads (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html),
   * and no content type beyond the empty one the signature was made for.
   */
  private cfnResponse(request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): void {
    const problems: string[] = [];
    if (request.method !== 'PUT') problems.push(`response: expected PUT, got ${request.method}`);
    const contentType = request.headers['content-type'];
    if (contentType !== undefined && contentType !== '') problems.push(`response: content-type ${contentType} would break the presigned signature`);
    if (body.length > 4096) problems.push(`response: ${body.length} bytes, over 4096`);
    let parsed: Record<string, unknown> = {};
    try {
      parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      problems.push('response: the body is not JSON');
    }
    for (const field of ['Status', 'PhysicalResourceId', 'StackId', 'RequestId', 'LogicalResourceId']) {
      if (typeof parsed[field] !== 'string' || parsed[field] === '') problems.push(`response: ${field} missing`);
    }
    if (parsed.Status !== 'SUCCESS' && parsed.Status !== 'FAILED') problems.push(`response: Status ${String(parsed.Status)}`);
    if (parsed.Status === 'FAILED' && typeof parsed.Reason !== 'string') problems.push('response: FAILED without a Reason');
    const physicalId = String(parsed.PhysicalResourceId ?? '');
    if (physicalId.length > 1024) problems.push('response: PhysicalResourceId over 1 KB');
    const known = new Set(['Status', 'Reason', 'PhysicalResourceId', 'StackId', 'RequestId', 'LogicalResourceId', 'NoEcho', 'Data']);
    for (const field of Object.keys(parsed)) if (!known.has(field)) problems.push(`response: unknown field ${field}`);
    for (const problem of problems) this.violation(problem);
    this.responses.push({ path: request.url ?? '', body: parsed, bytes: body.length, contentType: contentType as string | undefined });
    response.writeHead(problems.length > 0 ? 400 : 200).end();
  }
}

function setPath(target: Record<string, unknown>, parts: readonly string[], value: string): void {
  const [head, ...rest] = parts;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  if (rest[0] === 'member') {
    const list = (target[head] as unknown[] | undefined) ?? [];
    target[head] = list;
    const index = Number(rest[1]) - 1;
    if (rest.length === 2) list[index] = value;
    else setPath((list[index] ??= {}) as Record<string, unknown>, rest.slice(2), value);
    return;
  }
  setPath((target[head] ??= {}) as Record<string, unknown>, rest, value);
}

