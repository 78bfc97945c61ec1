#!/usr/bin/env node
import { createIamAlertsApp } from '../app';

/**
 * The CDK app of `npx cdk deploy` (settings by `-c key=value` or the environment, see
 * docs/DEPLOY.md). This deploy-time program is the one place besides app/config.ts that reads
 * `process.env`: it is not part of the Lambda runtime, whose settings the stack passes as
 * function environment.
 */
createIamAlertsApp({ env: process.env });
