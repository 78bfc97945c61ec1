import { contextFromArgs, MAX_TEMPLATE_BODY_BYTES, memberTemplateJson } from '../../scripts/write-member-template';

describe('npm run member-template', () => {
  it('writes the member template as compact JSON, from the same settings as the central stack', () => {
    const json = memberTemplateJson({ context: contextFromArgs(['protectedIamUsers=break-glass', 'stackName=Sec']), env: {} });
    const template = JSON.parse(json);

    expect(json).not.toContain('\n');
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MAX_TEMPLATE_BODY_BYTES);
    expect(Object.keys(template.Parameters).sort()).toEqual(['CentralAccountId', 'CentralSlackRoleArn', 'OrganizationId']);
    expect(json).toContain('"RoleName":"IamAlertsResponder"');
    expect(json).toContain(':user/break-glass"');
    expect(json).toContain('"Name":"Sec-org-iam-user-sign-in-without-mfa"');
  });

  it('refuses a -c without key=value', () => {
    expect(contextFromArgs(['a=b=c'])).toEqual({ a: 'b=c' });
    expect(() => contextFromArgs(['nokey'])).toThrow(/-c expects key=value, got nokey/);
  });
});
