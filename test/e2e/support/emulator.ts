import * as http from 'http';
import type { AddressInfo } from 'net';
import { Api, loadApi, locatedMembers, payloadMember, ServiceName, validate } from './api-model';
import { CodeDeployWorld, ServiceError } from './codedeploy-world';
import type { ScaledClock } from './lambda-runtime';

/**
 * A loopback (127.0.0.1) emulator of the AWS endpoints the server deployer calls — CodeDeploy
 * (JSON 1.1), Lambda Invoke (REST-JSON), Auto Scaling (query) — and of CloudFormation's response URL.
 * Every request is decoded by its protocol and validated against AWS's model of the operation
 * (api-model.ts); every scripted answer is validated against the operation's output shape. A
 * violation is recorded, answered like AWS would (400 ValidationException), and fails the scenario
 * (`takeViolations`). One server per service, each stopped by `stop()`.
 */

/** What a scenario makes one call do, for the next `times` matching requests. */
export interface Fault {
  readonly service: ServiceName;
  readonly operation: string;
  /** How many requests it applies to (then it is used up). Default 1. */
  times?: number;
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
}

/** A CloudFormation response as the handler PUT it. */
export interface CfnResponse {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly bytes: number;
  readonly contentType: string | undefined;
}

/** SigV4 signing names per service (the credential scope the SDK must sign for). */
const SIGNING_NAMES: Record<ServiceName, string> = { codedeploy: 'codedeploy', lambda: 'lambda', autoscaling: 'autoscaling' };

export class Emulator {
  public readonly world: CodeDeployWorld;
  public readonly requests: RecordedRequest[] = [];
  public readonly faults: Fault[] = [];
  /** Lambda Invoke payloads (InvocationType Event), for the runtime to run. */
  public readonly invocations: unknown[] = [];
  public readonly responses: CfnResponse[] = [];
  /** Held requests whose connection the client closed (abandoned the call). */
  public readonly abandoned: string[] = [];
  /** Auto Scaling groups that exist; DeleteAutoScalingGroup of any other says it is not found. */
  public readonly autoScalingGroups = new Set<string>();
  public readonly deletedAutoScalingGroups: string[] = [];
  private violations: string[] = [];
  private totalRequests = 0;
  private totalViolations = 0;
  private readonly apis: Record<ServiceName, Api> = { codedeploy: loadApi('codedeploy'), lambda: loadApi('lambda'), autoscaling: loadApi('autoscaling') };
  private readonly servers: http.Server[] = [];
  private readonly ports: Partial<Record<ServiceName | 'cfn', number>> = {};

  public constructor(clock: ScaledClock) {
    this.world = new CodeDeployWorld(clock);
  }

  public async start(): Promise<void> {
    for (const name of ['codedeploy', 'lambda', 'autoscaling', 'cfn'] as const) {
      const server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          try {
            this.route(name, request, Buffer.concat(chunks), response);
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
    return {
      AWS_ENDPOINT_URL_CODEDEPLOY: `http://127.0.0.1:${this.ports.codedeploy}`,
      AWS_ENDPOINT_URL_LAMBDA: `http://127.0.0.1:${this.ports.lambda}`,
      AWS_ENDPOINT_URL_AUTO_SCALING: `http://127.0.0.1:${this.ports.autoscaling}`,
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

  /** Clears what one scenario left (the world keeps its history; scenarios use their own groups). */
  public resetScenario(): void {
    this.requests.length = 0;
    this.faults.length = 0;
    this.invocations.length = 0;
    this.responses.length = 0;
    this.abandoned.length = 0;
  }

  public calls(operation: string): RecordedRequest[] {
    return this.requests.filter((request) => request.operation === operation);
  }

  private violation(text: string): void {
    this.violations.push(text);
    this.totalViolations++;
  }

  private route(name: ServiceName | 'cfn', request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): void {
    if (name === 'cfn') return this.cfnResponse(request, body, response);
    this.totalRequests++;
    this.checkSignature(name, request);
    const decoded = name === 'codedeploy' ? this.decodeJson(request, body) : name === 'lambda' ? this.decodeRestJson(request, body) : this.decodeQuery(body);
    if ('problem' in decoded) {
      this.violation(`${name}: ${decoded.problem}`);
      return this.sendError(name, response, { code: 'ValidationException', message: decoded.problem, status: 400 });
    }
    const { operation, input } = decoded;
    const api = this.apis[name];
    const problems = validate(api, operation, 'input', input, name === 'codedeploy' ? 'json' : 'text');
    if (name === 'lambda' && operation === 'Invoke') problems.push(...this.checkInvoke(input));
    this.requests.push({ service: name, operation, input });
    if (problems.length > 0) {
      for (const problem of problems) this.violation(`${name} ${problem}`);
      return this.sendError(name, response, { code: 'ValidationException', message: problems.join('; '), status: 400 });
    }
    const fault = this.faults.find((candidate) => candidate.service === name && candidate.operation === operation && (candidate.times ?? 1) > 0);
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.hold) {
        if (fault.handleThenHold) this.answer(name, operation, input);
        response.on('close', () => this.abandoned.push(`${name}.${operation}`));
        return;
      }
      if (fault.error) return this.sendError(name, response, fault.error);
    }
    try {
      const output = this.answer(name, operation, input);
      const outputProblems = validate(api, operation, 'output', output.body, 'json');
      for (const problem of outputProblems) this.violation(`emulator's own answer: ${name} ${problem}`);
      this.send(name, response, operation, output);
    } catch (err) {
      if (err instanceof ServiceError) return this.sendError(name, response, { code: err.code, message: err.message, status: err.status });
      throw err;
    }
  }

  /** Every request is SigV4-signed for its service and region with the environment's fake key. */
  private checkSignature(name: ServiceName, request: http.IncomingMessage): void {
    const authorization = String(request.headers.authorization ?? '');
    const expected = 'Credential=AKIAE2EEXAMPLE000000/';
    if (!authorization.startsWith('AWS4-HMAC-SHA256 ') || !authorization.includes(expected)
      || !authorization.includes(`/us-east-1/${SIGNING_NAMES[name]}/aws4_request`)) {
      this.violation(`${name}: request not SigV4-signed for ${SIGNING_NAMES[name]} in us-east-1 with the environment's key: ${authorization.slice(0, 80)}`);
    }
  }

  private decodeJson(request: http.IncomingMessage, body: Buffer): { operation: string; input: Record<string, unknown> } | { problem: string } {
    const { targetPrefix } = this.apis.codedeploy.model.metadata;
    const target = String(request.headers['x-amz-target'] ?? '');
    if (request.method !== 'POST' || request.url !== '/') return { problem: `expected POST /, got ${request.method} ${request.url}` };
    if (request.headers['content-type'] !== 'application/x-amz-json-1.1') return { problem: `content-type ${request.headers['content-type']} is not application/x-amz-json-1.1` };
    if (!target.startsWith(`${targetPrefix}.`)) return { problem: `X-Amz-Target ${target} does not start with ${targetPrefix}.` };
    const operation = target.slice(targetPrefix!.length + 1);
    if (!this.apis.codedeploy.model.operations[operation]) return { problem: `${operation} is not a CodeDeploy operation` };
    try {
      const input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
      return { operation, input };
    } catch {
      return { problem: `${operation}: the body is not JSON` };
    }
  }

  private decodeRestJson(request: http.IncomingMessage, body: Buffer): { operation: string; input: Record<string, unknown> } | { problem: string } {
    const api = this.apis.lambda;
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    for (const [operation, definition] of Object.entries(api.model.operations)) {
      const template = definition.http?.requestUri;
      if (!template || operation !== 'Invoke') continue;
      const pattern = new RegExp(`^${template.split('?')[0].replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);
      const match = pattern.exec(url.pathname);
      if (!match) continue;
      if (request.method !== 'POST') return { problem: `${operation}: expected POST, got ${request.method}` };
      const input: Record<string, unknown> = {};
      const located = locatedMembers(api, operation);
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
      if (payload && body.length > 0) input[payload] = body;
      return { operation, input };
    }
    return { problem: `no Lambda operation at ${request.method} ${url.pathname}` };
  }

  private decodeQuery(body: Buffer): { operation: string; input: Record<string, unknown> } | { problem: string } {
    const form = new URLSearchParams(body.toString('utf8'));
    const operation = form.get('Action') ?? '';
    const version = form.get('Version');
    const { apiVersion } = this.apis.autoscaling.model.metadata;
    if (!this.apis.autoscaling.model.operations[operation]) return { problem: `Action ${operation} is not an Auto Scaling operation` };
    if (version !== apiVersion) return { problem: `${operation}: Version ${version} is not ${apiVersion}` };
    const input: Record<string, unknown> = {};
    for (const [name, value] of form) {
      if (name === 'Action' || name === 'Version') continue;
      // Nested and list members (`A.member.1`, `A.B`) become lists and structures.
      setPath(input, name.split('.'), value);
    }
    return { operation, input };
  }

  /** What a real Invoke requires beyond the model: an async invocation of JSON. */
  private checkInvoke(input: Record<string, unknown>): string[] {
    const problems: string[] = [];
    if (input.InvocationType !== 'Event') problems.push(`Invoke.input.InvocationType: the hand-over must be asynchronous (Event), got ${String(input.InvocationType)}`);
    const payload = input.Payload;
    if (Buffer.isBuffer(payload)) {
      // https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html: 256 KB for asynchronous invocations.
      if (payload.length > 256 * 1024) problems.push(`Invoke.input.Payload: ${payload.length} bytes, over the 256 KB asynchronous limit`);
      try {
        JSON.parse(payload.toString('utf8'));
      } catch {
        problems.push('Invoke.input.Payload: not JSON');
      }
    } else {
      problems.push('Invoke.input.Payload: missing');
    }
    return problems;
  }

  private answer(name: ServiceName, operation: string, input: Record<string, any>): { status: number; body: Record<string, unknown> } {
    switch (name) {
      case 'codedeploy':
        return { status: 200, body: this.world.handle(operation, input) as Record<string, unknown> };
      case 'lambda':
        this.invocations.push(JSON.parse((input.Payload as Buffer).toString('utf8')));
        return { status: 202, body: {} };
      case 'autoscaling': {
        const group = String(input.AutoScalingGroupName);
        if (!this.autoScalingGroups.delete(group)) throw new ServiceError('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup '${group}' not found`);
        this.deletedAutoScalingGroups.push(group);
        return { status: 200, body: {} };
      }
    }
  }

  private send(name: ServiceName, response: http.ServerResponse, operation: string, output: { status: number; body: Record<string, unknown> }): void {
    const requestId = `e2e-${this.totalRequests}`;
    if (name === 'autoscaling') {
      response.writeHead(output.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      response.end(`<${operation}Response xmlns="${(this.apis.autoscaling.model.metadata as { xmlNamespace?: string }).xmlNamespace}">`
        + `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`);
      return;
    }
    if (name === 'lambda') {
      response.writeHead(output.status, { 'x-amzn-requestid': requestId, 'content-length': '0' });
      response.end();
      return;
    }
    const json = JSON.stringify(output.body);
    response.writeHead(output.status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId, 'content-length': Buffer.byteLength(json) });
    response.end(json);
  }

  private sendError(name: ServiceName, response: http.ServerResponse, error: { code: string; message: string; status: number }): void {
    const requestId = `e2e-${this.totalRequests}`;
    if (name === 'autoscaling') {
      response.writeHead(error.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      response.end('<ErrorResponse xmlns="https://autoscaling.amazonaws.com/doc/2011-01-01/"><Error><Type>Sender</Type>'
        + `<Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`);
      return;
    }
    const body = name === 'lambda' ? { Type: 'User', message: error.message } : { __type: error.code, message: error.message };
    const json = JSON.stringify(body);
    response.writeHead(error.status, {
      'content-type': name === 'lambda' ? 'application/json' : 'application/x-amz-json-1.1',
      'x-amzn-errortype': error.code,
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

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
