import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** An inclusive whole-number range, with the unit its values are counted in. */
export interface Range {
  readonly min: number;
  /** Upper bound; none where CodeDeploy documents none. */
  readonly max?: number;
  /** Plural unit name shown in messages, e.g. `minutes`; none for plain numbers. */
  readonly unit?: string;
}

/** Length and characters a name must have. */
interface TextRule {
  readonly minLength: number;
  readonly maxLength: number;
  /** Whole-string pattern of the allowed characters. */
  readonly pattern?: RegExp;
  /** The allowed characters in words, for messages, e.g. `letters, digits, - and _`. */
  readonly allowedCharacters?: string;
}

/**
 * How an error names the construct it is about: its class and its path in the construct tree,
 * `LambdaRollout at MyStack/Api`, so that a stack of many rollouts says which one. aws-cdk-lib's
 * own `ValidationError` carries the path as a property, but it is internal to aws-cdk-lib
 * (`@internal` in aws-cdk-lib/core/lib/errors.ts, from 2.257.0 to today), so the path goes into
 * the message. Value objects have no path: their errors name the factory (`TrafficShift.canary`).
 */
function constructSubject(className: string, construct: IConstruct): string {
  return `${className} at ${construct.node.path}`;
}

/** An error about one construct, for a problem found alone (after construction, say): `LambdaRollout at MyStack/Api: …`. */
export function constructError(className: string, construct: IConstruct, problem: string): Error {
  return new Error(`${constructSubject(className, construct)}: ${problem}`);
}

/**
 * The problems of one construct found when the app is synthesized (a `node.addValidation`), each
 * naming the construct as `constructError` does.
 */
export function constructProblems(className: string, construct: IConstruct, problems: string[]): string[] {
  return problems.map((problem) => `${constructSubject(className, construct)}: ${problem}`);
}

/**
 * Collects every problem found in one input, so a user sees them all in a single error.
 *
 * Each problem is reported on its own line as `<subject>: <problem>`, e.g.
 * `TrafficShift.canary: percentage must be an integer from 1 to 99, got 150`, or for a
 * construct's props `LambdaRollout at MyStack/Api: aliasName may contain only …`.
 * Unresolved tokens are skipped: their value is only known at deploy time.
 */
export class Problems {
  /** The problems of a construct's props, each naming the construct's class and path (`constructSubject`). */
  public static ofConstruct(className: string, construct: IConstruct): Problems {
    return new Problems(constructSubject(className, construct));
  }

  private readonly found: string[] = [];

  /** @param subject the factory that the input was given to, e.g. `TrafficShift.canary` */
  public constructor(private readonly subject: string) {}

  /** Records a problem in free form. */
  public add(problem: string): void {
    this.found.push(`${this.subject}: ${problem}`);
  }

  /**
   * Requires a value that names a shared resource (a deployment config's shape or name) to be
   * known at synth time.
   */
  public literal(prop: string, isUnresolved: boolean): void {
    if (isUnresolved) {
      this.add(`${prop} must be a literal value, not a token: it names the shared deployment config`);
    }
  }

  /** Requires `value` to be an integer within `range`. */
  public integer(prop: string, value: number, range: Range): void {
    if (Token.isUnresolved(value)) {
      return;
    }
    if (!Number.isInteger(value) || !inRange(value, range)) {
      this.add(`${prop} must be an integer ${describeRange(range)}, got ${value}`);
    }
  }

  /**
   * Requires `value` to be a whole number of `unitMillis` within `range` (counted in that unit).
   * @returns the whole number of units, or undefined when the duration is a token or invalid
   */
  public wholeDuration(prop: string, value: Duration, unitMillis: number, range: Range): number | undefined {
    if (value.isUnresolved()) {
      return undefined;
    }
    const amount = value.toMilliseconds({ integral: false }) / unitMillis;
    if (!Number.isInteger(amount) || !inRange(amount, range)) {
      this.add(`${prop} must be a whole number of ${range.unit} ${describeRange({ ...range, unit: undefined })}, got ${formatAmount(amount)} ${range.unit}`);
      return undefined;
    }
    return amount;
  }

  /** Requires `value` to have the length and characters of `rule`. */
  public text(prop: string, value: string, rule: TextRule): void {
    if (Token.isUnresolved(value)) {
      return;
    }
    if (value.length < rule.minLength || value.length > rule.maxLength) {
      this.add(`${prop} must be ${rule.minLength} to ${rule.maxLength} characters long, got ${value.length} ('${value}')`);
    }
    if (rule.pattern && value.length > 0 && !rule.pattern.test(value)) {
      this.add(`${prop} may contain only ${rule.allowedCharacters}, got '${value}'`);
    }
  }

  /** Throws one error listing every problem, if any were found. */
  public throwIfAny(): void {
    if (this.found.length > 0) {
      throw new Error(this.found.join('\n'));
    }
  }
}

/** Milliseconds in one second and in one minute, for `Problems.wholeDuration`. */
export const SECOND_MILLIS = 1_000;
export const MINUTE_MILLIS = 60_000;

function inRange(value: number, range: Range): boolean {
  return value >= range.min && (range.max === undefined || value <= range.max);
}

/** `from 1 to 99`, or `of at least 0` where there is no upper bound. */
function describeRange(range: Range): string {
  const unit = range.unit ? ` ${range.unit}` : '';
  return range.max === undefined ? `of at least ${range.min}${unit}` : `from ${range.min} to ${range.max}${unit}`;
}

/** Up to three decimals, without trailing zeros: 1.5, 0.017, 5000. */
function formatAmount(amount: number): string {
  return String(Math.round(amount * 1000) / 1000);
}
