import type { Api } from './api-model';

/**
 * One emulated service beyond the server deployer's own three (emulator.ts): its model, its wire
 * protocol, the endpoint variable that points the SDK at it, and the operations it answers. A
 * module is registered with `Emulator.register` before `start`; the emulator decodes and validates
 * each request against the model, calls `handle`, validates the answer against the model's output
 * shape and encodes it. One file per service under services/, so that suites extending the emulator
 * add files rather than edit each other's.
 */
export interface ServiceModule {
  /** The name requests are recorded under (`cloudformation`, `cloudwatch`, ...). */
  readonly name: string;
  /** SigV4's service name in the credential scope. */
  readonly signingName: string;
  /** The SDK's per-service endpoint variable (https://docs.aws.amazon.com/sdkref/latest/guide/ss-endpoints-table.html). */
  readonly endpointVariable: string;
  readonly api: Api;
  readonly protocol:
  | { readonly kind: 'json'; readonly version: '1.0' | '1.1'; readonly targetPrefix: string }
  | { readonly kind: 'query' }
  | { readonly kind: 'rest-json' };
  /** The answer in the JSON protocols' wire form (timestamps as epoch seconds), or a thrown `ServiceError`. */
  handle(operation: string, input: Record<string, any>): Record<string, unknown>;
}
