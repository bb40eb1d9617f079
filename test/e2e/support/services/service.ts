import type { ServiceName } from '../api-model';

/**
 * One AWS service the emulator plays (emulator.ts decodes, validates and encodes; a service only
 * carries requests out). A service is added by writing one of these and registering it in
 * `Emulator`'s constructor.
 */
export interface EmulatedService {
  readonly name: ServiceName;
  /** The protocol the SDK v3 client speaks (it must be one botocore's model lists). */
  readonly protocol: 'json' | 'rest-json' | 'query';
  /** The SigV4 signing name (the credential scope the SDK must sign for). */
  readonly signingName: string;
  /** The per-service endpoint variable the SDK v3 reads (`AWS_ENDPOINT_URL_<SERVICE ID>`). */
  readonly endpointVariable: string;
  /** The operations it answers; a request for any other is a violation. */
  readonly operations: readonly string[];
  /** Carries the request out and returns the operation's output (wire form: JSON timestamps in epoch seconds); throws `ServiceError`. */
  handle(operation: string, input: Record<string, any>): Record<string, unknown>;
  /** What a real service requires beyond the model (e.g. Lambda's payload limits), as problems. */
  check?(operation: string, input: Record<string, any>): string[];
  /** Forgets what one scenario left that the next must not see. */
  resetScenario?(): void;
}

/** A service error, as its protocol sends it. `message` undefined: the service sends none (SSM's ParameterNotFound). */
export class ServiceError extends Error {
  /** The message as the body carries it (none for SSM's ParameterNotFound). */
  public readonly bodyMessage: string | undefined;

  public constructor(public readonly code: string, message: string | undefined, public readonly status: number = 400) {
    super(message ?? '');
    this.bodyMessage = message;
  }
}
