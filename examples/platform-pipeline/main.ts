import { App } from 'aws-cdk-lib';
import { PlatformPipelineStack } from './stack';

const app = new App();
// The pipeline lives in the test account's us-east-1, next to the source connection.
new PlatformPipelineStack(app, 'PlatformPipeline', { env: { account: '111111111111', region: 'us-east-1' } });
app.synth();
