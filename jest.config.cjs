/** Jest runs TypeScript through SWC (type-checking is `npm run typecheck`'s job, so tests stay fast). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/aws/ is the integration suite against moto (npm run test:aws, jest.aws.config.cjs).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/aws/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  testTimeout: 30000,
};
