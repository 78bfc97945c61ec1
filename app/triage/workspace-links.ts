import type { WebClient } from '@slack/web-api';
import type { Logger } from '../logger';

/**
 * Links to messages (`https://<workspace>.slack.com/archives/<channel>/p<ts>`), built from the
 * workspace's address that `auth.test` returns (no scope needed), asked once per client.
 */
const addresses = new WeakMap<WebClient, Promise<string | undefined>>();

/** The workspace's `https://…/` address, or `undefined` when Slack would not say (links are then left out). */
export function workspaceUrl(slack: WebClient, logger: Logger): Promise<string | undefined> {
  let address = addresses.get(slack);
  if (!address) {
    address = slack.auth
      .test()
      .then((r) => (typeof r.url === 'string' && /^https:\/\/[a-z0-9.-]+\/$/i.test(r.url) ? r.url : undefined))
      .catch((error: unknown) => {
        logger.warn('could not read the workspace address (auth.test); messages are shown without links', {
          error: (error as Error).message,
        });
        addresses.delete(slack);
        return undefined;
      });
    addresses.set(slack, address);
  }
  return address;
}

/** The link to a message, when the workspace address is known and the IDs look right. */
export function messageLink(base: string | undefined, channel: string, ts: string): string | undefined {
  if (!base || !/^[CGD][A-Z0-9]{2,40}$/.test(channel) || !/^\d+\.\d+$/.test(ts)) return undefined;
  return `${base}archives/${channel}/p${ts.replace('.', '')}`;
}
