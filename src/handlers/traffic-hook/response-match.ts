import type { ResponseExpectation } from '../../contract/traffic-hook';

/**
 * Where a response departs from what the user expects, or undefined when it matches:
 * `at $.statusCode: expected 200, got 500`. `subset` asks for every key of the expected object
 * (recursively; arrays and scalars compare whole), `equals` for the whole document.
 */
export function responseMismatch(expected: ResponseExpectation, actual: unknown): string | undefined {
  return expected.match === 'equals' ? difference(expected.value, actual, '$', false) : difference(expected.value, actual, '$', true);
}

function difference(expected: unknown, actual: unknown, path: string, subset: boolean): string | undefined {
  if (isObject(expected)) {
    if (!isObject(actual)) return `at ${path}: expected an object, got ${show(actual)}`;
    for (const key of Object.keys(expected)) {
      if (!(key in actual)) return `at ${path}.${key}: expected ${show(expected[key])}, got nothing`;
      const found = difference(expected[key], actual[key], `${path}.${key}`, subset);
      if (found) return found;
    }
    if (!subset) {
      const extra = Object.keys(actual).find((key) => !(key in expected));
      if (extra !== undefined) return `at ${path}.${extra}: expected nothing, got ${show(actual[extra])}`;
    }
    return undefined;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return `at ${path}: expected ${show(expected)}, got ${show(actual)}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const found = difference(expected[i], actual[i], `${path}[${i}]`, false);
      if (found) return found;
    }
    return undefined;
  }
  return expected === actual ? undefined : `at ${path}: expected ${show(expected)}, got ${show(actual)}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value for a log line, at most 200 characters. */
function show(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}[...]` : text;
}
