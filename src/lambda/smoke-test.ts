import { Token } from 'aws-cdk-lib';
import type { ResponseExpectation, SmokeTestSettings } from '../contract/traffic-hook';
import { TRAFFIC_HOOK } from '../private/codedeploy-limits';
import { DEFAULT_SMOKE_TEST_PAYLOAD } from '../private/defaults';
import { Problems } from '../private/validation';

/**
 * What every response of a smoke test must look like, besides not being a function error.
 * A response is the JSON document the function returns.
 */
export class ResponseMatch {
  /**
   * The response is an object whose `statusCode` is `code` (the shape API Gateway and Function URL
   * handlers return): `ResponseMatch.statusCode(200)`.
   */
  public static statusCode(code: number): ResponseMatch {
    const problems = new Problems('ResponseMatch.statusCode');
    problems.integer('code', code, TRAFFIC_HOOK.statusCode);
    problems.throwIfAny();
    return new ResponseMatch({ match: 'subset', value: { statusCode: code } });
  }

  /**
   * The response is an object holding every key of `json` (a JSON object) with the same value;
   * nested objects compare the same way, arrays and other values compare whole. Other keys may be there too.
   */
  public static contains(json: string): ResponseMatch {
    const value = parseJson('ResponseMatch.contains', 'json', json);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`ResponseMatch.contains: json must be a JSON object, got '${json}'`);
    }
    return new ResponseMatch({ match: 'subset', value });
  }

  /** The response is exactly the JSON document `json` (compared as JSON, not as text). */
  public static exactly(json: string): ResponseMatch {
    return new ResponseMatch({ match: 'equals', value: parseJson('ResponseMatch.exactly', 'json', json) });
  }

  /** @internal */
  public readonly _expectation: ResponseExpectation;

  private constructor(expectation: ResponseExpectation) {
    this._expectation = expectation;
  }
}

/** Options of `SmokeTest.invoke`. */
export interface SmokeTestInvokeOptions {
  /**
   * The payloads, each a JSON document, sent to the new version in turn. Written in the app, not
   * tokens: they are stored in the rollout's SSM parameter (a standard String: no secrets).
   *
   * @default ['{}']
   */
  readonly payloads?: string[];

  /**
   * Invocations in all, cycling through `payloads`; an integer from 1 to 100. They run one after
   * another within one 15-minute invocation of the hook.
   *
   * @default one per payload
   */
  readonly invocations?: number;

  /**
   * What every response must match.
   *
   * @default - any response that is not a function error or a timeout passes
   */
  readonly expectedResponse?: ResponseMatch;
}

/**
 * An active test of the new version before any traffic moves to it: the library's hook invokes
 * the new version by its version number (never the alias) and fails the deployment on a function
 * error, a timeout or a response that does not match. For a quiet function it is the only guard
 * that sees the new version at all.
 */
export class SmokeTest {
  /** Invokes the new version with the given payloads. */
  public static invoke(options: SmokeTestInvokeOptions = {}): SmokeTest {
    const payloads = options.payloads ?? [DEFAULT_SMOKE_TEST_PAYLOAD];
    const problems = new Problems('SmokeTest.invoke');
    if (payloads.length === 0) {
      problems.add('payloads must hold at least one JSON document, got none');
    }
    payloads.forEach((payload, i) => {
      if (Token.isUnresolved(payload)) {
        problems.add(`payloads[${i}] must be JSON written in the app, not a token: it is stored at synth`);
      } else if (!isJson(payload)) {
        problems.add(`payloads[${i}] must be a JSON document, got '${payload}'`);
      }
    });
    const invocations = options.invocations ?? Math.max(payloads.length, 1);
    problems.integer('invocations', invocations, TRAFFIC_HOOK.invocations);
    problems.throwIfAny();
    return new SmokeTest({ payloads, invocations, expectedResponse: options.expectedResponse?._expectation });
  }

  /** @internal */
  public readonly _settings: SmokeTestSettings;

  private constructor(settings: SmokeTestSettings) {
    this._settings = settings;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function parseJson(subject: string, prop: string, text: string): unknown {
  if (Token.isUnresolved(text) || !isJson(text)) {
    throw new Error(`${subject}: ${prop} must be a JSON document written in the app, got '${text}'`);
  }
  return JSON.parse(text);
}
