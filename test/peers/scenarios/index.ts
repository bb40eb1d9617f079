import { AWS_CDK_CONFIGS } from './aws-cdk-configs';
import { AWS_CDK_LAMBDA } from './aws-cdk-lambda';
import { AWS_CDK_SERVER } from './aws-cdk-server';
import { SAM } from './sam';
import { PeerScenario } from '../support/scenario';

/** Every peer scenario, in the order of docs/peer-scenarios.md. */
export const PEER_SCENARIOS: PeerScenario[] = [
  ...AWS_CDK_LAMBDA,
  ...AWS_CDK_CONFIGS,
  ...AWS_CDK_SERVER,
  ...SAM,
];
