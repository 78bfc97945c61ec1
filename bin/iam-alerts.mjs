#!/usr/bin/env node
// The `iam-alerts` command (`npx iam-alerts ...` in the repository). The CLI is TypeScript; tsx's
// CommonJS API loads it on the fly, so there is no build step to forget.
import { require as tsxRequire } from 'tsx/cjs/api';

const { runCli } = tsxRequire('../cli/main.ts', import.meta.url);
await runCli(process.argv.slice(2));
