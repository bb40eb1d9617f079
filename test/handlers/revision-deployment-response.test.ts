import * as http from 'http';
import { AddressInfo } from 'net';
import { createEvent } from './revision-deployment-fixtures';
import { createResponseSender, putResponse, responseBody } from '../../src/handlers/server-deployer/cfn-response';
import { fixed, tail, trimmable } from '../../src/handlers/server-deployer/reason-fit';
import { handler } from '../../src/handlers/server-deployer.lambda';

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('putResponse against a local HTTP server', () => {
  let server: http.Server;
  let received: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }>;
  let statuses: number[];
  let baseUrl: string;

  beforeEach(async () => {
    received = [];
    statuses = [];
    server = http.createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => {
        body += chunk;
      });
      request.on('end', () => {
        received.push({ method: request.method, url: request.url, headers: request.headers, body });
        response.statusCode = statuses.shift() ?? 200;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('PUTs the body to the presigned path with an empty content type and the exact length', async () => {
    const body = JSON.stringify({ Status: 'SUCCESS', Reason: 'déployé ✓' });

    await putResponse(`${baseUrl}/stack/response?X-Amz-Signature=abc`, body);

    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'PUT', url: '/stack/response?X-Amz-Signature=abc', body });
    expect(received[0].headers['content-type']).toBe('');
    expect(received[0].headers['content-length']).toBe(String(Buffer.byteLength(body, 'utf8')));
  });

  test('rejects a non-2xx answer with its status and without the URL\'s secret part', async () => {
    statuses.push(403);

    const error = await putResponse(`${baseUrl}/stack/response?X-Amz-Signature=SECRET`, '{}').catch((err: unknown) => err);

    expect(error).toMatchObject({ name: 'ResponseRejected', $metadata: { httpStatusCode: 403 } });
    expect((error as Error).message).toBe(`PUT to ${new URL(baseUrl).host} answered HTTP 403`);
  });

  test('the sender retries a 503 and does not retry a 403', async () => {
    const sleeps: number[] = [];
    const send = createResponseSender({ sleep: async (ms) => { sleeps.push(ms); }, random: () => 0 });

    statuses.push(503, 200);
    await send(`${baseUrl}/a`, '{}');
    expect(received).toHaveLength(2);
    expect(sleeps).toEqual([0]);

    statuses.push(403);
    await expect(send(`${baseUrl}/b`, '{}')).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    expect(received).toHaveLength(3);
  });

  test('a server that does not answer in time is abandoned', async () => {
    server.removeAllListeners('request');
    server.on('request', () => { /* never answers */ });

    await expect(putResponse(`${baseUrl}/slow`, '{}', 50)).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    server.closeAllConnections();
  });
});

describe('responseBody', () => {
  test('echoes the request\'s identifiers and leaves Reason out of a success without one', () => {
    expect(JSON.parse(responseBody(createEvent(), { status: 'SUCCESS', physicalResourceId: 'd-SUCCESS01', data: { DeploymentId: 'd-SUCCESS01' } }))).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: 'd-SUCCESS01',
      StackId: createEvent().StackId,
      RequestId: 'request-1',
      LogicalResourceId: 'Release',
      Data: { DeploymentId: 'd-SUCCESS01' },
    });
  });

  test('cuts the Reason so the whole body is at most 4096 bytes, whatever the other fields take', () => {
    const event = { ...createEvent(), StackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${'S'.repeat(900)}/x` };
    const reason = [fixed('CodeDeploy deployment d-FAILED001 Failed with HEALTH_CONSTRAINTS: '), trimmable('é'.repeat(3000)), fixed('\nLog tail:\n'),
      tail('"quoted"\n'.repeat(1000))];

    const body = responseBody(event, { status: 'FAILED', physicalResourceId: 'd-FAILED001', reason });

    expect(Buffer.byteLength(body, 'utf8')).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(body, 'utf8')).toBeGreaterThan(4080);
    const parsed = JSON.parse(body);
    expect(parsed.Reason).toMatch(/^CodeDeploy deployment d-FAILED001 Failed with HEALTH_CONSTRAINTS: é+\[\.\.\.\]\nLog tail:\n\[\.\.\.\]/);
    expect(parsed.Reason.endsWith('"quoted"\n')).toBe(true);
  });
});

test('the bundled entry exports the handler', () => {
  expect(typeof handler).toBe('function');
});
