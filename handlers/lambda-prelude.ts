import { installSourceMappedStacks } from './source-mapped-stacks';

/**
 * Runs first in every Lambda bundle (esbuild `inject`, `infra/constructs/bundling.ts`): stack traces
 * mapped to the TypeScript sources when an error is logged. In a bundle, `__filename` is the bundle
 * itself (esbuild keeps Node's CommonJS variables as they are), beside which its map is deployed.
 */
installSourceMappedStacks(__filename);
