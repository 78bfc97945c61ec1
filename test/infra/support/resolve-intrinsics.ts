/**
 * Resolves the CloudFormation intrinsics a synthesized event pattern may hold (`Ref` of the pseudo
 * parameters, `Fn::Join`) the way CloudFormation would for one account and region, so that a test
 * can match events against the pattern, or put it on moto's EventBridge, exactly as deployed.
 * Throws on anything else: a pattern must not depend on another resource.
 */
export function resolveIntrinsics<T>(value: T, env: { account: string; region: string; partition?: string }): T {
  const pseudo: Record<string, string> = {
    'AWS::AccountId': env.account,
    'AWS::Region': env.region,
    'AWS::Partition': env.partition ?? 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const entries = Object.entries(node as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0]!;
      if (key === 'Ref') {
        const resolved = pseudo[String(arg)];
        if (resolved === undefined) throw new Error(`pattern refers to ${String(arg)}`);
        return resolved;
      }
      if (key === 'Fn::Join') {
        const [separator, parts] = arg as [string, unknown[]];
        return parts.map((part) => String(walk(part))).join(separator);
      }
      if (key.startsWith('Fn::')) throw new Error(`pattern uses ${key}`);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, walk(v)]));
  };
  return walk(value) as T;
}
