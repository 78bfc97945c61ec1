import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Stage } from 'aws-cdk-lib';
import { createIamAlertsApp } from '../infra/app';

/**
 * `npm run member-template`: writes the member-account template, the one the organization's
 * service-managed StackSet deploys (docs/DEPLOY.md, "Deploy to an organization"), as compact JSON
 * that `aws cloudformation create-stack-set --template-body file://…` accepts (at most 51,200
 * bytes). It is the template `cdk synth` puts in `cdk.out/assembly-OrgMember/`, built from the
 * same settings as the central stack (cdk.json's context, `-c key=value`, then the environment):
 * the rules file, the stack name and the protected users shape it.
 *
 *   npm run member-template -- [-c protectedIamUsers=break-glass] [--out cdk.out/iam-alerts-member.template.json]
 */

export const DEFAULT_MEMBER_TEMPLATE_FILE = 'cdk.out/iam-alerts-member.template.json';

/** CloudFormation's limit on a template passed inline (`--template-body`). */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

/**
 * Synthesizes the app (functions not bundled: the member template has none) and returns the
 * member-account template as compact JSON.
 * @throws Error when settings are invalid or synth finds a problem (cdk-nag, EventBridge limits).
 */
export function memberTemplateJson(options: { context?: Record<string, unknown>; env?: Record<string, string | undefined> }): string {
  const projectRoot = resolve(__dirname, '..');
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const { app, member } = createIamAlertsApp({
    context: { ...cdkJson.context, ...options.context, 'aws:cdk:bundling-stacks': [] },
    outdir: mkdtempSync(join(tmpdir(), 'iam-alerts-member-')),
    env: options.env,
    stackProps: { projectRoot },
  });
  app.synth();
  const stageDir = Stage.of(member)!.outdir;
  return JSON.stringify(JSON.parse(readFileSync(join(stageDir, member.templateFile), 'utf8')));
}

/** `-c key=value` pairs as a context object. */
export function contextFromArgs(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`-c expects key=value, got ${pair}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: { context: { type: 'string', short: 'c', multiple: true }, out: { type: 'string', default: DEFAULT_MEMBER_TEMPLATE_FILE } },
  });
  const json = memberTemplateJson({ context: contextFromArgs(values.context ?? []), env: process.env });
  const path = resolve(values.out!);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${json}\n`);
  const bytes = Buffer.byteLength(json);
  console.log(
    bytes <= MAX_TEMPLATE_BODY_BYTES
      ? `${path}: ${bytes} bytes. Deploy it with: aws cloudformation create-stack-set --template-body file://${path} … (docs/DEPLOY.md)`
      : `${path}: ${bytes} bytes, over the ${MAX_TEMPLATE_BODY_BYTES} CloudFormation takes inline: upload it to S3 and pass --template-url instead (docs/DEPLOY.md)`,
  );
}

if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`npm run member-template: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
