import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCatalog, DEFAULT_CATALOG, loadCatalog } from '../../app/catalog/catalog-config';
import { DEFAULT_RULES } from '../../app/catalog/default-catalog';
import { alertRuleSchema } from '../../app/catalog/rule';

describe('the default catalog', () => {
  it('is valid data with unique rule IDs', () => {
    for (const rule of DEFAULT_RULES) expect(alertRuleSchema.safeParse(rule).success).toBe(true);
    const ids = DEFAULT_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('covers every IAM write the product promises', () => {
    const names = new Set(DEFAULT_RULES.flatMap((r) => (r.match.kind === 'api-call' ? r.match.eventNames : [])));
    const promised = `CreateUser DeleteUser CreateLoginProfile UpdateLoginProfile DeleteLoginProfile CreateAccessKey UpdateAccessKey
      DeleteAccessKey AttachUserPolicy DetachUserPolicy PutUserPolicy DeleteUserPolicy AddUserToGroup RemoveUserFromGroup CreateGroup
      DeleteGroup AttachGroupPolicy PutGroupPolicy CreateRole AttachRolePolicy PutRolePolicy UpdateAssumeRolePolicy CreatePolicyVersion
      SetDefaultPolicyVersion PutUserPermissionsBoundary DeleteUserPermissionsBoundary PutRolePermissionsBoundary
      DeleteRolePermissionsBoundary DeactivateMFADevice DeleteVirtualMFADevice CreateSAMLProvider UpdateSAMLProvider DeleteSAMLProvider
      CreateOpenIDConnectProvider UpdateAccountPasswordPolicy DeleteAccountPasswordPolicy StopLogging DeleteTrail UpdateTrail`.split(/\s+/);
    expect(promised.filter((n) => !names.has(n))).toEqual([]);
  });

  it('watches the audit and detection tooling (issue 12)', () => {
    const watched = new Set(
      DEFAULT_RULES.flatMap(({ match }) => (match.kind === 'api-call' ? match.eventNames.map((n) => `${match.eventSource} ${n}`) : [])),
    );
    const promised = `cloudtrail PutEventSelectors, cloudtrail PutInsightSelectors, cloudtrail DeleteEventDataStore,
      cloudtrail StopEventDataStoreIngestion, guardduty DeleteDetector, guardduty UpdateDetector,
      guardduty DisassociateFromMasterAccount, guardduty DisassociateFromAdministratorAccount, guardduty DisassociateMembers,
      guardduty DeleteMembers, guardduty DeletePublishingDestination, guardduty UpdatePublishingDestination, guardduty CreateFilter,
      guardduty UpdateFilter, securityhub DisableSecurityHub, securityhub BatchDisableStandards, securityhub BatchUpdateFindings,
      securityhub UpdateFindings, config StopConfigurationRecorder, config DeleteConfigurationRecorder, config DeleteDeliveryChannel,
      access-analyzer DeleteAnalyzer, access-analyzer CreateArchiveRule, ec2 DeleteFlowLogs, logs DeleteLogGroup,
      organizations LeaveOrganization, organizations DetachPolicy, organizations DeletePolicy, organizations DisablePolicyType,
      account EnableRegion, account DisableRegion, iam EnableMFADevice, iam UpdateUser, iam UploadSSHPublicKey,
      iam UploadSigningCertificate, rolesanywhere CreateTrustAnchor, rolesanywhere UpdateTrustAnchor, rolesanywhere CreateProfile,
      rolesanywhere UpdateProfile, signin GetSigninToken`
      .split(',')
      .map((s) => s.trim().replace(' ', '.amazonaws.com '));
    expect(promised.filter((n) => !watched.has(n))).toEqual([]);
  });
});

describe('buildCatalog', () => {
  it('adds rules, removes events and changes severities', () => {
    const catalog = buildCatalog({
      rules: {
        add: [
          {
            id: 'kms-schedule-key-deletion',
            title: 'KMS key deletion scheduled',
            severity: 'high',
            why: 'Destroys everything encrypted with the key.',
            match: { kind: 'api-call', eventSource: 'kms.amazonaws.com', eventNames: ['ScheduleKeyDeletion'] },
          },
        ],
        disable: ['DeleteAccessKey', 'offensive-tool-user-agent'],
        severity: { 'iam-create-user': 'high' },
      },
    });
    expect(catalog.rules.find((r) => r.id === 'kms-schedule-key-deletion')).toBeDefined();
    expect(catalog.rules.find((r) => r.id === 'iam-delete-access-key')).toBeUndefined();
    expect(catalog.rules.find((r) => r.id === 'offensive-tool-user-agent')).toBeUndefined();
    expect(catalog.rules.find((r) => r.id === 'iam-create-user')?.severity).toBe('high');
  });

  it('adds rules with request conditions and content checks, as the default catalog has them', () => {
    const catalog = loadCatalog(
      writeRules(
        [
          'rules:',
          '  add:',
          '    - id: logs-org-trail-log-group',
          '      title: Organization trail log group changed',
          '      severity: high',
          '      why: Our organization trail sends here.',
          '      match:',
          '        kind: api-call',
          '        eventSource: logs.amazonaws.com',
          '        eventNames: [DeleteLogGroup, PutRetentionPolicy]',
          '        requestParameters: { logGroupName: [org-trail-logs, { prefix: "org-trail-" }] }',
          '    - id: mfa-for-others-in-admin-tooling',
          '      title: MFA device registered for another user (admin tooling)',
          '      severity: medium',
          '      why: test',
          '      match: { kind: api-call, eventSource: iam.amazonaws.com, eventNames: [EnableMFADevice], check: for-another-user }',
        ].join('\n'),
      ),
    );
    expect(catalog.rules.find((r) => r.id === 'logs-org-trail-log-group')?.match).toEqual({
      kind: 'api-call',
      eventSource: 'logs.amazonaws.com',
      eventNames: ['DeleteLogGroup', 'PutRetentionPolicy'],
      requestParameters: { logGroupName: ['org-trail-logs', { prefix: 'org-trail-' }] },
    });
    expect(catalog.rules.find((r) => r.id === 'mfa-for-others-in-admin-tooling')?.match).toMatchObject({ check: 'for-another-user' });
  });

  it.each([
    [{ rules: { severity: { CreateUser: 'urgent' } } }, /rules\.severity\.CreateUser/],
    [{ rules: { add: [addedRule({ check: 'is-evil' })] } }, /rules\.add\.0\.match\.check/],
    [{ rules: { add: [addedRule({ requestParameters: { 'a..b': ['x'] } })] } }, /expected a dotted path into requestParameters/],
    [{ rules: { add: [addedRule({ requestParameters: { enable: [] } })] } }, /rules\.add\.0\.match\.requestParameters\.enable/],
    [{ rules: { add: [addedRule({ requestParameters: {} })] } }, /name at least one request parameter/],
    [{ rules: { disable: ['NoSuchEvent'] } }, /"NoSuchEvent" is neither a rule id nor an event name/],
    [{ mute: [{ reason: 'nothing to match' }] }, /a mute needs at least one of/],
    [{ mute: [{ account: '12' }] }, /12-digit account ID/],
    [{ rulez: {} }, /rulez|Unrecognized key/i],
    [{ rules: { add: [{ ...DEFAULT_RULES[2] }] } }, /already exists/],
  ])('rejects a bad config with a clear message (%#)', (config, message) => {
    expect(() => buildCatalog(config, 'test config')).toThrow(message);
    expect(() => buildCatalog(config, 'test config')).toThrow(/^test config is invalid/);
  });
});

function addedRule(match: Record<string, unknown>) {
  return {
    id: 'x-rule',
    title: 'A rule',
    severity: 'low',
    why: 'test',
    match: { kind: 'api-call', eventSource: 'guardduty.amazonaws.com', eventNames: ['UpdateDetector'], ...match },
  };
}

function writeRules(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'iam-alerts-rules-')), 'rules.yml');
  writeFileSync(path, text);
  return path;
}

describe('loadCatalog', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iam-alerts-catalog-'));

  it('returns the default catalog without a file', () => {
    expect(loadCatalog(undefined)).toBe(DEFAULT_CATALOG);
  });

  it('reads YAML', () => {
    const path = join(dir, 'rules.yml');
    writeFileSync(path, 'mute:\n  - userAgent: "*Terraform*"\n    reason: CI\n');
    expect(loadCatalog(path).mutes).toEqual([{ userAgent: '*Terraform*', reason: 'CI' }]);
  });

  it('names the file when it is missing or malformed', () => {
    expect(() => loadCatalog(join(dir, 'missing.yml'))).toThrow(/cannot read alert rules file .*missing\.yml/);
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'rules: [unclosed');
    expect(() => loadCatalog(bad)).toThrow(/bad\.yml is not valid YAML/);
  });
});
