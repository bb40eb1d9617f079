import { App } from 'aws-cdk-lib';
import { Ec2FleetAlbStack } from './stack';

const app = new App();
// `cdk deploy -c governed=true`: every resource the library creates passes AWS Control Tower's proactive controls.
new Ec2FleetAlbStack(app, 'Ec2FleetAlbExample', { governed: app.node.tryGetContext('governed') === 'true' });
app.synth();
