import type { EmulatedService } from './service';
import { ServiceError } from './service';

/** Auto Scaling groups, as the deployer deletes the copies blue/green deployments made. */
export class AutoScalingWorld implements EmulatedService {
  public readonly name = 'autoscaling' as const;
  public readonly protocol = 'query' as const;
  public readonly signingName = 'autoscaling';
  public readonly endpointVariable = 'AWS_ENDPOINT_URL_AUTO_SCALING';
  public readonly operations = ['DeleteAutoScalingGroup'];
  /** Groups that exist; DeleteAutoScalingGroup of any other says it is not found. */
  public readonly groups = new Set<string>();
  public readonly deleted: string[] = [];

  public handle(operation: string, input: Record<string, any>): Record<string, unknown> {
    if (operation !== 'DeleteAutoScalingGroup') throw new ServiceError('UnknownOperationException', `${operation} is not emulated`);
    const group = String(input.AutoScalingGroupName);
    if (!this.groups.delete(group)) throw new ServiceError('ValidationError', `AutoScalingGroup name not found - AutoScalingGroup '${group}' not found`);
    this.deleted.push(group);
    return {};
  }
}
