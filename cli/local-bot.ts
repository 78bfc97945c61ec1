import { resolve } from 'node:path';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Config } from '../app/config';
import { createHistoryCloudTrailClient } from '../app/history/cloudtrail-client';
import { createLookupPacer, type LookupPacer } from '../app/history/pacer';
import { lookupAttributesForCatalog, lookupWindow } from '../app/local/lookup-window';
import { createPoller, type PollReport } from '../app/local/poller';
import { DEFAULT_STATE_FILE, fileStateStore } from '../app/local/state-file';
import { createLogger } from '../app/logger';
import { processNotifierInput } from '../app/notifier/notify';
import { createSlackApp } from '../app/slack-app';
import { FileStore } from '../app/state/file-store';
import { runTriageTimer } from '../app/triage/triage-timer';
import { makeNotifierDeps } from '../handlers/deps';
import { makeSlackAppDeps } from '../handlers/slack-deps';
import { schedulerDepsOver } from '../handlers/triage-deps';
import { type CliIo, describeError, EXIT } from './command';

/**
 * The composition root of local mode: the same Bolt listeners as the Lambda, over Socket Mode, with
 * jobs run in this process, and a CloudTrail poller in place of EventBridge + SNS.
 */

/** Builds one CloudTrail client per region, on first use, with the history search's retry settings. */
export function cloudTrailClients(create: (region: string) => Promise<CloudTrailClient> = createHistoryCloudTrailClient) {
  const clients = new Map<string, Promise<CloudTrailClient>>();
  return (region: string): Promise<CloudTrailClient> => {
    let client = clients.get(region);
    if (!client) {
      client = create(region);
      clients.set(region, client);
    }
    return client;
  };
}

/** A sleep that ends early when `signal` aborts (Ctrl-C should not wait out the poll interval). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal?.aborted) return done();
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      done();
    }
    signal?.addEventListener('abort', finish, { once: true });
  });
}

/** What `lookupWindow` needs, shared by the poller and `replay`. */
export interface CloudTrailReader {
  clientFor: (region: string) => Promise<CloudTrailClient>;
  pacer: LookupPacer;
}

/** CloudTrail clients per region and one shared pacer (2 requests/s per region). */
export function makeCloudTrailReader(time?: { now: () => number; sleep: (ms: number) => Promise<void> }): CloudTrailReader {
  return { clientFor: cloudTrailClients(), pacer: createLookupPacer(time ? { now: time.now, sleep: time.sleep } : {}) };
}

/**
 * Runs the local bot until `io.signal` aborts (Ctrl-C): Socket Mode listeners, in-process jobs,
 * and the poller posting new alerts every `POLL_INTERVAL_SECONDS`.
 */
export async function runLocalBot(config: Config, io: CliIo): Promise<number> {
  const logger = createLogger('iam-alerts-local');
  const appToken = config.slack.appToken!;
  const statePath = resolve(io.cwd, config.localStateFile ?? DEFAULT_STATE_FILE);
  // One store for the buttons, the notifier and the triage timer (issue 14): alerts' state, whom
  // was asked, what is due. A file beside the poller's state, so escalations survive a restart.
  const triagePath = triageStatePath(statePath);
  const slackDeps = await makeSlackAppDeps(config, logger, { defer: 'in-process', localStore: new FileStore(triagePath) });
  const app = createSlackApp(slackDeps, { socketMode: { appToken } });
  const notifierDeps = { ...(await makeNotifierDeps(config, logger, undefined, { localState: 'memory' })), store: slackDeps.store };
  const { catalog } = notifierDeps;
  const reader = makeCloudTrailReader();
  const attributes = lookupAttributesForCatalog(catalog);
  const poller = createPoller({
    fetchWindow: (start, end, signal) =>
      lookupWindow(
        { start, end, regions: config.historyRegions, attributes },
        { ...reader, now: Date.now, sleep: (ms) => abortableSleep(ms, signal), logger, signal },
      ),
    notify: (record) => processNotifierInput(record, notifierDeps),
    store: fileStateStore(statePath),
    clock: () => new Date(),
    sleep: abortableSleep,
    logger,
  });

  await app.start();
  io.stderr.write(
    [
      'iam-alerts is running locally: Slack buttons and /iam-events over Socket Mode, jobs in this process.',
      `Polling CloudTrail (${attributes.map((a) => a.value).join(', ')}) in ${config.historyRegions.join(', ')} every ${config.pollIntervalSeconds}s; posting to ${config.slack.channelId}.`,
      `State: ${statePath}. New events reach LookupEvents minutes after they happen. Ctrl-C to stop.`,
      `Triage (Was this you?, escalations, the Home tab${config.triage.digest ? ', the daily digest' : ''}): every minute, state in ${triagePath}.`,
      '',
    ].join('\n'),
  );
  try {
    await Promise.all([
      poller.run(config.pollIntervalSeconds * 1000, io.signal, (report) => io.stderr.write(pollLine(report))),
      // The scheduler Lambda's schedule, as an in-process timer over the same state.
      runTriageTimer(schedulerDepsOver(config, logger, slackDeps.store, slackDeps.slack), io.signal, abortableSleep),
    ]);
  } finally {
    await app.stop();
    await slackDeps.settled();
  }
  io.stderr.write('iam-alerts stopped.\n');
  return EXIT.ok;
}

/** Where the local bot keeps the triage state: beside the poller's state file (`.iam-alerts-state.triage.json`). */
export function triageStatePath(statePath: string): string {
  return statePath.endsWith('.json') ? `${statePath.slice(0, -'.json'.length)}.triage.json` : `${statePath}.triage.json`;
}

function pollLine(report: PollReport): string {
  const time = new Date().toISOString().slice(11, 19);
  if (!report.ok) return `${time} poll failed, will retry: ${describeError(report.error)}\n`;
  const { result } = report;
  if (result.posted === 0 && result.ignored === 0) return '';
  return `${time} ${result.posted} alert${result.posted === 1 ? '' : 's'} posted, ${result.ignored} other event${result.ignored === 1 ? '' : 's'} skipped\n`;
}
