import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { type ICommandHooks, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { LAMBDA_NODE_OPTIONS, lambdaBundling } from './bundling';

/**
 * Memory of every iam-alerts function, MB. Measured (docs/BENCHMARKS.md, section 2): one warm
 * notifier container peaks at about 170 MB RSS, so 256 MB would leave less than the 2× headroom we
 * keep, and 384 MB, which would keep it, buys it with CPU: Lambda gives CPU in proportion to memory,
 * and the first alert from cold is CPU-bound (compiling and loading the bundle).
 */
export const FUNCTION_MEMORY_MB = 512;

/** Props of {@link AlertsFunction}. */
export interface AlertsFunctionProps {
  /** Entry file exporting `handler` (e.g. `handlers/notifier.ts`). */
  readonly entry: string;
  /** The project root: where package-lock.json and tsconfig.json are. */
  readonly projectRoot: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  readonly logRetention: RetentionDays;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** @default {@link FUNCTION_MEMORY_MB} (more memory is more CPU, which shortens cold starts) */
  readonly memorySize?: number;
  /** Receives the events of asynchronous invocations that failed every retry. */
  readonly deadLetterQueue?: IQueue;
  /** Files to copy into the bundle (absolute source path → file name in the bundle). */
  readonly extraFiles?: Readonly<Record<string, string>>;
  /**
   * Concurrency reserved for the function, which is also its ceiling; 0 or undefined: none (the
   * function shares the account's unreserved pool, which AWS keeps at 100 or more).
   * @default undefined
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A Lambda function the way every iam-alerts function is built: Node.js 22 on ARM64, bundled by
 * the local esbuild (never Docker, so `cdk synth` works offline in CI) with source maps (read only
 * when an error is logged: `handlers/lambda-prelude.ts`), with the
 * options in `./bundling` (which the cold-start benchmark builds with too), and a log group of its
 * own with a fixed retention.
 */
export class AlertsFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: AlertsFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention, removalPolicy: RemovalPolicy.RETAIN });
    // A role of its own that may write only to its own log group (instead of the managed
    // AWSLambdaBasicExecutionRole, which may write to every log group in the account).
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `iam-alerts: ${props.description}`,
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );
    super(scope, id, {
      role,
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? FUNCTION_MEMORY_MB,
      timeout: props.timeout ?? Duration.seconds(30),
      logGroup,
      deadLetterQueue: props.deadLetterQueue,
      // 0 would mean "throttle every invocation" to Lambda: here it means "do not reserve".
      reservedConcurrentExecutions: props.reservedConcurrentExecutions || undefined,
      environment: { ...props.environment, ...(LAMBDA_NODE_OPTIONS ? { NODE_OPTIONS: LAMBDA_NODE_OPTIONS } : {}) },
      bundling: {
        ...lambdaBundling(props.projectRoot),
        commandHooks: props.extraFiles ? copyFiles(props.extraFiles) : undefined,
      },
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x, the runtime the code is bundled for (esbuild target node22) and tested on; a newer runtime is a deliberate, tested change, not an automatic one.',
    });
  }
}

function copyFiles(files: Readonly<Record<string, string>>): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) =>
      Object.entries(files).map(([source, name]) => `cp ${shellQuote(source)} ${shellQuote(`${outputDir}/${name}`)}`),
  };
}

function shellQuote(path: string): string {
  return `'${path.replace(/'/g, `'\\''`)}'`;
}
