import type { HistoryEntryView } from '../../blocks/render-history';
import { describeActor, HIDDEN_USER_NAME } from '../events/identity';
import { callOutcome } from '../events/outcome';
import type { HistoryEvent } from './history-event';

/** Request parameters that name what an IAM call acted on, in order of preference. */
const TARGET_PARAMETERS: ReadonlyArray<[string, string]> = [
  ['userName', 'user'],
  ['roleName', 'role'],
  ['groupName', 'group'],
  ['policyArn', 'policy'],
  ['policyName', 'policy'],
  ['instanceProfileName', 'instance profile'],
  ['sAMLProviderArn', 'SAML provider'],
  ['openIDConnectProviderArn', 'OIDC provider'],
];

/** One history line's view-model: time, event, actor → target, source IP, result. */
export function toHistoryEntryView(event: HistoryEvent): HistoryEntryView {
  const { record } = event;
  const actor = describeActor(record);
  return {
    epochSeconds: event.time > 0 ? Math.floor(event.time / 1000) : undefined,
    eventName: event.eventName,
    actor: { typeLabel: actor.typeLabel, name: actor.name },
    target: describeTarget(event, actor.name),
    sourceIp: record.sourceIPAddress,
    outcome: callOutcome(record),
    region: event.region,
  };
}

function describeTarget(event: HistoryEvent, actorName: string): string | undefined {
  const params = event.record.requestParameters ?? {};
  for (const [key, label] of TARGET_PARAMETERS) {
    const value = params[key];
    if (typeof value !== 'string' || !value || value === HIDDEN_USER_NAME) continue;
    // "alice → user alice" says nothing: for a user acting on itself, show what else it touched.
    if (key === 'userName' && value === actorName) continue;
    return `${label} ${value}`;
  }
  return undefined;
}
