import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AwsLambdaReceiver, LogLevel } from '@slack/bolt';
import { mockClient } from 'aws-sdk-client-mock';
import { lambdaDefer, runJobEvent } from '../../app/jobs/dispatch';
import { createSlackApp } from '../../app/slack-app';
import { fakeEventHistory, iamEvents } from '../history/support/event-history';
import { historyHarness, SIGNING_SECRET } from '../history/support/slack-harness';
import { signedLambdaEvent, slashCommandBody } from '../history/support/slack-requests';
import { blockKitViolations } from '../support/block-kit-limits';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack';

const cloudtrail = mockClient(CloudTrailClient);
const JOB_SIGNING_KEY = 'test-job-signing-key-0123456789abcdef0123456789';
const lambda = mockClient(LambdaClient);

/**
 * The Lambda path end to end: the app built by `createSlackApp` (every listener registered) acks
 * and hands the search to an asynchronous self-invocation; that invocation's payload, run by
 * `runJobEvent`, does the LookupEvents calls and answers through the response_url.
 */
describe('/iam-events on Lambda', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => {
    cloudtrail.reset();
    lambda.reset();
  });

  it('acks, self-invokes asynchronously with the search, and the invocation answers', async () => {
    // Prepare
    const history = fakeEventHistory(iamEvents(12, '2026-11-22T05:59:00Z'));
    cloudtrail.on(LookupEventsCommand).callsFake(history.lookup);
    lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
    const { deps } = historyHarness(slack);
    const lambdaDeps = {
      ...deps,
      // Signed on the harness's clock, which the job side checks the envelope's age against.
      defer: lambdaDefer(
        'iam-alerts-slack',
        async () => new LambdaClient({ region: 'us-east-1' }),
        deps.logger,
        JOB_SIGNING_KEY,
        () => deps.clock().getTime(),
      ),
    };
    const receiver = new AwsLambdaReceiver({ signingSecret: SIGNING_SECRET, logLevel: LogLevel.ERROR });
    createSlackApp(lambdaDeps, { receiver });
    const handler = receiver.toHandler();

    // Act 1: Slack's request.
    const response = await handler(
      signedLambdaEvent(slashCommandBody('since:6h', `${slack.baseUrl}/commands/T111/111/lambda`), SIGNING_SECRET) as any,
      {} as any,
    );

    // Assess 1: acked; exactly one asynchronous Invoke; no CloudTrail call yet.
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).text).toContain('Searching CloudTrail for since:6h limit:20');
    const invokes = lambda.commandCalls(InvokeCommand);
    expect(invokes).toHaveLength(1);
    expect(invokes[0]!.args[0].input).toMatchObject({ FunctionName: 'iam-alerts-slack', InvocationType: 'Event' });
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(0);

    // Act 2: Lambda delivers the self-invocation.
    const jobEvent = JSON.parse(Buffer.from(invokes[0]!.args[0].input.Payload as Uint8Array).toString('utf8'));
    const result = await runJobEvent(jobEvent, lambdaDeps, { signingKey: JOB_SIGNING_KEY, requestId: 'job-1' });

    // Assess 2
    expect(result).toEqual({ ok: true });
    expect(jobEvent.iamAlertsJob.kind).toBe('history');
    const [reply] = slack.callsTo('/commands/T111/111/lambda');
    expect(reply!.body.text).toContain('12 IAM events for since:6h limit:20');
    expect(blockKitViolations(reply!.body)).toEqual([]);
    for (const input of history.inputs) expect(input.EndTime!.getTime() - input.StartTime!.getTime()).toBe(6 * 3600_000);
  });
});
