import { App } from 'aws-cdk-lib';
import { LambdaCanaryStack } from './stack';

const app = new App();
new LambdaCanaryStack(app, 'LambdaCanaryExample');
app.synth();
