"""Writes test/lifecycle/support/resource-schemas.json: per resource type the lifecycle model meets,
which properties a change of requires replacement (the registry schema's `createOnlyProperties`)
and what identifies a resource (`primaryIdentifier`), from CloudFormation's resource provider
schemas as cfn-lint ships them for us-east-1.

Why: CloudFormation replaces a resource when a create-only property changes ("Update requires:
Replacement" in the template reference) and cannot create a replacement whose identifier is taken
by the resource it replaces. The lifecycle model decides replacements from this data.

Usage (run by hand when the model meets a new resource type; needs `pip install cfn-lint`):
    python3 build-tools/extract-resource-schemas.py
"""
import json
import os
import sys

from cfnlint.schema import PROVIDER_SCHEMA_MANAGER
import cfnlint.version

TYPES = sorted(set(sys.argv[1:]) or {
    'AWS::AutoScaling::AutoScalingGroup', 'AWS::AutoScaling::LaunchConfiguration', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Dashboard',
    'AWS::CodeBuild::Project', 'AWS::CodeDeploy::Application', 'AWS::CodeDeploy::DeploymentConfig',
    'AWS::CodeDeploy::DeploymentGroup', 'AWS::CodePipeline::Pipeline', 'AWS::EC2::EIP', 'AWS::EC2::FlowLog',
    'AWS::EC2::InternetGateway', 'AWS::EC2::LaunchTemplate', 'AWS::EC2::NatGateway', 'AWS::EC2::Route',
    'AWS::EC2::RouteTable', 'AWS::EC2::SecurityGroup', 'AWS::EC2::SecurityGroupEgress', 'AWS::EC2::SecurityGroupIngress',
    'AWS::EC2::Subnet', 'AWS::EC2::SubnetRouteTableAssociation', 'AWS::EC2::VPC', 'AWS::EC2::VPCEndpoint',
    'AWS::EC2::VPCGatewayAttachment', 'AWS::ElasticLoadBalancing::LoadBalancer', 'AWS::ElasticLoadBalancingV2::Listener',
    'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::IAM::InstanceProfile',
    'AWS::IAM::ManagedPolicy', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::KMS::Alias', 'AWS::KMS::Key',
    'AWS::Lambda::Alias', 'AWS::Lambda::Function', 'AWS::Lambda::Permission', 'AWS::Lambda::Url', 'AWS::Lambda::Version',
    'AWS::Logs::LogGroup', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'AWS::SNS::Topic', 'AWS::SNS::TopicPolicy',
    'AWS::SSM::Association', 'AWS::SSM::Parameter',
})


def main():
    types = {}
    for name in TYPES:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema('us-east-1', name).schema
        types[name] = {
            'createOnlyProperties': sorted(schema.get('createOnlyProperties', [])),
            'primaryIdentifier': schema.get('primaryIdentifier', []),
            'readOnlyProperties': sorted(schema.get('readOnlyProperties', [])),
        }
    target = os.path.join(os.path.dirname(__file__), '..', 'test', 'lifecycle', 'support', 'resource-schemas.json')
    with open(target, 'w') as out:
        json.dump({'source': f'cfn-lint {cfnlint.version.__version__} provider schemas (us-east-1)', 'types': types}, out, indent=1, sort_keys=True)
        out.write('\n')
    print(f'wrote {target}: {len(types)} types from cfn-lint {cfnlint.version.__version__}')


if __name__ == '__main__':
    main()
