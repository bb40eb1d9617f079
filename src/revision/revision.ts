import { createHash } from 'crypto';
import { Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { AppSpec } from './app-spec';
import { bundleSource, checkRevisionFolder, RevisionBundle } from './revision-bundle';
import { S3_NAMES } from '../private/s3-limits';
import { Problems } from '../private/validation';

/** The archive format of a revision stored in Amazon S3 (CodeDeploy's `bundleType` for EC2/on-premises). */
export enum BundleType {
  /** A .zip archive. */
  ZIP = 'zip',
  /** A .tar archive. */
  TAR = 'tar',
  /** A gzip-compressed .tar archive. */
  TGZ = 'tgz',
}

/** Options for `Revision.fromAsset`. */
export interface AssetRevisionOptions {
  /**
   * The appspec.yml to write at the root of the bundle. The folder must then not hold one of its
   * own; every hook script and file source the AppSpec names must exist in the folder.
   *
   * @default - the folder's own appspec.yml, which must exist
   */
  readonly appSpec?: AppSpec;
}

/** Options for `Revision.fromBucket`. */
export interface BucketRevisionOptions {
  /**
   * The archive format of the object.
   *
   * @default BundleType.ZIP
   */
  readonly bundleType?: BundleType;

  /**
   * The object version to deploy (the bucket must be versioned).
   *
   * @default - the latest version when the deployment starts
   */
  readonly version?: string;

  /**
   * The object's ETag: CodeDeploy refuses to deploy the object if it does not match.
   *
   * @default - not checked
   */
  readonly eTag?: string;
}

/** Where a revision is, as a `RevisionDeployment` hands it to CodeDeploy. */
export interface RevisionLocation {
  /** The bucket of an Amazon S3 revision. @default - not an S3 revision */
  readonly bucket?: s3.IBucket;
  /** The object key of an Amazon S3 revision. @default - not an S3 revision */
  readonly key?: string;
  /** The archive format of an Amazon S3 revision. @default - not an S3 revision */
  readonly bundleType?: BundleType;
  /** The object version of an Amazon S3 revision. @default - the latest */
  readonly version?: string;
  /** The ETag an Amazon S3 revision must have. @default - not checked */
  readonly eTag?: string;
  /** The `owner/repository` of a GitHub revision. @default - not a GitHub revision */
  readonly gitHubRepository?: string;
  /** The commit of a GitHub revision. @default - not a GitHub revision */
  readonly gitHubCommitId?: string;
  /** The typed AppSpec written into the revision, if the library wrote it. @default - not known */
  readonly appSpec?: AppSpec;
}

/**
 * An application revision for EC2 and on-premises instances: an archive with an appspec.yml at
 * its root, its files and its lifecycle scripts.
 */
export abstract class Revision {
  /**
   * A local folder, zipped and uploaded as a CDK file asset when the app is deployed. The fleet's
   * instance roles can read that one object.
   *
   * @param directory the folder to deploy (its contents become the revision's root)
   */
  public static fromAsset(directory: string, options: AssetRevisionOptions = {}): Revision {
    checkRevisionFolder(directory, options.appSpec);
    return new AssetRevision(directory, options.appSpec);
  }

  /**
   * An archive already in Amazon S3. The fleet's instance roles can read that one object (every
   * version of it).
   */
  public static fromBucket(bucket: s3.IBucket, key: string, options: BucketRevisionOptions = {}): Revision {
    const problems = new Problems('Revision.fromBucket');
    if (!Token.isUnresolved(key) && (key.length === 0 || key.length > S3_NAMES.maxObjectKeyLength)) {
      problems.add(`key must have 1 to ${S3_NAMES.maxObjectKeyLength} characters, got ${key.length}`);
    }
    problems.throwIfAny();
    return new FixedRevision({
      bucket,
      key,
      bundleType: options.bundleType ?? BundleType.ZIP,
      version: options.version,
      eTag: options.eTag,
    });
  }

  /**
   * A commit of a GitHub repository. CodeDeploy fetches it with the GitHub connection of the
   * CodeDeploy application, which must be made once in the CodeDeploy console for private
   * repositories (CodeDeploy user guide, "Integrating CodeDeploy with GitHub").
   *
   * @param repository `owner/repository`
   * @param commitId the full 40-character SHA-1 of the commit
   */
  public static fromGitHub(repository: string, commitId: string): Revision {
    const problems = new Problems('Revision.fromGitHub');
    if (!Token.isUnresolved(repository) && !GITHUB_REPOSITORY.test(repository)) {
      problems.add(`repository must be owner/repository, got ${JSON.stringify(repository)}`);
    }
    if (!Token.isUnresolved(commitId) && !GIT_COMMIT.test(commitId)) {
      problems.add(`commitId must be a full commit SHA of 40 hexadecimal characters, got ${JSON.stringify(commitId)}`);
    }
    problems.throwIfAny();
    return new FixedRevision({ gitHubRepository: repository, gitHubCommitId: commitId });
  }

  /** Returns where the revision is, creating what it needs (an asset) under `scope`. */
  public abstract bind(scope: Construct): RevisionLocation;
}

/** A revision whose location is known when it is created. */
class FixedRevision extends Revision {
  constructor(private readonly location: RevisionLocation) {
    super();
  }

  public bind(_scope: Construct): RevisionLocation {
    return this.location;
  }
}

/**
 * A local folder, uploaded as a file asset the first time it is bound in a scope; binding the same
 * folder and AppSpec there again gives the same bundle, any other folder or AppSpec its own.
 */
class AssetRevision extends Revision {
  constructor(private readonly directory: string, private readonly appSpec?: AppSpec) {
    super();
  }

  public bind(scope: Construct): RevisionLocation {
    const source = bundleSource(this.directory, this.appSpec);
    const bundles = scope.node.children.filter((child): child is RevisionBundle => child instanceof RevisionBundle);
    // The first bundle of a scope keeps the id it has always had; later ones are named by their source.
    const bundle = bundles.find((existing) => existing.source === source)
      ?? new RevisionBundle(scope, bundles.length === 0 ? REVISION_BUNDLE_ID : `${REVISION_BUNDLE_ID}${hashOf(source)}`,
        { directory: this.directory, appSpec: this.appSpec });
    return {
      bucket: bundle.asset.bucket,
      key: bundle.asset.s3ObjectKey,
      bundleType: BundleType.ZIP,
      appSpec: this.appSpec,
    };
  }
}

/** Construct id of the first asset revision's bundle under the scope it is bound in. */
const REVISION_BUNDLE_ID = 'RevisionBundle';

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8).toUpperCase();
}

/**
 * GitHub owners are letters, digits and single hyphens; repository names letters, digits, `.`,
 * `-` and `_` (CodeDeploy's GitHubLocation takes `owner/repository`).
 */
const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/** A full SHA-1 commit id: CodeDeploy's GitHubLocation needs the commit, not a branch or tag. */
const GIT_COMMIT = /^[0-9a-f]{40}$/;
