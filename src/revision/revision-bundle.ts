import * as fs from 'fs';
import * as path from 'path';
import { AssetHashType, DockerImage, Token } from 'aws-cdk-lib';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { AppSpec, AppSpecOs } from './app-spec';
import { Problems } from '../private/validation';

/**
 * Where the CodeDeploy agent reads the AppSpec file of an EC2/on-premises revision: appspec.yml at
 * the root of the revision (CodeDeploy user guide, "Add an application specification file to a
 * revision for CodeDeploy",
 * https://docs.aws.amazon.com/codedeploy/latest/userguide/application-revisions-appspec-file.html).
 */
const APPSPEC_FILE_NAME = 'appspec.yml';

/**
 * Checks, when the revision is declared, that a folder can become a revision: it exists, holds
 * exactly one AppSpec (its own or the one given), and holds every script and file the AppSpec
 * given names.
 */
export function checkRevisionFolder(directory: string, appSpec?: AppSpec): void {
  const problems = new Problems('Revision.fromAsset');
  if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    problems.add(`directory must be an existing folder, got ${directory}`);
    problems.throwIfAny();
  }
  const hasOwn = fs.existsSync(path.join(directory, APPSPEC_FILE_NAME));
  if (!appSpec && !hasOwn) {
    problems.add(`${directory} holds no ${APPSPEC_FILE_NAME} at its root: add one, or pass appSpec: AppSpec.server({ ... })`);
  }
  if (appSpec && hasOwn) {
    problems.add(`${directory} holds its own ${APPSPEC_FILE_NAME} and appSpec was given: keep one of them`);
  }
  if (appSpec && Token.isUnresolved(appSpec.toYaml())) {
    problems.add('appSpec must hold no token (e.g. a parameter or another resource\'s attribute): it is written into the bundle at synth');
  }
  // AppSpec paths on Windows may use backslashes; the folder is checked on the machine that synthesizes.
  const onDisk = (location: string): string => (appSpec?.os === AppSpecOs.WINDOWS ? location.replace(/\\/g, '/') : location);
  for (const [kind, locations] of [['hook script', appSpec?.scriptLocations ?? []], ['file source', appSpec?.fileSources ?? []]] as const) {
    // A file source of / (or \ on Windows) is the whole revision.
    for (const location of locations.filter((l) => onDisk(l) !== '/' && !Token.isUnresolved(l) && !fs.existsSync(path.join(directory, onDisk(l))))) {
      problems.add(`the appSpec's ${kind} ${location} is not in ${directory}`);
    }
  }
  problems.throwIfAny();
}

/** What a bundle holds, as text: its folder's absolute path and the AppSpec written into it. */
export function bundleSource(directory: string, appSpec?: AppSpec): string {
  return JSON.stringify([path.resolve(directory), appSpec?.toYaml() ?? null]);
}

/** Props of `RevisionBundle`. */
interface RevisionBundleProps {
  readonly directory: string;
  readonly appSpec?: AppSpec;
}

/**
 * A folder as a zipped CDK file asset, with the AppSpec given written at its root. The asset's
 * hash is its content's, AppSpec included, so a changed AppSpec is a new revision.
 */
export class RevisionBundle extends Construct {
  public readonly asset: s3assets.Asset;
  /** What the bundle holds: its folder and AppSpec (`bundleSource`). */
  public readonly source: string;

  constructor(scope: Construct, id: string, props: RevisionBundleProps) {
    super(scope, id);
    this.source = bundleSource(props.directory, props.appSpec);
    const appSpec = props.appSpec;
    this.asset = new s3assets.Asset(this, 'Asset', {
      path: props.directory,
      ...(appSpec ? {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Bundling always succeeds locally (a copy and one file), so no container is ever run;
          // the CDK still asks for an image.
          image: DockerImage.fromRegistry('scratch'),
          local: {
            tryBundle(outputDir: string): boolean {
              fs.cpSync(props.directory, outputDir, { recursive: true });
              fs.writeFileSync(path.join(outputDir, APPSPEC_FILE_NAME), appSpec.toYaml());
              return true;
            },
          },
        },
      } : {}),
    });
  }
}
