import { App, Stack } from 'aws-cdk-lib';
import { CfnRule } from 'aws-cdk-lib/aws-events';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { buildCatalog } from '../../app/catalog/catalog-config';
import { eventPatternsFor } from '../../app/catalog/event-patterns';
import { CatalogRules, eventRuleLimitProblems, planRules } from '../../infra/constructs/catalog-rules';

/** A stack holding only the catalog's rules, synthesized the way `cdk synth` runs validations. */
function synthRules(tools: string[] = ['Sliver']) {
  const app = new App();
  const stack = new Stack(app, 'Limits', { env: { account: '123456789012', region: 'us-east-1' } });
  const catalog = buildCatalog({
    rules: {
      add: [
        {
          id: 'many-tools',
          title: 'Many tools',
          severity: 'high',
          why: 'test',
          match: { kind: 'offensive-user-agent', eventSources: ['iam.amazonaws.com'], userAgentContains: tools },
        },
      ],
    },
  });
  const planned = planRules(stack, { namePrefix: 'Limits', patterns: eventPatternsFor(catalog) });
  new CatalogRules(stack, 'Rules', { planned, topic: new Topic(stack, 'Topic'), deadLetterQueue: new Queue(stack, 'Dlq') });
  return { app, stack };
}

describe('eventRuleLimitProblems (checked on every synth)', () => {
  it('passes the default catalog with an extra tool', () => {
    const { app, stack } = synthRules();

    expect(eventRuleLimitProblems(stack)).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  it('stops synth, naming the limit, when the catalog needs more wildcard rules than one bus allows', () => {
    // Each tool name needs two rules (three casings of cost 3 against a budget of 6).
    const tools = Array.from({ length: 12 }, (_, i) => `Tool${String.fromCharCode(65 + i)}`);
    const { app, stack } = synthRules(tools);

    expect(eventRuleLimitProblems(stack)).toEqual([
      expect.stringMatching(/^\d+ rules with wildcards on the default event bus, over EventBridge's 30$/),
    ]);
    expect(() => app.synth()).toThrow(/rules with wildcards on the default event bus/);
  });

  it('stops synth on any rule in the stack that EventBridge would refuse as too complex, naming it', () => {
    const { app, stack } = synthRules();
    new CfnRule(stack, 'HandWritten', {
      name: 'Limits-hand-written',
      eventPattern: { detail: { userAgent: ['a', 'b', 'c', 'd'].map((n) => ({ wildcard: `*${n}*` })) } },
    });

    expect(eventRuleLimitProblems(stack)).toEqual([
      'EventBridge rule Limits-hand-written: wildcard complexity 12 on detail.userAgent, over the 9 EventBridge accepts',
    ]);
    expect(() => app.synth()).toThrow(/Limits-hand-written/);
  });
});
