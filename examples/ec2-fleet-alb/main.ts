import { App } from 'aws-cdk-lib';
import { Ec2FleetAlbStack } from './stack';

const app = new App();
new Ec2FleetAlbStack(app, 'Ec2FleetAlbExample');
app.synth();
