import { Duration } from 'aws-cdk-lib';
import { MINUTE_MILLIS, Problems } from '../private/validation';

/** The operating system of the instances whose user data installs the CodeDeploy agent. */
export enum AgentOperatingSystem {
  /** Amazon Linux 2023 (dnf). */
  AMAZON_LINUX_2023 = 'AmazonLinux2023',
  /** Ubuntu Server (apt). */
  UBUNTU = 'Ubuntu',
  /** Windows Server (PowerShell). */
  WINDOWS = 'Windows',
}

/** Options of `AgentInstallation.systemsManager`. */
export interface AgentSystemsManagerOptions {
  /**
   * How often Systems Manager runs the association again, installing the agent on new instances
   * and updating it to the current version: whole minutes from 30 minutes (Systems Manager's
   * shortest rate) to 365 days.
   *
   * @default Duration.days(14)
   */
  readonly schedule?: Duration;
}

/** Options of `AgentInstallation.userData`. */
export interface AgentUserDataOptions {
  /**
   * The operating system of the Auto Scaling groups' instances.
   *
   * @default AgentOperatingSystem.AMAZON_LINUX_2023
   */
  readonly operatingSystem?: AgentOperatingSystem;
}

/** How the installation is done, for the rollout. */
type AgentInstallationMethod = 'SystemsManager' | 'UserData' | 'None';

/** Systems Manager accepts rate expressions of at least 30 minutes; a year is the most we offer. */
const SCHEDULE_MINUTES = { min: 30, max: 365 * 24 * 60, unit: 'minutes' } as const;
const DEFAULT_SCHEDULE = Duration.days(14);

/**
 * How the CodeDeploy agent gets onto the fleet's EC2 instances. (On-premises servers install it
 * themselves: see `OnPremisesInstanceRole`.)
 */
export class AgentInstallation {
  /**
   * AWS Systems Manager, the method AWS recommends: a State Manager association runs
   * `AWS-ConfigureAWSPackage` to install the `AWSCodeDeployAgent` package on the rollout's
   * instances and keeps it current on a schedule, on instances launched later too. The instances
   * need the Systems Manager agent (on Amazon Linux, Ubuntu and Windows AMIs already) and the
   * `AmazonSSMManagedInstanceCore` policy, which the rollout attaches to the instance role of its
   * Auto Scaling groups defined in the app; attach it yourself for imported groups and tagged
   * instances.
   */
  public static systemsManager(options: AgentSystemsManagerOptions = {}): AgentInstallation {
    const problems = new Problems('AgentInstallation.systemsManager');
    const schedule = options.schedule ?? DEFAULT_SCHEDULE;
    const minutes = problems.wholeDuration('schedule', schedule, MINUTE_MILLIS, SCHEDULE_MINUTES);
    problems.throwIfAny();
    return new AgentInstallation('SystemsManager', { scheduleMinutes: minutes });
  }

  /**
   * The user data of the rollout's Auto Scaling groups (defined in the app, not imported): the
   * agent is installed when an instance launches, from the Region's `aws-codedeploy-<region>` bucket.
   */
  public static userData(options: AgentUserDataOptions = {}): AgentInstallation {
    return new AgentInstallation('UserData', {
      operatingSystem: options.operatingSystem ?? AgentOperatingSystem.AMAZON_LINUX_2023,
    });
  }

  /** The agent is installed some other way: an AMI that has it, or your own configuration management. */
  public static none(): AgentInstallation {
    return new AgentInstallation('None', {});
  }

  /** @internal */
  public readonly _method: string;
  /** @internal */
  public readonly _scheduleMinutes?: number;
  /** @internal */
  public readonly _operatingSystem?: AgentOperatingSystem;

  private constructor(method: AgentInstallationMethod, options: { scheduleMinutes?: number; operatingSystem?: AgentOperatingSystem }) {
    this._method = method;
    this._scheduleMinutes = options.scheduleMinutes;
    this._operatingSystem = options.operatingSystem;
  }
}
