import * as http from 'http';
import type { AddressInfo } from 'net';
import { Api, loadApi, ServiceName, validate } from './api-model';
import { CodeDeployWorld, ServiceError } from './codedeploy-world';
import type { ScaledClock } from './lambda-runtime';
import { decodeJson, decodeQuery, decodeRestJson, escapeXml, queryError, queryResponse } from './protocols';
import type { ServiceModule } from './service-module';

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
  readonly service: ServiceName | string;
  readonly operation: string;
  /** How many requests it applies to (then it is used up). Default 1. */
  times?: number;
  /** Answer this error instead. */
  readonly error?: { readonly code: string; readonly message: string; readonly status: number };
  /** Never answer (the connection stays open until the client gives up). */
  readonly hold?: boolean;
  /** With `hold`: carry the request out first (the service acted; only its answer is lost). */
  readonly handleThenHold?: boolean;
  /** Only for callers whose user agent holds this (`app/<id>`, with AWS_SDK_UA_APP_ID): one of several processes. */
  readonly userAgentIncludes?: string;
}

export interface RecordedRequest {
  readonly service: ServiceName | string;
  readonly operation: string;
  readonly input: Record<string, unknown>;
  /** The caller's user agent (the SDK's, with `app/<id>` when AWS_SDK_UA_APP_ID is set): tells callers apart. */
  readonly userAgent?: string;
  /** When it arrived (the emulator clock's time, epoch ms). */
  readonly at?: number;
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
  private readonly ports: Partial<Record<string, number>> = {};
  /** The services registered beyond the three above (service-module.ts). */
  private readonly modules = new Map<string, ServiceModule>();
  /** Lambda operations besides Invoke (GetAlias, ...), answered by a registered handler. */
  private lambdaOperations?: (operation: string, input: Record<string, any>) => Record<string, unknown>;

  public constructor(private readonly clock: Pick<ScaledClock, 'now'>) {
    this.world = new CodeDeployWorld(clock);
  }

  /** Adds a service (before `start`): the registration point of the service modules (services/*.ts). */
  public register(module: ServiceModule): void {
    this.modules.set(module.name, module);
  }

  /** Answers the Lambda operations other than Invoke (before `start`). */
  public registerLambdaOperations(handler: (operation: string, input: Record<string, any>) => Record<string, unknown>): void {
    this.lambdaOperations = handler;
  }

  public async start(): Promise<void> {
    for (const name of ['codedeploy', 'lambda', 'autoscaling', 'cfn', ...this.modules.keys()]) {
      const server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          try {
            const module = this.modules.get(name);
            if (module) this.routeModule(module, request, Buffer.concat(chunks), response);
            else this.route(name as ServiceName | 'cfn', request, Buffer.concat(chunks), response);
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
      ...Object.fromEntries([...this.modules.values()].map((module) => [module.endpointVariable, `http://127.0.0.1:${this.ports[module.name]}`])),
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

  private faultFor(service: string, operation: string, request: http.IncomingMessage): Fault | undefined {
    const userAgent = String(request.headers['user-agent'] ?? '');
    return this.faults.find((candidate) => candidate.service === service && candidate.operation === operation && (candidate.times ?? 1) > 0
      && (candidate.userAgentIncludes === undefined || userAgent.includes(candidate.userAgentIncludes)));
  }

  private violation(text: string): void {
    this.violations.push(text);
    this.totalViolations++;
  }

  private route(name: ServiceName | 'cfn', request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): void {
    if (name === 'cfn') return this.cfnResponse(request, body, response);
    this.totalRequests++;
    this.checkSignature(name, SIGNING_NAMES[name], request);
    const api = this.apis[name];
    const decoded = name === 'codedeploy' ? decodeJson(api, request, body, '1.1', api.model.metadata.targetPrefix!)
      : name === 'lambda' ? decodeRestJson(api, request, body) : decodeQuery(api, body);
    if ('problem' in decoded) {
      this.violation(`${name}: ${decoded.problem}`);
      return this.sendError(name, response, { code: 'ValidationException', message: decoded.problem, status: 400 });
    }
    const { operation, input } = decoded;
    const problems = validate(api, operation, 'input', input, name === 'codedeploy' ? 'json' : 'text');
    if (name === 'lambda' && operation === 'Invoke') problems.push(...this.checkInvoke(input));
    this.requests.push({ service: name, operation, input, userAgent: String(request.headers['user-agent'] ?? ''), at: this.clock.now() });
    if (problems.length > 0) {
      for (const problem of problems) this.violation(`${name} ${problem}`);
      return this.sendError(name, response, { code: 'ValidationException', message: problems.join('; '), status: 400 });
    }
    const fault = this.faultFor(name, operation, request);
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
  private checkSignature(name: string, signingName: string, request: http.IncomingMessage): void {
    const authorization = String(request.headers.authorization ?? '');
    const expected = 'Credential=AKIAE2EEXAMPLE000000/';
    if (!authorization.startsWith('AWS4-HMAC-SHA256 ') || !authorization.includes(expected)
      || !authorization.includes(`/us-east-1/${signingName}/aws4_request`)) {
      this.violation(`${name}: request not SigV4-signed for ${signingName} in us-east-1 with the environment's key: ${authorization.slice(0, 80)}`);
    }
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
        if (operation !== 'Invoke') {
          if (!this.lambdaOperations) throw new ServiceError('UnknownOperationException', `${operation} is not emulated`);
          return { status: 200, body: this.lambdaOperations(operation, input) };
        }
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
    if (name === 'lambda' && Object.keys(output.body).length === 0) {
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

  /** A request to a registered service module: decoded by its protocol, validated both ways against its model. */
  private routeModule(module: ServiceModule, request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): void {
    this.totalRequests++;
    const requestId = `e2e-${this.totalRequests}`;
    this.checkSignature(module.name, module.signingName, request);
    const { api, protocol } = module;
    const decoded = protocol.kind === 'json' ? decodeJson(api, request, body, protocol.version, protocol.targetPrefix)
      : protocol.kind === 'query' ? decodeQuery(api, body) : decodeRestJson(api, request, body);
    const fail = (error: { code: string; message: string; status: number }) => {
      if (protocol.kind === 'query') {
        response.writeHead(error.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
        response.end(queryError(api, error.code, error.message, requestId));
        return;
      }
      const json = JSON.stringify(protocol.kind === 'json' ? { __type: error.code, message: error.message } : { message: error.message });
      response.writeHead(error.status, {
        'content-type': protocol.kind === 'json' ? `application/x-amz-json-${protocol.version}` : 'application/json',
        'x-amzn-errortype': error.code,
        'x-amzn-requestid': requestId,
        'content-length': Buffer.byteLength(json),
      });
      response.end(json);
    };
    if ('problem' in decoded) {
      this.violation(`${module.name}: ${decoded.problem}`);
      return fail({ code: 'ValidationException', message: decoded.problem, status: 400 });
    }
    const { operation, input } = decoded;
    this.requests.push({ service: module.name, operation, input, userAgent: String(request.headers['user-agent'] ?? ''), at: this.clock.now() });
    const problems = validate(api, operation, 'input', input, protocol.kind === 'json' ? 'json' : 'text');
    if (problems.length > 0) {
      for (const problem of problems) this.violation(`${module.name} ${problem}`);
      return fail({ code: 'ValidationException', message: problems.join('; '), status: 400 });
    }
    const fault = this.faultFor(module.name, operation, request);
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.error) return fail(fault.error);
    }
    let output: Record<string, unknown>;
    try {
      output = module.handle(operation, input);
    } catch (err) {
      if (err instanceof ServiceError) return fail({ code: err.code, message: err.message, status: err.status });
      throw err;
    }
    for (const problem of validate(api, operation, 'output', output, 'json')) this.violation(`emulator's own answer: ${module.name} ${problem}`);
    if (protocol.kind === 'query') {
      response.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
      response.end(queryResponse(api, operation, output, requestId));
      return;
    }
    const json = JSON.stringify(output);
    response.writeHead(200, {
      'content-type': protocol.kind === 'json' ? `application/x-amz-json-${protocol.version}` : 'application/json',
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
