/**
 * A small EventBridge pattern evaluator for tests: exactly the operators `eventPatternsFor` emits
 * (exact values, `prefix`, `wildcard`, `exists`, `anything-but`, `$or`), with EventBridge's rules:
 * every key of the pattern must match; a leaf is a list of alternatives; an array in the event
 * matches when any element does; a missing field matches only `{ "exists": false }`.
 *
 * No well-kept npm package evaluates EventBridge patterns locally (AWS's own Event Ruler is Java),
 * so this stays deliberately small and throws on anything it does not know rather than guessing.
 */
export function matchesEventPattern(pattern: Record<string, unknown>, event: unknown): boolean {
  if (!isObject(event)) return false;
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') {
      if (!Array.isArray(expected)) throw new Error('$or must be an array of patterns');
      return expected.some((alternative) => matchesEventPattern(alternative as Record<string, unknown>, event));
    }
    const actual = event[key];
    if (Array.isArray(expected)) return matchesLeaf(expected, actual);
    // EventBridge matches on flattened paths: under a missing object only `exists: false` holds.
    if (isObject(expected)) return matchesEventPattern(expected, actual === undefined ? {} : actual);
    throw new Error(`pattern key ${key} must be an array or an object`);
  });
}

/**
 * What EventBridge delivers to a rule on the default bus: rules in the plain `ENABLED` state do
 * not receive read-only management events (CloudTrail API calls starting with Get, List or
 * Describe); `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` rules receive them too.
 */
export function deliveredToRule(
  rule: { pattern: Record<string, unknown>; includeReadOnlyEvents: boolean },
  event: Record<string, unknown>,
): boolean {
  if (isReadOnlyManagementEvent(event) && !rule.includeReadOnlyEvents) return false;
  return matchesEventPattern(rule.pattern, event);
}

/** A CloudTrail API call starting with Get, List or Describe: delivered only to rules that ask for read-only events. */
export function isReadOnlyManagementEvent(event: Record<string, unknown>): boolean {
  const detail = event.detail as Record<string, unknown> | undefined;
  const name = typeof detail?.eventName === 'string' ? detail.eventName : '';
  return event['detail-type'] === 'AWS API Call via CloudTrail' && /^(Get|List|Describe)/.test(name);
}

function matchesLeaf(alternatives: unknown[], actual: unknown): boolean {
  return alternatives.some((alternative) => {
    if (isObject(alternative) && 'exists' in alternative) {
      const present = actual !== undefined && !(Array.isArray(actual) && actual.length === 0) && !isObject(actual);
      return alternative.exists === present;
    }
    if (actual === undefined) return false;
    const values = Array.isArray(actual) ? actual : [actual];
    return values.some((value) => matchesValue(alternative, value));
  });
}

function matchesValue(alternative: unknown, value: unknown): boolean {
  if (!isObject(alternative)) return alternative === value;
  const [operator, ...rest] = Object.keys(alternative);
  if (!operator || rest.length > 0) throw new Error(`unsupported matcher ${JSON.stringify(alternative)}`);
  const argument = alternative[operator];
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && typeof argument === 'string' && value.startsWith(argument);
    case 'wildcard':
      return typeof value === 'string' && typeof argument === 'string' && wildcardToRegExp(argument).test(value);
    case 'anything-but': {
      const excluded = Array.isArray(argument) ? argument : [argument];
      return !excluded.some((x) => (isObject(x) ? matchesValue(x, value) : x === value));
    }
    default:
      throw new Error(`unsupported matcher ${operator}`);
  }
}

/** `*` matches any run of characters; `\*` and `\\` are literal. Case-sensitive, like EventBridge. */
function wildcardToRegExp(wildcard: string): RegExp {
  let body = '';
  for (let i = 0; i < wildcard.length; i++) {
    const c = wildcard[i]!;
    if (c === '\\' && i + 1 < wildcard.length) body += escapeRegExp(wildcard[++i]!);
    else if (c === '*') body += '.*';
    else body += escapeRegExp(c);
  }
  return new RegExp(`^${body}$`, 's');
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
