import { startFakeSlack } from '../test/support/fake-slack';

/**
 * The local Slack fake in its own process, so that a benchmark's CPU time is the notifier's alone.
 * Prints its API URL on the first line of stdout; exits when stdin closes.
 */
async function main(): Promise<void> {
  const slack = await startFakeSlack();
  // Keep no history: a long benchmark would otherwise grow the fake's memory without bound.
  setInterval(() => slack.calls.splice(0), 1_000).unref();
  process.stdout.write(`${slack.apiUrl}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => void slack.close().then(() => process.exit(0)));
}

void main();
