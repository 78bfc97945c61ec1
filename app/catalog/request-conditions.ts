import type { CloudTrailRecord } from '../events/cloudtrail-record';
import type { RequestValue } from './rule';

/**
 * A rule's conditions on request parameters (`match.requestParameters`): dotted paths into
 * `requestParameters` and the values each may hold. The notifier checks them here; the CDK stack
 * puts the same JSON into the rule's EventBridge pattern ({@link requestParametersPattern}), so
 * that EventBridge delivers only the calls that alert. Both follow EventBridge's rules: the path
 * goes through objects, a list in the record matches when any element does, values compare
 * exactly (`false` is not `"false"`), and `{ prefix }` matches the start of a string.
 */
export type RequestConditions = Readonly<Record<string, readonly RequestValue[]>>;

/** Why the record does not meet the conditions, in words; undefined when it does. */
export function requestConditionsFailure(record: CloudTrailRecord, conditions: RequestConditions): string | undefined {
  for (const [path, accepted] of Object.entries(conditions)) {
    const actual = valueAt(record.requestParameters, path);
    const values = Array.isArray(actual) ? actual : [actual];
    if (!values.some((value) => accepted.some((expected) => valueMatches(expected, value)))) {
      const shown = actual === undefined ? 'has none' : `has ${truncate(JSON.stringify(actual), 80)}`;
      return `requestParameters.${path} ${describeValues(accepted, 'must')} (the request ${shown})`;
    }
  }
  return undefined;
}

/**
 * The conditions as the `requestParameters` part of an EventBridge pattern.
 *
 * @example
 * requestParametersPattern({ 'Workflow.Status': ['SUPPRESSED'] }) // { Workflow: { Status: ['SUPPRESSED'] } }
 */
export function requestParametersPattern(conditions: RequestConditions): Record<string, unknown> {
  const pattern: Record<string, unknown> = {};
  for (const [path, accepted] of Object.entries(conditions)) {
    const keys = path.split('.');
    let node = pattern;
    for (const key of keys.slice(0, -1)) {
      const next = (node[key] ?? {}) as Record<string, unknown>;
      node[key] = next;
      node = next;
    }
    node[keys.at(-1)!] = accepted.map((value) => (typeof value === 'object' ? { ...value } : value));
  }
  return pattern;
}

/**
 * Request parameters that meet the conditions (the first accepted value at each path, a prefix
 * completed with `example`): for test events, such as the doctor's, that the rule must match.
 */
export function requestSatisfying(conditions: RequestConditions, example = 'iam-alerts-doctor'): Record<string, unknown> {
  const request: Record<string, unknown> = {};
  for (const [path, accepted] of Object.entries(conditions)) {
    const first = accepted[0]!;
    const keys = path.split('.');
    let node = request;
    for (const key of keys.slice(0, -1)) {
      const next = (node[key] ?? {}) as Record<string, unknown>;
      node[key] = next;
      node = next;
    }
    node[keys.at(-1)!] = typeof first === 'object' ? `${first.prefix}${example}` : first;
  }
  return request;
}

/** "`requestParameters.enable` is false", "`requestParameters.logGroupName` starts with "a" or "b"": for docs. */
export function describeRequestConditions(conditions: RequestConditions): string {
  return Object.entries(conditions)
    .map(([path, accepted]) => `\`requestParameters.${path}\` ${describeValues(accepted, 'is')}`)
    .join(' and ');
}

/** "is false", "starts with "a" or "b"" (`mood` "is"), or "must be false", "must start with ..." (`mood` "must"). */
function describeValues(accepted: readonly RequestValue[], mood: 'is' | 'must'): string {
  const exact = accepted.filter((v) => typeof v !== 'object').map((v) => JSON.stringify(v));
  const prefixes = accepted.flatMap((v) => (typeof v === 'object' ? [JSON.stringify(v.prefix)] : []));
  const either = (words: string[]) => (words.length > 1 ? `${words.slice(0, -1).join(', ')} or ${words.at(-1)}` : words[0]!);
  const parts = [
    exact.length > 0 ? `${mood === 'is' ? 'is' : 'must be'} ${either(exact)}` : undefined,
    prefixes.length > 0 ? `${mood === 'is' ? 'starts with' : 'must start with'} ${either(prefixes)}` : undefined,
  ];
  return parts.filter(Boolean).join(' or ');
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function valueMatches(expected: RequestValue, value: unknown): boolean {
  if (typeof expected === 'object') return typeof value === 'string' && value.startsWith(expected.prefix);
  return value === expected;
}

function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split('.')) {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node ?? undefined;
}
