/**
 * The AWS integration suite (`npm run test:aws`): test/aws/ against moto's server mode, started
 * once per run by the global setup. Real SDK clients reach it through AWS_ENDPOINT_URL only.
 */
const base = require('./jest.config.cjs');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/aws'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/aws/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/aws/support/global-teardown.ts',
  testTimeout: 60000,
};
