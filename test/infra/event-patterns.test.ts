import { buildCatalog, DEFAULT_CATALOG } from '../../app/catalog/catalog-config';
import { eventPatternComplexity, eventPatternProblems, WILDCARD_COMPLEXITY_BUDGET } from '../../app/catalog/event-pattern-limits';
import { eventBridgeSource, eventPatternsFor, MAX_EVENT_PATTERN_LENGTH } from '../../app/catalog/event-patterns';

describe('eventPatternsFor', () => {
  it('gives every catalog rule a pattern, and every pattern a rule', () => {
    const patterns = eventPatternsFor(DEFAULT_CATALOG);

    const covered = new Set(patterns.flatMap((p) => p.ruleIds));
    expect([...covered].sort()).toEqual(DEFAULT_CATALOG.rules.map((r) => r.id).sort());
    expect(new Set(patterns.map((p) => p.id)).size).toBe(patterns.length);
  });

  it('names every catalogued IAM call in the IAM pattern, and keeps root out of it', () => {
    const iam = eventPatternsFor(DEFAULT_CATALOG).find((p) => p.id === 'api-calls-iam')!;
    const names = DEFAULT_CATALOG.rules.flatMap((r) =>
      r.match.kind === 'api-call' && r.match.eventSource === 'iam.amazonaws.com' ? r.match.eventNames : [],
    );

    expect(iam.pattern).toMatchObject({
      source: ['aws.iam'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['iam.amazonaws.com'], userIdentity: { type: [{ 'anything-but': ['Root'] }] } },
    });
    expect([...(iam.pattern.detail as { eventName: string[] }).eventName].sort()).toEqual([...new Set(names)].sort());
  });

  it('splits a service whose names would exceed the pattern size limit', () => {
    const eventNames = Array.from({ length: 150 }, (_, i) => `PutSomethingRatherLongNumber${i}`);
    const catalog = buildCatalog({
      rules: {
        add: [
          {
            id: 'many',
            title: 'Many calls',
            severity: 'low',
            why: 'test',
            match: { kind: 'api-call', eventSource: 'kms.amazonaws.com', eventNames },
          },
        ],
      },
    });

    const kms = eventPatternsFor(catalog).filter((p) => p.ruleIds.includes('many'));

    expect(kms.length).toBeGreaterThan(1);
    expect(kms.map((p) => p.id)).toEqual(kms.map((_, i) => `api-calls-kms-${i + 1}`));
    for (const p of kms) expect(JSON.stringify(p.pattern).length).toBeLessThanOrEqual(MAX_EVENT_PATTERN_LENGTH);
    expect(kms.flatMap((p) => (p.pattern.detail as { eventName: string[] }).eventName)).toEqual(eventNames);
  });

  it('follows the catalog: a disabled event leaves the pattern', () => {
    const catalog = buildCatalog({ rules: { disable: ['CreateUser', 'cloudtrail-stop-logging'] } });

    const patterns = eventPatternsFor(catalog);

    expect(JSON.stringify(patterns)).not.toContain('"CreateUser"');
    expect(JSON.stringify(patterns)).not.toContain('"StopLogging"');
  });

  it('watches read-only calls only for offensive tools, in three casings, and for calls named Get... (GetSigninToken)', () => {
    const patterns = eventPatternsFor(DEFAULT_CATALOG);
    const readOnly = patterns.filter((p) => p.includeReadOnlyEvents && p.id !== 'api-calls-signin');

    expect(eventPatternsFor(DEFAULT_CATALOG).find((p) => p.id === 'api-calls-signin')).toMatchObject({
      includeReadOnlyEvents: true,
      ruleIds: ['signin-token-outside-console'],
    });
    expect(readOnly.every((p) => p.ruleIds.join() === 'offensive-tool-user-agent')).toBe(true);
    const agents = JSON.stringify(readOnly.map((p) => p.pattern));
    for (const variant of ['*TruffleHog*', '*trufflehog*', '*TRUFFLEHOG*', '*S3 Browser*', '*s3 browser*', '*kali*', '*KALI*']) {
      expect(agents).toContain(`"${variant}"`);
    }
  });

  it('gives each tool its own user-agent rules, each well inside the EventBridge complexity limit', () => {
    const readOnly = eventPatternsFor(DEFAULT_CATALOG).filter((p) => p.userAgents);

    expect(readOnly.map((p) => p.id)).toEqual([
      'offensive-tool-user-agent-trufflehog',
      'offensive-tool-user-agent-trufflehog-2',
      'offensive-tool-user-agent-pacu',
      'offensive-tool-user-agent-pacu-2',
      'offensive-tool-user-agent-s3-browser',
      'offensive-tool-user-agent-s3-browser-2',
      'offensive-tool-user-agent-kali',
      'offensive-tool-user-agent-parrot',
    ]);
    for (const p of readOnly) {
      expect(eventPatternComplexity(p.pattern).score).toBeGreaterThan(0);
      expect(eventPatternComplexity(p.pattern).score).toBeLessThanOrEqual(WILDCARD_COMPLEXITY_BUDGET);
    }
    // Every other pattern has no wildcard at all.
    for (const p of eventPatternsFor(DEFAULT_CATALOG).filter((q) => !q.userAgents)) {
      expect(eventPatternComplexity(p.pattern).score).toBe(0);
    }
  });

  it('gives a rule with request conditions a pattern of its own that carries them, and keeps its calls out of the service group', () => {
    const patterns = eventPatternsFor(DEFAULT_CATALOG);

    expect(patterns.find((p) => p.id === 'guardduty-detector-suspended')).toEqual({
      id: 'guardduty-detector-suspended',
      description: 'iam-alerts: GuardDuty detector suspended (guardduty-detector-suspended)',
      pattern: {
        source: ['aws.guardduty'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['guardduty.amazonaws.com'],
          eventName: ['UpdateDetector'],
          userIdentity: { type: [{ 'anything-but': ['Root'] }] },
          requestParameters: { enable: [false] },
        },
      },
      ruleIds: ['guardduty-detector-suspended'],
      includeReadOnlyEvents: false,
    });
    expect(patterns.find((p) => p.id === 'securityhub-findings-suppressed')?.pattern.detail).toMatchObject({
      requestParameters: { Workflow: { Status: ['SUPPRESSED'] } },
    });
    expect(patterns.find((p) => p.id === 'logs-trail-log-group-changed')?.pattern.detail).toMatchObject({
      requestParameters: { logGroupName: [{ prefix: 'aws-cloudtrail-logs-' }, { prefix: 'CloudTrail/' }] },
    });
    const guardduty = patterns.find((p) => p.id === 'api-calls-guardduty')!;
    expect((guardduty.pattern.detail as { eventName: string[] }).eventName).not.toContain('UpdateDetector');
    expect(guardduty.ruleIds).not.toContain('guardduty-detector-suspended');
    expect(patterns.some((p) => p.id === 'api-calls-logs')).toBe(false);
  });

  it("lets an operator's rule carry request conditions, such as the log groups of their own trails", () => {
    const catalog = buildCatalog({
      rules: {
        add: [
          {
            id: 'logs-org-trail-log-group',
            title: "Organization trail's log group changed",
            severity: 'high',
            why: 'Our organization trail sends to this log group.',
            match: {
              kind: 'api-call',
              eventSource: 'logs.amazonaws.com',
              eventNames: ['DeleteLogGroup', 'PutRetentionPolicy'],
              requestParameters: { logGroupName: ['org-trail-logs'] },
            },
          },
        ],
      },
    });

    const pattern = eventPatternsFor(catalog).find((p) => p.id === 'logs-org-trail-log-group');

    expect(pattern?.pattern.detail).toMatchObject({
      eventName: ['DeleteLogGroup', 'PutRetentionPolicy'],
      requestParameters: { logGroupName: ['org-trail-logs'] },
    });
  });

  it('names no detail-type for sign-in events, which CloudTrail publishes as either, and takes them from any identity', () => {
    const signin = eventPatternsFor(DEFAULT_CATALOG).find((p) => p.id === 'api-calls-signin')!;

    // root-activity takes no sign-in step (SIGN_IN_STEPS), so root's GetSigninToken comes here.
    expect(signin.pattern).toEqual({
      source: ['aws.signin'],
      detail: { eventSource: ['signin.amazonaws.com'], eventName: ['GetSigninToken'] },
    });
  });

  it('keeps every default pattern within the size and complexity EventBridge accepts', () => {
    for (const p of eventPatternsFor(DEFAULT_CATALOG)) {
      expect({ id: p.id, problems: eventPatternProblems(p.pattern) }).toEqual({ id: p.id, problems: [] });
    }
  });

  it('derives the EventBridge source from the service host', () => {
    expect(eventBridgeSource('iam.amazonaws.com')).toBe('aws.iam');
    expect(eventBridgeSource('sso-directory.amazonaws.com')).toBe('aws.sso-directory');
  });
});
