/**
 * What EventBridge accepts in a rule's event pattern, modelled so that `cdk synth` and the tests
 * refuse a rule that `cdk deploy` would have to roll back.
 *
 * EventBridge refuses a rule whose pattern is "too complex" (`InvalidEventPatternException`). Its
 * matching engine is open source (aws/event-ruler): `Machine.evaluateComplexity` runs
 * `MachineComplexityEvaluator`, which counts, for a worst-case input value, how many states that
 * lead to a wildcard match the traversal can be in at once. Each field has its own byte machine, so
 * the patterns on one field add up and the rule scores the maximum over its fields. Public deploys
 * calibrate the limit: three `*x*` patterns on one field (score 9) were accepted, four (12) refused.
 *
 * The model here:
 * - `*x*` costs 3 (the calibration point); `x*` and `*x` cost 2 and a wildcard without `*` costs 1
 *   (read off the evaluator: one state per star that can be active beside the match).
 * - Any other shape (a `*` inside the text, more than two stars, `anything-but` wildcards) has not
 *   been calibrated, so it throws: measure it against EventBridge before emitting it.
 * - `$or` branches that constrain the same field add up on that field, as they share its machine.
 */

import type { EventPatternJson } from './event-patterns';

/** Highest complexity score a rule may have: the calibrated accepted value. The tests hold every rule to it. */
export const MAX_RULE_WILDCARD_COMPLEXITY = 9;

/**
 * What `eventPatternsFor` packs into one rule: well inside {@link MAX_RULE_WILDCARD_COMPLEXITY},
 * so that neither a small error in the model nor a change on AWS's side breaks a deployment.
 */
export const WILDCARD_COMPLEXITY_BUDGET = 6;

/** EventBridge's quota of rules with wildcard patterns on one event bus. */
export const MAX_WILDCARD_RULES_PER_BUS = 30;

/** EventBridge's default limit on one event pattern, in characters (adjustable up to 4096). */
export const MAX_EVENT_PATTERN_LENGTH = 2048;

/** The score of one wildcard pattern string, per the model above. Throws on an uncalibrated shape. */
export function wildcardCost(wildcard: string): number {
  const stars: number[] = [];
  for (let i = 0; i < wildcard.length; i++) {
    if (wildcard[i] === '\\') i++;
    else if (wildcard[i] === '*') stars.push(i);
  }
  const leading = stars.includes(0);
  const trailing = stars.includes(wildcard.length - 1) && wildcard.length > 1;
  const inner = stars.filter((i) => i !== 0 && i !== wildcard.length - 1);
  if (inner.length > 0 || wildcard === '*' || wildcard === '**') {
    throw new Error(`wildcard ${JSON.stringify(wildcard)} has a shape the EventBridge complexity model is not calibrated for`);
  }
  return 1 + (leading ? 1 : 0) + (trailing ? 1 : 0);
}

/** Complexity of one field: the wildcard costs of every matcher on it, added up. */
export interface FieldComplexity {
  /** Dotted path of the field, e.g. `detail.userAgent`. */
  readonly field: string;
  readonly score: number;
}

/**
 * The rule's complexity score (the highest of its fields) and the fields that carry wildcards.
 *
 * @throws Error when the pattern holds a wildcard shape the model is not calibrated for.
 * @example
 * eventPatternComplexity({ detail: { userAgent: [{ wildcard: '*kali*' }, { wildcard: '*KALI*' }] } }).score // 6
 */
export function eventPatternComplexity(pattern: EventPatternJson): { score: number; fields: FieldComplexity[] } {
  const byField = new Map<string, number>();
  collect(pattern, [], byField);
  const fields = [...byField].map(([field, score]) => ({ field, score }));
  return { score: Math.max(0, ...fields.map((f) => f.score)), fields };
}

/**
 * Every way `pattern` breaks what EventBridge accepts, in words (empty when it is fine): its
 * length, and its wildcard complexity against {@link MAX_RULE_WILDCARD_COMPLEXITY}.
 */
export function eventPatternProblems(pattern: EventPatternJson): string[] {
  const problems: string[] = [];
  const length = JSON.stringify(pattern).length;
  if (length > MAX_EVENT_PATTERN_LENGTH) problems.push(`pattern is ${length} characters, over EventBridge's ${MAX_EVENT_PATTERN_LENGTH}`);
  try {
    const { score, fields } = eventPatternComplexity(pattern);
    if (score > MAX_RULE_WILDCARD_COMPLEXITY) {
      const worst = fields.filter((f) => f.score === score).map((f) => f.field);
      problems.push(`wildcard complexity ${score} on ${worst.join(', ')}, over the ${MAX_RULE_WILDCARD_COMPLEXITY} EventBridge accepts`);
    }
  } catch (error) {
    problems.push((error as Error).message);
  }
  return problems;
}

/** Whether the pattern uses wildcards at all (such rules count against {@link MAX_WILDCARD_RULES_PER_BUS}). */
export function usesWildcards(pattern: EventPatternJson): boolean {
  return JSON.stringify(pattern).includes('"wildcard"');
}

function collect(node: unknown, path: readonly string[], byField: Map<string, number>): void {
  if (Array.isArray(node)) {
    const field = path.join('.');
    const cost = node.reduce<number>((sum, matcher) => sum + matcherCost(matcher, field), 0);
    if (cost > 0) byField.set(field, (byField.get(field) ?? 0) + cost);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$or' && Array.isArray(value)) for (const branch of value) collect(branch, path, byField);
    else collect(value, [...path, key], byField);
  }
}

function matcherCost(matcher: unknown, field: string): number {
  if (typeof matcher !== 'object' || matcher === null) return 0;
  const entries = Object.entries(matcher);
  const wildcard = entries.find(([operator]) => operator === 'wildcard');
  if (wildcard) {
    if (typeof wildcard[1] !== 'string') throw new Error(`wildcard on ${field} must be a string`);
    return wildcardCost(wildcard[1]);
  }
  if (JSON.stringify(matcher).includes('"wildcard"')) {
    throw new Error(
      `${JSON.stringify(matcher)} on ${field} nests a wildcard, which the EventBridge complexity model is not calibrated for`,
    );
  }
  return 0;
}
