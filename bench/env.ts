/**
 * The environment the benchmarks run in, set before anything else is imported: no logs, a region
 * and dummy credentials for the mocked AWS SDK clients (nothing reaches AWS), and no reminder
 * that this machine's Node is older than the Lambda runtime's.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'AKIABENCHBENCHBENCH0';
process.env.AWS_SECRET_ACCESS_KEY ??= 'bench-secret';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
