import { readFileSync, statSync } from 'fs';
import { join } from 'path';
import { gzipSync } from 'zlib';
import { MAX_GZIP_BYTES } from '../../bench/cli';
import { parseArguments } from '../../src/cli/arguments';
import { trafficSchedule, minimumHealthy } from '../../src/cli/deployment-config';
import { bar, duration, percent, points, rate } from '../../src/cli/format';
import { frame, truncate } from '../../src/cli/render-terminal';

const ROOT = join(__dirname, '..', '..');

describe('the command line', () => {
  test('watch: stacks once each, the output mode, the interval and the wait, the SDK\'s profile and Region', () => {
    expect(parseArguments(['watch', '--stack', 'A', '--stack', 'B', '--stack', 'A', '--json', '--interval', '10', '--wait-start', '60', '--profile', 'ops', '--region', 'eu-west-1']))
      .toEqual({ command: 'watch', stacks: ['A', 'B'], output: 'json', intervalSeconds: 10, waitStartSeconds: 60, profile: 'ops', region: 'eu-west-1' });
    expect(parseArguments(['watch', '--stack', 'A'])).toEqual({
      command: 'watch', stacks: ['A'], output: 'auto', intervalSeconds: 5, waitStartSeconds: 0, profile: undefined, region: undefined,
    });
  });

  test('stop and promote: one stack, one rollout; stop rolls back unless --no-rollback', () => {
    expect(parseArguments(['stop', '--stack', 'A', 'Api'])).toEqual({ command: 'stop', stack: 'A', rollout: 'Api', rollback: true, json: false, profile: undefined, region: undefined });
    expect(parseArguments(['stop', '--stack', 'A', 'Api', '--no-rollback', '--json'])).toMatchObject({ rollback: false, json: true });
    expect(parseArguments(['promote', '--stack', 'A', 'Web/Fleet'])).toMatchObject({ command: 'promote', rollout: 'Web/Fleet' });
    expect(parseArguments(['policy', '--read-only'])).toEqual({ command: 'policy', readOnly: true });
    expect(parseArguments([])).toEqual({ command: 'help', topic: undefined });
    expect(parseArguments(['--version'])).toEqual({ command: 'version' });
  });

  test.each([
    [['watch'], 'watch needs at least one --stack NAME'],
    [['watch', '--stack', 'A', '--json', '--plain'], 'give --json or --plain, not both'],
    [['watch', '--stack', 'A', '--interval', '61'], '--interval must be a number of seconds from 2 to 60, got \'61\''],
    [['watch', '--stack', 'A', '--wait-start', 'soon'], '--wait-start must be a number of seconds from 0 to 3600, got \'soon\''],
    [['watch', '--stack', 'A', 'Api'], 'watch takes no arguments besides options, got Api'],
    [['watch', '--stack', 'A', '--no-rollback'], 'watch takes no --no-rollback'],
    [['stop', '--stack', 'A', '--stack', 'B', 'Api'], 'stop needs exactly one --stack NAME, got 2'],
    [['promote', '--stack', 'A', 'Api', 'Web'], 'promote needs one ROLLOUT (its construct path or deployment group name), got 2'],
    [['promote', '--stack', 'A', 'Api', '--no-rollback'], 'promote takes no --no-rollback'],
    [['policy', '--region', 'eu-west-1'], 'policy takes no --profile or --region: it calls no AWS API'],
    [['watch', '--stacks', 'A'], 'Unknown option \'--stacks\''],
    [['deploy'], 'unknown command \'deploy\''],
  ])('%j: %s', (argv, message) => {
    expect(() => parseArguments(argv)).toThrow(message);
  });
});

describe('deployment configs', () => {
  test.each([
    [{ type: 'TimeBasedCanary', timeBasedCanary: { canaryPercentage: 10, canaryInterval: 5 } }, 'canary 10%, then 100% after 5 min', [0.1, 1], 5],
    [{ type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 25, linearInterval: 1 } }, 'linear 25% every 1 min', [0.25, 0.5, 0.75, 1], 1],
    [{ type: 'TimeBasedLinear', timeBasedLinear: { linearPercentage: 30, linearInterval: 2 } }, 'linear 30% every 2 min', [0.3, 0.6, 0.9, 1], 2],
    [{ type: 'AllAtOnce' }, 'all at once', [1], 0],
  ])('traffic: %j', (trafficRoutingConfig, description, shares, intervalMinutes) => {
    expect(trafficSchedule({ trafficRoutingConfig } as never)).toEqual({ description, shares, intervalMinutes });
  });

  test.each([
    [{ type: 'HOST_COUNT', value: 2 }, 10, { count: 2, description: '2 hosts' }],
    [{ type: 'FLEET_PERCENT', value: 75 }, 10, { count: 8, description: '75% of the fleet' }],
    [{ type: 'MOST_CONCURRENCY', value: 1 }, 10, { count: 9, description: 'all but one' }],
  ])('healthy hosts: %j of %d', (minimumHealthyHosts, total, expected) => {
    expect(minimumHealthy({ minimumHealthyHosts } as never, total)).toEqual(expected);
  });
});

describe('formats', () => {
  test('durations, shares, rates, differences and bars', () => {
    expect([duration(-5), duration(45_400), duration(245_000), duration(3_720_000)]).toEqual(['0s', '45s', '4m05s', '1h02m']);
    expect([percent(0.1), percent(0.025), percent(1)]).toEqual(['10%', '2.5%', '100%']);
    expect([rate(9, 120), rate(0, 0), rate(1.5, 3)]).toEqual(['9/120 (7.5%)', '0/0', '1.50/3 (50%)']);
    expect([points(0.073), points(-0.009)]).toEqual(['+7.3 pp', '-0.9 pp']);
    expect([bar(0.25, 8, false), bar(0.25, 8, true), bar(2, 4, false)]).toEqual(['[##......]', '██░░░░░░', '[####]']);
  });

  test('a terminal line is cut to the width, keeping its colours and never wrapping', () => {
    const red = '\u001b[31mStopped\u001b[0m';
    expect(truncate(`d-1 ${red} and more text`, 12)).toBe('d-1 \u001b[31mStopped\u001b[0m…\u001b[0m');
    expect(truncate('short', 12)).toBe('short');
  });

  test('a frame with nothing deploying yet', () => {
    const paint = { red: (t: string) => t, green: (t: string) => t, yellow: (t: string) => t, dim: (t: string) => t, bold: (t: string) => t };
    expect(frame({
      time: Date.UTC(2026, 0, 1, 12, 0, 5),
      stacks: [{ name: 'Shop', status: 'UPDATE_IN_PROGRESS' }],
      notes: [],
      rollouts: [{ rollout: { stackName: 'Shop', path: 'Api', label: 'Shop/Api', kind: 'lambda', applicationName: 'a', deploymentGroupName: 'g', blueGreen: false }, deployments: [], alarms: [] }],
    }, paint)).toEqual(['cdk-rollouts watch  12:00:05Z  Shop UPDATE_IN_PROGRESS', 'Shop/Api', '  no deployment yet']);
  });
});

describe('the shipped bundle', () => {
  const bundle = join(ROOT, 'assets', 'cli', 'cdk-rollouts', 'cdk-rollouts.js');

  test('package.json\'s bin runs it with node; it is executable', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ 'cdk-rollouts': 'assets/cli/cdk-rollouts/cdk-rollouts.js' });
    expect(readFileSync(bundle, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    // Executable by its owner, group and others (the bits of mode 0o111).
    expect((statSync(bundle).mode % 0o1000).toString(8)).toMatch(/^[1357][1357][1357]$/);
  });

  test(`adds at most ${MAX_GZIP_BYTES / 1024} KB to the gzipped tarball, and requires nothing outside Node.js`, () => {
    const source = readFileSync(bundle);
    expect(gzipSync(source, { level: 9 }).length).toBeLessThanOrEqual(MAX_GZIP_BYTES);
    const required = [...new Set([...source.toString('utf8').matchAll(/require\("([^".][^"]*)"\)/g)].map((m) => m[1]))].sort();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const builtins: string[] = require('module').builtinModules;
    // The SDK names @aws-sdk/signature-v4-crt in an error message about SigV4a (which none of these services uses), not in a require.
    expect(required.filter((name) => !builtins.includes(name.replace(/^node:/, '')))).toEqual(['@aws-sdk/signature-v4-crt']);
  });
});
