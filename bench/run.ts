import './env';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { FUNCTION_MEMORY_MB } from '../infra/constructs/alerts-function';
import { LAMBDA_NODE_OPTIONS } from '../infra/constructs/bundling';
import { type BurstResult, measureBurst } from './burst';
import { type ColdStartResult, measureColdStart } from './cold-start';
import { ARRIVAL_GAP_MS, type ContainerResult, type FirstResponseResult, measureContainer, measureFirstResponse } from './first-response';
import { type AckResult, measureSlackAck } from './slack-ack';
import { measureThroughput, type ThroughputResult } from './throughput';

/**
 * `npm run bench`: runs the four benchmarks one after the other on this machine and writes
 * docs/BENCHMARKS.md. `npm run bench -- <name>...` (throughput, cold-start, burst, slack-ack)
 * runs only those and prints them without touching the document.
 */

const SECTIONS = ['throughput', 'cold-start', 'burst', 'slack-ack'] as const;
type Section = (typeof SECTIONS)[number];

const SETTINGS = {
  throughput: { events: 3_000, concurrency: 8 },
  coldStart: { runs: 15 },
  firstResponse: { runs: 15 },
  container: { rounds: 1 },
  burst: { events: 500, actors: 4, criticalEvery: 50, timeoutMs: 30_000, retryDelayMs: 5_000 },
  slackAck: { samples: 50, awsLatencyMs: 2_500, invokeLatencyMs: 30 },
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = asked.filter((a) => !(SECTIONS as readonly string[]).includes(a));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${SECTIONS.join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const run = (section: Section) => asked.length === 0 || asked.includes(section);
  const started = new Date();
  const log = (text: string) => process.stderr.write(`${text}\n`);

  let throughput: ThroughputResult[] | undefined;
  let coldStart: ColdStartResult[] | undefined;
  let first: FirstResponseResult[] | undefined;
  let container: ContainerResult | undefined;
  let burst: BurstResult | undefined;
  let ack: AckResult[] | undefined;
  if (run('throughput')) {
    log('benchmark 1: notifier throughput...');
    throughput = await measureThroughput(SETTINGS.throughput);
    console.table(throughput);
  }
  if (run('cold-start')) {
    log('benchmark 2: first response from cold (bundling, then alternating node runs; a few minutes)...');
    first = await measureFirstResponse(SETTINGS.firstResponse);
    console.table(first.map(({ handler, nodeOptions, medianMs, bareMs, ratio }) => ({ handler, nodeOptions, medianMs, bareMs, ratio })));
    log('benchmark 2, breakdown: require(bundle) alone...');
    coldStart = await measureColdStart(SETTINGS.coldStart);
    console.table(coldStart);
    log('benchmark 2, memory: one warm notifier container over the corpus...');
    container = await measureContainer({ ...SETTINGS.container, nodeOptions: LAMBDA_NODE_OPTIONS });
    console.table([container]);
  }
  if (run('burst')) {
    log('benchmark 4: burst of 500 events at 1 message/s per channel (about half a minute)...');
    burst = await measureBurst(SETTINGS.burst);
    console.table([burst]);
  }
  if (run('slack-ack')) {
    log('benchmark 3: Slack ack latency with AWS answering after 2.5 s (a few minutes)...');
    ack = await measureSlackAck(SETTINGS.slackAck);
    console.table(ack);
  }
  if (first && container) printHeadline(first, container, throughput);
  if (asked.length === 0 && throughput && coldStart && first && container && burst && ack) {
    const path = join(__dirname, '..', 'docs', 'BENCHMARKS.md');
    writeFileSync(path, renderDocument({ started, finished: new Date(), throughput, coldStart, first, container, burst, ack }));
    log(`wrote ${path}`);
  }
}

/** The goals of issue 15. */
const GOALS = { firstAlertRatio: 2.5, cpuMsPerEvent: 0.5, memoryHeadroom: 2 };

/** GB-seconds that 1,000 alerts cost: the function's memory times the billed time of each. */
function gbSecondsPer1000(container: ContainerResult): number {
  return (FUNCTION_MEMORY_MB / 1024) * (container.billedMsPerEvent / 1000) * 1000;
}

function deployed(first: FirstResponseResult[], handler: 'notifier' | 'slack'): FirstResponseResult | undefined {
  return first.find((f) => f.handler === handler && f.nodeOptions === LAMBDA_NODE_OPTIONS);
}

function printHeadline(first: FirstResponseResult[], container: ContainerResult, throughput?: ThroughputResult[]): void {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  const options = LAMBDA_NODE_OPTIONS || 'no NODE_OPTIONS';
  out('');
  out(`Headline (deployed options: ${options})`);
  for (const f of first) {
    out(
      `  ${f.handler.padEnd(8)} ${f.until.padEnd(30)} ${(f.nodeOptions || '(none)').padEnd(22)} ${f.ratio.toFixed(2)}× node -e 0 (${f.medianMs.toFixed(0)} ms vs ${f.bareMs.toFixed(0)} ms)`,
    );
  }
  const notifier = deployed(first, 'notifier');
  if (notifier) out(`  first alert from cold, deployed: ${notifier.ratio.toFixed(2)}× (goal ≤ ${GOALS.firstAlertRatio}×)`);
  for (const t of throughput ?? [])
    out(
      `  CPU per event, ${t.mode}: ${t.cpuMsPerEvent.toFixed(2)} ms${t.dynamoDbCallsPerEvent === undefined ? '' : ` (${t.dynamoDbCallsPerEvent.toFixed(2)} DynamoDB calls per event)`}`,
    );
  out(
    `  peak RSS, one warm notifier container: ${(container.maxRssBytes / 2 ** 20).toFixed(0)} MiB of ${FUNCTION_MEMORY_MB} MB (headroom ${headroom(container).toFixed(1)}×)`,
  );
  out(
    `  GB-seconds per 1,000 alerts: ${gbSecondsPer1000(container).toFixed(1)} (${FUNCTION_MEMORY_MB} MB × ${container.billedMsPerEvent.toFixed(1)} ms billed per event, loopback)`,
  );
}

function headroom(container: ContainerResult): number {
  return (FUNCTION_MEMORY_MB * 2 ** 20) / container.maxRssBytes;
}

function renderDocument(r: {
  started: Date;
  finished: Date;
  throughput: ThroughputResult[];
  coldStart: ColdStartResult[];
  first: FirstResponseResult[];
  container: ContainerResult;
  burst: BurstResult;
  ack: AckResult[];
}): string {
  const cpu = cpus();
  const ms = (n: number) => n.toFixed(1);
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
  const b = r.burst;
  return `# Benchmarks

Generated by \`npm run bench\` (\`bench/run.ts\`), all four measured one after the other in one run,
${r.started.toISOString()} to ${r.finished.toISOString()}, on ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'},
${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version} (the Lambdas run Node 22), ${process.platform}/${process.arch}.
Nothing here talks to AWS or Slack: Slack is the local fake (\`test/support/fake-slack.ts\`) and
AWS is mocked at the SDK layer. Rerun one part with \`npm run bench -- <name>\` (it prints, and
leaves this file alone).

## 1. Notifier throughput in process

Command: \`npm run bench\` (alone: \`npm run bench -- throughput\`). Source: \`bench/throughput.ts\`.

Every CloudTrail record in \`test/fixtures/cloudtrail/\`, recycled with fresh event IDs to ${SETTINGS.throughput.events} events,
goes through the real pipeline (SNS envelope ▸ parse ▸ classify ▸ render ▸ post with the real
\`@slack/web-api\` client) to the Slack fake on loopback, ${SETTINGS.throughput.concurrency} at a time. The fake runs in
a child process, so the CPU time is the notifier's alone. Pacing is off (benchmark 4 is about
Slack's limit); events outside the catalog are processed but post nothing.

| pipeline | events | Slack posts | events/s | CPU ms per event | DynamoDB calls per event | goal ≤ ${GOALS.cpuMsPerEvent} ms |
|---|---:|---:|---:|---:|---:|---|
${r.throughput.map((t) => `| ${t.mode} | ${t.events} | ${t.posts} | ${t.eventsPerSecond.toFixed(0)} | ${t.cpuMsPerEvent.toFixed(2)} | ${t.dynamoDbCallsPerEvent?.toFixed(2) ?? '–'} | ${verdict(t.cpuMsPerEvent <= GOALS.cpuMsPerEvent)} |`).join('\n')}

The DynamoDB row is the deployed path: the real \`DynamoDBClient\` and \`DynamoDbStore\` (event
claims, burst records, the channel's pacing slot) against a table on loopback that answers
GetItem and PutItem with DynamoDB's conditional-write semantics (\`test/support/fake-aws-endpoints.ts\`,
in the same child process as the Slack fake, so its CPU is not counted). Every request the client
sends is counted. What the figures leave out: the network (loopback answers in well under a
millisecond; in AWS each call is a few milliseconds of waiting, which costs wall time, not CPU),
TLS (Slack and DynamoDB are plain HTTP here; in AWS every new connection does a TLS handshake), and
the run is in one process from the TypeScript sources (\`tsx\`), not the bundle.

## 2. What a user waits for from cold

Command: \`npm run bench\` (alone: \`npm run bench -- cold-start\`). Source: \`bench/first-response.ts\`
(breakdown: \`bench/cold-start.ts\`).

Each handler is bundled as the CDK stack bundles it (the options in \`infra/constructs/bundling.ts\`,
read by both). A fresh \`node\` process then loads the bundle and invokes the handler once, as
Lambda would, configured as the stack deploys it: the Slack token, signing secret and job key read
from Secrets Manager, the state table in DynamoDB (both on loopback, \`test/support/fake-aws-endpoints.ts\`),
Slack the local fake, logs at INFO to stdout. The clock runs from \`spawn\` until:

- **notifier**: the Slack fake accepts the first alert's \`chat.postMessage\` (an SNS-delivered CreateUser);
- **Slack function**: the handler returns its answer to a signed Acknowledge click (signed as Slack
  signs: v0, HMAC-SHA256 over \`v0:<timestamp>:<body>\` with the signing secret), the ack.

A bare \`node -e 0\` with the same \`NODE_OPTIONS\` runs alternately with them, ${SETTINGS.firstResponse.runs} times each; the
ratio is of the medians. The functions are deployed with ${LAMBDA_NODE_OPTIONS ? `\`NODE_OPTIONS=${LAMBDA_NODE_OPTIONS}\`` : 'no `NODE_OPTIONS`'}.

| handler | until | \`NODE_OPTIONS\` | median | \`node -e 0\` | **ratio** | goal |
|---|---|---|---:|---:|---:|---|
${r.first.map((f) => `| \`${f.handler}\` | ${f.until} | ${f.nodeOptions ? `\`${f.nodeOptions}\`` : '(none, deployed)'} | ${ms(f.medianMs)} ms | ${ms(f.bareMs)} ms | **${f.ratio.toFixed(2)}×** | ${f.handler === 'notifier' && f.nodeOptions === LAMBDA_NODE_OPTIONS ? `≤ ${GOALS.firstAlertRatio}× ${verdict(f.ratio <= GOALS.firstAlertRatio)}` : ''} |`).join('\n')}

Where the time goes, medians from the child's own clock (\`performance.now()\`, from the process's start):

| handler | \`NODE_OPTIONS\` | Node's start | \`require(bundle)\` | first invocation |
|---|---|---:|---:|---:|
${r.first.map((f) => `| \`${f.handler}\` | ${f.nodeOptions ? `\`${f.nodeOptions}\`` : '(none)'} | ${ms(f.bootMs)} ms | ${ms(f.loadMs)} ms | ${ms(f.firstInvocationMs)} ms |`).join('\n')}

\`--enable-source-maps\` makes Node read and index the bundle's whole source map when it loads
the bundle, and keep it. The functions no longer run with it: every bundle starts with
\`handlers/lambda-prelude.ts\` (esbuild \`inject\`), which maps a stack to the TypeScript sources only
when one is formatted, reading the map then, once per container
(\`test/handlers/source-mapped-stacks.test.ts\` pins both).
The machine is shared, so compare the absolute medians too: a \`node -e 0\` with and without
the option does the same work, and any difference between those two columns is noise.

**The gap, profiled.** One cold notifier run without source maps, profiled with
\`node --cpu-prof --cpu-prof-interval=100\` (the child of \`bench/first-response.ts\` with those flags
before \`-e\`; self time by original package through the bundle's map), on 2026-11-30 on this
machine, about 760 ms of samples: V8 compiling the 1.3 MB bundle (\`wrapSafe\`) 230 ms; esbuild's
module wrappers, i.e. V8 compiling each lazily required module on first use, 76 ms; garbage
collection 63 ms; the AWS SDK's core (\`@smithy/core\`, \`@aws-sdk/core\`, SigV4) 70 ms; zod building
schemas 47 ms; Node's own \`fetch\` (undici, loaded on the first Slack call) 55 ms; the triage
settings' time-zone check (\`Intl\`) 17 ms; the rest under 10 ms each. So most of what is left is
compiling code, which only a V8 code cache would remove. That was not shipped: \`module.enableCompileCache\`
is Node 22 only (this machine runs 20), and a \`vm.Script\` \`cachedData\` made at build time is accepted
only by the same V8 version and flags, which a build on a developer's machine cannot promise for
Lambda's nodejs22.x on ARM64 (a rejected cache costs a read and falls back to compiling). The
bundles have also grown: the notifier's was 794 KiB on 2026-11-22 and is now over 1.2 MiB (the
triage loop and onboarding bring the IAM and SES clients, among others), which is more to compile at every cold start.

What was done after that profile: the Slack side's composition root moved out of the notifier's
bundle (\`handlers/slack-deps.ts\`: jobs, containment, history and response URLs are neither carried
nor loaded), onboarding's IAM, SES and KMS commands load on first use instead of at bundle load,
and the default digest time zone (UTC) is no longer checked through ICU
(\`test/infra/notifier-bundle-contents.test.ts\` pins the first two). A second profile of the same
run (sampling at 1 ms, about 490 ms): compiling the bundle 140 ms, garbage collection 46 ms, zod
40 ms, the SDK core 32 ms, \`fetch\` 20 ms. Each step is a few per cent; the ratio stays far from
2.5× because compiling and initialising 1.3 MB of JavaScript is most of it. What would close the
gap, and was left as the next step: a V8 code cache built on the runtime itself (at deploy time,
in a Lambda-compatible build image), and fewer, lighter SDK clients on the alert path (the
notifier's first alert needs only Secrets Manager, DynamoDB and Slack).

### Breakdown: \`require(bundle)\` alone

\`node -e "require(bundle)"\` against \`node -e 0\`, alternately, ${SETTINGS.coldStart.runs} times each. This is Lambda's init
phase only: it leaves out the first invocation, where the notifier loads its pipeline
(\`handlers/notifier.ts\` defers it), so it is not what a user waits for.

| handler | bundle | source map | require, median | \`node -e 0\`, median | ratio | ratio with \`--enable-source-maps\` on both |
|---|---:|---:|---:|---:|---:|---:|
${r.coldStart.map((c) => `| \`${c.handler}\` | ${kb(c.bundleBytes)} | ${kb(c.mapBytes)} | ${ms(c.requireMs)} ms | ${ms(c.bareMs)} ms | ${c.ratio.toFixed(2)}× | ${c.ratioWithNodeOptions.toFixed(2)}× |`).join('\n')}

### Memory and cost

One warm notifier container, deployed settings and options: the ${r.container.events} corpus records (fresh event IDs)
after one cold CreateUser, one at a time as Lambda hands them to a container, arriving ${ARRIVAL_GAP_MS / 1000} s apart
(the child's clock is moved on between events instead of waiting, so the channel pacing of one
post per 1.1 s never sleeps). ${r.container.posts} of them were posted (the rest are outside the catalog or grouped).

| figure | result |
|---|---:|
| peak RSS (\`process.resourceUsage().maxRSS\`) | ${(r.container.maxRssBytes / 2 ** 20).toFixed(0)} MiB |
| heap used at the end | ${(r.container.heapUsedBytes / 2 ** 20).toFixed(0)} MiB |
| memory configured (\`FUNCTION_MEMORY_MB\`, \`infra/constructs/alerts-function.ts\`) | ${FUNCTION_MEMORY_MB} MB |
| headroom (memory ÷ peak RSS) | ${headroom(r.container).toFixed(1)}× (we keep ≥ ${GOALS.memoryHeadroom}×: ${verdict(headroom(r.container) >= GOALS.memoryHeadroom)}) |
| warm invocation, mean / p99 | ${ms(r.container.meanInvocationMs)} ms / ${ms(r.container.p99InvocationMs)} ms |
| billed per event (each invocation rounded up to 1 ms) | ${ms(r.container.billedMsPerEvent)} ms |
| **GB-seconds per 1,000 alerts** | **${gbSecondsPer1000(r.container).toFixed(1)}** (${FUNCTION_MEMORY_MB}/1024 GB × ${ms(r.container.billedMsPerEvent)} ms × 1,000) |

What the cost leaves out: the network (Slack and DynamoDB answer on loopback; in AWS every 100 ms
an alert waits for them adds ${((FUNCTION_MEMORY_MB / 1024) * 0.1 * 1000).toFixed(1)} GB-s per 1,000 alerts at ${FUNCTION_MEMORY_MB} MB), cold starts (Lambda bills the
init phase too: section 2's figures, once per new container), and that the figure counts every
event Lambda delivers, alerting or not. Most of the billed time is waiting on purpose: an event
that joins an actor's burst lingers up to 1.5 s so that one thread reply carries many events
(\`app/notifier/burst-grouping.ts\`). The RSS was measured on this machine's Node (x64); the
functions run Node 22 on ARM64.

**Sizing.** 256 MB would leave less than the ${GOALS.memoryHeadroom}× headroom over the peak above, so the functions keep
${FUNCTION_MEMORY_MB} MB. 384 MB would keep ${GOALS.memoryHeadroom}×, but Lambda gives CPU in proportion to memory, and
the first alert from cold is CPU-bound (compiling and running the bundle): a quarter less memory
is up to a third more time for it, the figure goal 1 is about.

## 3. Slack ack latency while AWS answers after ${(SETTINGS.slackAck.awsLatencyMs / 1000).toFixed(1)} s

Command: \`npm run bench\` (alone: \`npm run bench -- slack-ack\`). Source: \`bench/slack-ack.ts\`.

The real \`handlers/slack.ts\` gets Function URL events signed as Slack signs them (after one
warm-up request that builds the Bolt app). The latency is the time until the handler returns its
HTTP response: what Slack's 3-second deadline applies to. Goal: p99 under 300 ms, independent of AWS.

- *IAM and CloudTrail slow*: IAM and CloudTrail answer after ${SETTINGS.slackAck.awsLatencyMs} ms; the self-invocation that
  hands the work off (Lambda \`Invoke\`, \`InvocationType: Event\`) answers after ${SETTINGS.slackAck.invokeLatencyMs} ms.
- *IAM and CloudTrail fast*: the same, with IAM and CloudTrail answering at once. Equal figures in
  the two rows show the ack does not depend on IAM or CloudTrail.
- *Lambda Invoke slow too*: the self-invocation itself takes ${SETTINGS.slackAck.awsLatencyMs} ms, from a real slow HTTP
  endpoint on loopback, so the client's own timeout is what bounds it.

| scenario | request | samples | p50 | p99 | max | responses | goal |
|---|---|---:|---:|---:|---:|---|---|
${r.ack.map((a) => `| ${a.scenario} | ${a.request} | ${a.samples} | ${ms(a.p50Ms)} ms | ${ms(a.p99Ms)} ms | ${ms(a.maxMs)} ms | ${a.statusCodes} | ${verdict(a.p99Ms < 300)} |`).join('\n')}

No listener awaits IAM or CloudTrail: they ack, then hand the work to an asynchronous
self-invocation. That one hand-off *is* awaited before the HTTP response, on purpose: a Lambda
that returned first could be frozen with the job unsent, and a click would be lost. It is bounded
(\`SELF_INVOKE_CLIENT_CONFIG\` in \`app/jobs/dispatch.ts\`: one attempt, at most 2.2 s, and never past what is left of Slack's 3 s
counted from the request's arrival, \`app/jobs/ack-deadline.ts\`), so even when
Lambda's own API is as slow as the last scenario the answer stays inside Slack's 3 s and the user is
told the work may not have started (the jobs are idempotent, so clicking again is safe). The goal
holds whenever the hand-off answers in its usual tens of milliseconds; it cannot hold when the
hand-off itself takes 2.5 s, which the last rows show rather than hide.

## 4. A burst of ${b.events} events at one message per second per channel

Command: \`npm run bench\` (alone: \`npm run bench -- burst\`). Source: \`bench/burst.ts\`,
workload \`bench/burst-workload.ts\`.

${b.events} events arrive at once, as SNS would fan them out: CreateUser calls by ${b.actors} roles (a Terraform
apply each) and ${b.critical} critical StopLogging calls by root. Each event is its own invocation with its
own dependencies (own Slack client), all sharing one state store (in memory here; DynamoDB in the
stack, same protocol: \`test/state/\` runs it against a modelled table), with the notifier's real
timings and the stack's ${SETTINGS.burst.timeoutMs / 1000} s timeout as deadline. A failed invocation is retried twice like
Lambda's asynchronous retries (delays shortened to ${SETTINGS.burst.retryDelayMs / 1000} s and ${(2 * SETTINGS.burst.retryDelayMs) / 1000} s). The Slack fake accepts one
\`chat.postMessage\` per second per channel and answers 429 with \`Retry-After: 1\` otherwise.

| figure | result | goal |
|---|---:|---|
| events lost (in Slack zero times) | ${b.lost} | 0 ${verdict(b.lost === 0)} |
| events doubled (in Slack more than once) | ${b.doubled} | 0 ${verdict(b.doubled === 0)} |
| dead-lettered after three attempts | ${b.deadLettered} | |
| failed attempts (retried) | ${b.failedAttempts} | |
| top-level messages | ${b.topLevel} | ${b.expectedTopLevel} (one per actor per window + one per critical event) ${verdict(b.topLevel === b.expectedTopLevel)} |
| thread replies (grouped details) | ${b.threadReplies} | |
| Slack calls (posts, updates, 429s) | ${b.slackCalls} (${b.rateLimited} answered 429) | |
| Slack calls per event | ${b.callsPerEvent.toFixed(3)} | ≤ 1.2 ${verdict(b.callsPerEvent <= 1.2)} |
| time to drain (first delivery to last event in Slack) | ${b.drainSeconds.toFixed(1)} s | |
| peak RSS of the process, all ${b.events} invocations at once | ${(b.peakRssBytes / 2 ** 20).toFixed(0)} MiB | |

The peak RSS is of one process running every invocation of the burst at once, with its own Slack
client each (and the benchmark's own earlier work): an upper bound, not what one Lambda container
holds, which runs one event at a time (section 2, memory).

The drain time is set by Slack's limit: the notifier spaces posts to one channel 1.1 s apart
through a slot counter in the state table, so almost no call is wasted on a 429, and each thread
reply lists up to 80 grouped events.
`;
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  // Mocked SDK clients and keep-alive sockets may hold the event loop open: the run is over.
  .finally(() => process.exit());
