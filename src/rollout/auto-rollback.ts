import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { Rollback } from '../health/rollback';

/** A `Rollback` as a CloudFormation deployment group's AutoRollbackConfiguration (aws-cdk-lib's L2 takes `Rollback.toAutoRollbackConfig()`). */
export function autoRollbackConfiguration(rollback: Rollback): codedeploy.CfnDeploymentGroup.AutoRollbackConfigurationProperty {
  const events = [
    ...(rollback.failure ? ['DEPLOYMENT_FAILURE'] : []),
    ...(rollback.stop ? ['DEPLOYMENT_STOP_ON_REQUEST'] : []),
    ...(rollback.alarm ? ['DEPLOYMENT_STOP_ON_ALARM'] : []),
  ];
  return events.length > 0 ? { enabled: true, events } : { enabled: false };
}
