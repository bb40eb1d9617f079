import { loadApi } from '../api-model';
import { ServiceError } from '../codedeploy-world';
import type { RolloutWorld } from '../rollout-world';
import type { ServiceModule } from '../service-module';

/**
 * CloudWatch Logs (AWS JSON 1.1): FilterLogEvents with the filter pattern the command sends, a
 * quoted term, which matches events whose message contains it (User Guide, "Filter pattern syntax":
 * a term in double quotes matches exactly that text).
 */
export function logsModule(world: RolloutWorld): ServiceModule {
  return {
    name: 'logs',
    signingName: 'logs',
    endpointVariable: 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
    api: loadApi('logs'),
    protocol: { kind: 'json', version: '1.1', targetPrefix: 'Logs_20140328' },
    handle(operation, input) {
      if (operation !== 'FilterLogEvents') throw new ServiceError('UnknownOperationException', `${operation} is not emulated`);
      const events = world.logs.get(input.logGroupName);
      if (!events) throw new ServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
      const term = /^"(.*)"$/.exec(String(input.filterPattern ?? ''))?.[1];
      if (input.filterPattern !== undefined && term === undefined) throw new ServiceError('InvalidParameterException', `the emulator reads quoted terms only, got ${input.filterPattern}`);
      const matching = events.filter((event) => (input.startTime === undefined || event.timestamp >= input.startTime)
        && (input.endTime === undefined || event.timestamp <= input.endTime) && (term === undefined || event.message.includes(term)));
      return {
        events: matching.map((event, i) => ({
          logStreamName: '2026/01/01/[$LATEST]e2e', timestamp: event.timestamp, message: event.message, ingestionTime: event.timestamp, eventId: `e2e-${i}`,
        })),
      };
    },
  };
}
