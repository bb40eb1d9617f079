import * as http from 'http';
import type { AddressInfo } from 'net';
import { CodeDeployClient, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { withRetry } from '../../src/handlers/shared/retry';

/**
 * The real SDK client over a real socket: a loopback server that holds its first response. This is
 * what aws-sdk-client-mock cannot show (it replaces `send`, timeouts included).
 */
describe('a held response over HTTP, with the real SDK client', () => {
  let server: http.Server;
  let endpoint: string;
  /** Replaced per test; a held request records into the list of the test that sent it. */
  let closedUnanswered: string[] = [];
  let requests = 0;

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      requests++;
      const target = String(request.headers['x-amz-target']);
      if (requests === 1) {
        // Held: never answered; record when the client gives up on it.
        const sink = closedUnanswered;
        response.once('close', () => sink.push(target));
        return;
      }
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify({ deploymentInfo: { deploymentId: 'd-HELD00001', status: 'Succeeded' } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    requests = 0;
    closedUnanswered = [];
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    // A held request of this test must not close during the next one.
    server.closeAllConnections();
    await new Promise((resolve) => setImmediate(resolve));
  });

  function client(requestHandler: Record<string, unknown>): CodeDeployClient {
    return new CodeDeployClient({
      endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake' }, requestHandler,
    });
  }

  test('the SDK\'s requestTimeout alone only warns: the call waits for as long as the response is held', async () => {
    const warnings: string[] = [];
    // The SDK's timer starts only once the request is sent, which a loaded machine may delay: wait
    // for its warning (or 10 s), then a little longer, and the call must still be waiting.
    let warned: () => void = () => undefined;
    const warning = new Promise<void>((resolve) => { warned = resolve; });
    const codedeploy = new CodeDeployClient({
      endpoint,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'fake' },
      requestHandler: { requestTimeout: 50 },
      logger: {
        debug: () => undefined,
        info: () => undefined,
        error: () => undefined,
        warn: (message: string) => {
          warnings.push(message);
          warned();
        },
      },
    });
    let giveUp: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      codedeploy.send(new GetDeploymentCommand({ deploymentId: 'd-HELD00001' })).then(() => 'answered', () => 'rejected'),
      Promise.race([warning, new Promise((resolve) => { giveUp = setTimeout(resolve, 10_000); })])
        .then(() => new Promise((resolve) => setTimeout(() => resolve('still waiting'), 200))),
    ]);
    clearTimeout(giveUp);
    codedeploy.destroy();

    expect(outcome).toBe('still waiting');
    expect(warnings.join('\n')).toMatch(/a request has exceeded the configured 50 ms requestTimeout/);
  }, 15_000);

  test('throwOnRequestTimeout (the installed @smithy/node-http-handler supports it) turns the SDK\'s timeout into a retryable error', async () => {
    const codedeploy = client({ requestTimeout: 50, throwOnRequestTimeout: true });
    const error = await codedeploy.send(new GetDeploymentCommand({ deploymentId: 'd-HELD00001' })).catch((err: unknown) => err);
    codedeploy.destroy();

    expect((error as Error).name).toBe('TimeoutError');
  });

  test('the handler\'s own timer abandons the held call, the SDK closes its socket, and the retry gets the answer', async () => {
    // No SDK timeout at all: only the handler's bound applies (as on a runtime SDK that ignores throwOnRequestTimeout).
    const codedeploy = client({});
    const started = Date.now();

    const output = await withRetry('GetDeployment', (abortSignal) => codedeploy.send(new GetDeploymentCommand({ deploymentId: 'd-HELD00001' }), { abortSignal }), {
      sleep: async () => undefined, random: () => 0, attemptTimeoutMs: () => 100,
    });

    expect(output.deploymentInfo).toEqual({ deploymentId: 'd-HELD00001', status: 'Succeeded' });
    expect(requests).toBe(2);
    expect(closedUnanswered).toEqual(['CodeDeploy_20141006.GetDeployment']);
    expect(Date.now() - started).toBeLessThan(2_000);
    codedeploy.destroy();
  });
});

