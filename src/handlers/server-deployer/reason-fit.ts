import { errorMessage, errorName, RetriesExhaustedError } from '../shared/errors';

/**
 * Fits a failure Reason into CloudFormation's response limit: the whole response body may be at
 * most 4096 bytes (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-responses.html),
 * so the Reason gets whatever the other fields leave.
 *
 * A Reason is a list of parts. Fixed parts (the deployment id, error codes, labels) are never cut;
 * trimmable parts (messages, the log tail) are cut longest first, down to a common length, so a
 * huge log tail gives way before a short error message does.
 */
export interface ReasonPart {
  readonly text: string;
  /**
   * Which end survives a cut: `start` keeps the beginning (messages), `end` keeps the end (log
   * tails, whose last lines say what went wrong). Absent: never cut.
   */
  readonly keep?: 'start' | 'end';
}

/** Marks where text was cut. */
export const CUT_MARK = '[...]';

/** A fixed part. */
export function fixed(text: string): ReasonPart {
  return { text };
}

/** A part that may lose its end. */
export function trimmable(text: string): ReasonPart {
  return { text, keep: 'start' };
}

/** A part that may lose its beginning. */
export function tail(text: string): ReasonPart {
  return { text, keep: 'end' };
}

/** The parts as one string. */
function joinReason(parts: readonly ReasonPart[]): string {
  return parts.map((part) => part.text).join('');
}

/**
 * Bytes a string takes inside a JSON document (escapes included: a newline costs 2 bytes, a quote 2,
 * a non-ASCII character its UTF-8 length). Additive over concatenation, which lets parts be
 * measured one by one.
 */
export function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text), 'utf8') - 2;
}

/** The Reason as one string of at most `maxJsonBytes` (measured with `jsonBytes`). */
export function fitReason(parts: readonly ReasonPart[], maxJsonBytes: number): string {
  const sizes = parts.map((part) => jsonBytes(part.text));
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total <= maxJsonBytes) return joinReason(parts);

  const fixedBytes = parts.reduce((sum, part, i) => sum + (part.keep ? 0 : sizes[i]), 0);
  const room = maxJsonBytes - fixedBytes;
  if (room < 0) {
    // Only a broken caller gets here (fixed parts alone over the limit): keep the beginning.
    return cut(joinReason(parts.filter((part) => !part.keep)), maxJsonBytes, 'start');
  }
  const cap = largestCap(parts.map((part, i) => (part.keep ? sizes[i] : 0)), room);
  return parts.map((part, i) => (part.keep && sizes[i] > cap ? cut(part.text, cap, part.keep) : part.text)).join('');
}

/** The largest length L such that the parts, each cut to at most L bytes, fit in `room`. */
function largestCap(trimmableSizes: readonly number[], room: number): number {
  let low = 0;
  let high = Math.max(...trimmableSizes);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const used = trimmableSizes.reduce((sum, size) => sum + Math.min(size, mid), 0);
    if (used <= room) low = mid; else high = mid - 1;
  }
  return low;
}

/** `text` cut to at most `maxJsonBytes`, the cut marked with `CUT_MARK`, whole characters only. */
export function cut(text: string, maxJsonBytes: number, keep: 'start' | 'end'): string {
  if (jsonBytes(text) <= maxJsonBytes) return text;
  const budget = maxJsonBytes - CUT_MARK.length;
  if (budget <= 0) return '';
  const chars = Array.from(text);
  if (keep === 'end') chars.reverse();
  const kept: string[] = [];
  let used = 0;
  for (const char of chars) {
    const size = jsonBytes(char);
    if (used + size > budget) break;
    kept.push(char);
    used += size;
  }
  if (keep === 'end') return CUT_MARK + kept.reverse().join('');
  return kept.join('') + CUT_MARK;
}

/** `ThrottlingException: Rate exceeded (gave up after 6 attempts)`: the name is fixed, the message trimmable. */
export function errorParts(err: unknown): ReasonPart[] {
  if (err instanceof RetriesExhaustedError) {
    return [...errorParts(err.lastError), fixed(` (gave up after ${err.attempts} ${err.attempts === 1 ? 'attempt' : 'attempts'})`)];
  }
  const name = errorName(err);
  const message = errorMessage(err);
  return message && message !== name ? [fixed(`${name}: `), trimmable(sentence(message))] : [fixed(name)];
}

/** Text without surrounding blanks or a final period (the Reason adds its own punctuation). */
export function sentence(text: string): string {
  return text.trim().replace(/\.+$/, '');
}
