import type { SESv2Client } from '@aws-sdk/client-sesv2';

/** Loaded on first use: onboarding is off by default, and the notifier's cold start should not pay for @aws-sdk/client-sesv2. */
const sesSdk = () => import('@aws-sdk/client-sesv2');

/**
 * The sign-in details by email (ONBOARDING_DELIVERY `email` or `both`), as the system iam-alerts grew
 * from sent them: text and HTML, with the password in the body. That is the trade: the password then
 * rests in a mailbox and crosses mail servers, where nobody can delete it after first sign-in (README
 * and docs/DEPLOY.md say so). Slack delivery keeps it out of every history instead.
 */

export interface SignInEmailView {
  userName: string;
  accountId: string;
  signInUrl: string;
  createdBy: string;
  password: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Subject, plain text and HTML of the email. Pure; every value is escaped in the HTML. */
export function renderSignInEmail(view: SignInEmailView): RenderedEmail {
  const subject = `Your AWS console sign-in (account ${view.accountId})`;
  const text = [
    `${view.createdBy} created an IAM user for you in AWS account ${view.accountId}.`,
    '',
    `Sign-in URL: ${view.signInUrl}`,
    `User name:   ${view.userName}`,
    `Password:    ${view.password}`,
    '',
    'AWS asks you to choose a new password when you first sign in. Then delete this email.',
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family: sans-serif">',
    `<p>${html_(view.createdBy)} created an IAM user for you in AWS account ${html_(view.accountId)}.</p>`,
    '<table>',
    `<tr><td>Sign-in URL</td><td><a href="${html_(view.signInUrl)}">${html_(view.signInUrl)}</a></td></tr>`,
    `<tr><td>User name</td><td><code>${html_(view.userName)}</code></td></tr>`,
    `<tr><td>Password</td><td><code>${html_(view.password)}</code></td></tr>`,
    '</table>',
    '<p>AWS asks you to choose a new password when you first sign in. Then delete this email.</p>',
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

function html_(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Sends the email through SES (v2 SendEmail) from the one verified identity.
 * @throws the SES error (MessageRejected when the identity is not verified, AccessDenied, ...).
 */
export async function sendSignInEmail(ses: SESv2Client, from: string, to: string, email: RenderedEmail): Promise<void> {
  await ses.send(
    new (await sesSdk()).SendEmailCommand({
      FromEmailAddress: from,
      Destination: { ToAddresses: [to] },
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
        },
      },
    }),
  );
}
