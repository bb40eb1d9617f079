/**
 * Builds every scenario's two sides, synthesizes them (several scenarios per app: one app for the
 * aws-cdk-lib sides, one checked app for the library's; an app of its own only where a side may be
 * refused at synth), and judges what CodeDeploy sees.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { judge, ScenarioResult, SideView } from './compare';
import { PeerScenario } from './scenario';
import { TemplateView, viewOf } from './view';
import { checkedApp, checkedSynth, Finding } from '../../support/checked-synth';
import { ConditionFinding, conditionFindings } from '../../support/template-conditions';

type Json = any;

export interface ScenarioRun {
  readonly scenario: PeerScenario;
  readonly peer: SideView;
  readonly library: SideView;
  readonly result: ScenarioResult;
  /** The library's template, when it was not refused. */
  readonly libraryTemplate?: Json;
  /** Findings of CloudFormation's validator and of cdk-nag on what the library created. */
  readonly libraryFindings: Finding[];
  /** References to resources that a value of the template's conditions does not create. */
  readonly conditionFindings: ConditionFinding[];
}

/** Resource types the library or a peer generates for CodeDeploy: never the user's, whatever scope they are in. */
const GENERATED = new Set(['AWS::Lambda::Version', 'AWS::Lambda::Alias', 'AWS::CodeDeploy::DeploymentGroup', 'AWS::CodeDeploy::DeploymentConfig',
  'AWS::CodeDeploy::Application']);

interface Built {
  readonly stack: Stack;
  readonly userRoots: Set<IConstruct>;
  readonly refused?: string;
}

/** Builds one side in `stack`; records the user's root constructs; a refusal at construction is kept as the side's answer. */
function build(stack: Stack, scenario: PeerScenario, side: (stack: Stack, user: any) => void): Built {
  try {
    const before = new Set(stack.node.children);
    const user = scenario.user?.(stack);
    const userRoots = new Set(stack.node.children.filter((child) => !before.has(child)));
    side(stack, user);
    return { stack, userRoots };
  } catch (e) {
    return { stack, userRoots: new Set(), refused: (e as Error).message };
  }
}

/** The user's resources by logical id, named by their path below the stack (without `/Resource`). */
function userIds(built: Built): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const root of built.userRoots) {
    for (const resource of root.node.findAll().filter(CfnResource.isCfnResource)) {
      if (!GENERATED.has(resource.cfnResourceType)) {
        const path = resource.node.path.slice(built.stack.node.path.length + 1).replace(/\/Resource$/, '');
        ids[built.stack.resolve(resource.logicalId)] = path;
      }
    }
  }
  return ids;
}

function samSide(name: string): { view: Promise<SideView>; template?: Json } {
  const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'sam', 'outputs', `${name}.json`), 'utf8'));
  if (fixture.error) {
    return { view: Promise.resolve({ refused: fixture.error }) };
  }
  const ids = Object.fromEntries((fixture.declared as string[]).map((id) => [id, id]));
  return { view: viewOf(fixture.template, ids), template: fixture.template };
}

/** Synthesizes a side built in an app of its own, and returns its template or the refusal. */
function synthAlone(app: App, built: Built, checked: boolean): { template?: Json; refused?: string; findings: Finding[] } {
  if (built.refused) {
    return { refused: built.refused, findings: [] };
  }
  try {
    if (checked) {
      const result = checkedSynth(app);
      return { template: result.template(built.stack).toJSON(), findings: libraryFindings(result, built) };
    }
    return { template: app.synth().getStackByName(built.stack.stackName).template, findings: [] };
  } catch (e) {
    return { refused: (e as Error).message, findings: [] };
  }
}

/**
 * Resource types of what a scenario's own code creates beside the library's constructs (an alarm of
 * its own on the rollout's alias, a topic, a role it passes in): the user's, not the library's.
 */
const USER_TYPES = new Set(['AWS::CloudWatch::Alarm', 'AWS::SNS::Topic', 'AWS::IAM::Role', 'AWS::Lambda::Function', 'AWS::AutoScaling::AutoScalingGroup',
  'AWS::EC2::VPC', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::ElasticLoadBalancing::LoadBalancer']);

/** Findings of the validator on the stack, and of cdk-nag on what the library (not the user) created in it. */
function libraryFindings(result: ReturnType<typeof checkedSynth>, built: Built): Finding[] {
  const prefix = `${built.stack.node.path}/`;
  const userRoots = [...built.userRoots, ...built.stack.node.children.filter((child) => {
    const resource = child.node.defaultChild ?? child;
    return CfnResource.isCfnResource(resource) && USER_TYPES.has(resource.cfnResourceType);
  })];
  const userPaths = userRoots.map((root) => root.node.path);
  const inStack = (f: Finding) => f.where.startsWith(prefix);
  const byUser = (f: Finding) => userPaths.some((path) => f.where === path || f.where.startsWith(`${path}/`));
  return [
    ...result.templateFindings.filter(inStack),
    ...result.nagFindings.filter((f) => inStack(f) && !byUser(f)),
  ];
}

export async function runScenarios(scenarios: PeerScenario[]): Promise<ScenarioRun[]> {
  const shared = scenarios.filter((s) => !s.mayRefuse);
  // The aws-cdk-lib sides: their validator findings are the peer's business, so it does not run.
  const peerApp = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': false } });
  const libraryApp = checkedApp();
  const builds = new Map<PeerScenario, { peer?: Built; library: Built }>();
  for (const s of shared) {
    const peer = s.awsCdk ? build(new Stack(peerApp, `Peer-${s.id}`, { env: s.env }), s, s.awsCdk) : undefined;
    const library = build(new Stack(libraryApp, `Library-${s.id}`, { env: s.env }), s, s.library);
    for (const side of [peer, library]) {
      if (side?.refused) {
        throw new Error(`peer scenario ${s.id} is refused at construction but not marked mayRefuse: ${side.refused}`);
      }
    }
    builds.set(s, { peer, library });
  }
  const peerAssembly = peerApp.synth();
  const libraryResult = checkedSynth(libraryApp);

  const runs: ScenarioRun[] = [];
  for (const s of scenarios) {
    let peerView: Promise<SideView>;
    let libraryTemplate: Json | undefined;
    let libraryRefused: string | undefined;
    let findings: Finding[] = [];
    let libraryIds: Record<string, string> = {};
    if (!s.mayRefuse) {
      const { peer, library } = builds.get(s)!;
      peerView = peer
        ? viewOf(peerAssembly.getStackByName(peer.stack.stackName).template, userIds(peer), peer.stack.stackName)
        : samSide(s.sam!).view;
      libraryTemplate = libraryResult.template(library.stack).toJSON();
      findings = libraryFindings(libraryResult, library);
      libraryIds = userIds(library);
    } else {
      if (s.awsCdk) {
        const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': false } });
        const peer = build(new Stack(app, `Peer-${s.id}`, { env: s.env }), s, s.awsCdk);
        const alone = synthAlone(app, peer, false);
        peerView = alone.template ? viewOf(alone.template, userIds(peer), peer.stack.stackName) : Promise.resolve({ refused: alone.refused! });
      } else {
        peerView = samSide(s.sam!).view;
      }
      const app = checkedApp();
      const library = build(new Stack(app, `Library-${s.id}`, { env: s.env }), s, s.library);
      const alone = synthAlone(app, library, true);
      libraryTemplate = alone.template;
      libraryRefused = alone.refused;
      findings = alone.findings;
      libraryIds = userIds(library);
    }
    const libraryView: SideView = libraryTemplate ? await viewOf(libraryTemplate, libraryIds, `Library-${s.id}`) : { refused: libraryRefused! };
    const peer = await peerView;
    runs.push({
      scenario: s,
      peer,
      library: libraryView,
      result: judge(peer, libraryView, s.differences),
      libraryTemplate,
      libraryFindings: findings,
      conditionFindings: libraryTemplate ? conditionFindings(libraryTemplate) : [],
    });
  }
  return runs;
}

/** Whether a side was refused. */
export function isRefused(view: SideView): view is { refused: string } {
  return 'refused' in view;
}

export type { TemplateView };
