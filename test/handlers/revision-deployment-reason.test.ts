import { CUT_MARK, cut, fitReason, fixed, jsonBytes, tail, trimmable } from '../../src/handlers/server-deployer/reason-fit';
import { formatDuration } from '../../src/handlers/server-deployer/revision-deployment/failure-reason';

describe('fitReason', () => {
  test('leaves a Reason that fits alone', () => {
    expect(fitReason([fixed('a '), trimmable('b'), tail(' c')], 5)).toBe('a b c');
  });

  test('cuts the longest trimmable part first, and only as much as needed', () => {
    const reason = fitReason([fixed('ID '), trimmable('short message '), tail('x'.repeat(1000))], 100);

    expect(jsonBytes(reason)).toBe(100);
    expect(reason).toBe(`ID short message ${CUT_MARK}${'x'.repeat(100 - 'ID short message '.length - CUT_MARK.length)}`);
  });

  test('brings the longest parts down to a common length when they are all long', () => {
    const reason = fitReason([fixed('[A]'), trimmable('a'.repeat(500)), fixed('[B]'), trimmable('b'.repeat(300)), fixed('[C]'), tail('c'.repeat(20))], 209);

    expect(jsonBytes(reason)).toBe(209);
    expect(reason).toBe(`[A]${'a'.repeat(85)}${CUT_MARK}[B]${'b'.repeat(85)}${CUT_MARK}[C]${'c'.repeat(20)}`);
  });

  test('never cuts a fixed part', () => {
    const reason = fitReason([fixed('CodeDeploy deployment d-FAILED001 Failed with HEALTH_CONSTRAINTS'), trimmable(': a long message')], 64);

    expect(reason).toBe('CodeDeploy deployment d-FAILED001 Failed with HEALTH_CONSTRAINTS');
  });

  test('counts JSON escapes and UTF-8 bytes, and never splits a character', () => {
    const reason = fitReason([fixed('X'), tail('\n"é✓😀'.repeat(50))], 40);

    expect(jsonBytes(reason)).toBeLessThanOrEqual(40);
    expect(reason.startsWith(`X${CUT_MARK}`)).toBe(true);
    expect(reason.endsWith('\n"é✓😀')).toBe(true);
    expect(Buffer.from(reason, 'utf8').toString('utf8')).toBe(reason);
  });

  test('as a last resort (fixed parts alone too long) keeps the beginning', () => {
    expect(fitReason([fixed('0123456789'), trimmable('tail')], 8)).toBe(`012${CUT_MARK}`);
  });
});

describe('cut', () => {
  test.each([
    ['start', 'abcdefghij', 8, `abc${CUT_MARK}`],
    ['end', 'abcdefghij', 8, `${CUT_MARK}hij`],
    ['start', 'abc', 3, 'abc'],
    ['start', 'abcdef', 4, ''],
  ] as const)('keep %s of %s in %d bytes', (keep, text, max, expected) => {
    expect(cut(text, max, keep)).toBe(expected);
  });
});

test.each([
  [1800, '30 minutes'],
  [60, '1 minute'],
  [45, '45 seconds'],
  [1, '1 second'],
  [150, '2 minutes 30 seconds'],
  [61, '1 minute 1 second'],
])('formatDuration(%d) is %s', (seconds, expected) => {
  expect(formatDuration(seconds)).toBe(expected);
});
