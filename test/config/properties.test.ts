import { createHash } from 'crypto';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { CfnDeploymentConfig, IBaseDeploymentConfig } from 'aws-cdk-lib/aws-codedeploy';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { HealthyHosts, HealthyHostsPerZone, TrafficShift } from '../../src';
import { checkDeploymentConfigName, defaultDeploymentConfigName } from '../../src/config/deployment-config-name';
import { DEPLOYMENT_CONFIG_NAME, LAMBDA_TRAFFIC_SHIFT } from '../../src/private/codedeploy-limits';
import { Problems } from '../../src/private/validation';

/** Enough runs to explore each space, few enough that the whole file stays fast. */
const RUNS = { numRuns: 150 };

const PREDEFINED_PREFIX = 'CodeDeployDefault.';
const MAX_MINUTES = LAMBDA_TRAFFIC_SHIFT.interval.max;

/** What `bind` gave back: a predefined config (no resource in the stack) or the stack's custom one. */
type Bound = { readonly predefined: true; readonly name: string } | { readonly predefined: false; readonly resource: CfnDeploymentConfig };

function bindInNewStack(target: { bind(scope: Construct): IBaseDeploymentConfig }): Bound {
  const stack = new Stack(new App(), 'S');
  const config = target.bind(stack);
  // `isConstruct` narrows: keep `config` typed as the deployment config on both branches.
  const isConstruct: boolean = Construct.isConstruct(config);
  if (!isConstruct) {
    // A predefined config is a plain reference: it must not add anything to the stack.
    expect(stack.node.children).toHaveLength(0);
    return { predefined: true, name: config.deploymentConfigName };
  }
  const resource = config.node.defaultChild;
  expect(resource).toBeInstanceOf(CfnDeploymentConfig);
  return { predefined: false, resource: resource as CfnDeploymentConfig };
}

function expectCustom(bound: Bound): CfnDeploymentConfig {
  if (bound.predefined) {
    throw new Error(`expected a custom deployment config, got predefined ${bound.name}`);
  }
  return bound.resource;
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, but none was thrown');
}

// ---- Arbitraries ---------------------------------------------------------------------------------

const validPercentage = fc.oneof(fc.integer({ min: 1, max: 99 }), fc.constant(10));
/** Whole minutes, biased towards the predefined intervals and the bounds. */
const validMinutes = fc.oneof(
  fc.integer({ min: 1, max: MAX_MINUTES }),
  fc.constantFrom(1, 2, 3, 5, 10, 15, 30, MAX_MINUTES),
  fc.integer({ min: 1, max: 60 }),
);
/** The same whole number of minutes, expressed in several units. */
const wholeMinutesDuration = (minutes: number) => fc.constantFrom(
  Duration.minutes(minutes),
  Duration.seconds(minutes * 60),
  Duration.millis(minutes * 60_000),
);

const nonInteger = fc.double().filter((n) => !Number.isInteger(n));
const invalidPercentage = fc.oneof(
  fc.integer({ max: 0 }),
  fc.integer({ min: 100 }),
  nonInteger,
);
const invalidInterval = fc.oneof(
  fc.constant(Duration.minutes(0)),
  fc.integer({ min: MAX_MINUTES + 1, max: 10_000_000 }).map((m) => Duration.minutes(m)),
  // Whole seconds that are not whole minutes.
  fc.integer({ min: 1, max: 500_000 }).filter((s) => s % 60 !== 0).map((s) => Duration.seconds(s)),
  // Fractional minutes.
  fc.integer({ min: 0, max: 5_000 }).chain((m) => fc.integer({ min: 1, max: 59 }).map((part) => Duration.minutes(m + part / 60))),
  fc.integer({ min: 1, max: 300_000_000 }).filter((ms) => ms % 60_000 !== 0).map((ms) => Duration.millis(ms)),
);

/** Durations that are whole seconds (including 0), in several units. */
const wholeSecondsDuration = fc.oneof(
  fc.nat({ max: 10_000_000 }).map((s) => ({ seconds: s, duration: Duration.seconds(s) })),
  fc.nat({ max: 100_000 }).map((m) => ({ seconds: m * 60, duration: Duration.minutes(m) })),
  fc.nat({ max: 1_000 }).map((h) => ({ seconds: h * 3_600, duration: Duration.hours(h) })),
  fc.nat({ max: 10_000_000 }).map((s) => ({ seconds: s, duration: Duration.millis(s * 1_000) })),
);
const fractionalSecondsDuration = fc.oneof(
  fc.integer({ min: 1, max: 100_000_000 }).filter((ms) => ms % 1_000 !== 0).map((ms) => Duration.millis(ms)),
  fc.nat({ max: 100_000 }).map((s) => Duration.seconds(s + 0.5)),
);

const perZone = fc.option(fc.oneof(
  fc.nat({ max: 1_000 }).map((n) => HealthyHostsPerZone.count(n)),
  fc.integer({ min: 0, max: 99 }).map((p) => HealthyHostsPerZone.percentage(p)),
), { nil: undefined });

const stackName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,127}$/);
const shapeId = fc.stringMatching(/^[A-Za-z0-9-]{1,60}$/);
const ALLOWED = /^[A-Za-z0-9+=,.@_-]$/;

function nameFor(name: string, shape: string): string {
  return defaultDeploymentConfigName(new Stack(new App(), 'S', { stackName: name }), shape);
}

// ---- Properties ----------------------------------------------------------------------------------

describe('TrafficShift', () => {
  test('canary: every valid shape is accepted, and is predefined exactly for 10% at 5, 10, 15 or 30 minutes', () => {
    fc.assert(fc.property(validPercentage, validMinutes.chain((m) => wholeMinutesDuration(m).map((d) => [m, d] as const)),
      (percentage, [minutes, interval]) => {
        const bound = bindInNewStack(TrafficShift.canary({ percentage, interval }));
        const shouldBePredefined = percentage === 10 && [5, 10, 15, 30].includes(minutes);
        expect(bound.predefined).toBe(shouldBePredefined);
        if (bound.predefined) {
          expect(bound.name).toEqual(`${PREDEFINED_PREFIX}LambdaCanary10Percent${minutes}Minutes`);
        } else {
          expect(bound.resource.trafficRoutingConfig).toEqual({
            type: 'TimeBasedCanary',
            timeBasedCanary: { canaryPercentage: percentage, canaryInterval: minutes },
          });
        }
      }), RUNS);
  });

  test('linear: throws exactly when the whole shift is longer than 2880 minutes, else a TimeBasedLinear config', () => {
    fc.assert(fc.property(validPercentage, validMinutes, (percentage, minutes) => {
      const tooLong = (Math.ceil(100 / percentage) - 1) * minutes > 2880;
      const make = () => TrafficShift.linear({ percentage, interval: Duration.minutes(minutes) });
      if (tooLong) {
        expect(errorOf(make)).toContain('TrafficShift.linear: the shift must reach 100% within 2880 minutes of its first step');
        return;
      }
      const bound = bindInNewStack(make());
      const shouldBePredefined = percentage === 10 && [1, 2, 3, 10].includes(minutes);
      expect(bound.predefined).toBe(shouldBePredefined);
      if (!bound.predefined) {
        expect(bound.resource.trafficRoutingConfig).toEqual({
          type: 'TimeBasedLinear',
          timeBasedLinear: { linearPercentage: percentage, linearInterval: minutes },
        });
      }
    }), RUNS);
  });

  test('an invalid percentage always throws with its value in the message', () => {
    fc.assert(fc.property(invalidPercentage, validMinutes, fc.boolean(), (percentage, minutes, canary) => {
      const factory = canary ? TrafficShift.canary : TrafficShift.linear;
      expect(errorOf(() => factory({ percentage, interval: Duration.minutes(minutes) })))
        .toContain(`percentage must be an integer from 1 to 99, got ${percentage}`);
    }), RUNS);
  });

  test('an invalid interval always throws', () => {
    fc.assert(fc.property(validPercentage, invalidInterval, fc.boolean(), (percentage, interval, canary) => {
      const factory = canary ? TrafficShift.canary : TrafficShift.linear;
      expect(errorOf(() => factory({ percentage, interval })))
        .toContain('interval must be a whole number of minutes from 1 to 2880, got ');
    }), RUNS);
  });
});

describe('HealthyHosts', () => {
  /** CodeDeploy's count is a 32-bit integer. */
  const MAX_COUNT = 2_147_483_647;
  const validCount = fc.oneof(fc.nat(), fc.nat({ max: 10 }), fc.constant(MAX_COUNT));

  test('count: every integer from 0 to 2,147,483,647 is accepted', () => {
    fc.assert(fc.property(validCount, (n) => {
      expect(() => HealthyHosts.count(n)).not.toThrow();
    }), RUNS);
  });

  test('count: negative integers, larger ones and non-integers throw with the value in the message', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: MAX_COUNT + 1, max: Number.MAX_SAFE_INTEGER }), nonInteger), (n) => {
      expect(errorOf(() => HealthyHosts.count(n))).toContain(`HealthyHosts.count: count must be an integer from 0 to ${MAX_COUNT}, got ${n}`);
    }), RUNS);
  });

  test('percentage: 0 to 99 are accepted, anything else throws with the value in the message', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: 0, max: 99 }), fc.integer(), nonInteger), (p) => {
      if (Number.isInteger(p) && p >= 0 && p <= 99) {
        expect(() => HealthyHosts.percentage(p)).not.toThrow();
      } else {
        expect(errorOf(() => HealthyHosts.percentage(p))).toContain(`HealthyHosts.percentage: percentage must be an integer from 0 to 99, got ${p}`);
      }
    }), RUNS);
  });

  test('count(n) is predefined exactly when n is 0, else a HOST_COUNT config', () => {
    fc.assert(fc.property(validCount, (n) => {
      const bound = bindInNewStack(HealthyHosts.count(n));
      expect(bound.predefined).toBe(n === 0);
      if (bound.predefined) {
        expect(bound.name.startsWith(PREDEFINED_PREFIX)).toBe(true);
      } else {
        expect(bound.resource.minimumHealthyHosts).toEqual({ type: 'HOST_COUNT', value: n });
      }
    }), RUNS);
  });

  test('percentage(p) is predefined exactly when p is 0 or 50, else a FLEET_PERCENT config', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: 0, max: 99 }), fc.constantFrom(0, 50)), (p) => {
      const bound = bindInNewStack(HealthyHosts.percentage(p));
      expect(bound.predefined).toBe(p === 0 || p === 50);
      if (bound.predefined) {
        expect(bound.name.startsWith(PREDEFINED_PREFIX)).toBe(true);
      } else {
        expect(bound.resource.minimumHealthyHosts).toEqual({ type: 'FLEET_PERCENT', value: p });
      }
    }), RUNS);
  });

  test('zonal: whole seconds of at least 0 are accepted and reach the zonalConfig unchanged', () => {
    const optionalSeconds = fc.option(wholeSecondsDuration, { nil: undefined });
    fc.assert(fc.property(fc.integer({ min: 0, max: 99 }), optionalSeconds, optionalSeconds, perZone,
      (p, monitor, firstZone, zone) => {
        const threshold = HealthyHosts.percentage(p, {
          zonal: { monitorDuration: monitor?.duration, firstZoneMonitorDuration: firstZone?.duration, perZone: zone },
        });
        const resource = expectCustom(bindInNewStack(threshold));
        expect(resource.minimumHealthyHosts).toEqual({ type: 'FLEET_PERCENT', value: p });
        expect(resource.zonalConfig).toEqual({
          monitorDurationInSeconds: monitor?.seconds,
          firstZoneMonitorDurationInSeconds: firstZone?.seconds,
          minimumHealthyHostsPerZone: zone?._minimumHealthyHostsPerZone._json,
        });
      }), RUNS);
  });

  test('zonal: fractional seconds throw', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 99 }), fractionalSecondsDuration, fc.boolean(), (p, duration, first) => {
      const prop = first ? 'firstZoneMonitorDuration' : 'monitorDuration';
      expect(errorOf(() => HealthyHosts.percentage(p, { zonal: { [prop]: duration } })))
        .toContain(`zonal.${prop} must be a whole number of seconds of at least 0, got `);
    }), RUNS);
  });
});

describe('deployment config names', () => {
  test('a default name is valid, at most 100 characters and deterministic', () => {
    fc.assert(fc.property(stackName, shapeId, (name, shape) => {
      const configName = nameFor(name, shape);
      const problems = new Problems('x');
      checkDeploymentConfigName(problems, 'name', configName);
      expect(() => problems.throwIfAny()).not.toThrow();
      expect(configName.length).toBeLessThanOrEqual(DEPLOYMENT_CONFIG_NAME.maxLength);
      expect(configName.endsWith(`-${shape}`)).toBe(true);
      expect(nameFor(name, shape)).toEqual(configName);
    }), RUNS);
  });

  test('two different stack names get different default names for the same shape', () => {
    fc.assert(fc.property(stackName, stackName, shapeId, (a, b, shape) => {
      fc.pre(a !== b);
      expect(nameFor(a, shape)).not.toEqual(nameFor(b, shape));
    }), RUNS);
  });

  test('two different stack names get different default names, even when one looks like the truncated form of the other', () => {
    // A stack name whose default name is truncated becomes `<prefix>-<8 hex hash>-<shape>`; another
    // (valid, shorter) stack name can be exactly `<prefix>-<hash>`.
    const longStackName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{100,127}$/);
    fc.assert(fc.property(longStackName, shapeId, (long, shape) => {
      const hash = createHash('sha256').update(long).digest('hex').slice(0, 8);
      const room = DEPLOYMENT_CONFIG_NAME.maxLength - shape.length - hash.length - 2;
      const lookalike = `${long.slice(0, room)}-${hash}`;
      fc.pre(lookalike !== long);
      expect(nameFor(lookalike, shape)).not.toEqual(nameFor(long, shape));
    }), { numRuns: 20 });
  });

  test('any 1 to 100 allowed characters not starting with CodeDeployDefault. is a valid name', () => {
    const allowed = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,100}$/),
      fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{0,82}$/).map((rest) => `CodeDeployDefault${rest}`.slice(0, 100)),
    ).filter((name) => !name.startsWith(PREDEFINED_PREFIX));
    fc.assert(fc.property(allowed, (name) => {
      const problems = new Problems('x');
      checkDeploymentConfigName(problems, 'name', name);
      expect(() => problems.throwIfAny()).not.toThrow();
    }), RUNS);
  });

  test('a name with any character outside the allowed set is rejected', () => {
    const outside = fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }).filter((c) => !ALLOWED.test(c));
    const name = fc.tuple(fc.string({ maxLength: 50 }), outside, fc.string({ maxLength: 50 })).map(([pre, c, post]) => pre + c + post);
    fc.assert(fc.property(name, (n) => {
      const problems = new Problems('x');
      checkDeploymentConfigName(problems, 'name', n);
      expect(() => problems.throwIfAny()).toThrow(/x: name may contain only letters, digits and/);
    }), RUNS);
  });
});
