import { fakeDynamoDb } from '../test/support/fake-aws-endpoints';
import { startFakeSlack } from '../test/support/fake-slack';

/**
 * The local Slack fake, and a DynamoDB state table on loopback (`bench-state`), in their own process,
 * so that a benchmark's CPU time is the notifier's alone. Prints the Slack API URL on the first
 * line of stdout and the DynamoDB endpoint on the second; exits when stdin closes.
 */
async function main(): Promise<void> {
  const [slack, table] = await Promise.all([startFakeSlack(), fakeDynamoDb('bench-state')]);
  // Keep no history: a long benchmark would otherwise grow the fake's memory without bound.
  setInterval(() => slack.calls.splice(0), 1_000).unref();
  process.stdout.write(`${slack.apiUrl}\n${table.url}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void Promise.all([slack.close(), table.close()]).then(() => process.exit(0)));
}

void main();
