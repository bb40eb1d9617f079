import * as http from 'http';
import * as https from 'https';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { fitReason, ReasonPart } from './reason-fit';
import { RetryOptions, withRetry } from '../shared/retry';
import { RESPONSE_PUT_MAX_ATTEMPTS, RESPONSE_PUT_TIMEOUT_MS } from '../shared/timing';

/**
 * The answer to CloudFormation: a JSON document PUT to the request's presigned `ResponseURL`
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html).
 */

/** The response body may be at most this many bytes (same page). */
const MAX_RESPONSE_BYTES = 4096;

/** What the handler decided. */
export interface Answer {
  readonly status: 'SUCCESS' | 'FAILED';
  /**
   * Identifies the resource. On Update, a value other than the request's tells CloudFormation the
   * resource was replaced, and it then sends a Delete for the old one (here: a finished
   * deployment, which Delete leaves alone).
   */
  readonly physicalResourceId: string;
  /** Why (required by CloudFormation for FAILED); cut to fit the response limit. */
  readonly reason?: readonly ReasonPart[];
  /** The attributes `Fn::GetAtt` reads. */
  readonly data?: Readonly<Record<string, string>>;
}

/** Sends a response body to a presigned response URL; resolves once it was accepted. */
export type ResponseSender = (responseUrl: string, body: string) => Promise<void>;

/** The response body: the request's identifiers echoed, and the Reason cut to keep the whole under 4096 bytes. */
export function responseBody(event: CloudFormationCustomResourceEvent, answer: Answer): string {
  const response = {
    Status: answer.status,
    PhysicalResourceId: answer.physicalResourceId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    ...(answer.data ? { Data: answer.data } : {}),
  };
  if (!answer.reason) return JSON.stringify(response);
  const room = MAX_RESPONSE_BYTES - Buffer.byteLength(JSON.stringify({ ...response, Reason: '' }), 'utf8');
  return JSON.stringify({ ...response, Reason: fitReason(answer.reason, Math.max(room, 0)) });
}

/**
 * One PUT of `body` to `responseUrl`. S3 checks the presigned signature, which covers the content
 * type, so none is sent (as AWS's own cfn-response module does). A non-2xx answer rejects with
 * the HTTP status in `$metadata`, so that the retry helper retries 5xx and not 403.
 */
export function putResponse(responseUrl: string, body: string, timeoutMs: number = RESPONSE_PUT_TIMEOUT_MS): Promise<void> {
  const url = new URL(responseUrl);
  // CloudFormation's URLs are https; plain http only serves the local test server.
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(body, 'utf8') },
    }, (response) => {
      response.resume();
      response.on('error', reject);
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve();
        } else {
          // The URL is a credential: the error names the host only.
          reject(Object.assign(new Error(`PUT to ${url.host} answered HTTP ${status}`), {
            name: 'ResponseRejected', $metadata: { httpStatusCode: status },
          }));
        }
      });
    });
    request.setTimeout(timeoutMs, () => {
      request.destroy(Object.assign(new Error(`PUT to ${url.host} timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** The real sender: `putResponse` under the shared retry policy (S3 may answer 503 Slow Down). */
export function createResponseSender(retry: RetryOptions): ResponseSender {
  return (responseUrl, body) => withRetry('PutResponse', () => putResponse(responseUrl, body), { maxAttempts: RESPONSE_PUT_MAX_ATTEMPTS, ...retry });
}
