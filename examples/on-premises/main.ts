import { App } from 'aws-cdk-lib';
import { OnPremisesStack } from './stack';

const app = new App();
new OnPremisesStack(app, 'OnPremisesExample');
app.synth();
