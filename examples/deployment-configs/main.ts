import { App } from 'aws-cdk-lib';
import { DeploymentConfigsStack } from './stack';

const app = new App();
new DeploymentConfigsStack(app, 'DeploymentConfigsExample');
app.synth();
