/**
 * Draws docs/watch-dashboard.svg: the dashboard a `RolloutDashboard` creates, laid out from its
 * synthesized body (every widget where the body puts it on CloudWatch's 24-unit grid, with the title,
 * SEARCH expressions and alarms the body names), its graphs drawn with Vega-Lite over illustrative
 * data: a 10 % canary of version 8 against version 7 that shifts to 100 % after five minutes. The
 * picture shows what the body asks CloudWatch for; the numbers are made up and say so.
 *
 * Usage: npx projen docs:dashboard
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { App, Duration, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2, aws_lambda as lambda } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import { HealthCheck, LambdaRollout, RolloutDashboard, ServerRollout, TrafficShift } from '../src';
import { AppWorld } from '../test/iam/template-world';

const UNIT_X = 52;
const UNIT_Y = 34;
const MINUTES = 20;
/** The canary's new version starts at minute 6 with 10 % and takes everything at minute 11. */
const SHIFT_START = 6;
const SHIFT_FULL = 11;

interface Widget { type: string; x: number; y: number; width: number; height: number; properties: Record<string, any> }

function synthesizedBody(): Widget[] {
  const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': false } });
  const stack = new Stack(app, 'Shop', { env: { account: '111111111111', region: 'eu-west-1' } });
  const fn = new lambda.Function(stack, 'CheckoutFunction', {
    functionName: 'checkout', runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
  new LambdaRollout(stack, 'Checkout', { function: fn, trafficShift: TrafficShift.canary({ percentage: 10, interval: Duration.minutes(5) }) });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'app', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const group = new autoscaling.AutoScalingGroup(stack, 'Fleet', { vpc, instanceType: new ec2.InstanceType('t3.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023() });
  const targets = new elbv2.ApplicationTargetGroup(stack, 'WebTargets', { vpc, port: 80, targets: [group], targetGroupName: 'web' });
  new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc }).addListener('Http', { port: 80, defaultTargetGroups: [targets] });
  new ServerRollout(stack, 'Web', { autoScalingGroups: [group], loadBalancers: [codedeploy.LoadBalancer.application(targets)], healthChecks: [HealthCheck.targetGroup5xx(targets)] });
  new RolloutDashboard(stack, 'Dashboard');
  const template = app.synth().getStackByName('Shop').template;
  const world = new AppWorld([{ stackName: 'Shop', template, account: '111111111111', region: 'eu-west-1' }]);
  const dashboard = Object.values(template.Resources as Record<string, any>).find((r) => r.Type === 'AWS::CloudWatch::Dashboard');
  return (JSON.parse(world.stacks[0].resolve(dashboard.Properties.DashboardBody)) as { widgets: Widget[] }).widgets;
}

/** Illustrative series per graph, by the metric the widget's SEARCH names. */
function series(widget: Widget): Array<{ minute: number; value: number; series: string }> {
  const expression = JSON.stringify(widget.properties.metrics ?? widget.properties.annotations);
  const minutes = Array.from({ length: MINUTES }, (_, i) => i);
  const share = (m: number) => (m < SHIFT_START ? 0 : m < SHIFT_FULL ? 0.1 : 1);
  const traffic = (m: number) => 600 + 40 * Math.sin(m / 3);
  const points: Array<{ minute: number; value: number; series: string }> = [];
  const push = (name: string, f: (m: number) => number | undefined) => minutes.forEach((m) => {
    const value = f(m);
    if (value !== undefined) points.push({ minute: m, value: Math.round(value * 100) / 100, series: name });
  });
  if (expression.includes('Invocations')) {
    push('version 7', (m) => (share(m) < 1 ? traffic(m) * (1 - share(m)) : undefined));
    push('version 8', (m) => (share(m) > 0 ? traffic(m) * share(m) : undefined));
  } else if (expression.includes('"Errors')) {
    push('version 7', (m) => (share(m) < 1 ? 2 + (m % 3) : undefined));
    push('version 8', (m) => (share(m) > 0 ? (share(m) < 1 ? m % 2 : 2 + (m % 2)) : undefined));
  } else if (expression.includes('Duration')) {
    push('version 7', (m) => (share(m) < 1 ? 180 + 10 * Math.cos(m) : undefined));
    push('version 8', (m) => (share(m) > 0 ? 150 + 8 * Math.sin(m) : undefined));
  } else if (expression.includes('HealthyHostCount')) {
    push('web', (m) => (m >= 8 && m < 14 ? 3 : 4));
  } else if (expression.includes('5XX')) {
    push('web', (m) => (m >= 8 && m < 14 ? 1 : 0));
  } else if (widget.properties.annotations?.alarms) {
    push('z-score (new vs old)', (m) => (share(m) > 0 && share(m) < 1 ? 0.4 + 0.3 * Math.sin(m) : 0));
    push('threshold', () => 4);
  }
  return points;
}

async function chart(widget: Widget, width: number, height: number): Promise<string> {
  const vl = await import('vega-lite');
  const vega = await import('vega');
  const values = series(widget);
  const spec = vl.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: width - 90,
    height: height - 90,
    data: { values: values as any[] },
    mark: { type: 'line', point: false },
    encoding: {
      x: { field: 'minute', type: 'quantitative', title: 'minutes (illustrative data)', scale: { domain: [0, MINUTES - 1] } },
      y: { field: 'value', type: 'quantitative', title: widget.properties.yAxis?.left?.label ?? '' },
      color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', direction: 'horizontal' } },
      strokeDash: { condition: { test: 'datum.series === \'threshold\'', value: [4, 4] }, value: [1, 0] },
    },
    config: { font: 'sans-serif', view: { stroke: null } },
  } as any).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  return view.toSVG();
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

async function main(): Promise<void> {
  const widgets = synthesizedBody();
  const bottom = Math.max(...widgets.map((w) => w.y + w.height));
  const parts: string[] = [];
  for (const widget of widgets) {
    const [x, y, width, height] = [widget.x * UNIT_X, widget.y * UNIT_Y + 40, widget.width * UNIT_X, widget.height * UNIT_Y];
    parts.push(`<rect x="${x + 3}" y="${y + 3}" width="${width - 6}" height="${height - 6}" rx="4" fill="#fff" stroke="#d5dbdb"/>`);
    if (widget.type === 'text') {
      const [heading, line] = String(widget.properties.markdown).replace(/^## /, '').split('\n');
      parts.push(`<text x="${x + 12}" y="${y + 22}" font-family="sans-serif" font-size="15" font-weight="bold">${escape(heading)}<tspan dx="12" font-weight="normal" fill="#545b64">${escape(line ?? '')}</tspan></text>`);
    } else if (widget.type === 'alarm') {
      parts.push(`<text x="${x + 12}" y="${y + 20}" font-family="sans-serif" font-size="13" font-weight="bold">${escape(widget.properties.title)}</text>`);
      (widget.properties.alarms as string[]).forEach((arn, i) => {
        const name = arn.split(':alarm:')[1];
        parts.push(`<rect x="${x + 12 + i * 330}" y="${y + 30}" width="320" height="22" rx="3" fill="#e9f7ec" stroke="#1d8102"/>`
          + `<text x="${x + 20 + i * 330}" y="${y + 45}" font-family="sans-serif" font-size="11" fill="#1d8102">OK  ${escape(name)}</text>`);
      });
    } else {
      parts.push(`<text x="${x + 12}" y="${y + 20}" font-family="sans-serif" font-size="13" font-weight="bold">${escape(widget.properties.title)}</text>`);
      const svg = await chart(widget, width - 10, height - 28);
      parts.push(svg.replace(/^<svg /, `<svg x="${x + 5}" y="${y + 26}" `));
    }
  }
  const width = 24 * UNIT_X;
  const height = bottom * UNIT_Y + 50;
  const picture = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`
    + `<rect width="${width}" height="${height}" fill="#f2f3f3"/>`
    + '<text x="10" y="26" font-family="sans-serif" font-size="16">RolloutDashboard of a stack with a Lambda rollout and a server rollout, laid out from its synthesized body (graphs: illustrative data)</text>'
    + `${parts.join('\n')}</svg>\n`;
  const target = join(__dirname, '..', 'docs', 'watch-dashboard.svg');
  writeFileSync(target, picture);
  console.log(`wrote ${target}: ${widgets.length} widgets`);
}

void main();
